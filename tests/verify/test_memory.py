"""verify holds neither a large data member nor a large binary in memory (issue 16's scale goal; the
timing series is bench/bench_scale.py --only verify,verify-elf)."""
from __future__ import annotations

import pytest
from verify_corpus import corpus_wheel, member_bytes, rewrite

from builddoctor.verify import verify_wheel

BASE = "markupsafe-3.0.4-cp313-cp313-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl"


def _peak_while_verifying(path):
    import tracemalloc

    tracemalloc.start()
    try:
        report = verify_wheel(path)
        return report, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.corpus
def test_a_64_mib_data_member_and_a_64_mib_binary_are_read_in_bounded_memory(tmp_path):
    import struct

    src = corpus_wheel(BASE)
    name, so = member_bytes(src, ".so")
    # the real extension grown to 64 MiB the way large libraries are laid out: its section header table
    # moved past the bulk, to the end of the file (e_shoff patched), so reading it seeks through the member
    (shoff,) = struct.unpack_from("<Q", so, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", so, 0x3A)
    table = so[shoff:shoff + shentsize * shnum]
    pad = bytes(64 << 20)
    moved = bytearray(so + pad + table)
    struct.pack_into("<Q", moved, 0x28, len(so) + len(pad))
    wheel = rewrite(src, tmp_path, replace={name: bytes(moved)}, add={"markupsafe/data/zeros.bin": pad})
    report, peak = _peak_while_verifying(wheel)
    assert [f.id for f in report.findings if f.severity != "ok"] == []
    [binary] = report.binaries
    assert binary.details.slices[0].symbols_read  # the section headers at the end were read
    assert peak < 12 << 20, f"{peak / 2**20:.0f} MiB held while verifying 128 MiB of members"
