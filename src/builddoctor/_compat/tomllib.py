"""tomllib on 3.11+, tomli before, imported on the first parse.

Importing tomllib costs several milliseconds (its regexes, datetime); most runs parse no TOML at
all (the tables in toolchains/ come from their cache, see _data.py), so the import waits for the
first `loads`. Its error is re-raised as our `TOMLDecodeError`, a ValueError with the same message,
so `except TOMLDecodeError` works without importing the parser first.
"""
from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["TOMLDecodeError", "loads"]


class TOMLDecodeError(ValueError):
    """The text is not valid TOML (the parser's own message)."""


def loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        from tomllib import TOMLDecodeError as _Error
        from tomllib import loads as _loads
    else:  # pragma: no cover - exercised on 3.9/3.10 tox envs
        from tomli import TOMLDecodeError as _Error  # type: ignore[import-not-found,unused-ignore]
        from tomli import loads as _loads  # type: ignore[import-not-found,unused-ignore]
    try:
        data: dict[str, Any] = _loads(text)
    except _Error as exc:
        raise TOMLDecodeError(str(exc)) from None
    return data
