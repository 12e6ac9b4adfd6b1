#!/usr/bin/env bash
# Source this file: Node.js 24 on PATH (installed on first use), the npm dependencies installed when
# node_modules is missing or older than package-lock.json, and the local cluster's binaries built (once).
_setup_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$_setup_root/scripts/use-node.sh" || return 1
if [[ ! -d "$_setup_root/node_modules" || "$_setup_root/package-lock.json" -nt "$_setup_root/node_modules/.package-lock.json" ]]; then
  (cd "$_setup_root" && npm ci --no-audit --no-fund) || return 1
fi
bash "$_setup_root/e2e/cluster/build.sh" >/dev/null || return 1
unset _setup_root
