#!/usr/bin/env bash
# Fuzzes the telemetry pallet's bundle verification (pallets/telemetry/fuzz, target
# verify_bundle) for the given number of seconds (default 600). Needs the nightly toolchain;
# installs cargo-fuzz if it is missing. Builds in its own target directory: the sanitizer
# flags would otherwise rebuild everything in the shared one. Extra arguments after the
# duration go to libFuzzer (e.g. -workers=2 -jobs=2). Corpus and crashes stay in
# pallets/telemetry/fuzz/{corpus,artifacts} (git-ignored).
set -euo pipefail
source "$(dirname "$0")/common.sh"
export CARGO_TARGET_DIR="$HOME/.cache/openvpp/target-fuzz"

DURATION="${1:-600}"
if ! [[ "$DURATION" =~ ^[0-9]+$ ]] || [ "$DURATION" -eq 0 ]; then
	echo "usage: $0 [seconds] [libFuzzer options...]" >&2
	exit 2
fi
shift $(( $# > 0 ? 1 : 0 ))

if ! command -v cargo-fuzz >/dev/null 2>&1; then
	log "installing cargo-fuzz"
	cargo install cargo-fuzz --locked
fi

cd "$REPO_ROOT/pallets/telemetry"
log "fuzzing verify_bundle for $DURATION s (target dir $CARGO_TARGET_DIR)"
cargo +nightly fuzz run verify_bundle -- -max_total_time="$DURATION" -rss_limit_mb=4096 "$@"
