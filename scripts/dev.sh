#!/usr/bin/env bash
# Entry point for the README's two commands: `npm run demo` and `npm test`.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh" || exit 1
cd "$REPO_ROOT"
task="${1:-}"; shift || true
case "$task" in
  demo) turbo run demo --concurrency=1 --log-order=grouped --output-logs=full "$@" ;;
  test)
    bash scripts/system-deps.sh
    rm -rf packages/*/test-results examples/*/test-results bench/test-results
    status=0
    turbo run lint typecheck build --continue --log-order=grouped --output-logs=errors-only "$@" || status=$?
    # One package's suites at a time: several of them measure real time (timeouts, backoff, rate
    # windows) and two cores shared by every runtime at once would make those bounds meaningless.
    turbo run test --concurrency=1 --continue --log-order=grouped --output-logs=full "$@" || status=$?
    node scripts/test-summary.ts || status=1
    # A deno command that fails to resolve a package "migrates" pnpm-workspace.yaml into the root
    # package.json (Deno 2.9), which then hides the failure on the next run: treat it as one.
    if grep -q '"workspaces"' package.json; then
      echo "package.json gained a \"workspaces\" key: a deno command failed to resolve a package (see its output above)" >&2
      status=1
    fi
    exit "$status"
    ;;
  # `pnpm bench`: the SDK benchmarks (bench/), figures as ratios; extra flags go through (--smoke, --only ...).
  bench) node bench/src/main.ts "$@" ;;
  *) echo "usage: scripts/dev.sh demo|test|bench" >&2; exit 2 ;;
esac
