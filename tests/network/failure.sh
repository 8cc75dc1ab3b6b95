#!/usr/bin/env bash
# Failure tests of the four-validator network (scripts/testnet.sh), on loopback, bounded in time.
#
#   (a) all four validators up: blocks and finality advance
#   (b) one of four stopped: blocks and finality continue (3/4 > 2/3 of the GRANDPA voters)
#   (c) a second stopped: finality stalls (no finalized advance for 30 s) while blocks continue
#   (d) both restarted on their own databases: finality catches up, no finalized block is
#       reverted, all nodes agree on the finalized hash and its state root
#   (e) `kill -9` of a node as a block arrives, restart on the same database: it resumes from
#       its stored best block and catches up without a resync
#
# It runs its own network in a temporary directory on its own ports (so a development node on
# 9944 is not disturbed), stops it and removes the directory on exit, even on failure or Ctrl-C
# (OPENVPP_FAILURE_KEEP=1 keeps the directory and its logs). Every wait has a timeout and the
# whole run has a budget (OPENVPP_FAILURE_BUDGET seconds, default 360). Prints the measured
# finality lag (best − finalized) and catch-up times, and ends with `N passed, M failed`; the
# exit status is non-zero when anything failed.
#
# Environment: OPENVPP_NODE_BIN (the node binary), OPENVPP_FAILURE_P2P_BASE (32400),
# OPENVPP_FAILURE_RPC_BASE (29950), OPENVPP_FAILURE_PROM_BASE (29620): four consecutive ports each.
set -uo pipefail
source "$(cd "$(dirname "$0")/../.." && pwd)/scripts/common.sh"
TESTNET="$REPO_ROOT/scripts/testnet.sh"

BUDGET="${OPENVPP_FAILURE_BUDGET:-360}"
STALL_WINDOW="${OPENVPP_FAILURE_STALL_SECONDS:-30}"
export OPENVPP_PORT_BASE="${OPENVPP_FAILURE_P2P_BASE:-32400}"
export OPENVPP_RPC_BASE="${OPENVPP_FAILURE_RPC_BASE:-29950}"
export OPENVPP_PROM_BASE="${OPENVPP_FAILURE_PROM_BASE:-29620}"
export OPENVPP_NODE_BIN="$NODE_BIN"
NAMES=(alice bob charlie dave)
UP=(0 0 0 0)

T_BEGIN=$(date +%s)
DEADLINE=$((T_BEGIN + BUDGET))
PASSED=0
FAILED=0

