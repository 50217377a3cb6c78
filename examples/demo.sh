#!/usr/bin/env bash
# The demo `make demo` runs: plan, apply, plan again against the built-in sandbox, seeded with
# an agency client's existing account (examples/sandbox-seed.json).
set -euo pipefail
cd "$(dirname "$0")"
acr=../.venv/bin/acr
export HOOK_TOKEN=demo-token-kept-out-of-plans  # a secret the CRM sync webhook's URL uses

step() { printf '\n\033[1m== %s\033[0m\n' "$1" >&2; }

step "Reset the sandbox to the seeded account"
"$acr" sandbox reset --seed sandbox-seed.json

step "acr plan --sandbox: what the manifests would change"
"$acr" plan --sandbox

step "acr apply --sandbox --yes"
"$acr" apply --sandbox --yes

step "acr plan --sandbox --detailed-exitcode: nothing left to do (exit code 0)"
"$acr" plan --sandbox --detailed-exitcode
