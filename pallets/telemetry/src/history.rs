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
/// Prefix of the keys of raw OCMF records.
pub const OCMF_PREFIX: &[u8; 13] = b"openvpp/ocmf/";

/// Offchain-index key of a device's reading with sequence number `seq`:
/// `b"openvpp/tlm/" ++ device (u64 big-endian) ++ seq (u64 big-endian)`.
///
/// Big-endian keeps a device's readings sorted by sequence in the database. The node's history
/// RPC builds its keys with this function; the value is the SCALE-encoded [`Reading`].
pub fn history_key(device: DeviceId, seq: u64) -> Vec<u8> {
	keyed(HISTORY_PREFIX, device, seq)
}

/// Offchain-index key of the raw OCMF record whose first new reading got sequence number
/// `first_seq`: `b"openvpp/ocmf/" ++ device ++ first_seq` (both u64 big-endian). The value is
/// the record exactly as the meter wrote it, so that an auditor can verify it again with the
/// standard transparency software; its fields the chain does not map are kept there.
pub fn ocmf_key(device: DeviceId, first_seq: u64) -> Vec<u8> {
	keyed(OCMF_PREFIX, device, first_seq)
}

fn keyed(prefix: &[u8], device: DeviceId, seq: u64) -> Vec<u8> {
	let mut key = Vec::with_capacity(prefix.len().saturating_add(16));
	key.extend_from_slice(prefix);
	key.extend_from_slice(&device.to_be_bytes());
	key.extend_from_slice(&seq.to_be_bytes());
	key
}

/// Writes an accepted OCMF record, raw, to the offchain index.
pub(crate) fn index_ocmf(device: DeviceId, first_seq: u64, record: &[u8]) {
	sp_io::offchain_index::set(&ocmf_key(device, first_seq), record);
}

/// Writes accepted readings, numbered from `first_seq`, to the offchain index.
pub(crate) fn index_readings(device: DeviceId, first_seq: u64, readings: &[Reading]) {
	let mut seq = first_seq;
	for reading in readings {
		sp_io::offchain_index::set(&history_key(device, seq), &reading.encode());
		seq = seq.saturating_add(1);
	}
}
