#!/usr/bin/env bash
# Static checks of the container packaging (docker/Dockerfile, docker/compose.yml), for machines
# without Docker (CI here). Needs the built binaries and bash, awk, grep; no YAML library:
# compose.yml is read with a small parser for the subset it is written in (services at indent 2,
# keys at indent 4, `command`/`ports`/`volumes` as block lists with one item per line, flags as
# `--flag=value`; see the file's header).
#
#   - every `--flag` of every compose command appears in the binary's --help (openvpp-node, or
#     `openvpp-gateway <subcommand> --help` for the fleet), and the binary's own parser accepts
#     the whole command line (it is run with `--help` appended, which validates every flag and
#     value and then exits without starting anything)
#   - host ports and container names are unique; mapped container ports are ones the node listens on
#   - bootnode peer ids match the network keys of the nodes they name; no two nodes use the same
#     validator keys, network key or database volume
#   - the fleet's --url names a service and its RPC port
#   - the Dockerfile has the builder and runtime stages, non-root user, /data volume and ports
#
# Usage: tests/network/static_checks.sh [COMPOSE_FILE]   (ends with `N passed, M failed`)
set -uo pipefail
source "$(cd "$(dirname "$0")/../.." && pwd)/scripts/common.sh"

COMPOSE="${1:-$REPO_ROOT/docker/compose.yml}"
DOCKERFILE="$(dirname "$COMPOSE")/Dockerfile"
DOCKERIGNORE="$REPO_ROOT/.dockerignore"
PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); printf '  ok    %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf '  FAIL  %s\n' "$*"; }
note() { printf '        %s\n' "$*"; }
finish() { echo "$PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; exit $?; }

for bin in "$NODE_BIN" "$GATEWAY_BIN"; do
	if [ ! -x "$bin" ]; then
		fail "binary $bin exists (build first: scripts/test.sh does)"
		finish
	fi
done
[ -f "$COMPOSE" ] || { fail "$COMPOSE exists"; finish; }

# --- compose.yml -> "service<TAB>key<TAB>value" records ----------------------------------------
parse_compose() {
	awk '
	function strip(s) {
		sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s)
		if (s ~ /^".*"$/ || s ~ /^\047.*\047$/) s = substr(s, 2, length(s) - 2)
		return s
	}
	/^[ \t]*#/ || /^[ \t]*$/ { next }
	{
		line = $0
		sub(/[ \t]+#.*$/, "", line)          # trailing comments (values here never contain " #")
		match(line, /^ */); indent = RLENGTH
	}
	indent == 0 { top = line; sub(/:.*/, "", top); svc = ""; key = ""; next }
	top != "services" { next }
	indent == 2 && line ~ /^  [A-Za-z0-9_.-]+:[ \t]*$/ {
		svc = line; gsub(/[ :\t]/, "", svc); key = ""
		print svc "\tservice\t" svc
		next
	}
	svc == "" { next }
	indent == 4 && line !~ /^ *- / {
		kv = substr(line, 5); key = kv; sub(/:.*/, "", key)
		val = kv; sub(/^[^:]*:[ \t]*/, "", val)
		if (val ~ /^\[.*\]$/) {
			n = split(substr(val, 2, length(val) - 2), parts, ",")
			for (i = 1; i <= n; i++) print svc "\t" key "\t" strip(parts[i])
		} else if (val != "") print svc "\t" key "\t" strip(val)
		next
	}
	(indent == 4 || indent == 6) && line ~ /^ *- / {
		item = line; sub(/^ *- /, "", item)
		print svc "\t" key "\t" strip(item)
	}
	' "$1"
}
RECORDS="$(parse_compose "$COMPOSE")"
values() { # values SERVICE KEY -> one value per line
	awk -F'\t' -v s="$1" -v k="$2" '$1 == s && $2 == k { print $3 }' <<<"$RECORDS"
}
flag_value() { # flag_value SERVICE FLAG -> value of the first --FLAG=value in the command
	values "$1" command | awk -v f="--$2=" 'index($0, f) == 1 { print substr($0, length(f) + 1); exit }'
}
has_flag() { values "$1" command | grep -qx -- "--$2"; }
mapfile -t SERVICES < <(awk -F'\t' '$2 == "service" { print $1 }' <<<"$RECORDS")

echo "compose file: $COMPOSE (services: ${SERVICES[*]:-none})"
if [ "${#SERVICES[@]}" -ge 5 ]; then
	pass "compose file parsed: ${#SERVICES[@]} services"
else
	fail "compose file parsed into at least 5 services (4 validators + fleet), got ${#SERVICES[@]}"
	finish
fi

# Which binary a service runs: its entrypoint, else the image's (openvpp-node).
binary_of() {
	local ep
	ep="$(values "$1" entrypoint | head -n 1)"
	case "$(basename "${ep:-openvpp-node}")" in
		openvpp-gateway) echo gateway ;;
		openvpp-node) echo node ;;
		*) echo "other:$ep" ;;
	esac
}

