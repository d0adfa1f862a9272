"""`record`: the dataclasses builddoctor needs, built in microseconds.

`dataclasses.dataclass` writes the source of `__init__`, `__repr__`, `__eq__`, `__hash__` and the
frozen `__setattr__`/`__delattr__` of every class and compiles it with `exec` when the module is
imported: about 0.4 ms a class, and `import dataclasses` pulls in `inspect`, `ast` and `dis`. With
the 90-odd fact, finding and plan types that made up more than half of `check --replay`'s start-up
(issue 16). `record` gives the same behaviour with generic methods shared by every class, so a
class costs one dictionary: the per-instance cost is a little higher (a loop instead of straight-line
code), which nothing here notices (a check builds a few hundred instances).

What it supports is exactly what builddoctor uses, each checked against `dataclasses` by
tests/unit/test_record.py: `@record` (frozen, the default) and `@record(frozen=False)`;
annotated fields in order, with a plain default or `field(default=..., default_factory=...,
compare=..., hash=..., repr=...)`; equality and (frozen) hashing over the compared fields; a
dataclass-style repr; `replace`, `asdict` and `fields`. No inheritance between records, no
`__post_init__`, no slots. Type checkers see a dataclass (PEP 681 `dataclass_transform`).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from typing_extensions import dataclass_transform

    T = TypeVar("T")

__all__ = ["asdict", "field", "fields", "record", "replace"]

_MISSING: Any = object()


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record (the same message as dataclasses')."""


class Field:
    __slots__ = ("compare", "default", "default_factory", "hash", "name", "repr")

    def __init__(self, default: Any, default_factory: Any, compare: bool, hash: bool | None, repr: bool) -> None:
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.hash = compare if hash is None else hash
        self.repr = repr

    def __repr__(self) -> str:
        return f"Field(name={self.name!r})"


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] = _MISSING, compare: bool = True,
          hash: bool | None = None, repr: bool = True) -> Any:
    """A field with a default made by `default_factory`, or left out of equality, hashing or repr."""
    return Field(default, default_factory, compare, hash, repr)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    spec = _spec(self)
    names = spec.names
    if len(args) > len(names):
        raise TypeError(f"{spec.qualname}() takes {len(names)} positional arguments but {len(args)} were given")
    put = object.__setattr__
    for name, value in zip(names, args):
        put(self, name, value)
    if kwargs:
        for name in names[:len(args)]:
            if name in kwargs:
                raise TypeError(f"{spec.qualname}() got multiple values for argument {name!r}")
    missing = []
    for name in names[len(args):]:
        if name in kwargs:
            put(self, name, kwargs[name])
            continue
        default = spec.defaults.get(name, _MISSING)
        if default is not _MISSING:
            put(self, name, default)
            continue
        factory = spec.factories.get(name)
        if factory is not None:
            put(self, name, factory())
        else:
            missing.append(name)
    if missing:
        raise TypeError(f"{spec.qualname}() missing required argument(s): {', '.join(map(repr, missing))}")
    if len(kwargs) > len(names) - len(args) or not set(kwargs) <= spec.name_set:
        extra = sorted(set(kwargs) - spec.name_set)
        raise TypeError(f"{spec.qualname}() got an unexpected keyword argument {extra[0]!r}")


def _repr(self: Any) -> str:
    spec = _spec(self)
    inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in spec.repr_names)
    return f"{spec.qualname}({inner})"


def _eq(self: Any, other: object) -> Any:  # bool, or NotImplemented
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = _spec(self).compare_names
    return tuple([getattr(self, n) for n in names]) == tuple([getattr(other, n) for n in names])


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, n) for n in _spec(self).hash_names))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


class _Spec:
    __slots__ = ("compare_names", "defaults", "factories", "fields", "hash_names", "name_set", "names", "qualname",
                 "repr_names")

    def __init__(self, cls: type) -> None:
        self.qualname = cls.__qualname__
        self.fields: dict[str, Field] = {}
        self.defaults: dict[str, Any] = {}
        self.factories: dict[str, Callable[[], Any]] = {}
        seen_default = ""
        # the class's own annotations (strings: every module here uses `from __future__ import annotations`)
        annotations = getattr(cls, "__annotations__", {})  # records do not inherit: these are its own
        for name, annotation in annotations.items():
            if isinstance(annotation, str) and annotation.startswith(("ClassVar", "typing.ClassVar")):
                continue
            value = cls.__dict__.get(name, _MISSING)
            spec = value if isinstance(value, Field) else Field(value, _MISSING, True, None, True)
            spec.name = name
            self.fields[name] = spec
            if spec.default is not _MISSING:
                self.defaults[name] = spec.default
                setattr(cls, name, spec.default)  # the class attribute stays the default, as in dataclasses
            elif spec.default_factory is not _MISSING:
                self.factories[name] = spec.default_factory
                if isinstance(value, Field):
                    delattr(cls, name)
            if spec.default is _MISSING and spec.default_factory is _MISSING and seen_default:
                raise TypeError(f"non-default argument {name!r} follows default argument {seen_default!r}")
            if spec.default is not _MISSING or spec.default_factory is not _MISSING:
                seen_default = name
        self.names = tuple(self.fields)
        self.name_set = frozenset(self.names)
        self.compare_names = tuple(n for n, f in self.fields.items() if f.compare)
        self.hash_names = tuple(n for n, f in self.fields.items() if f.hash)
        self.repr_names = tuple(n for n, f in self.fields.items() if f.repr)


def _make(cls: type[T], frozen: bool) -> type[T]:
    methods: dict[str, Any] = {"__record__": _Spec(cls), "__init__": _init, "__eq__": _eq}
    if "__repr__" not in cls.__dict__:
        methods["__repr__"] = _repr
    if frozen:
        methods.update(__hash__=_hash, __setattr__=_frozen_setattr, __delattr__=_frozen_delattr)
    else:
        methods["__hash__"] = None  # mutable and compared: unhashable, as in dataclasses
    for name, value in methods.items():
        setattr(cls, name, value)
    return cls


def _spec(obj: Any) -> _Spec:
    spec: _Spec = vars(obj if isinstance(obj, type) else type(obj))["__record__"]
    return spec


if TYPE_CHECKING:
    @dataclass_transform(frozen_default=True, field_specifiers=(field,))
    def record(cls: type[T] | None = None, /, *, frozen: bool = True) -> Any: ...
else:
    def record(cls=None, /, *, frozen=True):
        """Make `cls` a record (frozen unless `frozen=False`); usable as `@record` or `@record(...)`."""
        if cls is None:
            return lambda c: _make(c, frozen)
        return _make(cls, frozen)


def fields(obj: Any) -> tuple[Field, ...]:
    """The fields of a record (class or instance), in order."""
    return tuple(_spec(obj).fields.values())


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record `obj` with `changes` applied (dataclasses.replace)."""
    spec = _spec(obj)
    unknown = set(changes) - spec.name_set
    if unknown:
        raise TypeError(f"{spec.qualname}.__init__() got an unexpected keyword argument {sorted(unknown)[0]!r}")
    values = {name: changes[name] if name in changes else getattr(obj, name) for name in spec.names}
    return type(obj)(**values)


def asdict(obj: Any) -> dict[str, Any]:
    """The record as a dict, nested records, lists, tuples and dicts converted too (dataclasses.asdict)."""
    return {name: _plain(getattr(obj, name)) for name in _spec(obj).names}


def _plain(value: Any) -> Any:
    if hasattr(type(value), "__record__") and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*[_plain(v) for v in value])
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return type(value)((_plain(k), _plain(v)) for k, v in value.items())
    return value
