#!/usr/bin/env bash
# A local four-validator OpenVPP network (alice, bob, charlie, dave) on loopback.
#
#   scripts/testnet.sh start [NODE...]   build if needed, insert session keys, start the nodes
#                                        (all four by default) and print their endpoints
#   scripts/testnet.sh stop [NODE...]    stop them (SIGTERM; databases are kept)
#   scripts/testnet.sh kill NODE...      SIGKILL them (a crash; used by the failure tests)
#   scripts/testnet.sh status            best/finalized block and peers of each node
#   scripts/testnet.sh endpoints         the RPC and Prometheus endpoints
#   scripts/testnet.sh clean             stop the nodes and remove the databases and logs
#
# Each node runs `--chain local --validator` with its own ParityDB database under
# $OPENVPP_TESTNET_DIR/<name>, its Aura (sr25519) and GRANDPA (ed25519) keys `//Alice` ... in
# its keystore, a fixed network key (so the others can list it as a bootnode) and every port
# bound to 127.0.0.1. Logs go to $OPENVPP_TESTNET_DIR/logs/<name>.log.
#
# Environment (so a test can run its own network beside a development node):
#   OPENVPP_TESTNET_DIR  directory of databases, keys and logs (default .testnet in the repository)
#   OPENVPP_PORT_BASE    p2p ports base+0..3          (default 30400)
#   OPENVPP_RPC_BASE     JSON-RPC ports base+0..3     (default 9950)
#   OPENVPP_PROM_BASE    Prometheus ports base+0..3   (default 9620)
#   OPENVPP_NODE_BIN     the node binary              (default $CARGO_TARGET_DIR/release/openvpp-node)
#   OPENVPP_NODE_ARGS    extra arguments for every node (e.g. "-lgrandpa=debug")
set -euo pipefail
source "$(dirname "$0")/common.sh"

