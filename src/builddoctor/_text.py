"""String code for the few regex shapes every check runs (issue 16).

Each small regex costs 0.05-0.2 ms to compile the first time a process uses it, and a replayed
check used about twenty of them: a tenth of its own time. These helpers answer the same questions
with str methods; tests/unit/test_text.py compares each with the regex it replaces on generated
inputs. Digits are ASCII digits only (`\\d` also takes other scripts' digits, which no version,
triple or path here holds).
"""
from __future__ import annotations


def is_digits(text: str) -> bool:
    """`[0-9]+`, whole."""
    return text.isascii() and text.isdecimal()


def is_dotted(text: str, least: int = 1, most: int | None = None) -> bool:
    """`\\d+(\\.\\d+){least-1,most-1}`, whole (most=None: `*`): 3, 3.12, 1.2.3 (least=1, most=3)."""
    parts = text.split(".")
    return least <= len(parts) <= (most or len(parts)) and all(is_digits(p) for p in parts)


def leading_digits(text: str) -> str:
    """The `[0-9]*` that `text` starts with."""
    rest = text.lstrip("0123456789")
    return text[:len(text) - len(rest)]


def major_minor(text: str) -> tuple[int, int] | None:
    """`re.match(r"(\\d+)\\.(\\d+)", text)` as numbers: (2, 17) for "2.17" or "2.17.1-ubuntu"."""
    major, dot, rest = text.partition(".")
    minor = leading_digits(rest)
    if not (dot and is_digits(major) and minor):
        return None
    return int(major), int(minor)


def last_path_part(path: str) -> str:
    """`re.split(r"[\\\\/]", path)[-1]`: the name after the last slash or backslash."""
    return path.replace("\\", "/").rpartition("/")[2]


def short_hash(text: str) -> str:
    """8 hex digits naming `text` in a file or folder name (CRC-32 of its UTF-8): stable from one run
    to the next, not a security property; a clash only shares or misses a cache entry."""
    import zlib

    return f"{zlib.crc32(text.encode('utf-8', 'surrogatepass')):08x}"


def program_name(path: str) -> str:
    """A program's name as PATH lookups compare it: the last path part, lower case, without `.exe`."""
    return last_path_part(path).lower().removesuffix(".exe")


def is_posix_absolute(entry: str) -> bool:
    """`^[/~]`: an absolute POSIX path, or one under a home folder redacted as ~."""
    return entry.startswith(("/", "~"))


def squeeze(text: str, separators: str, into: str) -> str:
    """`re.sub("[" + separators + "]+", into, text)`: every run of separators becomes `into`."""
    if not any(c in text for c in separators):
        return text
    out: list[str] = []
    run = False
    for c in text:
        if c in separators:
            if not run:
                out.append(into)
            run = True
        else:
            out.append(c)
            run = False
    return "".join(out)
