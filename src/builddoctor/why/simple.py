"""Parse a project page of a simple repository: PEP 691 JSON, PEP 503 HTML, or a find-links folder."""
from __future__ import annotations

import json
import tarfile
import zipfile
from email.parser import HeaderParser
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import UserError
from .dists import canonical, parse_file
from .model import DistFile

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPE = "application/vnd.pypi.simple.v1+html"


def parse_json(body: bytes, where: str) -> list[DistFile]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"the package index returned invalid JSON at {where}: {exc}") from None
    except RecursionError:
        raise UserError(f"the package index returned JSON nested too deeply at {where}") from None
    files = data.get("files") if isinstance(data, dict) else None
    version = str((data.get("meta") or {}).get("api-version", "1.0")) if isinstance(data, dict) else ""
    if not isinstance(files, list) or not version.startswith("1."):
        raise UserError(f"the package index returned JSON that is not a PEP 691 project page at {where}")
    out: list[DistFile] = []
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("filename"), str):
            raise UserError(f"the package index returned a malformed PEP 691 file entry at {where}")
        rp = entry.get("requires-python")
        f = parse_file(entry["filename"], requires_python=rp if isinstance(rp, str) else None,
                       yanked=bool(entry.get("yanked")))
        if f is not None:
            out.append(f)
    return out


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open = dict(attrs)
            self._open["#text"] = ""
            self.anchors.append(self._open)

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["#text"] = (self._open.get("#text") or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None


def parse_html(body: bytes, where: str, charset: str = "utf-8") -> list[DistFile]:
    try:
        text = body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    parser = _Anchors()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:
        raise UserError(f"the package index returned unreadable HTML at {where}: {exc}") from None
    out: list[DistFile] = []
    for a in parser.anchors:
        href = a.get("href") or ""
        name = unquote(urlsplit(href).path.rsplit("/", 1)[-1]) or (a.get("#text") or "").strip()
        f = parse_file(name, requires_python=a.get("data-requires-python"), yanked="data-yanked" in a)
        if f is not None:
            out.append(f)
    if not out:
        raise UserError(
            f"the package index returned an HTML page with no distribution links at {where} "
            "(not a PEP 503 simple page: a proxy or login page?)"
        )
    return out


def parse_body(body: bytes, content_type: str, where: str) -> list[DistFile]:
    """Dispatch on Content-Type, sniffing when the server does not say."""
    ctype = content_type.split(";", maxsplit=1)[0].strip().lower()
    charset = "utf-8"
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip('"') or "utf-8"
    if ctype.endswith("json"):
        return parse_json(body, where)
    if "html" in ctype:
        return parse_html(body, where, charset)
    head = body.lstrip()[:1]
    if head == b"{":
        return parse_json(body, where)
    if head == b"<":
        return parse_html(body, where, charset)
    raise UserError(f"the package index returned {ctype or 'an unknown type'}, not a simple page, at {where}")


def folder_files(folder: Path, name: str) -> list[DistFile]:
    """The wheels and sdists of one project in a --find-links folder (Requires-Python read from them)."""
    want = canonical(name)
    out: list[DistFile] = []
    for path in sorted(folder.iterdir()):
        f = parse_file(path.name) if path.is_file() else None
        if f is None or f.name != want:
            continue
        rp = _requires_python(path, f.kind)
        out.append(DistFile(f.filename, f.name, f.version, f.kind, f.tags, rp, False))
    return out


def _requires_python(path: Path, kind: str) -> str | None:
    try:
        raw = _metadata_bytes(path, kind)
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError):
        return None
    if raw is None:
        return None
    headers: Any = HeaderParser().parsestr(raw.decode("utf-8", errors="replace"))
    value = headers.get("Requires-Python")
    return str(value).strip() if value else None


def _metadata_bytes(path: Path, kind: str) -> bytes | None:
    if kind == "wheel":
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                parts = member.split("/")
                if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "METADATA":
                    return zf.read(member)[:65536]
        return None
    if path.name.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                if member.count("/") == 1 and member.endswith("/PKG-INFO"):
                    return zf.read(member)[:65536]
        return None
    with tarfile.open(path) as tf:
        for info in tf:
            if info.isfile() and info.name.count("/") == 1 and info.name.endswith("/PKG-INFO"):
                fh = tf.extractfile(info)
                return fh.read(65536) if fh else None
    return None
