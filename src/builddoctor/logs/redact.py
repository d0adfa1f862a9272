"""Nothing from a log is shown unredacted: home folders (and so user names) and secrets are masked.

Reuses the snapshot's secret patterns (machine/redact.py); adds what only logs have: home folders
of someone else's machine, and `NAME = value` dumps of secret-named variables.
"""
from __future__ import annotations

import re

from ..machine.redact import _SECRET_NAME, REDACTED, scrub_secrets

# C:\Users\<name>\..., C:/Users/<name>/..., /home/<name>/..., /Users/<name>/...
_WIN_HOME = re.compile(r"(?i)\b[A-Z]:[\\/]+(?:Users|Documents and Settings)[\\/]+(?P<user>[^\\/\s\"'`;:*?<>|)]+)")
_POSIX_HOME = re.compile(r"(?<![\w.])/(?:home|Users)/(?P<user>[^/\s\"'`;:)]+)")
# a variable dump: NAME = Some(value), NAME=value, NAME: value
_ASSIGN = re.compile(r"\b(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<sep>\s*[=:]\s*)"
                     r"(?P<value>Some\([^)]*\)|\"[^\"]*\"|'[^']*'|\S+)")
_NOT_USERS = {"public", "default", "shared", "all users", "default user"}
MAX_USERS = 16


class LogRedactor:
    """Masks home folders and secrets; remembers the user names it saw so they are masked anywhere."""

    def __init__(self) -> None:
        self.users: list[str] = []
        self._users_re: re.Pattern[str] | None = None

    def learn(self, text: str) -> None:
        for m in (*_WIN_HOME.finditer(text), *_POSIX_HOME.finditer(text)):
            user = m.group("user")
            if len(user) >= 3 and user.lower() not in _NOT_USERS and user not in self.users \
                    and len(self.users) < MAX_USERS and not user.startswith("<"):
                self.users.append(user)
                self._users_re = None

    def text(self, value: str) -> str:
        value = _WIN_HOME.sub("~", value)
        value = _POSIX_HOME.sub("~", value)
        if self.users:
            if self._users_re is None:
                names = sorted(self.users, key=len, reverse=True)
                self._users_re = re.compile("|".join(re.escape(n) for n in names), re.I)
            value = self._users_re.sub("<user>", value)
        value = _ASSIGN.sub(_mask_assignment, value)
        return scrub_secrets(value)


def _mask_assignment(m: re.Match[str]) -> str:
    if not _SECRET_NAME.search(m.group("name")) or m.group("value") in ("None", "Some()"):
        return m.group(0)
    return f"{m.group('name')}{m.group('sep')}{REDACTED}"
