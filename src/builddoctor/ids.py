"""Finding ids: the known ones, "did you mean", and silencing findings (`--ignore`, pyproject).

Ignored findings are never silent: the report counts them. An id may be exact (`host.emulated`) or
a glob over ids (`cc.*`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from ._record import replace
from .errors import UserError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .check import CheckResult
    from .rules.model import Finding


def known_ids() -> list[str]:
    """Every finding id builddoctor can report (each has a long form in `builddoctor explain`)."""
    from .knowledge import problems
    from .rules.explain import EXPLAIN
    from .rules.explain_cc import EXPLAIN_CC

    return sorted({*EXPLAIN, *EXPLAIN_CC, *(p.finding_id for p in problems())})


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to a mistyped word, or None when nothing is close."""
    import difflib

    pool = list(choices)
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not close and "." in word:  # "emulated" for "host.emulated": compare the part after the dot
        tails = {c.split(".", 1)[-1]: c for c in pool}
        near = difflib.get_close_matches(word.split(".", 1)[-1], list(tails), n=1, cutoff=0.75)
        close = [tails[near[0]]] if near else []
    elif not close:
        tails = {c.split(".", 1)[-1]: c for c in pool}
        near = difflib.get_close_matches(word, list(tails), n=1, cutoff=0.75)
        close = [tails[near[0]]] if near else []
    return close[0] if close else None


def unknown_id_error(word: str, what: str = "finding id") -> UserError:
    guess = did_you_mean(word, known_ids())
    hint = f"; did you mean {guess!r}?" if guess else ""
    return UserError(f"unknown {what} {word!r}{hint}", tip="'builddoctor explain' lists the finding ids")


def _is_glob(word: str) -> bool:
    return any(c in word for c in "*?[")


def parse_ignores(values: Sequence[str]) -> list[str]:
    """--ignore values (repeatable, comma-separated), each checked against the known ids."""
    if not values:
        return []
    import fnmatch

    ids = known_ids()
    out: list[str] = []
    for value in values:
        for word in (w.strip() for w in value.split(",")):
            if not word:
                continue
            if _is_glob(word):
                if not fnmatch.filter(ids, word):
                    raise unknown_id_error(word, "finding id pattern")
            elif word not in ids:
                raise unknown_id_error(word)
            out.append(word)
    return out


def project_ignores(pyproject_text: str) -> tuple[list[str], list[str]]:
    """([tool.builddoctor] ignore, unknown ids in it) from a pyproject.toml's text."""
    from ._compat.tomllib import loads

    if not pyproject_text:
        return [], []
    try:
        doc = loads(pyproject_text)
    except ValueError:
        return [], []
    tool = doc.get("tool", {}).get("builddoctor", {}) if isinstance(doc.get("tool"), dict) else {}
    raw = tool.get("ignore", []) if isinstance(tool, dict) else []
    words = [w.strip() for w in raw if isinstance(w, str) and w.strip()] if isinstance(raw, list) else []
    import fnmatch

    ids = known_ids()
    unknown = [w for w in words if not (fnmatch.filter(ids, w) if _is_glob(w) else w in ids)]
    return [w for w in words if w not in unknown], unknown


def apply_ignores(result: CheckResult, patterns: Sequence[str]) -> CheckResult:
    """The result without the findings matching `patterns`, their ids kept in `result.ignored`."""
    if not patterns:
        return result
    import fnmatch

    d = result.diagnosis
    keep: list[Finding] = []
    dropped: list[Finding] = []
    for f in d.findings:
        (dropped if any(fnmatch.fnmatchcase(f.id, p) for p in patterns) else keep).append(f)
    if not dropped:
        return result
    return replace(result, diagnosis=replace(d, findings=keep),
                   ignored=tuple(result.ignored) + tuple(f.id for f in dropped))
