#!/usr/bin/env bash
# Puts the pinned Node.js and pnpm from .toolchain/ on PATH (installing them from the npm registry
# with the machine's own npm when missing or stale), then installs the workspace. Needs only bash,
# Node >= 20 and npm. Safe to `source` from an interactive shell: it changes PATH and a few
# variables, never the shell's options, and returns non-zero instead of exiting on failure.
omophub_toolchain() {
  local root toolchain want_node stamp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || return 1
  toolchain="$root/.toolchain"
  want_node="$(sed -n 's/.*"node": "\(.*\)".*/\1/p' "$toolchain/package.json")"
  if [ "$("$toolchain/node_modules/.bin/node" --version 2>/dev/null)" != "v$want_node" ] ||
     [ ! -x "$toolchain/node_modules/.bin/pnpm" ]; then
    echo "toolchain: installing node $want_node and pnpm into .toolchain/ (npm registry)" >&2
    (cd "$toolchain" && npm ci --no-audit --no-fund --loglevel=error >&2) || return 1
  fi
  # Node 22, the oldest supported runtime, for the conformance suite (not put on PATH).
  if [ ! -x "$toolchain/node22/node_modules/.bin/node" ]; then
    echo "toolchain: installing node 22 into .toolchain/node22/ (npm registry)" >&2
    (cd "$toolchain/node22" && npm ci --no-audit --no-fund --loglevel=error >&2) || return 1
  fi
  export REPO_ROOT="$root"
  export PATH="$toolchain/node_modules/.bin:$root/node_modules/.bin:$PATH"
  export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
  stamp="$root/node_modules/.install-stamp"
  if [ ! -f "$stamp" ] || [ "$root/pnpm-lock.yaml" -nt "$stamp" ]; then
    echo "toolchain: pnpm install" >&2
    (cd "$root" && pnpm install --frozen-lockfile --reporter=append-only >&2) || return 1
    touch "$stamp"
  fi
}
omophub_toolchain
