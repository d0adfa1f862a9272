"""knowledge.contains decides plain release ranges itself (no `packaging` import on a check's path):
its answers must be packaging's, for every version and specifier, plain or not."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from builddoctor.knowledge import contains, problems

release = st.lists(st.integers(0, 12), min_size=1, max_size=4).map(lambda xs: ".".join(map(str, xs)))
odd = st.sampled_from(["1.0rc1", "2.0.0b2", "1.5.post1", "1!1.0", "1.0+local", "0.9.dev3", "1.2.3a1"])
version = st.one_of(release, release, odd)
clause = st.tuples(st.sampled_from(["<", "<=", ">", ">=", "==", "!=", "~="]), st.one_of(release, odd))
spec = st.lists(clause, max_size=3).map(lambda cs: ",".join(f"{op}{v}" for op, v in cs if op != "~=" or "." in v))


@settings(max_examples=600, deadline=None)
@given(version=version, spec=spec, pre=st.booleans())
def test_contains_answers_as_packaging_does(version, spec, pre):
    try:
        expected = SpecifierSet(spec, prereleases=pre or None).contains(Version(version))
    except InvalidSpecifier:
        expected = None
    assert contains(spec, version, prereleases=pre) is expected


def test_every_affected_range_in_the_tables_is_decided_like_packaging():
    for p in problems():
        for v in ("0.1", "1.0", "1.9.4", "3.12.0", "3.13", "22.0", "68.0.0", "1.7.0", "0.20.3", "0.22.0", "2.0"):
            assert contains(p.affected, v) is SpecifierSet(p.affected).contains(Version(v)), (p.id, v)


def test_unparseable_versions_and_specifiers_are_unknown_not_true():
    assert contains(">=1.0", "not-a-version") is None
    assert contains(">=>1", "1.0") is None
