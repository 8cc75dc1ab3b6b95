#!/usr/bin/env bash
# Sets up the machine, builds OpenVPP and starts a development chain on ws://127.0.0.1:9944.
# Extra arguments are passed to the node (e.g. --tmp, --rpc-port 9955).
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$REPO_ROOT/scripts/setup.sh"
build_binaries
log "starting the development chain (Ctrl-C stops it); data in $REPO_ROOT/.dev-data"
log "connect Polkadot.js Apps to ws://127.0.0.1:9944"
exec "$NODE_BIN" --dev --base-path "$REPO_ROOT/.dev-data" --rpc-cors all "$@"
