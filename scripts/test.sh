#!/usr/bin/env bash
# Sets up the machine, builds OpenVPP and runs every test: formatting, the Rust unit and
# runtime tests, then the end-to-end tests against a development node this script starts
# and stops, the pallets' invariants on that node's exported state, then the packaging static
# checks (tests/network/static_checks.sh) and the network failure tests on a local
# four-validator network (tests/network/failure.sh, ~4 min; OPENVPP_SKIP_NETWORK_TESTS=1 skips
# them).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

"$REPO_ROOT/scripts/setup.sh"

log "cargo fmt --check"
cargo fmt --all -- --check

build_binaries

log "chain specs: dev, local and a network from a key file build, also as raw specs; staging alone is refused"
# A key file with freshly generated keys (their secrets are thrown away).
public_key() {
	"$NODE_BIN" key generate --scheme "$1" --output-type json | sed -n 's/.*"ss58PublicKey": *"\([^"]*\)".*/\1/p'
}
KEY_FILE="$CARGO_TARGET_DIR/build-spec-keys.json"
printf '{"validators":[{"aura":"%s","grandpa":"%s"}],"accounts":[{"account":"%s","balance":"1000000000000000000"}]}\n' \
	"$(public_key sr25519)" "$(public_key ed25519)" "$(public_key sr25519)" >"$KEY_FILE"
for chain in dev local "staging:$KEY_FILE"; do
	log_file="$CARGO_TARGET_DIR/build-spec-${chain%%:*}.log"
	"$NODE_BIN" build-spec --chain "$chain" --raw >/dev/null 2>"$log_file" || {
		log "build-spec --chain $chain --raw failed:"; cat "$log_file"; exit 1; }
done
if "$NODE_BIN" build-spec --chain staging >/dev/null 2>&1; then
	log "build-spec --chain staging must be refused (its validator keys came from published seeds)"; exit 1
fi

log "Rust tests (unit, runtime, integration)"
cargo test --release --locked --workspace

# Each pallet benchmark runs once against its pallet's mock, so a benchmark that no longer
# reaches its worst case (or fails) is caught here, not when the weights are regenerated.
log "pallet benchmarks, once each against the pallet mocks (runtime-benchmarks)"
SKIP_WASM_BUILD=1 cargo test --release --locked -p pallet-device-identity -p pallet-telemetry \
	-p pallet-settlement -p pallet-v2g --features runtime-benchmarks --lib bench_

# End-to-end: a fresh development node on its own ports and a temporary database.
RPC_PORT="${OPENVPP_E2E_RPC_PORT:-19944}"
P2P_PORT="${OPENVPP_E2E_P2P_PORT:-31333}"
E2E_DIR="$(mktemp -d -t openvpp-e2e.XXXXXX)"
NODE_LOG="$E2E_DIR/node.log"
stop_e2e_node() {
	if [ -n "${NODE_PID:-}" ] && kill -0 "$NODE_PID" 2>/dev/null; then
		kill "$NODE_PID" 2>/dev/null || true
		wait "$NODE_PID" 2>/dev/null || true
	fi
}
cleanup() {
	stop_e2e_node
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
export OPENVPP_NODE_LOG="$NODE_LOG"
status=0
(cd tests && npm test) || status=$?
if [ "$status" -ne 0 ]; then
	log "end-to-end tests failed; last lines of the node log:"
	tail -40 "$NODE_LOG"
fi
# The development node is done; the network tests start their own nodes on their own ports.
stop_e2e_node

# The pallets' invariants on the state the end-to-end tests left (devices, telemetry, rewards,
# demand response, certificates), exported from the stopped node's database.
log "pallet invariants (try_state) on the development node's exported state"
live_status=0
if "$NODE_BIN" export-state --dev --base-path "$E2E_DIR/db" >"$E2E_DIR/state.json" 2>"$E2E_DIR/export.log"; then
	OPENVPP_LIVE_STATE="$E2E_DIR/state.json" cargo test --release --locked --workspace \
		--test live_state -- --ignored --nocapture || live_status=$?
else
	live_status=$?
	log "export-state failed:"; tail -20 "$E2E_DIR/export.log"
fi

result() { if [ "$1" -eq 0 ]; then echo passed; else echo "FAILED ($1)"; fi; }
static_status=0
failure_status=0
if [ "${OPENVPP_SKIP_NETWORK_TESTS:-0}" = 1 ]; then
	log "==== packaging static checks and network failure tests: skipped (OPENVPP_SKIP_NETWORK_TESTS=1) ===="
else
	log "==== packaging static checks: docker/Dockerfile, docker/compose.yml (tests/network/static_checks.sh) ===="
	"$REPO_ROOT/tests/network/static_checks.sh" || static_status=$?
	log "==== network failure tests: four validators on loopback, kill/restart (tests/network/failure.sh) ===="
	timeout 420 "$REPO_ROOT/tests/network/failure.sh" || failure_status=$?
	log "==== summary: end-to-end $(result "$status"), live-state invariants $(result "$live_status"), packaging static checks $(result "$static_status"), network failure tests $(result "$failure_status") ===="
fi
if [ "$status" -ne 0 ] || [ "$live_status" -ne 0 ] || [ "$static_status" -ne 0 ] || [ "$failure_status" -ne 0 ]; then
	exit 1
fi
exit 0
