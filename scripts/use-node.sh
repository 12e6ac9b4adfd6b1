#!/usr/bin/env bash
# Source this file: it puts a Node.js of the major pinned in .node-version first on PATH.
# When the machine's node is another major, it installs the `node` package from the npm registry
# (which carries the official binary) into the user's cache, once.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_major="$(tr -d ' \n' <"$_root/.node-version")"
_node_major() { node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }
if [[ "$(_node_major)" != "$_major" ]]; then
  _dir="${XDG_CACHE_HOME:-$HOME/.cache}/cloudflare-operator/node-${_major}"
  if [[ ! -x "$_dir/node_modules/node/bin/node" ]]; then
    command -v npm >/dev/null 2>&1 || { echo "use-node: npm is needed to install Node.js ${_major}" >&2; return 1 2>/dev/null || exit 1; }
    echo "use-node: installing Node.js ${_major} into $_dir" >&2
    mkdir -p "$_dir"
    npm install --silent --no-audit --no-fund --prefix "$_dir" "node@${_major}" >&2
  fi
  export PATH="$_dir/node_modules/node/bin:$PATH"
fi
if [[ "$(_node_major)" != "$_major" ]]; then
  echo "use-node: wanted Node.js ${_major}, found $(node --version 2>/dev/null || echo none)" >&2
  return 1 2>/dev/null || exit 1
fi
unset _root _major _dir
