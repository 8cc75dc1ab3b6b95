#!/usr/bin/env bash
# Regenerates the weights of the OpenVPP pallets (pallets/<pallet>/src/weights.rs) from their
# benchmarks (frame-benchmarking v2) run in the runtime by `openvpp-node benchmark pallet`, with
# the template .maintain/frame-weight-template.hbs. Builds the node with the
# `runtime-benchmarks` feature first (in its own target directory: the feature changes most of
# the dependency graph, so sharing the dev build's directory would rebuild both each time).
#
# Usage: scripts/benchmark.sh [--no-build] [--steps N] [--repeat N] [PALLET...]
#
#   PALLET       device-identity, telemetry, settlement or v2g; default: all four.
#   --no-build   use the node already in $CARGO_TARGET_DIR/release instead of building it.
#   --steps N    points per component range (default 50).
#   --repeat N   runs per point (default 20).
#
# Environment:
#   CARGO_TARGET_DIR          default $HOME/.cache/openvpp/target-bench.
#   SETTLEMENT_STEPS/_REPEAT  steps and repeat of the settlement pallet (default 10 and 10):
#                             its claim and epoch-close benchmarks fill the pallet with up to
#                             100,000 devices in every run's setup (~4 s per run for claim's
#                             three maps on 2 cores), so 50 x 20 would take the pallet alone
#                             several hours. The other settlement benchmarks have no
#                             components and repeat for at least --min-duration (10 s) anyway.
#
# The raw results (every run, per component value) stay in
# $CARGO_TARGET_DIR/benchmarks/<pallet>.json. Running it again with the same node and the
# same arguments regenerates the same files (up to measurement noise).
set -euo pipefail

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/openvpp/target-bench}"
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

build=1
steps=50
repeat=20
pallets=()
while (($#)); do
	case "$1" in
		--no-build) build=0 ;;
		--steps) steps="${2:?--steps needs a value}"; shift ;;
		--repeat) repeat="${2:?--repeat needs a value}"; shift ;;
		-h | --help) usage; exit 0 ;;
		device-identity | telemetry | settlement | v2g) pallets+=("$1") ;;
		*) usage >&2; echo "unknown argument: $1" >&2; exit 2 ;;
	esac
	shift
done
((${#pallets[@]})) || pallets=(device-identity telemetry settlement v2g)

if ((build)); then
	log "building the node with runtime-benchmarks (release, --locked) in $CARGO_TARGET_DIR"
	# frame-benchmarking-cli's storage-access test runtime is only needed by `benchmark
	# storage`, and its Wasm build cannot find itself in this workspace's metadata (the CLI is
	# an optional dependency of the node): skip that one Wasm build.
	SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 \
		cargo build --release --locked -p openvpp-node --features runtime-benchmarks
fi
[ -x "$NODE_BIN" ] || { echo "no node at $NODE_BIN (build it, or drop --no-build)" >&2; exit 1; }
"$NODE_BIN" benchmark pallet --help >/dev/null 2>&1 ||
	{ echo "$NODE_BIN was built without the runtime-benchmarks feature" >&2; exit 1; }

# The runtime the node was built with (the genesis state comes from its `development` preset;
# `--chain` for benchmarks is deprecated).
RUNTIME_WASM="$CARGO_TARGET_DIR/release/wbuild/openvpp-runtime/openvpp_runtime.compact.compressed.wasm"
[ -f "$RUNTIME_WASM" ] || { echo "no runtime Wasm at $RUNTIME_WASM" >&2; exit 1; }

raw_dir="$CARGO_TARGET_DIR/benchmarks"
mkdir -p "$raw_dir"

for pallet in "${pallets[@]}"; do
	name="pallet_${pallet//-/_}"
	pallet_steps="$steps"
	pallet_repeat="$repeat"
	if [ "$pallet" = settlement ]; then
		pallet_steps="${SETTLEMENT_STEPS:-10}"
		pallet_repeat="${SETTLEMENT_REPEAT:-10}"
	fi
	log "benchmarking $name (steps $pallet_steps, repeat $pallet_repeat)"
	# argv[0] is recorded in the generated header: keep it free of local paths.
	(exec -a openvpp-node "$NODE_BIN" benchmark pallet \
		--runtime "$RUNTIME_WASM" \
		--genesis-builder runtime \
		--genesis-builder-preset development \
		--pallet "$name" \
		--extrinsic '*' \
		--steps "$pallet_steps" \
		--repeat "$pallet_repeat" \
		--wasm-execution compiled \
		--heap-pages 4096 \
		--template .maintain/frame-weight-template.hbs \
		--json-file "$raw_dir/$name.json" \
		--output "pallets/$pallet/src/weights.rs")
	# The header lists the command; name the target directory by its variable, not this
	# machine's path, so that the file does not depend on where it was generated.
	sed -i "s#$CARGO_TARGET_DIR#\$CARGO_TARGET_DIR#g" "pallets/$pallet/src/weights.rs"
done
log "weights written: ${pallets[*]} (raw results in $raw_dir)"
