#!/usr/bin/env bash
# Sets up the machine, builds OpenVPP, starts a development chain on ws://127.0.0.1:9944 and a
# demo fleet (a PV roof, an EV, a home battery and a household meter, times two) whose devices
# sign their readings. Ctrl-C stops both. Extra arguments go to the node (e.g. --rpc-port).
#
#   OPENVPP_DEMO_DEVICES=0 scripts/run-dev.sh   # the chain alone, no fleet
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$REPO_ROOT/scripts/setup.sh"
build_binaries

DEVICES="${OPENVPP_DEMO_DEVICES:-8}"
DATA="$REPO_ROOT/.dev-data"
mkdir -p "$DATA"
log "starting the development chain (data in $DATA, log in $DATA/node.log)"
"$NODE_BIN" --dev --base-path "$DATA" --rpc-cors all "$@" >"$DATA/node.log" 2>&1 &
NODE_PID=$!
stop() {
	[ -n "${FLEET_PID:-}" ] && kill "$FLEET_PID" 2>/dev/null || true
	kill "$NODE_PID" 2>/dev/null || true
	wait "$NODE_PID" 2>/dev/null || true
	log "stopped"
}
trap stop EXIT INT TERM
wait_for_rpc "http://127.0.0.1:9944" 120 || { tail -30 "$DATA/node.log"; exit 1; }
log "chain is up: connect Polkadot.js Apps to ws://127.0.0.1:9944"

if [ "$DEVICES" -gt 0 ]; then
	log "registering a demo fleet of $DEVICES devices owned by //Alice and streaming their signed readings"
	"$GATEWAY_BIN" simulate --devices "$DEVICES" --owner //Alice --key-seed //openvpp/demo --rounds 0 \
		--readings 4 >"$DATA/fleet.log" 2>&1 &
	FLEET_PID=$!
	# Eight registrations take about eight blocks; then each round adds readings.
	sleep 75
	"$GATEWAY_BIN" status --owner //Alice || true
	log "watch the fleet: $GATEWAY_BIN status --owner //Alice   (fleet log: $DATA/fleet.log)"
	log "rewards are paid per hourly epoch; 'value points' grow with every accepted bundle"
fi
wait "$NODE_PID"
