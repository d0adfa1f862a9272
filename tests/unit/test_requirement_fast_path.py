"""The project probe names plain requirements without packaging (its import costs ~30 ms); whatever
the fast path accepts, packaging must read the same way, and everything else goes to packaging."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement

from builddoctor.probes.project import _PLAIN, _name_and_marker

name = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,8}[A-Za-z0-9])?", fullmatch=True)
version = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,3}(\.\*|a1|rc2|\.post1|\.dev0)?", fullmatch=True)
op = st.sampled_from(["==", "===", "!=", "<", "<=", ">", ">=", "~=", "=", "=>"])
clause = st.builds(lambda o, sp, v: f"{o}{sp}{v}", op, st.sampled_from(["", " "]), version)
extras = st.lists(name, max_size=2).map(lambda xs: f"[{','.join(xs)}]" if xs else "")
marker = st.sampled_from(["", "; python_version < '3.11'", " ; platform_machine == 'ARM64'", ";sys_platform=='win32'"])
requirement = st.builds(lambda n, e, cs, m, pad: pad + n + e + ",".join(cs) + m + pad,
                        name, extras, st.lists(clause, max_size=3), marker, st.sampled_from(["", " "]))


def _packaging(text: str) -> tuple[str, str] | None:
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    return req.name, str(req.marker) if req.marker else ""


@settings(max_examples=800, deadline=None)
@given(requirement)
def test_fast_path_reads_requirements_as_packaging_does(text: str) -> None:
    assert _name_and_marker(text) == _packaging(text)


def test_fast_path_is_taken_for_plain_requirements_only() -> None:
    assert _PLAIN.fullmatch("numpy>=1.20,<2")
    assert _PLAIN.fullmatch("foo[bar, baz] == 1.2")
    for text in ("a ~= 1", "a>=1.0.*", "tomli; python_version < '3.11'", "pkg @ https://x/y.whl", "a (>=1)"):
        assert not _PLAIN.fullmatch(text)
