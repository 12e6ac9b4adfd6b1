#!/usr/bin/env bash
# `npm run bench -- [options]`: the pinned Node, the operator built into dist/, the cluster binaries, then the
# benchmarks (bench/main.ts) holding the local-cluster lock that `npm run test:e2e` takes too.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/use-node.sh
npm run --silent build
bash e2e/cluster/build.sh >/dev/null
exec flock /tmp/cloudflare-operator-e2e.lock node --import tsx bench/main.ts "$@"
