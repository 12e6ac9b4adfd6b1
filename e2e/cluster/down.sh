#!/usr/bin/env bash
# Stops the cluster started by up.sh and removes its files.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/use-node.sh"
cd "$root" && exec node --import tsx e2e/cluster/cli.ts down
