"""Read project pages from the one configured index (urllib only), with an HTTP cache.

Credentials in the index URL are sent as Basic auth to that scheme+host+port only: never to a
redirect target elsewhere, never in a message (user:pass becomes user:****).
"""
from __future__ import annotations

import base64
import hashlib
import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import Message
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit, urlunsplit

from .._record import record
from ..errors import UserError
from ..machine.redact import URL_USERINFO
from .dists import canonical
from .model import DistFile
from .simple import HTML_TYPE, JSON_TYPE, folder_files, parse_body

DEFAULT_INDEX = "https://pypi.org/simple"
ACCEPT = f"{JSON_TYPE}, {HTML_TYPE};q=0.2, text/html;q=0.01"
MAX_BODY = 128 * 1024 * 1024
TOTAL_TIMEOUT = 300.0  # seconds for every index request of one command together


def redact(url: str) -> str:
    """https://user:pass@host -> https://user:****@host; a lone user (often a token) -> ****."""
    def repl(m: re.Match[str]) -> str:
        has_password = ":" in m.group(0)[len(m.group("scheme")):]
        user = m.group("user") if has_password and m.group("user") else "****"
        return m.group("scheme") + (f"{user}:****@" if has_password else f"{user}@")
    return URL_USERINFO.sub(repl, url)


def configured_index(index_url: str | None, env: Mapping[str, str]) -> str:
    for value in (index_url, env.get("UV_DEFAULT_INDEX"), env.get("UV_INDEX_URL"), env.get("PIP_INDEX_URL")):
        if value and value.strip():
            return value.strip()
    return DEFAULT_INDEX


@record
class _Origin:
    scheme: str
    host: str
    port: int | None


def _origin(url: str) -> _Origin:
    parts = urlsplit(url)
    return _Origin(parts.scheme.lower(), (parts.hostname or "").lower(), parts.port)