say() { printf '[failure] %s\n' "$*"; }
pass() { PASSED=$((PASSED + 1)); printf '  ok    %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf '  FAIL  %s\n' "$*"; }
check() { # check DESCRIPTION COMMAND...
	local desc="$1"
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}
now() { date +%s; }

# ---------------------------------------------------------------------------------------------
# Preconditions: the binary, free ports.

if [ ! -x "$NODE_BIN" ]; then
	say "no node binary at $NODE_BIN (build it first: scripts/test.sh does)"
	echo "0 passed, 1 failed"
	exit 1
fi
for base in "$OPENVPP_PORT_BASE" "$OPENVPP_RPC_BASE" "$OPENVPP_PROM_BASE"; do
	for i in 0 1 2 3; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$((base + i))") 2>/dev/null; then
			say "port $((base + i)) on 127.0.0.1 is in use; set OPENVPP_FAILURE_{P2P,RPC,PROM}_BASE"
			echo "0 passed, 1 failed"
			exit 1
		fi
	done
done

WORK="$(mktemp -d -t openvpp-failure.XXXXXX)"
export OPENVPP_TESTNET_DIR="$WORK/net"
LOGS="$OPENVPP_TESTNET_DIR/logs"

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	"$TESTNET" stop >/dev/null 2>&1 || true
	if [ "$FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then
		for n in "${NAMES[@]}"; do
			[ -f "$LOGS/$n.log" ] || continue
			echo "---- last lines of $n.log"
			tail -n 15 "$LOGS/$n.log" | cut -c1-200
		done
	fi
	if [ "${OPENVPP_FAILURE_KEEP:-0}" = 1 ]; then
		say "kept $WORK"
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Reading the nodes.

# heights INDEX -> "best finalized" from the node's Prometheus exporter; empty if it is down.
heights() {
	curl -sf -m 3 "http://127.0.0.1:$((OPENVPP_PROM_BASE + $1))/metrics" 2>/dev/null | awk '
		index($0, "substrate_block_height{status=\"best\"") == 1 { b = $2 }
		index($0, "substrate_block_height{status=\"finalized\"") == 1 { f = $2 }
		END { if (b != "" && f != "") print b, f }'
}
best_of() { local h; h="$(heights "$1")"; echo "${h% *}"; }
fin_of() { local h; h="$(heights "$1")"; echo "${h#* }"; }

# rpc INDEX METHOD [PARAMS] -> the result (JSON, strings unquoted)
rpc() {
	curl -sf -m 5 -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":${3:-[]}}" \
		"http://127.0.0.1:$((OPENVPP_RPC_BASE + $1))" 2>/dev/null | jq -r '.result // empty'
}
block_hash() { rpc "$1" chain_getBlockHash "[$2]"; }
state_root() { rpc "$1" chain_getHeader "[\"$2\"]" | jq -r .stateRoot; }

# canonical_hashes INDEX FROM TO -> one hash per line, heights FROM..TO (one batch request)
canonical_hashes() {
	jq -cn --argjson a "$2" --argjson b "$3" \
		'[range($a; $b + 1) | {id: ., jsonrpc: "2.0", method: "chain_getBlockHash", params: [.]}]' |
		curl -sf -m 10 -H 'Content-Type: application/json' -d @- \
			"http://127.0.0.1:$((OPENVPP_RPC_BASE + $1))" 2>/dev/null |
		jq -r 'sort_by(.id) | .[] | .result // "null"'
}

running() { local i; for i in 0 1 2 3; do [ "${UP[$i]}" = 1 ] && printf '%s ' "$i"; done; }

# ---------------------------------------------------------------------------------------------
# Finality lag samples (best − finalized per running node, once a second during every wait).

declare -A LAG_SUM LAG_N LAG_MAX LAG_NODES
PHASES=()
sample() { # sample PHASE
	local phase="$1" i h b f
	if [ -z "${LAG_N[$phase]+x}" ]; then
		PHASES+=("$phase")
		LAG_SUM[$phase]=0 LAG_N[$phase]=0 LAG_MAX[$phase]=0
	fi
	LAG_NODES[$phase]="$(for i in $(running); do printf '%s ' "${NAMES[$i]}"; done)"
	for i in $(running); do
		h="$(heights "$i")"
		[ -n "$h" ] || continue
		read -r b f <<<"$h"
		LAG_SUM[$phase]=$((LAG_SUM[$phase] + b - f))
		LAG_N[$phase]=$((LAG_N[$phase] + 1))
		if [ $((b - f)) -gt "${LAG_MAX[$phase]}" ]; then LAG_MAX[$phase]=$((b - f)); fi
	done
}

# wait_until TIMEOUT PHASE COMMAND...: polls COMMAND once a second (sampling the lag) until it
# succeeds (0) or TIMEOUT seconds pass or the run's budget is spent (1).
wait_until() {
	local timeout="$1" phase="$2" end
	shift 2
	end=$(($(now) + timeout))
	if [ "$end" -gt "$DEADLINE" ]; then end="$DEADLINE"; fi
	while :; do
		sample "$phase"
		if "$@"; then return 0; fi
		if [ "$(now)" -ge "$end" ]; then return 1; fi
		sleep 1
	done
}
never() { return 1; }

# Conditions over a set of nodes.
all_best_at_least() { # N INDEX...
	local n="$1" i b
	shift
	for i in "$@"; do b="$(best_of "$i")"; [ -n "$b" ] && [ "$b" -ge "$n" ] || return 1; done
}
all_fin_at_least() { # N INDEX...
	local n="$1" i f
	shift
	for i in "$@"; do f="$(fin_of "$i")"; [ -n "$f" ] && [ "$f" -ge "$n" ] || return 1; done
}
any_fin_above() { # N INDEX...
	local n="$1" i f
	shift
	for i in "$@"; do f="$(fin_of "$i")"; [ -n "$f" ] && [ "$f" -gt "$n" ] && return 0; done
	return 1
}
max_of() { # max_of best|fin INDEX...
	local what="$1" i v m=0
	shift
	for i in "$@"; do v="$("${what}_of" "$i")"; [ -n "$v" ] && [ "$v" -gt "$m" ] && m="$v"; done
	echo "$m"
}
min_of() { # min_of best|fin INDEX... (empty if a node does not answer)
	local what="$1" i v m=""
	shift
	for i in "$@"; do
		v="$("${what}_of" "$i")"
		[ -n "$v" ] || { echo ""; return; }
		if [ -z "$m" ] || [ "$v" -lt "$m" ]; then m="$v"; fi
	done
	echo "$m"
}
peers_all() { # every running node sees every other running node
	local i want p
	want=$(($(running | wc -w) - 1))
	for i in $(running); do
		p="$(rpc "$i" system_health | jq -r .peers)"
		[ -n "$p" ] && [ "$p" -ge "$want" ] || return 1
	done
}

# agree INDEX...: the nodes agree on the block and state root at their common finalized height,
# and every node's finalized head is on every other node's canonical chain.
AGREE_NOTE=""
agree() {
	local i j h hash root ref_hash="" ref_root="" fh fn
	h="$(min_of fin "$@")"
	[ -n "$h" ] || { AGREE_NOTE="a node did not answer"; return 1; }
	for i in "$@"; do
		hash="$(block_hash "$i" "$h")"
		root="$(state_root "$i" "$hash")"
		[ -n "$hash" ] && [ -n "$root" ] || { AGREE_NOTE="${NAMES[$i]} has no block #$h"; return 1; }
		if [ -z "$ref_hash" ]; then
			ref_hash="$hash" ref_root="$root"
		elif [ "$hash" != "$ref_hash" ] || [ "$root" != "$ref_root" ]; then
			AGREE_NOTE="#$h: ${NAMES[$i]} has $hash/$root, ${NAMES[$1]} $ref_hash/$ref_root"
			return 1
		fi
	done
	for i in "$@"; do
		fh="$(rpc "$i" chain_getFinalizedHead)"
		fn=$((16#$(rpc "$i" chain_getHeader "[\"$fh\"]" | jq -r .number | sed 's/^0x//')))
		for j in "$@"; do
			[ "$(fin_of "$j")" -ge "$fn" ] || continue
			if [ "$(block_hash "$j" "$fn")" != "$fh" ]; then
				AGREE_NOTE="${NAMES[$i]} finalized #$fn $fh, not on ${NAMES[$j]}'s chain"
				return 1
			fi
		done
	done
	AGREE_NOTE="#$h ${ref_hash:0:18}… stateRoot ${ref_root:0:18}…"
}

start_nodes() { # start_nodes NAME... (the nodes answer RPC when it returns)
	local n
	if ! timeout 180 "$TESTNET" start "$@" >>"$WORK/testnet.out" 2>&1; then
		tail -n 20 "$WORK/testnet.out"
		return 1
	fi
	for n in "$@"; do
		for i in 0 1 2 3; do if [ "${NAMES[$i]}" = "$n" ]; then UP[$i]=1; fi; done
	done
}
stop_nodes() { # stop_nodes stop|kill NAME...
	local how="$1" n
	shift
	for n in "$@"; do
		for i in 0 1 2 3; do if [ "${NAMES[$i]}" = "$n" ]; then UP[$i]=0; fi; done
	done
	timeout 60 "$TESTNET" "$how" "$@" >>"$WORK/testnet.out" 2>&1
}

summary() {
	echo
	say "report (finality lag = best − finalized, sampled each second on every running node)"
	printf '  %-34s %-24s %7s %7s %7s\n' phase nodes samples "lag avg" "lag max"
	local p
	for p in "${PHASES[@]+"${PHASES[@]}"}"; do
		[ "${LAG_N[$p]}" -gt 0 ] || continue
		printf '  %-34s %-24s %7s %7s %7s\n' "$p" "${LAG_NODES[$p]}" "${LAG_N[$p]}" \
			"$(awk -v s="${LAG_SUM[$p]}" -v n="${LAG_N[$p]}" 'BEGIN { printf "%.1f", s / n }')" "${LAG_MAX[$p]}"
	done
	[ -n "${REPORT_D:-}" ] && echo "  $REPORT_D"
	[ -n "${REPORT_E:-}" ] && echo "  $REPORT_E"
	echo "  total time: $(($(now) - T_BEGIN)) s (budget $BUDGET s); node $("$NODE_BIN" --version 2>/dev/null)"
	echo "$PASSED passed, $FAILED failed"
}
finish() { summary; [ "$FAILED" -eq 0 ]; exit $?; }
abort() { fail "$*"; say "cannot continue"; finish; }

# ---------------------------------------------------------------------------------------------
say "network in $OPENVPP_TESTNET_DIR; p2p $OPENVPP_PORT_BASE.., rpc $OPENVPP_RPC_BASE.., prometheus $OPENVPP_PROM_BASE..; budget $BUDGET s"

# (a) All four up.
say "(a) starting alice, bob, charlie, dave"
t=$(now)
start_nodes alice bob charlie dave || abort "(a) the four nodes start and answer RPC"
pass "(a) the four nodes start and answer RPC ($(($(now) - t)) s)"
check "(a) every node is connected to the three others" wait_until 60 "(a) four validators" peers_all
check "(a) blocks are produced: best ≥ #3 on all four" wait_until 90 "(a) four validators" all_best_at_least 3 0 1 2 3
F=$(max_of fin 0 1 2 3)
F_A=$((F + 2 > 3 ? F + 2 : 3))
check "(a) finality advances: finalized ≥ #$F_A (from #$F) on all four" \
	wait_until 60 "(a) four validators" all_fin_at_least "$F_A" 0 1 2 3

# (b) One validator down.
F=$(max_of fin 0 1 2)
B=$(max_of best 0 1 2)
say "(b) stopping dave (at best #$B, finalized #$F)"
stop_nodes stop dave
check "(b) blocks continue without dave: best ≥ #$((B + 3)) on alice, bob, charlie" \
	wait_until 60 "(b) dave down" all_best_at_least $((B + 3)) 0 1 2
check "(b) finality continues without dave: finalized ≥ #$((F + 3)) on alice, bob, charlie" \
	wait_until 60 "(b) dave down" all_fin_at_least $((F + 3)) 0 1 2

# (c) Two validators down: 2 of 4 GRANDPA voters are not a supermajority.
say "(c) stopping charlie"
stop_nodes stop charlie
wait_until 8 "(c) charlie, dave down (stalled)" never # rounds in flight settle
F_STALL=$(max_of fin 0 1)
B=$(min_of best 0 1)
say "(c) watching for ${STALL_WINDOW} s: finalized #$F_STALL, best #$B"
if wait_until "$STALL_WINDOW" "(c) charlie, dave down (stalled)" any_fin_above "$F_STALL" 0 1; then
	fail "(c) finality stalls with 2 of 4 validators (finalized moved past #$F_STALL)"
else
	pass "(c) finality stalls with 2 of 4 validators: finalized stays at #$F_STALL for ${STALL_WINDOW} s"
fi
check "(c) blocks continue with 2 of 4 validators: best ≥ #$((B + 2)) on alice and bob" \
	wait_until 12 "(c) charlie, dave down (stalled)" all_best_at_least $((B + 2)) 0 1
LAG_STALL="$(($(best_of 0) - $(fin_of 0)))"

# (d) Both back on their own databases.
mapfile -t FIN_HASHES < <(canonical_hashes 0 0 "$F_STALL")
if [ "${#FIN_HASHES[@]}" -ne $((F_STALL + 1)) ] || printf '%s\n' "${FIN_HASHES[@]}" | grep -qx null; then
	abort "(d) read the finalized hashes #0..#$F_STALL from alice"
fi
say "(d) restarting charlie and dave on their databases (finalized stalled at #$F_STALL, lag $LAG_STALL)"
T_RESTART=$(now)
start_nodes charlie dave || abort "(d) charlie and dave restart"
T_UP=$(($(now) - T_RESTART))
if wait_until 150 "(d) restarted, catching up" all_fin_at_least $((F_STALL + 1)) 0 1 2 3; then
	T_CATCH=$(($(now) - T_RESTART))
	pass "(d) finality catches up: finalized > #$F_STALL on all four, $T_CATCH s after the restart"
	REPORT_D="(d) catch-up: finalized passed the stalled #$F_STALL on all four ${T_CATCH} s after restarting charlie and dave (their RPC answered after ${T_UP} s)"
else
	fail "(d) finality catches up: finalized > #$F_STALL on all four within 150 s"
	REPORT_D="(d) catch-up: finalized did NOT pass #$F_STALL (restart at +0 s, RPC after ${T_UP} s)"
fi
not_reverted() {
	local i got bad=0 h
	for i in 0 1 2 3; do
		mapfile -t got < <(canonical_hashes "$i" 0 "$F_STALL")
		for h in $(seq 0 "$F_STALL"); do
			if [ "${got[$h]:-}" != "${FIN_HASHES[$h]}" ]; then
				echo "        ${NAMES[$i]} #$h: ${got[$h]:-none}, was ${FIN_HASHES[$h]}"
				bad=1
				break
			fi
		done
	done
	return "$bad"
}
check "(d) no finalized block reverted: #0..#$F_STALL have their earlier hashes on all four" not_reverted
if agree 0 1 2 3; then
	pass "(d) all four agree on the finalized block and its state root: $AGREE_NOTE"
else
	fail "(d) all four agree on the finalized block and state root: $AGREE_NOTE"
fi

# (e) kill -9 during import, restart on the same database.
wait_until 30 "(e) kill -9 bob, restart" all_best_at_least "$(best_of 0)" 1 >/dev/null || true
say "(e) waiting for a new block, then kill -9 bob as it arrives"
PRE_BEST="" PRE_FIN="" last_alice="$(best_of 0)" killed=0
end=$(($(now) + 20))
while [ "$(now)" -lt "$end" ]; do
	h="$(heights 1)"
	a="$(best_of 0)"
	if [ -n "$a" ] && [ -n "$last_alice" ] && [ "$a" -gt "$last_alice" ]; then
		kill -KILL "$(cat "$OPENVPP_TESTNET_DIR/bob/pid")" && killed=1
		read -r PRE_BEST PRE_FIN <<<"$h"
		break
	fi
	sleep 0.1
done
stop_nodes kill bob # waits for the process to be gone and tidies its pid file
if [ "$killed" != 1 ] || [ -z "$PRE_BEST" ]; then
	abort "(e) kill -9 bob as a block arrives (no new block within 20 s)"
fi
LOG_LINES=$(wc -l <"$LOGS/bob.log")
say "(e) bob killed (SIGKILL) at best #$PRE_BEST finalized #$PRE_FIN; alice at #$a; 12 s down"
wait_until 12 "(e) kill -9 bob, restart" never
TARGET_BEST=$(best_of 0)
TARGET_FIN=$(fin_of 0)
T_RESTART=$(now)
start_nodes bob || abort "(e) bob restarts on its database"
read -r POST_BEST POST_FIN <<<"$(heights 1)"
T_UP=$(($(now) - T_RESTART))
# The node logs the best block it found in its database before it starts networking.
STORED="$(tail -n +$((LOG_LINES + 1)) "$LOGS/bob.log" | sed -n 's/.*Highest known block at #\([0-9]*\).*/\1/p' | head -n 1)"
check "(e) bob resumes from its database: stored best block at start-up #${STORED:-?} ≥ #$PRE_BEST before the kill (not 0)" \
	test "${STORED:-0}" -ge "$PRE_BEST" -a "${STORED:-0}" -gt 0
check "(e) bob's best right after the restart #${POST_BEST:-?} ≥ #$PRE_BEST" \
	test "${POST_BEST:-0}" -ge "$PRE_BEST" -a "${POST_BEST:-0}" -gt 0
check "(e) no resync: bob's log since the restart shows no genesis initialisation" \
	bash -c "! tail -n +$((LOG_LINES + 1)) '$LOGS/bob.log' | grep -q 'Initializing Genesis'"
bob_caught_up() { all_best_at_least "$TARGET_BEST" 1 && all_fin_at_least "$TARGET_FIN" 1; }
if wait_until 90 "(e) kill -9 bob, restart" bob_caught_up; then
	T_CATCH=$(($(now) - T_RESTART))
	pass "(e) bob catches up: best ≥ #$TARGET_BEST and finalized ≥ #$TARGET_FIN, $T_CATCH s after the restart"
else
	T_CATCH="> 90"
	fail "(e) bob catches up to best #$TARGET_BEST / finalized #$TARGET_FIN within 90 s"
fi
IMPORTED=$(curl -sf -m 3 "http://127.0.0.1:$((OPENVPP_PROM_BASE + 1))/metrics" |
	awk 'index($0, "substrate_import_queue_processed_total{result=\"success\"") == 1 { s += $2 } END { print s + 0 }')
NOW_BEST=$(best_of 1)
MISSED=$((NOW_BEST - ${STORED:-0}))
check "(e) no resync: bob imported $IMPORTED blocks, at most the $MISSED above its stored best (+2 for forks), not all #$NOW_BEST" \
	test "$IMPORTED" -le $((MISSED + 2))
REPORT_E="(e) kill -9: bob at best #$PRE_BEST/finalized #$PRE_FIN; restarted from stored #${STORED:-?}, best #${POST_BEST:-?}/finalized #${POST_FIN:-?} when its RPC answered (${T_UP} s); caught up with best #$TARGET_BEST/finalized #$TARGET_FIN ${T_CATCH} s after the restart, importing $IMPORTED blocks"
if wait_until 20 "(e) kill -9 bob, restart" agree 0 1 2 3; then
	pass "(e) all four agree again on the finalized block and its state root: $AGREE_NOTE"
else
	fail "(e) all four agree again on the finalized block and state root: $AGREE_NOTE"
fi

finish
