"""Values `builddoctor why` passes around: distribution files, the interpreter, one verdict per package."""
from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Literal

from packaging.tags import Tag
from packaging.version import InvalidVersion, Version

from .. import arch as _arch
from .._record import field, record
from ..arch import Arch

# What an installer would do with one requirement.
Outcome = Literal["wheel", "sdist", "source", "none", "skipped"]
WHEEL: Outcome = "wheel"  # a pre-built wheel matches
SDIST: Outcome = "sdist"  # the source distribution is built
SOURCE: Outcome = "source"  # a local folder / VCS checkout / archive URL is built
NONE: Outcome = "none"  # nothing installable: the install fails
SKIPPED: Outcome = "skipped"  # the requirement's marker is false for this interpreter
BUILT = (SDIST, SOURCE)


@record
class DistFile:
    """One file an index, a folder or a lock offers."""

    filename: str
    name: str  # canonical project name
    version: Version | None
    kind: str  # "wheel" | "sdist"
    tags: frozenset[Tag] = frozenset()
    requires_python: str | None = None
    yanked: bool = False

    @property
    def tag_text(self) -> str:
        """The compressed tag triple of a wheel's file name (cp39-abi3-win_arm64); "" for an sdist."""
        if self.kind != "wheel":
            return ""
        parts = self.filename[: -len(".whl")].split("-")
        return "-".join(parts[-3:])


@record
class Interp:
    """The chosen interpreter as an installer sees it: tags for wheels, markers for requirements."""

    tags: tuple[Tag, ...]
    markers: Mapping[str, str]
    python: Version
    platform: str | None  # the first non-"any" platform tag, e.g. win_amd64
    os: str | None  # windows | linux | macos (from the tags)
    tag_arch: Arch | None  # what the wheel tags say
    marker_arch: Arch | None  # what platform_machine (the host CPU on Windows/macOS) says

    @classmethod
    def make(cls, tags: Sequence[Tag], markers: Mapping[str, str], python_version: str) -> Interp:
        from .dists import platform_arch, platform_os

        try:
            python = Version(python_version)
        except InvalidVersion:
            python = Version(str(markers.get("python_full_version") or "0"))
        platform = next((t.platform for t in tags if t.platform != "any"), None)
        os_name = platform_os(platform) if platform else None
        return cls(
            tags=tuple(tags),
            markers=dict(markers),
            python=python,
            platform=platform,
            os=os_name,
            tag_arch=platform_arch(platform) if platform else None,
            marker_arch=_arch.parse(markers.get("platform_machine")),
        )

    @functools.cached_property  # asked once per file of every package: built once (frozen: __dict__ is written)
    def rank(self) -> dict[Tag, int]:
        return {t: i for i, t in enumerate(self.tags)}

    @property
    def trap(self) -> bool:
        """platform_machine names a different CPU than the one the interpreter was built for."""
        return self.tag_arch is not None and self.marker_arch is not None and self.tag_arch != self.marker_arch

    @property
    def python_tag(self) -> str:
        return f"{self.python.major}.{self.python.minor}"


@record(frozen=False)
class Verdict:
    """What an installer would fetch for one package, and why."""

    name: str
    outcome: Outcome
    version: str | None = None
    origin: str = "project"  # "project", "extra 'x'", "group 'dev'", "via polars", "command line"
    marker: str | None = None
    file: str | None = None
    tag: str | None = None  # the interpreter tag the wheel matched
    code: str = "ok"  # a stable machine-readable reason
    reason: str | None = None  # one line for a person
    fixes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    available: list[str] = field(default_factory=list)  # wheel tags that exist
    host_cpu_trap: bool = False
    pruned_by: str | None = None  # the marker that made a lock drop the matching wheel


@record(frozen=False)
class WhyReport:
    project: str
    source: str | None  # uv.lock | pylock.toml | pyproject.toml | requirements.txt | None
    index: str | None  # redacted
    find_links: str | None
    interp: Interp
    verdicts: list[Verdict]
    focus: tuple[str, ...] = ()  # the packages asked about (canonical names); () = all
    notes: list[str] = field(default_factory=list)
