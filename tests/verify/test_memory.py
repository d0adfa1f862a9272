"""verify holds neither a large data member nor a large binary in memory (issue 16's scale goal; the
timing series is bench/bench_scale.py --only verify,verify-elf)."""
from __future__ import annotations

import base64
import hashlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from verify_corpus import corpus_wheel, member_bytes, rewrite

from builddoctor.verify import verify_wheel
from builddoctor.verify.tee import HashingReader

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


@pytest.mark.corpus
def test_a_changed_byte_at_the_end_of_a_large_binary_breaks_its_record_hash(tmp_path):
    # a member above the spool size is hashed in the pass that reads its tables: the hash must still be
    # the whole member's
    src = corpus_wheel(BASE)
    name, so = member_bytes(src, ".so")
    big = so + bytes(20 << 20)
    good = rewrite(src, tmp_path, replace={name: big})
    assert [f.id for f in verify_wheel(good).findings if f.severity != "ok"] == []
    (tmp_path / "bad").mkdir()
    bad = rewrite(good, tmp_path / "bad", replace={name: big[:-1] + b"\x01"}, fix_record=False)
    assert [(f.id, f.facts.get("member")) for f in verify_wheel(bad).findings] == [("verify.record", name)]


@settings(max_examples=200, deadline=None)
@given(data=st.binary(min_size=0, max_size=5000),
       steps=st.lists(st.tuples(st.sampled_from(["read", "seek"]), st.integers(0, 6000)), max_size=20))
def test_the_hashing_reader_hashes_every_byte_once_whatever_the_reads_and_seeks(data, steps):
    reader = HashingReader(io.BytesIO(data), "sha256")
    for op, n in steps:
        if op == "read":
            at = reader.tell()
            assert reader.read(n) == data[at:at + n]
        else:
            reader.seek(n)
            assert reader.tell() == min(n, len(data))
    digest, size = reader.finish()
    expected = hashlib.sha256(data).digest()
    assert (digest, size) == (base64.urlsafe_b64encode(expected).rstrip(b"=").decode(), len(data))
