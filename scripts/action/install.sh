#!/usr/bin/env bash
# action.yml step: install builddoctor (this action's own copy unless BD_SPEC names another).
set -euo pipefail
py="$(command -v python || command -v python3)"
"$py" -m pip install --quiet --disable-pip-version-check "${BD_SPEC:-$GITHUB_ACTION_PATH}"
