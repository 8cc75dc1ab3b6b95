//! Unsafe `openvpp_*` JSON-RPC to manage the telemetry feeds the offchain worker pulls:
//! list them with their status, add one, remove one. Feeds added here last until the node
//! restarts; `--telemetry-feed` makes them permanent.

use codec::{Decode, Encode};
use jsonrpsee::{core::RpcResult, proc_macros::rpc, Extensions};
use pallet_feeds::{keys, FeedStatus};
use serde_json::{json, Value};
use sp_core::offchain::OffchainStorage;

use crate::openvpp_rpc::error;

/// The feed-management methods (unsafe: operator only).
#[rpc(server)]
pub trait FeedsApi {
	/// The configured feeds, each with what the worker last did with it.
	#[method(name = "openvpp_feeds", with_extensions)]
	fn feeds(&self) -> RpcResult<Vec<Value>>;

	/// Adds a feed (http:// or https://); returns whether it was new.
	#[method(name = "openvpp_addFeed", with_extensions)]
	fn add_feed(&self, url: String) -> RpcResult<bool>;

	/// Removes a feed; returns whether it was there.
	#[method(name = "openvpp_removeFeed", with_extensions)]
	fn remove_feed(&self, url: String) -> RpcResult<bool>;
}

/// Implementation over the node's offchain database.
pub struct Feeds<S> {
	storage: Option<S>,
}

impl<S> Feeds<S> {
	/// New handler.
	pub fn new(storage: Option<S>) -> Self {
		Self { storage }
	}
}

fn read_feeds<S: OffchainStorage>(storage: &S) -> Vec<Vec<u8>> {
	storage
		.get(sp_offchain::STORAGE_PREFIX, keys::FEEDS)
		.and_then(|raw| Vec::<Vec<u8>>::decode(&mut &raw[..]).ok())
		.unwrap_or_default()
}

/// Replaces the configured feeds (the node does this at start from `--telemetry-feed`).
pub fn write_feeds<S: OffchainStorage>(storage: &mut S, urls: &[String]) {
	let urls: Vec<Vec<u8>> = urls.iter().map(|u| u.as_bytes().to_vec()).collect();
	storage.set(sp_offchain::STORAGE_PREFIX, keys::FEEDS, &urls.encode());
}

impl<S: OffchainStorage + 'static> Feeds<S> {
	fn storage(&self, ext: &Extensions) -> RpcResult<S> {
		sc_rpc_api::check_if_safe(ext)?;
		self.storage.clone().ok_or_else(|| {
			error(-32001, "this node keeps no offchain database, so it has no feeds")
		})
	}

	/// Applies `change` to the feed list atomically; returns what `change` returned.
	fn update(
		&self,
		ext: &Extensions,
		change: impl Fn(&mut Vec<Vec<u8>>) -> RpcResult<bool>,
	) -> RpcResult<bool> {
		let mut storage = self.storage(ext)?;
		loop {
			let old = storage.get(sp_offchain::STORAGE_PREFIX, keys::FEEDS);
			let mut feeds = old
				.as_ref()
				.and_then(|raw| Vec::<Vec<u8>>::decode(&mut &raw[..]).ok())
				.unwrap_or_default();
			let changed = change(&mut feeds)?;
			if !changed {
				return Ok(false);
			}
			if storage.compare_and_set(
				sp_offchain::STORAGE_PREFIX,
				keys::FEEDS,
				old.as_deref(),
				&feeds.encode(),
			) {
				return Ok(true);
			}
		}
	}
}

impl<S: OffchainStorage + 'static> FeedsApiServer for Feeds<S> {
	fn feeds(&self, ext: &Extensions) -> RpcResult<Vec<Value>> {
		let storage = self.storage(ext)?;
		Ok(read_feeds(&storage)
			.into_iter()
			.map(|url| {
				let status = storage
					.get(sp_offchain::STORAGE_PREFIX, &keys::status(&url))
					.and_then(|raw| FeedStatus::decode(&mut &raw[..]).ok());
				json!({
					"url": String::from_utf8_lossy(&url),
					"status": status.map(|s| json!({
						"lastBlock": s.last_block,
						"lastOkMs": (s.last_ok_ms > 0).then_some(s.last_ok_ms),
						"lastError": (!s.last_error.is_empty())
							.then(|| String::from_utf8_lossy(&s.last_error).into_owned()),
						"failures": s.failures,
						"submitted": s.submitted,
						"skipped": s.skipped,
					})),
				})
			})
			.collect())
	}

	fn add_feed(&self, ext: &Extensions, url: String) -> RpcResult<bool> {
		keys::validate_url(&url).map_err(|e| error(-32602, e))?;
		self.update(ext, |feeds| {
			if feeds.iter().any(|f| f == url.as_bytes()) {
				return Ok(false);
			}
			if feeds.len() >= keys::MAX_FEEDS {
				return Err(error(-32602, format!("at most {} feeds", keys::MAX_FEEDS)));
			}
			feeds.push(url.as_bytes().to_vec());
			Ok(true)
		})
	}

	fn remove_feed(&self, ext: &Extensions, url: String) -> RpcResult<bool> {
		self.update(ext, |feeds| {
			let before = feeds.len();
			feeds.retain(|f| f != url.as_bytes());
			Ok(feeds.len() != before)
		})
	}
}
