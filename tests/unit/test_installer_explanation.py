"""The one-line error for a failed install carries the installer's own explanation, coloured or not.

The lines are what uv 0.13.9 printed for `uv pip install "setuptools>=999"` here, once plainly and
once under FORCE_COLOR=1 (as CI systems set it), byte for byte.
"""
from __future__ import annotations

from builddoctor.builder.run import installer_explanation

PLAIN = ["error: No solution found when resolving dependencies",
         "  cause: Because only setuptools<=84.2.1 is available and you require setuptools>=999, we can "
         "conclude that your requirements are unsatisfiable."]
COLOURED = ["\x1b[1m\x1b[31merror\x1b[39m\x1b[0m\x1b[1m:\x1b[0m No solution found when resolving dependencies",
            "  \x1b[1m\x1b[31mcause\x1b[39m\x1b[0m\x1b[1m:\x1b[0m Because only setuptools<=84.2.1 is available and "
            "you require setuptools>=999, we can conclude that your requirements are unsatisfiable."]


def test_uv_explanation_in_colour_reads_as_the_plain_one() -> None:
    plain = installer_explanation(["Using Python 3.11.7 environment at: env", *PLAIN])
    assert plain.startswith("error: No solution found") and "setuptools>=999" in plain
    assert installer_explanation(["Using Python 3.11.7 environment at: env", *COLOURED]) == plain
    assert "\x1b" not in installer_explanation(COLOURED)
