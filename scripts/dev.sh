#!/usr/bin/env bash
# Entry point for the README's two commands: `npm run demo` and `npm test`.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$REPO_ROOT"
task="${1:-}"; shift || true
case "$task" in
  demo) turbo run demo --output-logs=new-only "$@" ;;
  test)
    bash scripts/system-deps.sh
    turbo run lint typecheck build test --continue --output-logs=errors-only "$@"
    ;;
  *) echo "usage: scripts/dev.sh demo|test" >&2; exit 2 ;;
esac
