"""`record` behaves like the frozen dataclasses it replaced: the same class, declared both ways, gives
the same answers (construction, defaults, equality, hashing, repr, replace, asdict, errors)."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from builddoctor._record import FrozenInstanceError, asdict, field, fields, record, replace


def _pair(frozen: bool = True):  # the same class as a dataclass and as a record
    def body(ns):
        ns["__annotations__"] = {"name": "str", "version": "str", "items": "tuple[str, ...]",
                                 "env": "dict[str, str]", "note": "str"}
        ns["version"] = ""
        ns["items"] = ()
        ns["env"] = (dataclasses.field if ns["_dc"] else field)(default_factory=dict)
        ns["note"] = (dataclasses.field if ns["_dc"] else field)(default="", compare=False)

    def make(dc):
        ns = {"_dc": dc}
        body(ns)
        del ns["_dc"]
        cls = type("Tool", (), ns)
        return dataclasses.dataclass(frozen=frozen)(cls) if dc else record(frozen=frozen)(cls)

    return make(True), make(False)


def test_construction_defaults_and_factories_match_dataclasses():
    dc, rec = _pair()
    for args, kwargs in [(("cmake",), {}), (("cmake", "3.31"), {"items": ("a",)}), ((), {"name": "x", "note": "n"})]:
        a, b = dc(*args, **kwargs), rec(*args, **kwargs)
        assert repr(a) == repr(b)
        assert dataclasses.asdict(a) == asdict(b)
    assert rec("a").env is not rec("a").env  # a fresh dict from the factory each time
    assert [f.name for f in fields(rec)] == [f.name for f in dataclasses.fields(dc)]
    assert rec.version == dc.version == ""  # the class attribute is the default, as in dataclasses


def test_equality_and_hash_use_the_compared_fields_only():
    _, rec = _pair()
    assert rec("a", note="x") == rec("a", note="y")
    assert rec("a") != rec("b")
    assert rec("a").__eq__(("a",)) is NotImplemented
    dc, _ = _pair()
    for cls in (dc, rec):  # a dict field makes both unhashable
        with pytest.raises(TypeError, match="unhashable"):
            hash(cls("a"))
    frozen_no_dict = record(type("P", (), {"__annotations__": {"a": "int", "b": "str"}, "b": "z"}))
    assert len({frozen_no_dict(1), frozen_no_dict(1), frozen_no_dict(2)}) == 2
    mutable = record(frozen=False)(type("M", (), {"__annotations__": {"a": "int"}}))
    with pytest.raises(TypeError, match="unhashable"):
        hash(mutable(1))


def test_frozen_records_refuse_assignment_and_mutable_ones_allow_it():
    _, rec = _pair()
    obj = rec("a")
    with pytest.raises(FrozenInstanceError):
        obj.name = "b"
    with pytest.raises(FrozenInstanceError):
        del obj.name
    assert isinstance(FrozenInstanceError("x"), AttributeError)
    _, mutable = _pair(frozen=False)
    m = mutable("a")
    m.name = "b"
    assert m.name == "b"


def test_replace_copies_with_changes_and_rejects_unknown_fields():
    _, rec = _pair()
    a = rec("a", "1", ("x",))
    b = replace(a, version="2")
    assert (b.name, b.version, b.items, a.version) == ("a", "2", ("x",), "1")
    with pytest.raises(TypeError, match="colour"):
        replace(a, colour="red")


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((), {}, "missing required argument.*'name'"),
    (("a", "1", (), {}, "n", "extra"), {}, "positional arguments"),
    (("a",), {"name": "b"}, "multiple values for argument 'name'"),
    (("a",), {"colour": "red"}, "unexpected keyword argument 'colour'"),
])
def test_wrong_calls_fail_like_a_dataclass_would(args, kwargs, message):
    _, rec = _pair()
    with pytest.raises(TypeError, match=message):
        rec(*args, **kwargs)


def test_a_required_field_after_a_defaulted_one_is_refused_at_definition():
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument 'a'"):
        record(type("Bad", (), {"__annotations__": {"a": "int", "b": "int"}, "a": 1}))


def test_nested_records_convert_with_asdict():
    from builddoctor.facts import HostFacts, InterpreterFacts

    i = InterpreterFacts(requested="python3", markers={"os_name": "posix"}, libc=("glibc", "2.36"))
    d = asdict(i)
    assert d["markers"] == {"os_name": "posix"} and d["libc"] == ("glibc", "2.36")
    host = HostFacts(os="linux", arch="x86_64", source="uname")
    assert replace(host, arch="aarch64").arch == "aarch64" and host.arch == "x86_64"


def test_importing_the_fact_types_does_not_import_dataclasses():
    """The point of `record`: the check's types cost no `dataclasses`/`inspect` import."""
    src = str(Path(__file__).resolve().parents[2] / "src")
    code = ("import sys; import builddoctor.facts, builddoctor.rules.model, builddoctor.target; "
            "print(sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {src!r}); {code}"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.strip() == "[]"
