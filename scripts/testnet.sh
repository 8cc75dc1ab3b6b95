#!/usr/bin/env bash
# A local four-validator OpenVPP network (alice, bob, charlie, dave) on loopback.
#
#   scripts/testnet.sh start    build if needed, insert session keys, start the four nodes
#   scripts/testnet.sh stop     stop them (databases are kept; `clean` removes them)
#   scripts/testnet.sh status   best/finalized block and peers of each node
#   scripts/testnet.sh clean    stop and remove the databases and logs
#
# Environment: OPENVPP_TESTNET_DIR (default .testnet in the repository), OPENVPP_PORT_BASE
# (default 30400: p2p ports base+0..3, RPC 9950..9953, Prometheus 9620..9623).
set -euo pipefail
source "$(dirname "$0")/common.sh"

DIR="${OPENVPP_TESTNET_DIR:-$REPO_ROOT/.testnet}"
P2P_BASE="${OPENVPP_PORT_BASE:-30400}"
RPC_BASE="${OPENVPP_RPC_BASE:-9950}"
PROM_BASE="${OPENVPP_PROM_BASE:-9620}"
NAMES=(alice bob charlie dave)
# A fixed network key for alice so the others can find her.
ALICE_NODE_KEY=0000000000000000000000000000000000000000000000000000000000000001

rpc_port() { echo $((RPC_BASE + $1)); }
p2p_port() { echo $((P2P_BASE + $1)); }
prom_port() { echo $((PROM_BASE + $1)); }

rpc() { # rpc PORT METHOD [PARAMS]
	curl -sf -m 5 -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":${3:-[]}}" "http://127.0.0.1:$1"
}

start_node() { # start_node INDEX
	local i="$1" name="${NAMES[$1]}" extra=()
	local base="$DIR/$name"
	if [ "$i" -eq 0 ]; then
		extra+=(--node-key "$ALICE_NODE_KEY")
	else
		extra+=(--bootnodes "/ip4/127.0.0.1/tcp/$(p2p_port 0)/p2p/$(alice_peer_id)")
	fi
	if [ -f "$base/pid" ] && kill -0 "$(cat "$base/pid")" 2>/dev/null; then
		log "$name already running (pid $(cat "$base/pid"))"
		return
	fi
	"$NODE_BIN" --chain local --validator --name "$name" --base-path "$base" \
		--rpc-port "$(rpc_port "$i")" --prometheus-port "$(prom_port "$i")" \
		--listen-addr "/ip4/127.0.0.1/tcp/$(p2p_port "$i")" --no-mdns --no-telemetry \
		--rpc-methods unsafe --rpc-cors all --allow-private-ip "${extra[@]}" \
		>>"$DIR/logs/$name.log" 2>&1 &
	echo $! >"$base/pid"
}

alice_peer_id() {
	local f="$DIR/alice-node-key"
	echo -n "$ALICE_NODE_KEY" >"$f"
	"$NODE_BIN" key inspect-node-key --file "$f" 2>/dev/null
}

insert_keys() { # insert_keys INDEX
	local name="${NAMES[$1]}" seed
	seed="//${name^}"
	local ks="$DIR/$name/chains/openvpp_local/keystore"
	if [ -d "$ks" ] && [ "$(ls -A "$ks" 2>/dev/null | wc -l)" -ge 2 ]; then
		return
	fi
	"$NODE_BIN" key insert --base-path "$DIR/$name" --chain local --scheme sr25519 --suri "$seed" --key-type aura
	"$NODE_BIN" key insert --base-path "$DIR/$name" --chain local --scheme ed25519 --suri "$seed" --key-type gran
}

cmd_start() {
	[ -x "$NODE_BIN" ] || build_binaries
	mkdir -p "$DIR/logs"
	for i in 0 1 2 3; do
		mkdir -p "$DIR/${NAMES[$i]}"
		insert_keys "$i"
	done
	for i in 0 1 2 3; do start_node "$i"; done
	for i in 0 1 2 3; do
		wait_for_rpc "http://127.0.0.1:$(rpc_port "$i")" 60 || { log "${NAMES[$i]} did not start; see $DIR/logs/${NAMES[$i]}.log"; exit 1; }
	done
	log "network up; logs in $DIR/logs"
	for i in 0 1 2 3; do
		echo "  ${NAMES[$i]}: ws://127.0.0.1:$(rpc_port "$i")  prometheus http://127.0.0.1:$(prom_port "$i")/metrics"
	done
}

cmd_stop() {
	for name in "${NAMES[@]}"; do
		local pidf="$DIR/$name/pid"
		if [ -f "$pidf" ]; then
			local pid
			pid="$(cat "$pidf")"
			if kill -0 "$pid" 2>/dev/null; then
				kill "$pid" 2>/dev/null || true
				for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
				kill -9 "$pid" 2>/dev/null || true
			fi
			rm -f "$pidf"
		fi
	done
	log "network stopped"
}

cmd_status() {
	printf '%-8s %-7s %8s %10s %6s\n' node state best finalized peers
	for i in 0 1 2 3; do
		local port best fin peers state=down
		port="$(rpc_port "$i")"
		if header="$(rpc "$port" chain_getHeader)"; then
			state=up
			best=$((16#$(jq -r .result.number <<<"$header" | sed 's/0x//')))
			fhash="$(rpc "$port" chain_getFinalizedHead | jq -r .result)"
			fin=$((16#$(rpc "$port" chain_getHeader "[\"$fhash\"]" | jq -r .result.number | sed 's/0x//')))
			peers="$(rpc "$port" system_health | jq -r .result.peers)"
		fi
		printf '%-8s %-7s %8s %10s %6s\n' "${NAMES[$i]}" "$state" "${best:--}" "${fin:--}" "${peers:--}"
	done
}

case "${1:-}" in
	start) cmd_start ;;
	stop) cmd_stop ;;
	status) cmd_status ;;
	clean) cmd_stop; rm -rf "$DIR"; log "removed $DIR" ;;
	*) echo "usage: $0 start|stop|status|clean" >&2; exit 2 ;;
esac
