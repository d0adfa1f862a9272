#!/usr/bin/env bash
# action.yml step: build the wheel with every layer set to the interpreter's target; optionally verify it.
set -euo pipefail
args=()
[ -n "${BD_PYTHON:-}" ] && args+=(--python "$BD_PYTHON")
out="$(builddoctor build "${BD_PROJECT:-.}" -o "${BD_OUTDIR:-dist}" --overwrite ${args[@]+"${args[@]}"})"
echo "$out"
wheel="$(printf '%s\n' "$out" | tail -n 1 | sed -E 's/  (built|unchanged) .*$//')"
echo "wheel=$wheel" >> "${GITHUB_OUTPUT:-/dev/null}"
if [ "${BD_VERIFY:-false}" = "true" ]; then
  builddoctor verify "$wheel" ${args[@]+"${args[@]}"}
fi
