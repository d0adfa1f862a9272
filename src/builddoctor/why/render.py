"""A WhyReport as plain text lines and as versioned JSON."""
from __future__ import annotations

from typing import Any

from .._record import asdict
from .decide import trap_line
from .model import BUILT, NONE, SDIST, SKIPPED, SOURCE, WHEEL, Verdict, WhyReport

SCHEMA = "builddoctor.why/1"


def needs_native_build(report: WhyReport) -> list[str]:
    """The packages an installer would build from source for this interpreter."""
    return [v.name for v in report.verdicts if v.outcome in BUILT]


def _shown(report: WhyReport) -> list[Verdict]:
    if report.focus:
        order = {n: i for i, n in enumerate(report.focus)}
        return sorted((v for v in report.verdicts if v.name in order), key=lambda v: order[v.name])
    return [v for v in report.verdicts if v.outcome in (SDIST, SOURCE, NONE) or v.host_cpu_trap]


def _head(v: Verdict) -> str:
    who = f"{v.name} {v.version}" if v.version else v.name
    who += f" [{v.origin}]" if v.origin != "project" else ""
    if v.outcome == WHEEL:
        return f"{who}: wheel {v.file} (matches {v.tag})"
    if v.outcome == SDIST:
        return f"{who}: built from source: sdist {v.file or '?'}"
    if v.outcome == SOURCE:
        return f"{who}: built from source"
    if v.outcome == SKIPPED:
        return f"{who}: not installed for this interpreter"
    return f"{who}: nothing installable, the install fails"


def render_text(report: WhyReport) -> list[str]:
    i = report.interp
    lines = [
        f"project {report.project} ({report.source or 'no lock or requirements file'}); "
        f"index {report.index or report.find_links or 'none'}",
        f"interpreter: Python {i.python}, first tag {i.tags[0] if i.tags else '?'}, "
        f"platform_machine '{i.markers.get('platform_machine', '?')}'",
    ]
    if i.trap:
        lines.append(f"markers and tags disagree: {trap_line(i)}")
    lines.extend(f"note: {n}" for n in report.notes)
    for v in _shown(report):
        lines.append(_head(v))
        if v.reason:
            lines.append(f"  why: {v.reason}")
        if v.marker and v.outcome != SKIPPED:
            lines.append(f"  required when: {v.marker}")
        lines.extend(f"  {'trap' if v.host_cpu_trap and trap_line(i) in n else 'note'}: {n}" for n in v.notes)
        lines.extend(f"  fix: {f}" for f in v.fixes)
    applies = [v for v in report.verdicts if v.outcome != SKIPPED]
    built = needs_native_build(report)
    if report.focus:
        return lines
    if built:
        lines.append(f"{len(built)} of {len(applies)} dependencies would be built from source: {', '.join(built)}")
    else:
        lines.append(f"all {len(applies)} dependencies that apply have a wheel for this interpreter")
    return lines


def to_json(report: WhyReport) -> dict[str, Any]:
    i = report.interp
    return {
        "schema": SCHEMA,
        "project": report.project,
        "source": report.source,
        "index": report.index,
        "find_links": report.find_links,
        "interpreter": {
            "python": str(i.python),
            "tags": [str(t) for t in i.tags],
            "platform": i.platform,
            "os": i.os,
            "tag_arch": i.tag_arch.name if i.tag_arch else None,
            "marker_arch": i.marker_arch.name if i.marker_arch else None,
            "markers": dict(i.markers),
            "host_cpu_trap": i.trap,
        },
        "focus": list(report.focus),
        "packages": [asdict(v) for v in report.verdicts],
        "built_from_source": needs_native_build(report),
        "notes": list(report.notes),
    }
