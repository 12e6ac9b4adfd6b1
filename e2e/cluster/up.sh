#!/usr/bin/env bash
# Starts a local cluster (building its binaries on first use) and prints the kubeconfig path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/use-node.sh"
bash "$root/e2e/cluster/build.sh" >/dev/null
cd "$root" && exec node --import tsx e2e/cluster/cli.ts up