help_flags() { # help_flags HELP-COMMAND... -> the --flags the help text lists
	"$@" --help 2>/dev/null | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u
}
NODE_FLAGS="$(help_flags "$NODE_BIN")"
NODES=()

# --- every flag is accepted by the real binary -------------------------------------------------
for svc in "${SERVICES[@]}"; do
	mapfile -t args < <(values "$svc" command)
	kind="$(binary_of "$svc")"
	case "$kind" in
		node)
			NODES+=("$svc")
			known="$NODE_FLAGS"
			runner=("$NODE_BIN")
			;;
		gateway)
			sub="${args[0]:-}"
			known="$(help_flags "$GATEWAY_BIN" "$sub"; help_flags "$GATEWAY_BIN")"
			runner=("$GATEWAY_BIN")
			;;
		*)
			fail "$svc: runs ${kind#other:}, expected openvpp-node or openvpp-gateway"
			continue
			;;
	esac
	if [ "${#args[@]}" -eq 0 ]; then
		fail "$svc: has a command"
		continue
	fi
	unknown=()
	for a in "${args[@]}"; do
		[[ "$a" == --* ]] || continue
		f="${a%%=*}"
		grep -qx -- "$f" <<<"$known" || unknown+=("$f")
	done
	if [ "${#unknown[@]}" -eq 0 ]; then
		pass "$svc: every flag appears in openvpp-$kind ${sub:+$sub }--help"
	else
		fail "$svc: flags openvpp-$kind ${sub:+$sub }does not know: ${unknown[*]}"
	fi
	if out="$("${runner[@]}" "${args[@]}" --help 2>&1 >/dev/null)"; then
		pass "$svc: openvpp-$kind parses the whole command line (flags and values)"
	else
		fail "$svc: openvpp-$kind rejects the command line"
		note "$(head -n 3 <<<"$out")"
	fi
	sub=""
done

# --- host ports, container names -----------------------------------------------------------------
host_ports="$(for svc in "${SERVICES[@]}"; do
	values "$svc" ports | while IFS= read -r p; do
		p="${p%%/*}" # strip /tcp
		IFS=: read -r -a parts <<<"$p"
		case "${#parts[@]}" in
			3) echo "${parts[1]} $svc" ;;
			2) echo "${parts[0]} $svc" ;;
		esac
	done
done)"
dups="$(awk '{ print $1 }' <<<"$host_ports" | sort | uniq -d | tr '\n' ' ')"
if [ -z "$dups" ]; then
	pass "host ports are unique ($(wc -l <<<"$host_ports") mappings)"
else
	fail "host ports used twice: $dups"
fi
loose="$(for svc in "${SERVICES[@]}"; do values "$svc" ports; done | grep -vE '^127\.0\.0\.1:' | tr '\n' ' ')"
if [ -z "$loose" ]; then
	pass "host ports are bound to 127.0.0.1"
else
	fail "host ports not bound to 127.0.0.1: $loose"
fi

names="$(for svc in "${SERVICES[@]}"; do n="$(values "$svc" container_name)"; echo "${n:-<none:$svc>}"; done)"
if grep -q '^<none:' <<<"$names"; then
	fail "every service has a container_name (missing: $(grep '^<none:' <<<"$names" | tr '\n' ' '))"
elif [ -n "$(sort <<<"$names" | uniq -d)" ]; then
	fail "container names are unique (twice: $(sort <<<"$names" | uniq -d | tr '\n' ' '))"
else
	pass "container names are unique: $(tr '\n' ' ' <<<"$names")"
fi

