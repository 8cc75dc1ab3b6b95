# Shared settings of the OpenVPP scripts; sourced, not run.
# One target directory outside the clone, shared by every checkout and by CI.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/openvpp/target}"
# The runtime's Wasm build must find this workspace (and its Cargo.lock) from the outside target dir.
export WASM_BUILD_WORKSPACE_HINT="${WASM_BUILD_WORKSPACE_HINT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_BIN="${OPENVPP_NODE_BIN:-$CARGO_TARGET_DIR/release/openvpp-node}"
GATEWAY_BIN="${OPENVPP_GATEWAY_BIN:-$CARGO_TARGET_DIR/release/openvpp-gateway}"

log() { printf '\033[1;34m[openvpp]\033[0m %s\n' "$*"; }

# Builds the node and the gateway (release; the runtime Wasm is built by the runtime's build script).
build_binaries() {
	log "building node and gateway (release, --locked; a cold build takes ~45 min on 2 cores)"
	(cd "$REPO_ROOT" && cargo build --release --locked --workspace --bins)
}

# Waits until a node answers JSON-RPC on $1 (http URL) or $2 seconds pass.
wait_for_rpc() {
	local url="$1" timeout="${2:-120}" start
	start=$(date +%s)
	until curl -sf -H 'Content-Type: application/json' \
		-d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' "$url" >/dev/null 2>&1; do
		if (( $(date +%s) - start > timeout )); then
			return 1
		fi
		sleep 1
	done
}
