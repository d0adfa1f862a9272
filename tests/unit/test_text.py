"""The string code that replaced the regexes every check ran (issue 16) answers as those regexes
did, on generated inputs made of the characters that matter (digits, dots, dashes, slashes...)."""
from __future__ import annotations

import random
import re

import pytest

from builddoctor import _text
from builddoctor.machine.redact import literal_heads
from builddoctor.probes.cc import compiler_kind
from builddoctor.probes.cross import cpuinfo_family
from builddoctor.probes.interpreter import _is_version, _payload
from builddoctor.probes.rust import _is_triple
from builddoctor.probes.tools import canonical

RNG = random.Random(16)


def words(alphabet: str, n: int = 3000, longest: int = 12) -> list[str]:
    out = ["", *alphabet]
    for _ in range(n):
        out.append("".join(RNG.choice(alphabet) for _ in range(RNG.randint(1, longest))))
    return out


def test_dotted_numbers_as_the_regexes_said() -> None:
    for w in words("0123456789.t-x"):
        assert _text.is_digits(w) == bool(re.fullmatch(r"[0-9]+", w)), w
        assert _text.is_dotted(w, 1, 3) == bool(re.fullmatch(r"[0-9]+(\.[0-9]+){0,2}", w)), w
        assert _text.is_dotted(w, 2, 3) == bool(re.fullmatch(r"[0-9]+\.[0-9]+(\.[0-9]+)?", w)), w
        assert _text.is_dotted(w) == bool(re.fullmatch(r"[0-9]+(\.[0-9]+)*", w)), w
        assert _is_version(w) == bool(re.fullmatch(r"[0-9]+(\.[0-9]+){0,2}t?", w)), w
        m = re.match(r"([0-9]+)\.([0-9]+)", w)
        assert _text.major_minor(w) == ((int(m.group(1)), int(m.group(2))) if m else None), w
        assert _text.leading_digits(w) == re.match(r"[0-9]*", w).group(0)  # type: ignore[union-attr]


def test_paths_names_and_triples_as_the_regexes_said() -> None:
    for w in words("ab/\\.-_c"):
        assert _text.last_path_part(w) == re.split(r"[\\/]", w)[-1], w
        assert _text.squeeze(w, "-_.", "-") == re.sub(r"[-_.]+", "-", w), w
        assert canonical(w) == re.sub(r"[-_.]+", "-", w).lower(), w
    for w in words("ax86_-.9A"):
        assert _is_triple(w) == bool(re.fullmatch(r"[a-z0-9_]+(-[a-z0-9_.]+){1,4}", w)), w


def test_compiler_kind_as_the_regex_said() -> None:
    pieces = ["gcc", "g++", "cc", "c++", "-", "12", ".", "3", "x86_64-linux-gnu", "lang", "ar"]
    for _ in range(3000):
        base = "".join(RNG.choice(pieces) for _ in range(RNG.randint(1, 5)))
        if "clang" in base or base == "cl":
            continue
        want = "gcc" if re.search(r"(^|-)(gcc|g\+\+|cc|c\+\+)(-\d+(\.\d+)*)?$", base) else "unknown"
        assert compiler_kind("/usr/bin/" + base) == want, base


def test_probe_payload_is_the_last_sentinel_to_the_last_end() -> None:
    sentinel = re.compile(r"@@BUILDDOCTOR@@(\{.*\})@@END@@", re.S)
    pieces = ["@@BUILDDOCTOR@@", "{", "}", "@@END@@", "x", "\n", '{"a": 1}']
    for _ in range(3000):
        text = "".join(RNG.choice(pieces) for _ in range(RNG.randint(0, 8)))
        start = text.rfind("@@BUILDDOCTOR@@{")
        m = sentinel.match(text, start) if start >= 0 else None
        assert _payload(text) == (m.group(1) if m else None), text


def test_cpuinfo_keys_as_the_regex_said() -> None:
    arm = "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n"
    x86 = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme\n"
    assert cpuinfo_family(arm) != cpuinfo_family(x86)
    for text in (arm, x86, " : x\n:y\nz\n", ""):
        keys = {m.group(1).strip() for m in re.finditer(r"^([^:\n]+?)\s*:", text, re.M)}
        ours = {k.strip() for k, c, _ in (line.partition(":") for line in text.split("\n")) if c and k}
        assert ours == keys


@pytest.mark.parametrize(("pattern", "heads"), [
    (r"SG\.[A-Za-z0-9_\-]{22}", ["SG."]),
    (r"hv[sbr]\.[A-Za-z0-9_\-]{24,}", ["hvs.", "hvb.", "hvr."]),
    (r"ab\.?c", []),  # the escaped dot is optional: only "ab" is certain, too short to gate on
    (r"x[^a]yz", []),
])
def test_escaped_literals_extend_a_credential_shapes_heads(pattern: str, heads: list[str]) -> None:
    assert literal_heads(pattern) == heads

