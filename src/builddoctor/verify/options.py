"""The options of `builddoctor verify` (imported by the CLI without loading the audit)."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..cliparse import Options

SCHEMA = "builddoctor.verify/1"


def add_arguments(p: Options) -> None:
    p.add_argument("wheels", nargs="+", metavar="WHEEL", help="wheel files to audit (a folder: every wheel in it)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--python", help="also check the wheel installs into this interpreter (a path or a version)")
    where.add_argument("--target", metavar="PLATFORM_TAG",
                       help="also check the wheel installs on this platform, e.g. manylinux_2_17_x86_64, win_arm64, "
                            "macosx_11_0_arm64")
    p.add_argument("--json", action="store_true", help=f"print the versioned JSON report ({SCHEMA})")