DIR="${OPENVPP_TESTNET_DIR:-$REPO_ROOT/.testnet}"
[[ "$DIR" == /* ]] || DIR="$PWD/$DIR"
P2P_BASE="${OPENVPP_PORT_BASE:-30400}"
RPC_BASE="${OPENVPP_RPC_BASE:-9950}"
PROM_BASE="${OPENVPP_PROM_BASE:-9620}"
NAMES=(alice bob charlie dave)
CHAIN_ID=openvpp_local # the `id` of the local chain spec: the folder under <base>/chains/
MARKER=.openvpp-testnet # marks a directory this script created, so `clean` removes nothing else

rpc_port() { echo $((RPC_BASE + $1)); }
p2p_port() { echo $((P2P_BASE + $1)); }
prom_port() { echo $((PROM_BASE + $1)); }
# Fixed, public, test-only network keys: 0x00..01 for alice, 0x00..02 for bob, ...
node_key() { printf '%064x' $(($1 + 1)); }

index_of() { # index_of NAME -> 0..3
	local i
	for i in 0 1 2 3; do
		if [ "${NAMES[$i]}" = "$1" ]; then echo "$i"; return; fi
	done
	echo "unknown node '$1' (expected one of: ${NAMES[*]})" >&2
	exit 2
}

rpc() { # rpc PORT METHOD [PARAMS]
	curl -sf -m 5 -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":${3:-[]}}" "http://127.0.0.1:$1"
}

pid_of() { # pid_of INDEX -> the pid if the node is running
	local pidf="$DIR/${NAMES[$1]}/pid" pid
	[ -f "$pidf" ] || return 1
	pid="$(cat "$pidf")"
	kill -0 "$pid" 2>/dev/null || return 1
	echo "$pid"
}

peer_id() { # peer_id INDEX (prepare_node wrote the key)
	local f="$DIR/${NAMES[$1]}/node-key"
	[ -f "$f" ] || { echo "<not-prepared>"; return; }
	[ -f "$f.peer-id" ] || "$NODE_BIN" key inspect-node-key --file "$f" >"$f.peer-id"
	cat "$f.peer-id"
}

prepare_node() { # prepare_node INDEX: the node key and the session keys
	local i="$1" name="${NAMES[$1]}"
	local base="$DIR/$name" seed="//${NAMES[$1]^}"
	mkdir -p "$base"
	[ -f "$base/node-key" ] || { node_key "$i" | tr -d '\n' >"$base/node-key"; chmod 600 "$base/node-key"; }
	local ks="$base/chains/$CHAIN_ID/keystore"
	if [ ! -d "$ks" ] || [ "$(find "$ks" -type f | wc -l)" -lt 2 ]; then
		"$NODE_BIN" key insert --base-path "$base" --chain local --scheme sr25519 --suri "$seed" --key-type aura
		"$NODE_BIN" key insert --base-path "$base" --chain local --scheme ed25519 --suri "$seed" --key-type gran
	fi
}

start_node() { # start_node INDEX
	local i="$1" name="${NAMES[$1]}" j pid port
	local base="$DIR/$name" boot=()
	if pid="$(pid_of "$i")"; then
		log "$name already running (pid $pid)"
		return
	fi
	# The node would quietly move RPC to a random port if its own were taken: refuse instead.
	for port in "$(p2p_port "$i")" "$(rpc_port "$i")" "$(prom_port "$i")"; do
		if port_in_use "$port"; then
			log "$name: port $port on 127.0.0.1 is in use (set OPENVPP_PORT_BASE/OPENVPP_RPC_BASE/OPENVPP_PROM_BASE)"
			exit 1
		fi
	done
	for j in 0 1 2 3; do
		[ "$j" -eq "$i" ] && continue
		boot+=("/ip4/127.0.0.1/tcp/$(p2p_port "$j")/p2p/$(peer_id "$j")")
	done
	echo "==== testnet.sh: starting $name at $(date -u '+%F %T') UTC" >>"$DIR/logs/$name.log"
	# Every port on 127.0.0.1; all RPC methods, as `auto` would serve on localhost anyway.
	# shellcheck disable=SC2086 # OPENVPP_NODE_ARGS is split on purpose
	"$NODE_BIN" --chain local --validator --name "$name" --base-path "$base" --database paritydb \
		--node-key-file "$base/node-key" \
		--listen-addr "/ip4/127.0.0.1/tcp/$(p2p_port "$i")" --bootnodes "${boot[@]}" \
		--no-mdns --allow-private-ip --no-telemetry \
		--rpc-port "$(rpc_port "$i")" --rpc-methods unsafe --rpc-cors all \
		--prometheus-port "$(prom_port "$i")" \
		${OPENVPP_NODE_ARGS:-} >>"$DIR/logs/$name.log" 2>&1 </dev/null &
	echo $! >"$base/pid"
	log "$name started (pid $!, log $DIR/logs/$name.log)"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ours() { # ours INDEX: the node answering on its RPC port is this network's node INDEX
	[ "$(rpc "$(rpc_port "$1")" system_localPeerId 2>/dev/null | jq -r .result)" = "$(peer_id "$1")" ]
}

wait_for_node() { # wait_for_node INDEX TIMEOUT: until it answers RPC; fails early if it exits
	local i="$1" end=$(($(date +%s) + $2))
	until ours "$i"; do
		pid_of "$i" >/dev/null || return 1
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 1
	done
}

print_endpoints() { # print_endpoints INDEX...
	local i
	for i in "$@"; do
		printf '  %-8s rpc ws://127.0.0.1:%s (http too)  prometheus http://127.0.0.1:%s/metrics  p2p /ip4/127.0.0.1/tcp/%s/p2p/%s\n' \
			"${NAMES[$i]}" "$(rpc_port "$i")" "$(prom_port "$i")" "$(p2p_port "$i")" "$(peer_id "$i")"
	done
}

selected() { # selected [NAME...] -> indices (all four without names)
	local n
	if [ "$#" -eq 0 ]; then echo 0 1 2 3; return; fi
	for n in "$@"; do index_of "$n"; done | tr '\n' ' '
}

check_names() { # exits (in this shell, not a subshell) on an unknown name
	local n
	for n in "$@"; do index_of "$n" >/dev/null; done
}

cmd_start() {
	local idx i
	idx=$(selected "$@")
	if [ ! -x "$NODE_BIN" ]; then build_binaries; fi
	mkdir -p "$DIR/logs"
	touch "$DIR/$MARKER"
	for i in 0 1 2 3; do prepare_node "$i"; done
	for i in $idx; do start_node "$i"; done
	for i in $idx; do
		if ! wait_for_node "$i" 120; then
			log "${NAMES[$i]} did not answer RPC within 120 s or exited; the end of $DIR/logs/${NAMES[$i]}.log:"
			tail -n 20 "$DIR/logs/${NAMES[$i]}.log" >&2 || true
			exit 1
		fi
	done
	log "running: $(for i in $idx; do printf '%s ' "${NAMES[$i]}"; done)(logs in $DIR/logs)"
	# shellcheck disable=SC2086
	print_endpoints $idx
}

stop_nodes() { # stop_nodes SIGNAL INDEX...: signal them all, then wait for each
	local sig="$1" i pid waited
	shift
	local pids=()
	for i in "$@"; do
		if pid="$(pid_of "$i")"; then
			kill "-$sig" "$pid" 2>/dev/null || true
			pids+=("$i:$pid")
		fi
	done
	for entry in "${pids[@]+"${pids[@]}"}"; do
		i="${entry%%:*}" pid="${entry#*:}" waited=0
		# A clean shutdown (SIGTERM) closes the database; give it 30 s, then SIGKILL.
		while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 60 ]; do sleep 0.5; waited=$((waited + 1)); done
		if kill -0 "$pid" 2>/dev/null; then
			log "${NAMES[$i]} (pid $pid) did not stop in 30 s; SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
			while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
		fi
		log "${NAMES[$i]} stopped (pid $pid, SIG$sig)"
	done
	for i in "$@"; do rm -f "$DIR/${NAMES[$i]}/pid"; done
}

cmd_stop() {
	# shellcheck disable=SC2046
	stop_nodes TERM $(selected "$@")
}

cmd_kill() {
	[ "$#" -gt 0 ] || { echo "usage: $0 kill NODE..." >&2; exit 2; }
	# shellcheck disable=SC2046
	stop_nodes KILL $(selected "$@")
}

hex_to_dec() { echo $((16#${1#0x})); }

cmd_status() {
	local i port best fin lag peers state header fhash syncing
	printf '%-8s %-5s %8s %10s %5s %6s %8s\n' node state best finalized lag peers syncing
	for i in 0 1 2 3; do
		port="$(rpc_port "$i")" best=- fin=- peers=- state=down syncing=- lag=-
		if header="$(rpc "$port" chain_getHeader)" && ! ours "$i"; then
			state=other # another process answers on this node's port
		elif [ -n "$header" ]; then
			state=up
			best=$(hex_to_dec "$(jq -r .result.number <<<"$header")")
			fhash="$(rpc "$port" chain_getFinalizedHead | jq -r .result)"
			fin=$(hex_to_dec "$(rpc "$port" chain_getHeader "[\"$fhash\"]" | jq -r .result.number)")
			lag=$((best - fin))
			read -r peers syncing < <(rpc "$port" system_health | jq -r '"\(.result.peers) \(.result.isSyncing)"')
		elif pid_of "$i" >/dev/null; then
			state=start
		fi
		printf '%-8s %-5s %8s %10s %5s %6s %8s\n' "${NAMES[$i]}" "$state" "$best" "$fin" "$lag" "$peers" "$syncing"
	done
}

cmd_clean() {
	cmd_stop
	if [ -d "$DIR" ]; then
		if [ ! -f "$DIR/$MARKER" ]; then
			echo "$DIR was not created by $0 (no $MARKER); not removing it" >&2
			exit 1
		fi
		rm -rf "$DIR"
		log "removed $DIR"
	fi
}

cmd="${1:-}"
[ "$#" -gt 0 ] && shift
check_names "$@"
case "$cmd" in
	start) cmd_start "$@" ;;
	stop) cmd_stop "$@" ;;
	kill) cmd_kill "$@" ;;
	status) cmd_status ;;
	endpoints) print_endpoints 0 1 2 3 ;;
	clean) cmd_clean ;;
	*) echo "usage: $0 start|stop [NODE...] | kill NODE... | status | endpoints | clean" >&2; exit 2 ;;
esac
