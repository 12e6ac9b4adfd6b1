#!/usr/bin/env bash
# `npm run demo`: sets up what is missing, then runs scripts/demo.ts (see there).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
exec node --import tsx scripts/demo.ts "$@"
