//! Where the feeds live in the node's offchain database (PERSISTENT storage), and the record
//! kept per feed. The node writes [`FEEDS`]; the worker writes the rest.

use alloc::vec::Vec;
use codec::{Decode, Encode};

/// The configured feed URLs: SCALE `Vec<Vec<u8>>`.
pub const FEEDS: &[u8] = b"openvpp/feeds/urls";
/// Lock that keeps two workers (of consecutive blocks) from running at once.
pub const LOCK: &[u8] = b"openvpp/feeds/lock";
/// What is in flight: [`Pending`].
pub const PENDING: &[u8] = b"openvpp/feeds/pending";
/// Position of the first feed the last run did not pull (its entry budget was spent), where
/// the next run starts: SCALE `u32`.
pub const RESUME: &[u8] = b"openvpp/feeds/resume";
/// Most feeds a node pulls.
pub const MAX_FEEDS: usize = 32;
/// Longest feed URL, bytes.
pub const MAX_URL_LEN: usize = 2_048;

/// Key of a feed's [`FeedStatus`].
pub fn status(url: &[u8]) -> Vec<u8> {
	let mut key = b"openvpp/feeds/status/".to_vec();
	key.extend_from_slice(&sp_io::hashing::blake2_128(url));
	key
}

/// What the worker last did with a feed, for operators (`openvpp_feeds`).
#[derive(Clone, Default, PartialEq, Eq, Encode, Decode, Debug)]
pub struct FeedStatus {
	/// Chain block of the last attempt.
	pub last_block: u64,
	/// Wall-clock time of the last successful fetch, ms (0: never).
	pub last_ok_ms: u64,
	/// The last error, UTF-8, empty if the last fetch worked.
	pub last_error: Vec<u8>,
	/// Fetches that failed (down, slow, junk).
	pub failures: u64,
	/// Bundles this node submitted from the feed.
	pub submitted: u64,
	/// Entries skipped as malformed or as bundles the chain would refuse.
	pub skipped: u64,
}

/// What the worker has in flight: the gateway nonce of its last submitted transaction and the
/// block it was submitted at. Only this is kept: what a device has on chain is read from the
/// chain, so a submission that never lands is simply made again once it is presumed lost.
#[derive(Clone, Copy, Default, PartialEq, Eq, Encode, Decode, Debug)]
pub struct Pending {
	/// Nonce of the last transaction submitted.
	pub nonce: u64,
	/// Block number the worker ran for.
	pub block: u64,
}

/// Validates a feed URL the operator gives: `http://` or `https://`, printable ASCII, bounded.
pub fn validate_url(url: &str) -> Result<(), &'static str> {
	if url.len() > MAX_URL_LEN {
		return Err("feed URL is longer than 2048 bytes");
	}
	if !(url.starts_with("http://") || url.starts_with("https://")) {
		return Err("feed URL must start with http:// or https://");
	}
	if !url.bytes().all(|b| b.is_ascii_graphic()) {
		return Err("feed URL must be printable ASCII without spaces");
	}
	Ok(())
}
