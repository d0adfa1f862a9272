"""A zip member read once: the binary reader's seeks and reads pass through it, and every byte is hashed
for RECORD the first time it goes by, so a large binary is decompressed once, not once for its tables and
again for its hash (unless the reader seeks backwards past what it already read: then only that part is
decompressed again, and the hash still covers each byte once)."""
from __future__ import annotations

import base64
import hashlib
from typing import IO

#: Forward seeks read through the member this much at a time (memory stays at this).
CHUNK = 1 << 20


class HashingReader:
    """read/seek/tell over a forward-only stream (a ZipExtFile), hashing bytes [0, furthest read)."""

    def __init__(self, fh: IO[bytes], algo: str, prefix: bytes = b"") -> None:
        self._fh = fh
        self._hash = hashlib.new(algo, prefix)
        self._pos = self._done = len(prefix)  # invariant: _pos <= _done (everything before _done is hashed)

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        end = self._pos + len(data)
        if end > self._done:
            self._hash.update(memoryview(data)[self._done - self._pos:])
            self._done = end
        self._pos = end
        return data

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence != 0:
            raise ValueError("HashingReader seeks only from the start")
        if pos >= self._pos:
            while self._pos < pos and self.read(min(CHUNK, pos - self._pos)):
                pass
        else:
            self._pos = self._fh.seek(pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def finish(self) -> tuple[str, int]:
        """(urlsafe base64 digest without padding, size) of the whole member: reads what is left."""
        if self._pos != self._done:
            self._pos = self._fh.seek(self._done)
        while self.read(CHUNK):
            pass
        return base64.urlsafe_b64encode(self._hash.digest()).rstrip(b"=").decode(), self._done
