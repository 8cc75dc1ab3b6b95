#!/usr/bin/env bash
# Sets up the machine, builds OpenVPP and runs every test: formatting, the Rust unit and
# runtime tests, then the end-to-end tests against a development node this script starts
# and stops.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

"$REPO_ROOT/scripts/setup.sh"

log "cargo fmt --check"
cargo fmt --all -- --check

build_binaries

log "Rust tests (unit, runtime, integration)"
cargo test --release --locked --workspace

# End-to-end: a fresh development node on its own ports and a temporary database.
RPC_PORT="${OPENVPP_E2E_RPC_PORT:-19944}"
P2P_PORT="${OPENVPP_E2E_P2P_PORT:-31333}"
E2E_DIR="$(mktemp -d -t openvpp-e2e.XXXXXX)"
NODE_LOG="$E2E_DIR/node.log"
cleanup() {
	if [ -n "${NODE_PID:-}" ] && kill -0 "$NODE_PID" 2>/dev/null; then
		kill "$NODE_PID" 2>/dev/null || true
		wait "$NODE_PID" 2>/dev/null || true
	fi
	rm -rf "$E2E_DIR"
}
trap cleanup EXIT

log "starting a development node for the end-to-end tests (rpc $RPC_PORT, log $NODE_LOG)"
"$NODE_BIN" --dev --base-path "$E2E_DIR/db" --rpc-port "$RPC_PORT" --port "$P2P_PORT" \
	--no-prometheus --no-telemetry >"$NODE_LOG" 2>&1 &
NODE_PID=$!
if ! wait_for_rpc "http://127.0.0.1:$RPC_PORT" 120; then
	log "the node did not answer RPC within 120 s; its log:"
	tail -50 "$NODE_LOG"
	exit 1
fi

log "end-to-end tests (node --test, @polkadot/api)"
export OPENVPP_WS="ws://127.0.0.1:$RPC_PORT"
export OPENVPP_NODE_BIN="$NODE_BIN"
export OPENVPP_GATEWAY_BIN="$GATEWAY_BIN"
status=0
(cd tests && npm test) || status=$?
if [ "$status" -ne 0 ]; then
	log "end-to-end tests failed; last lines of the node log:"
	tail -40 "$NODE_LOG"
fi
exit "$status"
