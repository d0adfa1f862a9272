"""Record every read the probes make, then write it as one redacted snapshot file."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from .. import __version__
from ..binfmt import HEAD_BYTES
from ..proc_result import DEFAULT_TIMEOUT, ProcResult
from .base import SCHEMA, Machine, run_key
from .redact import Redactor, home_shape, minimize_reads, printable_deep

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

HEAD_KEEP = HEAD_BYTES  # machine fields of PE/ELF/Mach-O sit well inside this; strings further on stay out


class RecordingMachine(Machine):
    """Delegates to another machine and keeps each answer under a stable key."""

    def __init__(self, inner: Machine) -> None:
        import threading

        self.inner = inner
        self.os = inner.os
        self.reads: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _keep(self, key: str, value: Any) -> None:
        with self._lock:
            self.reads[key] = value

    def env(self) -> Mapping[str, str]:
        value = self.inner.env()
        self._keep("env", dict(value))
        return value

    def which(self, name: str) -> str | None:
        value = self.inner.which(name)
        self._keep(f"which {name}", value)
        return value

    def run(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, key: str | None = None,
            env: Mapping[str, str] | None = None) -> ProcResult:
        value = self.inner.run(argv, timeout=timeout, key=key, env=env)
        self._keep(run_key(argv, key, env), value.to_json())
        return value

    def read_text(self, path: str, limit: int = 1 << 20) -> str | None:
        value = self.inner.read_text(path, limit)
        self._keep(f"read_text {path}", value)
        return value

    def read_head(self, path: str, size: int = 1 << 16) -> bytes | None:
        import base64

        value = self.inner.read_head(path, size)
        kept = None if value is None else base64.b64encode(value[:HEAD_KEEP]).decode("ascii")
        self._keep(f"read_head {path}", kept)
        return value

    def is_file(self, path: str) -> bool:
        value = self.inner.is_file(path)
        self._keep(f"is_file {path}", value)
        return value

    def is_dir(self, path: str) -> bool:
        value = self.inner.is_dir(path)
        self._keep(f"is_dir {path}", value)
        return value

    def listdir(self, path: str) -> list[str] | None:
        value = self.inner.listdir(path)
        self._keep(f"listdir {path}", value)
        return value

    def index_files(self, name: str) -> list[dict[str, object]] | None:
        value = self.inner.index_files(name)
        if value is not None:
            self._keep(f"index {name}", value)
        return value

    def uname_machine(self) -> str:
        value = self.inner.uname_machine()
        self._keep("uname_machine", value)
        return value

    def native_machine(self) -> int | None:
        value = self.inner.native_machine()
        self._keep("native_machine", value)
        return value

    def proc_translated(self) -> int | None:
        value = self.inner.proc_translated()
        self._keep("proc_translated", value)
        return value

    def home(self) -> str:
        value = self.inner.home()
        self._keep("home", value)
        return value

    def snapshot(self, invocation: Mapping[str, Any]) -> dict[str, Any]:
        """The redacted snapshot document (see docs in README: 'Snapshot files')."""
        import getpass
        import socket
        from datetime import datetime, timezone

        home = self.inner.home()
        try:
            user: str | None = getpass.getuser()
        except (OSError, KeyError, ImportError):
            user = os.environ.get("USERNAME") or os.environ.get("USER")
        redactor = Redactor(home, user, socket.gethostname(), windows=self.os == "windows")
        with self._lock:
            reads = dict(self.reads)
        doc = {
            "schema": SCHEMA,
            "os": self.os,
            "builddoctor": __version__,
            "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "home_shape": home_shape(home),
            "invocation": redactor.deep(dict(invocation)),
            "reads": redactor.deep(minimize_reads(reads)),
        }
        # an undecodable byte of a path becomes the text \xff: a snapshot is always valid UTF-8 JSON
        return dict(printable_deep(doc))
