"""The one error type a person sees, and the exit codes the CLI maps it to."""
from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1  # check found errors
EXIT_USAGE = 2  # bad arguments or unreadable input
EXIT_UNSAFE_SDIST = 3
EXIT_PROJECT = 4
EXIT_BACKEND = 5
EXIT_OUTPUT = 6
EXIT_TIMEOUT = 7
EXIT_INTERNAL = 70  # a bug in builddoctor (EX_SOFTWARE); every path a user can reach must avoid it
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)


class UserError(Exception):
    """Something the user gave us is bad; the message is one line written for a person."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, exit_code: int | None = None, tip: str | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
        self.tip = tip

    @property
    def message(self) -> str:
        return " ".join(str(self).split())
