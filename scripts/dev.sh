#!/usr/bin/env bash
# Entry point for the README's two commands: `npm run demo` and `npm test`.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$REPO_ROOT"
task="${1:-}"; shift || true
case "$task" in
  demo) turbo run demo --concurrency=1 --log-order=grouped --output-logs=full "$@" ;;
  test)
    bash scripts/system-deps.sh
    rm -rf packages/*/test-results examples/*/test-results bench/test-results
    status=0
    turbo run lint typecheck build test --continue --log-order=grouped --output-logs=full "$@" || status=$?
    node scripts/test-summary.ts || status=1
    exit "$status"
    ;;
  *) echo "usage: scripts/dev.sh demo|test" >&2; exit 2 ;;
esac
