#!/usr/bin/env bash
# Installs everything a fresh Debian 12 machine with rustup needs to build, run and test OpenVPP.
# Idempotent: every step checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# System packages: protobuf for libp2p, clang for the crypto crates, curl/jq for scripts, Node.js for the clients' tests.
APT_PACKAGES=(protobuf-compiler clang libclang-dev pkg-config libssl-dev make curl jq nodejs npm)
missing=()
for p in "${APT_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine that already has node and npm (e.g. from another source) does not need Debian's.
if command -v node >/dev/null && command -v npm >/dev/null; then
	filtered=()
	for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
	missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [ "${#missing[@]}" -gt 0 ]; then
	log "apt-get install ${missing[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
else
	log "system packages present"
fi

# Rust: the Wasm targets the runtime builds for, and rust-src for wasm32v1-none.
if ! command -v rustup >/dev/null; then
	echo "rustup is required: https://rustup.rs" >&2
	exit 1
fi
installed_targets=$(rustup target list --installed)
for t in wasm32-unknown-unknown wasm32v1-none; do
	if ! grep -qx "$t" <<<"$installed_targets"; then
		log "rustup target add $t"
		rustup target add "$t"
	fi
done
if ! rustup component list --installed | grep -q '^rust-src'; then
	log "rustup component add rust-src"
	rustup component add rust-src
fi

# JavaScript test clients (@polkadot/api), pinned by package-lock.json.
if [ -f tests/package.json ]; then
	if [ ! -d tests/node_modules ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
		log "npm ci (tests)"
		(cd tests && npm ci --no-audit --no-fund --loglevel=error)
	else
		log "test clients present"
	fi
fi
log "done"
