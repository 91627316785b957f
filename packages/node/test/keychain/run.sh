#!/usr/bin/env bash
# Cross-runtime keychain interop, run by keychain-interop.test.ts inside `dbus-run-session`:
# starts an unlocked gnome-keyring (Secret Service) with throwaway storage, then stores, reads and
# deletes the same entries through secret-tool and the Node, Deno and Bun adapters. Prints one
# `step=<json>` line per step; the test asserts them.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
scratch="$(mktemp -d)"
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

# A non-empty password creates and unlocks the login collection without a prompt (none can be shown).
printf 'omophub-interop' | gnome-keyring-daemon --foreground --unlock --components=secrets >"$scratch/daemon.log" 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 50); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
    break
  fi
  sleep 0.1
done

service=omophub-interop
via() {
  local runtime="$1"; shift
  case "$runtime" in
    node) node "$repo/packages/node/test/keychain/cli.ts" "$@" ;;
    deno) deno run --no-prompt --allow-run=secret-tool "$repo/packages/deno/test/keychain/cli.ts" "$@" ;;
    bun) bun "$repo/packages/bun/test/keychain/cli.ts" "$@" ;;
  esac
}
step() { local name="$1"; shift; echo "$name=$("$@" </dev/null)"; }
store() { local name="$1" runtime="$2" account="$3" secret="$4"; echo "$name=$(printf '%s' "$secret" | via "$runtime" set "$service" "$account")"; }
lookup() { printf '{"value":"%s"}' "$(secret-tool lookup service "$service" username "$1" || true)"; }
items() { printf '{"value":%s}' "$(secret-tool search --all service "$service" username "$1" 2>/dev/null | grep -c '^\[' || true)"; }

# 1. A key stored with secret-tool is read by all three runtimes.
printf 'st-secret-1' | secret-tool store --label=omophub service "$service" username default
for runtime in node deno bun; do step "get-default-$runtime" via "$runtime" get "$service" default; done

# 2. A key stored by one runtime is read by the other two and by secret-tool.
store set-node node acct-node node-secret
store set-deno deno acct-deno deno-secret
store set-bun bun acct-bun bun-secret
for runtime in node deno bun; do
  for account in acct-node acct-deno acct-bun; do step "get-$account-$runtime" via "$runtime" get "$service" "$account"; done
done
for account in acct-node acct-deno acct-bun; do step "lookup-$account" lookup "$account"; done

# 3. Overwriting across runtimes keeps a single item.
store overwrite-node-by-deno deno acct-node node-secret-2
step get-overwritten-node-bun via bun get "$service" acct-node
step items-acct-node items acct-node
store overwrite-deno-by-node node acct-deno deno-secret-2
step get-overwritten-deno-deno via deno get "$service" acct-deno
step items-acct-deno items acct-deno

# 4. Delete works across runtimes and reports whether something existed.
step delete-acct-deno-node via node delete "$service" acct-deno
step get-deleted-acct-deno-deno via deno get "$service" acct-deno
step delete-acct-node-bun via bun delete "$service" acct-node
step lookup-deleted-acct-node lookup acct-node
step delete-acct-bun-deno via deno delete "$service" acct-bun
step get-deleted-acct-bun-node via node get "$service" acct-bun
step delete-again-node via node delete "$service" acct-bun
step delete-again-deno via deno delete "$service" acct-bun
step delete-default-bun via bun delete "$service" default
step get-deleted-default-bun via bun get "$service" default

# 5. storeApiKey and the default chain: what one runtime stores, the others' default chains find
# (account = profile), and the R SDK's entry (username api_key) backs the default profile. Nothing
# else may answer first: no key variable, an empty config folder.
unset OMOPHUB_API_KEY OMOPHUB_PROFILE OMOPHUB_CREDENTIALS_FILE
export XDG_CONFIG_HOME="$scratch/config"
chain() {
  local runtime="$1"; shift
  case "$runtime" in
    node) node "$repo/packages/node/test/keychain/chain-cli.ts" "$@" ;;
    deno) deno run --no-prompt --allow-run=secret-tool --allow-env --allow-read "$repo/packages/deno/test/keychain/chain-cli.ts" "$@" ;;
    bun) bun "$repo/packages/bun/test/keychain/chain-cli.ts" "$@" ;;
  esac
}
echo "store-kc-node=$(printf 'oh_kc_node' | chain node store kc-node)"
echo "store-kc-deno=$(printf 'oh_kc_deno' | chain deno store kc-deno)"
echo "store-kc-bun=$(printf 'oh_kc_bun' | chain bun store kc-bun)"
for runtime in node deno bun; do
  for account in kc-node kc-deno kc-bun; do step "resolve-$account-$runtime" chain "$runtime" resolve "$account"; done
done
printf 'oh_r_sdk_key' | secret-tool store --label=omophub service omophub username api_key
for runtime in node deno bun; do step "resolve-r-sdk-$runtime" chain "$runtime" resolve default; done
step "resolve-missing-node" chain node resolve nobody
