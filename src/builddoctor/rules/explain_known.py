"""`builddoctor explain known.<id>`: the long form of a known tool problem, from the knowledge base."""
from __future__ import annotations

import textwrap


def known_ids() -> list[str]:
    from ..knowledge import problems

    return [p.finding_id for p in problems()] + ["tools.rust-too-old"]


def explain_known(finding_id: str) -> str | None:
    """The explanation of a known.* id (None for any other id)."""
    from ..knowledge import by_id, ranked_fixes, render, tools

    if finding_id == "tools.rust-too-old":
        return ("tools.rust-too-old\n\nThe Cargo.toml the build uses declares a `rust-version` newer than the rustc "
                "that would build it (a rust-toolchain.toml pin, RUSTUP_TOOLCHAIN, or the default toolchain). "
                "cargo refuses such a package.\n\nsource: https://doc.rust-lang.org/cargo/reference/"
                "rust-version.html")
    if not finding_id.startswith("known."):
        return None
    p = by_id(finding_id)
    if p is None:
        return None
    values = {"version": "X", "python": "the interpreter's version", "max_python": "its maximum",
              "fixed_in": p.fixed_in, "target_arch": "the target arch", "host_arch": "the host arch",
              "rust_triple": "the interpreter's Rust target"}
    affected = p.affected or "every version"
    lines = [finding_id, "", render(p.title, values), "",
             *textwrap.wrap(f"cause: {p.cause}", 100),
             f"affected: {p.tool} {affected}" + (f"; fixed in {p.fixed_in}" if p.fixed_in else "; not fixed"),
             f"kind of tool: {tools().get(p.tool, {}).get('kind', '?')}"]
    if p.when:
        lines.append("when: " + ", ".join(f"{k} = {v}" for k, v in p.when.items()))
    if p.symptoms:
        lines.append("what you see: " + " | ".join(s.pattern for s in p.symptoms))
    lines.append("fixes:")
    for fix in ranked_fixes(p):
        only = f"  (only when {fix.when})" if fix.when else ""
        lines.append(f"  {render(fix.command, values)}\n      {render(fix.why, values)}{only}")
    lines.append("source:")
    lines += [f"  {url}" for url in p.source]
    return "\n".join(lines)
