"""THE one place dependency markers (PEP 508) are evaluated."""
from __future__ import annotations

from collections.abc import Mapping


def evaluate(marker: str | None, env: Mapping[str, object], *, lock_file: bool = False) -> bool | None:
    """A marker's truth in `env` (an interpreter's marker environment); None when it cannot be told.

    An empty marker is true. `lock_file` evaluates in packaging's "lock_file" context (pylock.toml's
    `extras` / `dependency_groups` sets), falling back to the plain context on packaging < 25.
    """
    if not marker:
        return True
    from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName

    try:
        parsed = Marker(marker)
    except InvalidMarker:
        return None
    try:
        if lock_file:
            try:
                return bool(parsed.evaluate(dict(env), "lock_file"))  # type: ignore[arg-type]
            except TypeError:  # packaging < 25 has no context argument
                pass
        return bool(parsed.evaluate(dict(env)))  # type: ignore[arg-type]
    except (UndefinedComparison, UndefinedEnvironmentName, TypeError, ValueError, KeyError):
        return None
