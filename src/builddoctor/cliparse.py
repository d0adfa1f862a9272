"""The command line, read without importing argparse when it is plain (issue 16).

argparse, with the gettext and locale modules it loads, was about 5 ms of every run: a tenth of a
replayed check. So each command's options are written once, as the argparse calls they are
(`Options` records them), and:

- `parse_plain` reads a command line made only of the command's exact option names, their values
  and one run of positional words: almost every real command line;
- anything else (`--help`, an abbreviated or unknown option, a value that starts with `-`, `--`,
  a missing or extra word, a value a type or `choices` refuses, two options of an exclusive group)
  gets `None`, and the CLI hands the line to the argparse parser built from the same calls
  (`Options.apply`), so every message, the help and the shell completion stay argparse's.

tests/unit/test_cliparse.py checks, on generated command lines for every command, that whenever
`parse_plain` answers, argparse gives the same namespace.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any

SUPPRESS = "==SUPPRESS=="  # argparse.SUPPRESS: a help text that hides the option
REMAINDER = "..."  # argparse.REMAINDER: every word after the first positional one
_ACTIONS = ("store", "store_true", "store_false", "count", "append")  # what parse_plain reads itself
_KEYWORDS = frozenset({"action", "dest", "default", "type", "metavar", "help", "nargs", "choices"})
_NARGS = (None, "?", "*", "+")


class Namespace:
    """A parsed command line: argparse.Namespace's behaviour (attributes, ==, `in`, repr) without
    importing argparse. argparse fills one too when it parses (`parse_args(namespace=Namespace())`)."""

    def __init__(self, **kwargs: Any) -> None:
        self.__dict__.update(kwargs)

    def __eq__(self, other: object) -> bool:
        return vars(self) == vars(other) if isinstance(other, Namespace) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __contains__(self, key: str) -> bool:
        return key in self.__dict__

    def __repr__(self) -> str:
        return "Namespace(" + ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items()) + ")"

    if TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...


class _Group:
    def __init__(self, owner: Options, index: int) -> None:
        self._owner, self._index = owner, index

    def add_argument(self, *flags: str, **kwargs: Any) -> None:
        self._owner.calls.append((self._index, flags, kwargs))


class Options:
    """One command's options, recorded as the argparse calls that declare them (add_argument,
    add_argument_group, add_mutually_exclusive_group)."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, tuple[str, ...], dict[str, Any]]] = []  # (group or -1, flags, keywords)
        self.groups: list[tuple[bool, tuple[Any, ...], dict[str, Any]]] = []  # (exclusive, args, keywords)

    def add_argument(self, *flags: str, **kwargs: Any) -> None:
        self.calls.append((-1, flags, kwargs))

    def add_argument_group(self, *args: Any, **kwargs: Any) -> _Group:
        self.groups.append((False, args, kwargs))
        return _Group(self, len(self.groups) - 1)

    def add_mutually_exclusive_group(self, **kwargs: Any) -> _Group:
        self.groups.append((True, (), kwargs))
        return _Group(self, len(self.groups) - 1)

    def apply(self, parser: argparse.ArgumentParser) -> None:
        """Declare these options on an argparse parser, in the order they were written."""
        import argparse

        # argparse tells a hidden option by identity (`help is SUPPRESS`): hand it its own constants
        marks = {SUPPRESS: argparse.SUPPRESS, REMAINDER: argparse.REMAINDER}
        groups = [parser.add_mutually_exclusive_group(**kw) if exclusive else parser.add_argument_group(*args, **kw)
                  for exclusive, args, kw in self.groups]
        for group, flags, given in self.calls:
            kwargs = {k: marks.get(v, v) if k in ("help", "nargs") else v for k, v in given.items()}
            (groups[group] if group >= 0 else parser).add_argument(*flags, **kwargs)


class _Arg:
    __slots__ = ("action", "choices", "default", "dest", "exclusive", "nargs", "type")

    def __init__(self, flags: tuple[str, ...], kwargs: dict[str, Any], exclusive: int) -> None:
        self.action = kwargs.get("action", "store")
        self.nargs = kwargs.get("nargs")
        self.type = kwargs.get("type")
        self.choices = kwargs.get("choices")
        self.exclusive = exclusive  # the exclusive group's index, or -1
        if flags[0].startswith("-"):  # argparse: the first long name, else the first short one
            name = next((f for f in flags if f.startswith("--")), flags[0]).lstrip("-")
            self.dest = kwargs.get("dest") or name.replace("-", "_")
            implicit = {"store_true": False, "store_false": True}.get(self.action)
        else:
            self.dest, implicit = flags[0], None
        self.default = kwargs.get("default", implicit)


