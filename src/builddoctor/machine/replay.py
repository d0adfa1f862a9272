"""Answer every read from a snapshot file: diagnose a recorded machine on any OS."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from .._text import is_digits, program_name
from ..arch import OSES
from ..errors import UserError
from ..proc_result import DEFAULT_TIMEOUT, ProcResult
from .base import EARLIER_ARGS, SCHEMA, Machine, run_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


MAX_SNAPSHOT = 256 * 1024 * 1024  # a real snapshot is well under 1 MB; /dev/zero is endless


def _read_snapshot(p: str) -> bytes:
    """The file's bytes; `-` is standard input. Only regular files: a FIFO or /dev/zero never ends."""
    import os
    import stat
    import sys

    if str(p) == "-":
        data = sys.stdin.buffer.read(MAX_SNAPSHOT + 1)
    else:
        try:
            st = os.stat(p)
        except OSError as exc:
            raise UserError(f"cannot read snapshot {p}: {exc.strerror or exc}") from None
        if not stat.S_ISREG(st.st_mode):
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file (a pipe or a device?)"
            raise UserError(f"cannot read snapshot {p}: it is {kind}; give a file, or '-' for standard input")
        try:
            with open(p, "rb") as fh:
                data = fh.read(MAX_SNAPSHOT + 1)
        except OSError as exc:
            raise UserError(f"cannot read snapshot {p}: {exc.strerror or exc}") from None
    if len(data) > MAX_SNAPSHOT:
        raise UserError(f"{p} is not a builddoctor snapshot: larger than {MAX_SNAPSHOT // 2**20} MB")
    return data


def load_snapshot(path: str | Path) -> dict[str, Any]:
    """Read and validate a snapshot file; any problem is a one-line UserError."""
    p = str(path)
    raw = _read_snapshot(p)
    name = "standard input" if str(p) == "-" else str(p)
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{name} is not a builddoctor snapshot: not JSON ({exc.__class__.__name__})") from None
    except RecursionError:
        raise UserError(f"{name} is not a builddoctor snapshot: JSON nested too deeply") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("schema"), str):
        raise UserError(f"{name} is not a builddoctor snapshot: no 'schema' field")
    if doc["schema"] != SCHEMA:
        raise UserError(f"{name} has snapshot schema {doc['schema']!r}; this builddoctor reads {SCHEMA!r}")
    if doc.get("os") not in OSES or not isinstance(doc.get("reads"), dict):
        raise UserError(f"{name} is not a valid builddoctor snapshot: 'os' or 'reads' missing or wrong")
    inv = doc.get("invocation")
    if inv is not None and (not isinstance(inv, dict)
                            or any(v is not None and not isinstance(v, str) for v in inv.values())):
        raise UserError(f"{name} is not a valid builddoctor snapshot: 'invocation' must map names to strings")
    return doc


#: reads every diagnosis rests on: a snapshot without them is damaged, not merely older
ESSENTIAL = ("env", "home", "uname_machine", "run python-probe ")


_B64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


class ReplayMachine(Machine):
    concurrent = False  # answers come from a dict: threads would only add their start-up cost
    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        os_name = str(doc["os"])
        if os_name not in OSES:  # load_snapshot refuses these; a hand-made doc gets the same answer
            raise UserError(f"not a valid builddoctor snapshot: os {os_name!r}")
        self.os = os_name
        self._reads: Mapping[str, Any] = doc["reads"]
        self.missing: list[str] = []  # reads the probes asked for that the snapshot does not have
        self.damaged: list[str] = []  # reads present with a value of the wrong type

    def today(self) -> str:
        created = self.doc.get("created")
        if not isinstance(created, str):
            return ""
        day = created[:10]  # YYYY-MM-DD
        dated = len(day) == 10 and day[4] == day[7] == "-" and is_digits(day[:4] + day[5:7] + day[8:10])
        return day if dated else ""

    def _get(self, key: str, default: Any = None) -> Any:
        if key not in self._reads:
            self.missing.append(key)
        return self._reads.get(key, default)

    def _typed(self, key: str, value: Any, *types: type) -> bool:
        ok = value is None or isinstance(value, types)
        if not ok:
            self.damaged.append(key)
        return ok and value is not None

    def problems(self) -> list[str]:
        """What makes a replay of this snapshot untrustworthy: damaged reads, missing essential ones."""
        out = [f"{key!r} has a value of the wrong type" for key in dict.fromkeys(self.damaged)]
        out += [f"{key!r} is missing" for key in dict.fromkeys(self.missing) if key.startswith(ESSENTIAL)]
        return out

    def env(self) -> Mapping[str, str]:
        value = self._get("env", {})
        if not self._typed("env", value, dict):
            return {}
        return {str(k): str(v) for k, v in value.items() if v is not None}

    def which(self, name: str) -> str | None:
        value = self._get(f"which {name}")
        return value if self._typed(f"which {name}", value, str) else None

    def run(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, key: str | None = None,
            env: Mapping[str, str] | None = None) -> ProcResult:
        found = run_key(argv, key, env)
        if found not in self._reads and argv and key is None and not env:
            name = program_name(argv[0])
            then = EARLIER_ARGS.get((name, tuple(argv[1:])))
            if then is not None and run_key([argv[0], *then], None) in self._reads:
                found = run_key([argv[0], *then], None)
        value = self._get(found)
        if not self._typed(found, value, dict):
            return ProcResult(tuple(argv), None, "", "", "not-found")
        return ProcResult.from_json(value)

    def read_text(self, path: str, limit: int = 1 << 20) -> str | None:
        value = self._get(f"read_text {path}")
        return value[:limit] if self._typed(f"read_text {path}", value, str) else None

    def read_head(self, path: str, size: int = 1 << 16) -> bytes | None:
        import binascii

        value = self._get(f"read_head {path}")
        if not self._typed(f"read_head {path}", value, str):
            return None
        # base64.b64decode(value, validate=True) without importing base64 (and struct): only the
        # alphabet, then at most two '=' of padding
        digits = value.rstrip("=")
        if len(value) - len(digits) > 2 or not _B64_ALPHABET.issuperset(digits):
            return None
        try:
            return binascii.a2b_base64(value)[:size]
        except (binascii.Error, ValueError):
            return None

    def is_file(self, path: str) -> bool:
        return self._get(f"is_file {path}") is True

    def is_dir(self, path: str) -> bool:
        return self._get(f"is_dir {path}") is True

    def listdir(self, path: str) -> list[str] | None:
        value = self._get(f"listdir {path}")
        return [str(v) for v in value] if self._typed(f"listdir {path}", value, list) else None

    def index_files(self, name: str) -> list[dict[str, object]] | None:
        value = self._get(f"index {name}")
        if not isinstance(value, list):
            return None
        return [dict(v) for v in value
                if isinstance(v, dict) and (isinstance(v.get("filename"), str) or isinstance(v.get("error"), str))]

    def uname_machine(self) -> str:
        return str(self._get("uname_machine", "") or "")

    def native_machine(self) -> int | None:
        value = self._get("native_machine")
        return value if isinstance(value, int) else None

    def proc_translated(self) -> int | None:
        value = self._get("proc_translated")
        return value if isinstance(value, int) else None

    def home_shape(self) -> dict[str, object]:
        shape = self.doc.get("home_shape")
        return dict(shape) if isinstance(shape, dict) else {}

    def home(self) -> str:
        value = self._get("home")
        return value if self._typed("home", value, str) else "~"