# --- per node: ports it listens on, network key, database ---------------------------------------
declare -A PEER RPC_PORT P2P_PORT
for svc in "${NODES[@]}"; do
	rpc="$(flag_value "$svc" rpc-port)"
	prom="$(flag_value "$svc" prometheus-port)"
	listen="$(flag_value "$svc" listen-addr)"
	p2p="$(flag_value "$svc" port)"
	[ -n "$listen" ] && p2p="$(sed -E 's#.*/tcp/([0-9]+).*#\1#' <<<"$listen")"
	RPC_PORT[$svc]="${rpc:-9944}" P2P_PORT[$svc]="${p2p:-30333}"
	bad=()
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		c="${p##*:}"
		c="${c%%/*}"
		case "$c" in "${RPC_PORT[$svc]}" | "${prom:-9615}" | "${P2P_PORT[$svc]}") ;; *) bad+=("$p") ;; esac
	done < <(values "$svc" ports)
	if [ "${#bad[@]}" -eq 0 ]; then
		pass "$svc: mapped container ports are its rpc ${RPC_PORT[$svc]}, prometheus ${prom:-9615}, p2p ${P2P_PORT[$svc]}"
	else
		fail "$svc: maps container ports it does not listen on: ${bad[*]}"
	fi
	key="$(flag_value "$svc" node-key)"
	if [ -n "$key" ]; then
		PEER[$svc]="$(printf '%s' "$key" | "$NODE_BIN" key inspect-node-key 2>/dev/null)"
	fi
	base="$(flag_value "$svc" base-path)"
	vol="$(values "$svc" volumes | awk -F: -v b="$base" '$2 == b { print $1 }')"
	if [ -n "$base" ] && [ -n "$vol" ]; then
		pass "$svc: database on a volume ($vol -> $base)"
	else
		fail "$svc: --base-path (${base:-unset}) is a mounted volume"
	fi
done

uniq_over_nodes() { # uniq_over_nodes DESCRIPTION VALUE-PER-NODE-COMMAND
	local desc="$1" listing d
	shift
	listing="$(for svc in "${NODES[@]}"; do v="$("$@" "$svc")"; [ -n "$v" ] && echo "$v $svc"; done)"
	d="$(awk '{ print $1 }' <<<"$listing" | sort | uniq -d | tr '\n' ' ')"
	if [ -z "$d" ]; then pass "no two nodes share $desc"; else fail "nodes share $desc: $d"; fi
}
validator_of() {
	local k
	for k in alice bob charlie dave eve ferdie; do has_flag "$1" "$k" && echo "$k"; done
	true
}
volume_of() { values "$1" volumes | awk -F: '{ print $1 }'; }
node_key_of() { flag_value "$1" node-key; }
uniq_over_nodes "validator keys (--alice ...)" validator_of
uniq_over_nodes "a network key" node_key_of
uniq_over_nodes "a database volume" volume_of

# Bootnodes: /dns/<service>/tcp/<port>/p2p/<peer id of that service's --node-key>.
boot_bad=()
boot_n=0
for svc in "${NODES[@]}"; do
	while IFS= read -r addr; do
		[ -n "$addr" ] || continue
		boot_n=$((boot_n + 1))
		if [[ "$addr" =~ ^/dns[46]?/([A-Za-z0-9_.-]+)/tcp/([0-9]+)/p2p/([A-Za-z0-9]+)$ ]]; then
			host="${BASH_REMATCH[1]}" port="${BASH_REMATCH[2]}" id="${BASH_REMATCH[3]}"
			if [ "$host" = "$svc" ]; then
				boot_bad+=("$svc lists itself")
			elif [ -z "${PEER[$host]:-}" ]; then
				boot_bad+=("$svc: $host is not a node service with --node-key")
			elif [ "${PEER[$host]}" != "$id" ]; then
				boot_bad+=("$svc: $host's peer id is ${PEER[$host]}, not $id")
			elif [ "${P2P_PORT[$host]}" != "$port" ]; then
				boot_bad+=("$svc: $host listens on ${P2P_PORT[$host]}, not $port")
			fi
		else
			boot_bad+=("$svc: $addr is not /dns/<service>/tcp/<port>/p2p/<id>")
		fi
	done < <(values "$svc" command | awk 'index($0, "--bootnodes=") == 1 { print substr($0, 13) }')
done
if [ "${#boot_bad[@]}" -eq 0 ] && [ "$boot_n" -gt 0 ]; then
	pass "bootnodes ($boot_n) name existing nodes with their real peer ids and p2p ports"
else
	fail "bootnodes: ${boot_bad[*]:-none given}"
fi

