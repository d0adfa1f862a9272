"""Windows job objects: every process a child starts stays in its job, so the whole tree can end at once.

POSIX uses process groups (proc.py). A job with KILL_ON_JOB_CLOSE also ends the tree when
builddoctor itself dies. Best effort: when any call fails, proc.py falls back to `taskkill /T`.
"""
from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess

_JOBS: dict[int, int] = {}  # child pid -> job handle

if sys.platform == "win32":  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    _KILL_ON_JOB_CLOSE = 0x2000
    _EXTENDED_LIMIT_INFORMATION = 9

    class _Basic(ctypes.Structure):
        _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                    ("LimitFlags", wintypes.DWORD), ("MinimumWorkingSetSize", ctypes.c_size_t),
                    ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", wintypes.DWORD),
                    ("Affinity", ctypes.c_size_t), ("PriorityClass", wintypes.DWORD),
                    ("SchedulingClass", wintypes.DWORD)]

    class _Io(ctypes.Structure):
        _fields_ = [(n, ctypes.c_ulonglong) for n in ("ReadOperationCount", "WriteOperationCount",
                                                        "OtherOperationCount", "ReadTransferCount",
                                                        "WriteTransferCount", "OtherTransferCount")]

    class _Extended(ctypes.Structure):
        _fields_ = [("BasicLimitInformation", _Basic), ("IoInfo", _Io), ("ProcessMemoryLimit", ctypes.c_size_t),
                    ("JobMemoryLimit", ctypes.c_size_t), ("PeakProcessMemoryUsed", ctypes.c_size_t),
                    ("PeakJobMemoryUsed", ctypes.c_size_t)]

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _kernel32.CreateJobObjectW.restype = wintypes.HANDLE
    _kernel32.CreateJobObjectW.argtypes = [ctypes.c_void_p, wintypes.LPCWSTR]
    _kernel32.SetInformationJobObject.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, wintypes.DWORD]
    _kernel32.AssignProcessToJobObject.argtypes = [wintypes.HANDLE, wintypes.HANDLE]
    _kernel32.TerminateJobObject.argtypes = [wintypes.HANDLE, wintypes.UINT]
    _kernel32.CloseHandle.argtypes = [wintypes.HANDLE]

    def track(proc: subprocess.Popen[bytes]) -> None:
        """Put a just-started child into a job of its own."""
        try:
            job = _kernel32.CreateJobObjectW(None, None)
            if not job:
                return
            info = _Extended()
            info.BasicLimitInformation.LimitFlags = _KILL_ON_JOB_CLOSE
            ok = _kernel32.SetInformationJobObject(job, _EXTENDED_LIMIT_INFORMATION, ctypes.byref(info),
                                                   ctypes.sizeof(info))
            handle = int(proc._handle)  # type: ignore[attr-defined]
            if ok and _kernel32.AssignProcessToJobObject(job, handle):
                _JOBS[proc.pid] = job
            else:
                _kernel32.CloseHandle(job)
        except (AttributeError, OSError, ValueError):
            return

    def kill(proc: subprocess.Popen[bytes]) -> bool:
        """End the child's job (its whole tree); False when it has none."""
        job = _JOBS.pop(proc.pid, None)
        if job is None:
            return False
        try:
            _kernel32.TerminateJobObject(job, 1)
        finally:
            _kernel32.CloseHandle(job)
        return True

    def release(proc: subprocess.Popen[bytes]) -> None:
        """Forget a finished child's job (closing it ends any process the child left behind)."""
        job = _JOBS.pop(proc.pid, None)
        if job is not None:
            _kernel32.CloseHandle(job)

else:

    def track(proc: subprocess.Popen[bytes]) -> None:
        return None

    def kill(proc: subprocess.Popen[bytes]) -> bool:
        return False

    def release(proc: subprocess.Popen[bytes]) -> None:
        return None
