#!/usr/bin/env bash
# `npm test`: lint, type-check, the build's contents (no test code), unit + contract tests, then the e2e tests on a real local cluster.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

step() { printf '\n=== %s\n' "$*"; }

step "lint (eslint + prettier)"
npm run --silent lint
step "type-check (tsc --strict)"
npm run --silent typecheck
step "build ships no test code"
node scripts/check-dist.mjs
step "unit and contract tests"
npm run --silent test:unit -- --ci
step "e2e tests (real local cluster)"
npm run --silent test:e2e -- --ci
