#!/usr/bin/env bash
# Sourced by the entry scripts: puts the pinned Node.js and pnpm from .toolchain/ on PATH
# (installing them from the npm registry with the machine's own npm when missing or stale),
# then installs the workspace. Needs only bash, an older node and npm.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
toolchain="$REPO_ROOT/.toolchain"
want_node="$(sed -n 's/.*"node": "\(.*\)".*/\1/p' "$toolchain/package.json")"

if [ "$("$toolchain/node_modules/.bin/node" --version 2>/dev/null)" != "v$want_node" ] ||
   [ ! -x "$toolchain/node_modules/.bin/pnpm" ]; then
  echo "toolchain: installing node $want_node and pnpm into .toolchain/ (npm registry)" >&2
  (cd "$toolchain" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
export PATH="$toolchain/node_modules/.bin:$REPO_ROOT/node_modules/.bin:$PATH"
export NODE_OPTIONS="${NODE_OPTIONS:-}"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

stamp="$REPO_ROOT/node_modules/.install-stamp"
if [ ! -f "$stamp" ] || [ "$REPO_ROOT/pnpm-lock.yaml" -nt "$stamp" ]; then
  echo "toolchain: pnpm install" >&2
  (cd "$REPO_ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2)
  touch "$stamp"
fi