validators=0
for svc in "${NODES[@]}"; do [ -n "$(validator_of "$svc")" ] && validators=$((validators + 1)); done
chains="$(for svc in "${NODES[@]}"; do flag_value "$svc" chain; done | sort -u | tr '\n' ' ')"
if [ "$validators" -eq 4 ] && [ "$chains" = "local " ]; then
	pass "four validators on --chain=local"
else
	fail "four validators on --chain=local (validators: $validators, chains: $chains)"
fi

# The fleet talks to an existing node on its RPC port.
for svc in "${SERVICES[@]}"; do
	[ "$(binary_of "$svc")" = gateway ] || continue
	url="$(values "$svc" command | awk 'index($0, "--url=") == 1 { print substr($0, 7) }')"
	if [[ "$url" =~ ^(ws|http)s?://([A-Za-z0-9_.-]+):([0-9]+)/?$ ]] &&
		[ -n "${RPC_PORT[${BASH_REMATCH[2]}]:-}" ] && [ "${RPC_PORT[${BASH_REMATCH[2]}]}" = "${BASH_REMATCH[3]}" ]; then
		pass "$svc: --url=$url is a node's RPC endpoint"
	else
		fail "$svc: --url=${url:-unset} names no node service and its --rpc-port"
	fi
done

# --- Dockerfile ----------------------------------------------------------------------------------
if [ -f "$DOCKERFILE" ]; then
	df_check() { # df_check DESCRIPTION EXTENDED-REGEX
		if grep -qE -- "$2" "$DOCKERFILE"; then pass "Dockerfile: $1"; else fail "Dockerfile: $1 (/$2/)"; fi
	}
	df_check "builder stage" '^FROM [^ ]+ AS builder'
	df_check "runtime stage on debian bookworm-slim" '^FROM debian:(bookworm|\$\{DEBIAN_RELEASE\})-slim'
	grep -qE '^ARG DEBIAN_RELEASE=bookworm$' "$DOCKERFILE" || ! grep -q 'DEBIAN_RELEASE' "$DOCKERFILE" ||
		fail "Dockerfile: DEBIAN_RELEASE defaults to bookworm"
	df_check "installs protobuf-compiler clang libclang-dev" 'protobuf-compiler clang libclang-dev'
	df_check "adds the wasm32-unknown-unknown and wasm32v1-none targets" 'rustup target add wasm32-unknown-unknown wasm32v1-none'
	df_check "adds rust-src" 'rustup component add rust-src'
	df_check "builds --locked --release" 'cargo build --locked --release'
	df_check "builds openvpp-node and openvpp-gateway" '-p openvpp-node -p openvpp-gateway'
	df_check "copies both binaries from the builder" '^COPY --from=builder .*openvpp-node .*openvpp-gateway /usr/local/bin/'
	df_check "creates the user openvpp" 'useradd .*openvpp'
	last_user="$(grep -E '^USER ' "$DOCKERFILE" | tail -n 1 | awk '{ print $2 }')"
	if [ -n "$last_user" ] && [ "$last_user" != root ] && [ "$last_user" != 0 ]; then
		pass "Dockerfile: runs as a non-root user ($last_user)"
	else
		fail "Dockerfile: runs as a non-root user (USER: ${last_user:-none})"
	fi
	df_check "a volume at /data" '^VOLUME .*/data'
	df_check "exposes 30333 9944 9615" '^EXPOSE 30333 9944 9615$'
	df_check "entrypoint is the node" '^ENTRYPOINT \["/usr/local/bin/openvpp-node"\]'
	for svc in "${SERVICES[@]}"; do
		ep="$(values "$svc" entrypoint | head -n 1)"
		[ -n "$ep" ] || continue
		case "$ep" in
			/usr/local/bin/openvpp-node | /usr/local/bin/openvpp-gateway) pass "$svc: entrypoint $ep is in the image" ;;
			*) fail "$svc: entrypoint $ep is not a binary the image installs" ;;
		esac
	done
else
	fail "$DOCKERFILE exists"
fi
if [ -f "$DOCKERIGNORE" ] && grep -qx 'target' "$DOCKERIGNORE" && grep -qx '.git' "$DOCKERIGNORE"; then
	pass ".dockerignore keeps target/ and .git out of the build context"
else
	fail ".dockerignore lists target and .git"
fi

# --- with Docker available, its own validation too ---------------------------------------------
if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
	if docker compose -f "$COMPOSE" config -q 2>/dev/null; then
		pass "docker compose config accepts the file"
	else
		fail "docker compose config rejects the file"
	fi
else
	echo "  skip  docker compose config (no Docker here)"
fi

finish
