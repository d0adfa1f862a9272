"""A credential shape is only looked for in texts holding one of its literal heads: the heads must be
what every match starts with, or a credential would slip through unmasked."""
from __future__ import annotations

import re

from builddoctor._data import table
from builddoctor.machine.redact import literal_heads, scrub_secrets


def test_every_example_starts_with_one_of_its_shapes_heads_and_is_masked():
    for shape in table("secrets")["shape"]:
        heads = literal_heads(shape["pattern"])
        example = shape["example"]
        assert re.match(shape["pattern"], example), shape["name"]
        if heads:
            assert example.startswith(tuple(heads)), (shape["name"], heads)
        assert example not in scrub_secrets(f"x {example} y"), shape["name"]


def test_heads_of_pattern_shapes():
    assert literal_heads("ghp_[A-Za-z0-9]{36}") == ["ghp_"]
    assert literal_heads("[sr]k_(live|test)_[0-9]") == ["sk_live_", "sk_test_", "rk_live_", "rk_test_"]
    assert literal_heads("abcd?e") == ["abc"]  # the optional d is not required
    assert literal_heads("(ab|cd)[0-9]") == []  # too short to gate on
    assert literal_heads("[a-z]+secret") == []  # a range is not a plain choice
    assert literal_heads("xyz(a|b)?tail") == ["xyz"]
