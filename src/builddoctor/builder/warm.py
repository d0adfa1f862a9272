"""The build_wheel hook's process, started while get_requires_for_build_wheel runs.

Decision (issue 16): of a small C extension's build, the two PEP 517 hooks are most of the time, and
each is a fresh interpreter that imports the backend (setuptools: ~0.2 s with bytecode, ~0.4 s
without) before its hook does anything. PEP 517 asks for a fresh process per hook; this keeps that:
the second hook still runs in its own new process, with the same interpreter, script, arguments,
working folder and environment pyproject-hooks gives it. Only its start-up and the backend's
import happen earlier, while the first hook finishes.

It starts at the first hook's first line of output: by then that hook has imported the backend and
written its bytecode, so the early import reads bytecode instead of compiling the backend a second
time at once. (Started together with the first hook, both compiled setuptools side by side: faster
on an idle 2-core machine, slower at load average 4, where the extra ~0.2 s of CPU has no free core.)
A backend that prints nothing in its first hook gets no early process.

The early process imports the backend module and then waits for one line on stdin (the hook's
argv); then it runs pyproject-hooks' own in-process script as `__main__`, exactly as
`python _in_process.py HOOK CONTROL_DIR` would (sys.path[0] is that script's folder). It is used
only when nothing can have changed in between:

- get_requires_for_build_wheel returned no requirement (so nothing was installed after the import);
- the call is for the same interpreter, script, folder and environment it was started with;
- the backend is not in-tree (no backend-path: those are small, and pyproject-hooks checks where
  they are imported from).

Otherwise it is ended (stdin closed, its tree killed after 2 s) and the hook runs as before. A failed
import in the early process is not reported by it: the hook's own import then fails and reports it.
"""
from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Callable

from ..proc import _CREATIONFLAGS, _NEW_SESSION, _track, _untrack, decode, kill_tree

#: Runs in the early process (`python -c CODE SCRIPT`): our own few lines, pyproject-hooks' script is run as is.
CODE = """\
import os, sys
script = sys.argv[1]
sys.path[0] = os.path.dirname(os.path.abspath(script))
try:
    import importlib
    importlib.import_module(os.environ["_PYPROJECT_HOOKS_BUILD_BACKEND"].partition(":")[0])
except BaseException:
    pass
line = sys.stdin.readline()
if not line.strip():
    sys.exit(0)
import json, runpy
sys.argv = json.loads(line)
runpy.run_path(sys.argv[0], run_name="__main__")
"""
HOOK = "build_wheel"  # the hook started early
AFTER = "get_requires_for_build_wheel"  # ... while this one runs


class EarlyHook:
    """One early hook process; `claim` runs the hook in it, `discard` ends it."""

    def __init__(self, python: str, script: str, cwd: str | None, env: Mapping[str, str]) -> None:
        self.key = (python, script, cwd, dict(env))
        self.proc = subprocess.Popen([python, "-c", CODE, script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=dict(env), cwd=cwd,
                                     start_new_session=_NEW_SESSION, creationflags=_CREATIONFLAGS)
        _track(self.proc)
        self._lock = threading.Lock()
        self._held: list[str] = []  # output before the claim (the backend's import), passed on at the claim
        self._sink: Callable[[str], None] | None = None
        self.tail: deque[str] = deque(maxlen=60)
        self.last_output = time.monotonic()
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()

    def matches(self, argv: Sequence[str], cwd: str | None, env: Mapping[str, str]) -> bool:
        return (len(argv) == 4 and argv[2] == HOOK and (argv[0], argv[1], cwd, dict(env)) == self.key
                and self.proc.poll() is None)

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for raw in iter(lambda: self.proc.stdout.readline(1 << 16), b""):  # type: ignore[union-attr]
            line = decode(raw).rstrip("\r\n")
            self.last_output = time.monotonic()
            with self._lock:
                self.tail.append(line)
                sink = self._sink
                if sink is None:
                    self._held.append(line)
            if sink is not None:
                sink(line)

    def claim(self, argv: Sequence[str], on_line: Callable[[str], None], *, timeout: float,
              idle_timeout: float | None) -> tuple[int | None, str | None, list[str]]:
        """Run the hook in this process; (returncode, "timeout" / "idle-timeout" / None, last lines)."""
        with self._lock:
            held, self._held, self._sink = self._held, [], on_line
        for line in held:
            on_line(line)
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(list(argv[1:])).encode() + b"\n")
            self.proc.stdin.close()
        except OSError:
            pass  # it ended already: its exit status says so below
        start = self.last_output = time.monotonic()
        error: str | None = None
        try:
            while self.proc.poll() is None:
                now = time.monotonic()
                if now - start > timeout:
                    error = "timeout"
                elif idle_timeout is not None and now - self.last_output > idle_timeout:
                    error = "idle-timeout"
                if error:
                    kill_tree(self.proc)
                    break
                try:
                    self.proc.wait(timeout=0.05)
                except subprocess.TimeoutExpired:
                    pass
        except BaseException:
            kill_tree(self.proc)
            raise
        self._reader.join(timeout=2.0)
        if self._reader.is_alive():
            kill_tree(self.proc)
            self._reader.join(timeout=2.0)
        if error is None:
            rc: int | None = self.proc.wait()
        else:
            rc = None
            try:
                self.proc.wait(timeout=5.0)  # killed: reap it
            except subprocess.TimeoutExpired:
                pass
        _untrack(self.proc)
        return rc, error, list(self.tail)

    def discard(self) -> None:
        """End it: EOF on stdin makes it exit after its import; killed when it does not within 2 s."""
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            kill_tree(self.proc)
            self.proc.wait()
        _untrack(self.proc)


def wanted(argv: Sequence[str], extra_environ: Mapping[str, str] | None) -> bool:
    """Start the early process beside this call: get_requires_for_build_wheel of an installed backend."""
    return (len(argv) == 4 and argv[2] == AFTER and bool(extra_environ)
            and "_PYPROJECT_HOOKS_BUILD_BACKEND" in (extra_environ or {})
            and "_PYPROJECT_HOOKS_BACKEND_PATH_JSON" not in (extra_environ or {})
            and os.environ.get("BUILDDOCTOR_NO_EARLY_HOOK", "") == "")