class _Unplain(Exception):
    """The command line is not plain: argparse reads it."""


def parse_plain(options: Options, argv: Sequence[str]) -> Namespace | None:
    """The namespace argparse would give for `argv` (the words after the command), when the line is
    plain (see the module docstring); None otherwise."""
    try:
        return _parse(options, argv)
    except _Unplain:
        return None


def _parse(options: Options, argv: Sequence[str]) -> Namespace:
    exclusive = {i for i, (is_exclusive, _, _) in enumerate(options.groups) if is_exclusive}
    by_flag: dict[str, _Arg] = {}
    ordered: list[_Arg] = []
    positional: _Arg | None = None
    for group, flags, kwargs in options.calls:
        if not flags or not _KEYWORDS.issuperset(kwargs) or kwargs.get("action", "store") not in _ACTIONS:
            raise _Unplain  # an option this reader does not model: argparse reads the whole line
        arg = _Arg(flags, kwargs, group if group in exclusive else -1)
        ordered.append(arg)
        if flags[0].startswith("-"):
            if arg.nargs is not None:
                raise _Unplain
            by_flag.update(dict.fromkeys(flags, arg))
        elif positional is not None or arg.nargs not in _NARGS:
            raise _Unplain  # a second positional argument, or REMAINDER
        else:
            positional = arg

    values: dict[str, Any] = {}
    given: set[str] = set()
    words: list[str] = []
    runs = 0  # runs of positional words: argparse reads one run as this reader does, more its own way
    after_word = False
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        if not word.startswith("-") or word == "-":  # "-" (standard input) is a word to argparse too
            runs += not after_word
            after_word = True
            words.append(word)
            continue
        after_word = False
        name, eq, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        found = by_flag.get(name)
        if found is None:  # unknown, abbreviated, bundled (-vv), attached (-ofile), or --
            raise _Unplain
        arg = found
        if arg.action in ("store", "append"):
            if eq:
                value = inline
            elif i < len(argv) and not argv[i].startswith("-"):
                value, i = argv[i], i + 1
            else:
                raise _Unplain  # no value, or one argparse could take for an option
            converted = _convert(arg, value)
            if arg.action == "store":
                values[arg.dest] = converted
            else:
                values[arg.dest] = [*values.get(arg.dest, arg.default or []), converted]
        elif eq:
            raise _Unplain  # --json=1: argparse refuses it, in its words
        elif arg.action == "count":
            values[arg.dest] = (values.get(arg.dest, arg.default) or 0) + 1
        else:
            values[arg.dest] = arg.action == "store_true"
        given.add(arg.dest)
    if runs > 1:
        raise _Unplain  # positional words on both sides of an option: argparse decides
    _check_exclusive(ordered, given)

    out: dict[str, Any] = {}
    for arg in ordered:
        if arg is positional:
            out[arg.dest] = _positional(arg, words)
        elif arg.dest in values:
            out[arg.dest] = values[arg.dest]
        elif arg.dest not in out:
            default = arg.default
            out[arg.dest] = _convert(arg, default) if isinstance(default, str) and arg.type else default
    if positional is None and words:
        raise _Unplain
    return Namespace(**out)


def _positional(arg: _Arg, words: list[str]) -> Any:
    nargs = arg.nargs
    if nargs is None:
        if len(words) != 1:
            raise _Unplain
        return _convert(arg, words[0])
    if nargs == "?":
        if len(words) > 1:
            raise _Unplain
        if words:
            return _convert(arg, words[0])
        return _convert(arg, arg.default) if isinstance(arg.default, str) else arg.default
    if nargs == "+" and not words:
        raise _Unplain
    if not words and arg.default is not None:
        return arg.default
    return [_convert(arg, w) for w in words]


def _convert(arg: _Arg, value: str) -> Any:
    if arg.type is not None:
        try:
            value = arg.type(value)
        except Exception:  # argparse says why, in its words
            raise _Unplain from None
    if arg.choices is not None and value not in arg.choices:
        raise _Unplain
    return value


def _check_exclusive(ordered: list[_Arg], given: set[str]) -> None:
    seen: dict[int, str] = {}
    for arg in ordered:
        if arg.exclusive >= 0 and arg.dest in given:
            if arg.exclusive in seen and seen[arg.exclusive] != arg.dest:
                raise _Unplain
            seen[arg.exclusive] = arg.dest
