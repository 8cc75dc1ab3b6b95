//! Raw readings in the offchain index, for nodes that serve telemetry history.
//!
//! Readings are never kept in state. Each accepted reading is written with
//! `sp_io::offchain_index::set` (effective only on nodes run with
//! `--enable-offchain-indexing true`) under a key made of the device and the reading's
//! sequence number. The offchain database is not fork-aware and survives reverts, so writes
//! are idempotent: a reading accepted again on another fork has the same key, and a different
//! reading under the same key can only come from a fork the chain abandoned, which the next
//! acceptance overwrites.

use alloc::vec::Vec;
use codec::Encode;
use openvpp_primitives::{DeviceId, Reading};

/// Prefix of every history key.
pub const HISTORY_PREFIX: &[u8; 12] = b"openvpp/tlm/";

/// Offchain-index key of a device's reading with sequence number `seq`:
/// `b"openvpp/tlm/" ++ device (u64 big-endian) ++ seq (u64 big-endian)`.
///
/// Big-endian keeps a device's readings sorted by sequence in the database. The node's history
/// RPC builds its keys with this function; the value is the SCALE-encoded [`Reading`].
pub fn history_key(device: DeviceId, seq: u64) -> Vec<u8> {
	let mut key = Vec::with_capacity(HISTORY_PREFIX.len().saturating_add(16));
	key.extend_from_slice(HISTORY_PREFIX);
	key.extend_from_slice(&device.to_be_bytes());
	key.extend_from_slice(&seq.to_be_bytes());
	key
}

/// Writes accepted readings, numbered from `first_seq`, to the offchain index.
pub(crate) fn index_readings(device: DeviceId, first_seq: u64, readings: &[Reading]) {
	let mut seq = first_seq;
	for reading in readings {
		sp_io::offchain_index::set(&history_key(device, seq), &reading.encode());
		seq = seq.saturating_add(1);
	}
}
