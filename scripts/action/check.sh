#!/usr/bin/env bash
# action.yml step: one snapshot of this runner, its markdown report into the job summary, the counts
# as step outputs. Exit 0 even when check finds errors (the fail-on-error step decides); exit 2 when
# builddoctor itself could not run.
set -uo pipefail
dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/builddoctor"
mkdir -p "$dir"
name="${BD_ARTIFACT:-builddoctor-${RUNNER_OS:-local}-${RUNNER_ARCH:-any}-${GITHUB_JOB:-job}}"
name="$(printf %s "$name" | tr -c 'A-Za-z0-9._-' '-')"
snap="$dir/$name.json"
report="$dir/$name.md"
args=()
[ -n "${BD_PYTHON:-}" ] && args+=(--python "$BD_PYTHON")
[ -n "${BD_PROJECT:-}" ] && args+=(--project "$BD_PROJECT")

if ! builddoctor snapshot -o "$snap" --force --markdown ${args[@]+"${args[@]}"} > "$report"; then
  echo "builddoctor snapshot failed" >&2
  exit 2
fi
builddoctor check --replay "$snap" --json > "$dir/$name.check.json"
status=$?
if [ "$status" -gt 1 ]; then
  echo "builddoctor check --replay failed (exit $status)" >&2
  exit 2
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$report" >> "$GITHUB_STEP_SUMMARY"
fi
py="$(command -v python || command -v python3)"
counts="$("$py" - "$dir/$name.check.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
found = [f for f in doc["findings"] if f["severity"] != "ok"]
errors = sum(f["severity"] == "error" for f in found)
print(errors, len(found) - errors, found[0]["id"] if found else "")
PY
)"
read -r errors warnings top <<< "$counts"
{
  echo "snapshot=$snap"
  echo "report=$report"
  echo "artifact-name=$name"
  echo "errors=$errors"
  echo "warnings=$warnings"
  echo "top-finding=${top:-}"
} >> "${GITHUB_OUTPUT:-/dev/null}"
echo "builddoctor: $errors error(s), $warnings warning(s); snapshot $snap"