class _SameOriginAuth(urllib.request.HTTPRedirectHandler):
    """Follow redirects; re-attach credentials only when the redirect stays on the index's origin."""

    def __init__(self, origin: _Origin, auth: str | None) -> None:
        self.origin, self.auth = origin, auth

    def redirect_request(  # noqa: PLR0917 - urllib's signature
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage, newurl: str
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and self.auth and _origin(newurl) == self.origin:
            new.add_unredirected_header("Authorization", self.auth)
        return new


class Index:
    """One simple repository. `project(name)` -> the files, or None when the index has no such project."""

    def __init__(self, url: str, *, timeout: float, cache_dir: Path | None, total_timeout: float | None = None) -> None:
        parts = urlsplit(url)
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        if ":" in (parts.hostname or ""):
            netloc = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
        self.base = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/") + "/", "", ""))
        self.shown = redact(url)
        self.auth: str | None = None
        if parts.username is not None:
            raw = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
            self.auth = "Basic " + base64.b64encode(raw).decode("ascii")
        self.timeout = timeout
        self.total_timeout = total_timeout if total_timeout is not None else TOTAL_TIMEOUT
        self.deadline = time.monotonic() + self.total_timeout
        self.cache = cache_dir / "why-index" if cache_dir is not None else None
        self._opener: urllib.request.OpenerDirector | None = None  # made on the first request
        if parts.scheme not in ("http", "https"):
            raise UserError(f"the index URL must be http(s): {self.shown}")

    def project(self, name: str) -> list[DistFile] | None:
        url = f"{self.base}{canonical(name)}/"
        got = self._get(url)
        if got is None:
            return None
        body, ctype = got
        return parse_body(body, ctype, redact(url))

    # -- HTTP with a validator cache --------------------------------------------------------------
    def _get(self, url: str) -> tuple[bytes, str] | None:
        key = hashlib.sha256(f"{url}|{ACCEPT}".encode()).hexdigest()
        meta = self._load_meta(key)
        if meta is not None and _fresh(meta):
            body = self._load_body(key)
            if body is not None:
                return body, str(meta.get("content_type", ""))
        req = urllib.request.Request(url, headers={"Accept": ACCEPT, "User-Agent": "builddoctor-why"})
        if self.auth:
            req.add_unredirected_header("Authorization", self.auth)
        if meta is not None:
            if meta.get("etag"):
                req.add_header("If-None-Match", str(meta["etag"]))
            if meta.get("last_modified"):
                req.add_header("If-Modified-Since", str(meta["last_modified"]))
        shown = redact(url)
        if self._opener is None:
            # One TLS context for every request: making one reads the system's CA store (~0.1 s each).
            import ssl

            self._opener = urllib.request.build_opener(_SameOriginAuth(_origin(self.base), self.auth),
                                                       urllib.request.HTTPSHandler(context=ssl.create_default_context()))
        started = time.monotonic()
        until = min(started + self.timeout, self.deadline)
        if until <= started:
            raise UserError(f"the package index took more than --total-timeout {self.total_timeout:g}s in all; "
                            f"stopped before {shown}")
        try:
            with self._opener.open(req, timeout=until - started) as resp:
                body = _read_until(resp, until, shown, self.timeout if until < self.deadline else self.total_timeout,
                                   "--timeout" if until < self.deadline else "--total-timeout")
                headers = resp.headers
        except urllib.error.HTTPError as exc:
            if exc.code == 304 and meta is not None:
                cached = self._load_body(key)
                if cached is not None:
                    self._store(key, exc.headers, None, meta)
                    return cached, str(meta.get("content_type", ""))
            if exc.code in (404, 410):
                return None
            raise UserError(f"the package index answered HTTP {exc.code} for {shown}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException, socket.timeout) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise UserError(
                f"cannot reach the package index {self.shown}: {redact(str(reason))} "
                "(offline? pass --index-url or --find-links)"
            ) from None
        if len(body) > MAX_BODY:
            raise UserError(f"the package index sent more than {MAX_BODY // 2**20} MB for {shown}")
        self._store(key, headers, body, None)
        return body, headers.get("Content-Type", "")

    def _load_meta(self, key: str) -> dict[str, Any] | None:
        if self.cache is None:
            return None
        try:
            data = json.loads((self.cache / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        return data if isinstance(data, dict) else None

    def _load_body(self, key: str) -> bytes | None:
        if self.cache is None:
            return None
        try:
            return (self.cache / f"{key}.body").read_bytes()
        except OSError:
            return None

    def _store(self, key: str, headers: Message, body: bytes | None, old: dict[str, Any] | None) -> None:
        if self.cache is None:
            return
        cc = _cache_control(headers.get("Cache-Control", ""))
        if "no-store" in cc:
            return
        meta = dict(old or {})
        meta["stored_at"] = time.time()
        meta["max_age"] = _int(cc.get("max-age"))
        meta["no_cache"] = "no-cache" in cc
        for field, header in (("etag", "ETag"), ("last_modified", "Last-Modified"), ("content_type", "Content-Type")):
            if headers.get(header):
                meta[field] = headers.get(header)
        from ..cache import write_whole

        try:
            self.cache.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # a cache that cannot be written is no cache, not an error
        if body is None or write_whole(str(self.cache / f"{key}.body"), body, mode=0o666):
            write_whole(str(self.cache / f"{key}.json"), json.dumps(meta).encode(), mode=0o666)


def _cache_control(value: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for part in value.split(","):
        k, sep, v = part.strip().partition("=")
        if k:
            out[k.lower()] = v.strip('"') if sep else None
    return out


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _fresh(meta: Mapping[str, Any]) -> bool:
    max_age = meta.get("max_age")
    if meta.get("no_cache") or not isinstance(max_age, int):
        return False
    stored = meta.get("stored_at")
    return isinstance(stored, (int, float)) and 0 <= time.time() - stored < max_age


def _read_until(resp: Any, until: float, shown: str, limit: float, option: str) -> bytes:
    """The body, read in chunks against a wall-clock deadline (a socket timeout only bounds each read,
    so an index sending a byte every half second would otherwise never time out)."""
    sock = getattr(getattr(resp.fp, "raw", None), "_sock", None) if getattr(resp, "fp", None) else None
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = until - time.monotonic()
        if remaining <= 0:
            raise socket.timeout(f"no complete answer within {option} {limit:g}s")
        if sock is not None and hasattr(sock, "settimeout"):
            sock.settimeout(remaining)
        data = resp.read1(65536) if hasattr(resp, "read1") else resp.read(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)
        size += len(data)
        if size > MAX_BODY:
            return b"".join(chunks)


class Finder:
    """The index and/or a --find-links folder. Without an explicit index, a folder is used alone."""

    def __init__(self, index_url: str | None, find_links: Path | None, *, env: Mapping[str, str],
                 timeout: float, cache_dir: Path | None, total_timeout: float | None = None) -> None:
        self.folder = find_links
        if find_links is not None and not find_links.is_dir():
            raise UserError(f"--find-links is not a folder: {find_links}")
        explicit = index_url or configured_index(None, env) != DEFAULT_INDEX
        url = configured_index(index_url, env) if (find_links is None or explicit) else None
        self.index = Index(url, timeout=timeout, cache_dir=cache_dir, total_timeout=total_timeout) if url else None
        self._memo: dict[str, list[DistFile] | None] = {}

    @property
    def shown(self) -> str | None:
        return self.index.shown if self.index else None

    def files(self, name: str) -> list[DistFile] | None:
        key = canonical(name)
        if key not in self._memo:
            found: list[DistFile] | None = None
            if self.index is not None:
                found = self.index.project(key)
            if self.folder is not None:
                local = folder_files(self.folder, key)
                if local or found is not None:
                    found = (found or []) + local
            self._memo[key] = found
        return self._memo[key]
