//! `openvpp_*` JSON-RPC: devices, telemetry state and history (from the offchain index), a
//! subscription to a device's new readings, rewards and credit score. Thin over the runtime
//! APIs; answers are plain JSON so dashboards need no type registry.

use std::sync::Arc;

use codec::Decode;
use futures::{FutureExt, StreamExt};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{ErrorObject, ErrorObjectOwned},
	PendingSubscriptionSink, SubscriptionMessage,
};
use openvpp_primitives::{DeviceId, Reading};
use openvpp_runtime::{opaque::Block, AccountId, Balance};
use pallet_device_identity::runtime_api::DeviceIdentityApi;
use pallet_settlement::runtime_api::SettlementApi;
use pallet_telemetry::runtime_api::TelemetryApi;
use sc_client_api::BlockchainEvents;
use sc_rpc::SubscriptionTaskExecutor;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{crypto::Ss58Codec, offchain::OffchainStorage};

/// Most readings one history page returns.
pub const MAX_HISTORY_PAGE: u32 = 1_000;

/// The `openvpp_*` methods.
#[rpc(server)]
pub trait OpenVppApi {
	/// A device's record (owner, kind, nameplate, region, status, counters), or null.
	#[method(name = "openvpp_device")]
	fn device(&self, id: DeviceId) -> RpcResult<Option<Value>>;

	/// Ids of an owner's devices, paged by `start_after` (at most `limit`, ≤ 1000).
	#[method(name = "openvpp_devicesOf")]
	fn devices_of(
		&self,
		owner: String,
		start_after: Option<DeviceId>,
		limit: Option<u32>,
	) -> RpcResult<Vec<DeviceId>>;

	/// A device's telemetry state and quality counters, or null.
	#[method(name = "openvpp_telemetryState")]
	fn telemetry_state(&self, id: DeviceId) -> RpcResult<Option<Value>>;

	/// A page of a device's accepted readings from the offchain index, oldest first, starting
	/// at sequence `from_seq` (default 0); `next` is where the following page starts.
	#[method(name = "openvpp_telemetryHistory")]
	fn telemetry_history(
		&self,
		id: DeviceId,
		from_seq: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Value>;

	/// The chain's verdict on an OCMF record signed by the meter key `public_key` (DER, SEC1
	/// or bare X‖Y, as hex, base64 or PEM), computed by the runtime with no state change and
	/// whatever the record's age: `valid`, the meter identity and the readings the chain would
	/// take from it, or `error` (why it would be refused).
	#[method(name = "openvpp_verifyOcmf")]
	fn verify_ocmf(&self, record: String, public_key: String) -> RpcResult<Value>;

	/// Rewards a device has earned and not yet claimed, planck (as a decimal string).
	#[method(name = "openvpp_pendingRewards")]
	fn pending_rewards(&self, id: DeviceId) -> RpcResult<String>;

	/// A device's credit score (0..=1000), or null.
	#[method(name = "openvpp_creditScore")]
	fn credit_score(&self, id: DeviceId) -> RpcResult<Option<u16>>;

	/// Streams each new accepted reading of a device as it is imported in a best block.
	#[subscription(
		name = "openvpp_subscribeReadings" => "openvpp_reading",
		unsubscribe = "openvpp_unsubscribeReadings",
		item = Value
	)]
	fn subscribe_readings(&self, id: DeviceId);
}

/// Implementation over a client and the node's offchain database.
pub struct OpenVpp<C, S> {
	client: Arc<C>,
	offchain: Option<S>,
	executor: SubscriptionTaskExecutor,
}

impl<C, S> OpenVpp<C, S> {
	/// New handler.
	pub fn new(client: Arc<C>, offchain: Option<S>, executor: SubscriptionTaskExecutor) -> Self {
		Self { client, offchain, executor }
	}
}

pub(crate) fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObject::owned(code, message.into(), None::<()>)
}

pub(crate) fn api_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	error(-32000, format!("runtime API call failed: {e}"))
}

fn reading_json(seq: u64, r: &Reading) -> Value {
	json!({
		"seq": seq,
		"timestampMs": r.timestamp_ms,
		"energyInWh": r.energy_in_wh,
		"energyOutWh": r.energy_out_wh,
		"socPercent": r.soc.map(|s| f64::from(s.deconstruct()) / 10_000.0),
		"state": format!("{:?}", r.state),
	})
}

/// Reads reading `seq` of `device` from the offchain index.
fn indexed_reading<S: OffchainStorage>(storage: &S, device: DeviceId, seq: u64) -> Option<Reading> {
	let key = pallet_telemetry::history_key(device, seq);
	let raw = storage.get(sp_offchain::STORAGE_PREFIX, &key)?;
	Reading::decode(&mut &raw[..]).ok()
}

impl<C, S> OpenVppApiServer for OpenVpp<C, S>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ BlockchainEvents<Block>
		+ Send
		+ Sync
		+ 'static,
	C::Api: DeviceIdentityApi<Block, AccountId>
		+ TelemetryApi<Block, AccountId>
		+ SettlementApi<Block, AccountId, Balance>,
	S: OffchainStorage + 'static,
{
	fn device(&self, id: DeviceId) -> RpcResult<Option<Value>> {
		let at = self.client.info().best_hash;
		let info = self.client.runtime_api().device(at, id).map_err(api_error)?;
		Ok(info.map(|d| {
			json!({
				"id": d.id,
				"owner": d.owner.to_ss58check(),
				"nftHolder": d.nft_holder.map(|h| h.to_ss58check()),
				"kind": String::from_utf8_lossy(d.kind.code()),
				"nameplate": {
					"capacityWh": d.nameplate.capacity_wh,
					"maxImportW": d.nameplate.max_import_w,
					"maxExportW": d.nameplate.max_export_w,
				},
				"region": d.region,
				"status": format!("{:?}", d.status),
				"commissionedMs": d.commissioned_ms,
				"metadata": String::from_utf8_lossy(&d.metadata),
				"gateways": d.gateways.iter().map(|g| g.to_ss58check()).collect::<Vec<_>>(),
				"attestations": d.attestations,
				"hardwareAttested": d.hardware_attested,
				"hardware": d.hardware.map(|h| json!({
					"manufacturer": h.manufacturer,
					"model": h.model,
					"rootKey": h.root_key,
					"serialHash": format!("{:?}", h.serial_hash),
					"validFromMs": h.valid_from_ms,
					"validUntilMs": h.valid_until_ms,
				})),
				"deposit": d.deposit.to_string(),
				"counters": {
					"energyInWh": d.counters.energy_in_wh,
					"energyOutWh": d.counters.energy_out_wh,
					"readingsAccepted": d.counters.readings_accepted,
					"readingsRejected": d.counters.readings_rejected,
				},
			})
		}))
	}

	fn devices_of(
		&self,
		owner: String,
		start_after: Option<DeviceId>,
		limit: Option<u32>,
	) -> RpcResult<Vec<DeviceId>> {
		let owner = AccountId::from_ss58check(&owner)
			.map_err(|_| error(-32602, format!("{owner:?} is not an SS58 address")))?;
		let at = self.client.info().best_hash;
		self.client
			.runtime_api()
			.devices_of(at, owner, start_after, limit.unwrap_or(100).min(1_000))
			.map_err(api_error)
	}

	fn telemetry_state(&self, id: DeviceId) -> RpcResult<Option<Value>> {
		let at = self.client.info().best_hash;
		let api = self.client.runtime_api();
		let state = api.telemetry_state(at, id).map_err(api_error)?;
		let quality = api.quality(at, id).map_err(api_error)?;
		Ok(state.map(|s| {
			json!({
				"lastSeq": s.last_seq,
				"lastTimestampMs": s.last_timestamp_ms,
				"lastEnergyInWh": s.last_energy_in_wh,
				"lastEnergyOutWh": s.last_energy_out_wh,
				"lastSocPercent": s.last_soc.map(|p| f64::from(p.deconstruct()) / 10_000.0),
				"lastState": format!("{:?}", s.last_state),
				"epoch": s.epoch,
				"epochEnergyInWh": s.epoch_energy_in_wh,
				"epochEnergyOutWh": s.epoch_energy_out_wh,
				"epochReadings": s.epoch_readings,
				"quality": quality.map(|q| format!("{q:?}")),
			})
		}))
	}

	fn telemetry_history(
		&self,
		id: DeviceId,
		from_seq: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Value> {
		let storage = self.offchain.as_ref().ok_or_else(|| {
			error(-32001, "this node keeps no offchain database, so it has no telemetry history")
		})?;
		let limit = u64::from(limit.unwrap_or(100).clamp(1, MAX_HISTORY_PAGE));
		let at = self.client.info().best_hash;
		let state = self.client.runtime_api().telemetry_state(at, id).map_err(api_error)?;
		let Some(state) = state else {
			return Ok(json!({ "device": id, "readings": [], "next": null }));
		};
		let from = from_seq.unwrap_or(0);
		let end = state.last_seq.saturating_add(1).min(from.saturating_add(limit));
		let mut readings = Vec::new();
		for seq in from..end {
			if let Some(r) = indexed_reading(storage, id, seq) {
				let mut value = reading_json(seq, &r);
				// The raw OCMF record whose first new reading this is, for re-verification.
				let ocmf_key = pallet_telemetry::history::ocmf_key(id, seq);
				if let (Some(raw), Some(fields)) =
					(storage.get(sp_offchain::STORAGE_PREFIX, &ocmf_key), value.as_object_mut())
				{
					fields.insert("ocmf".into(), String::from_utf8_lossy(&raw).into());
				}
				readings.push(value);
			}
		}
		let next = (end <= state.last_seq).then_some(end);
		Ok(json!({ "device": id, "readings": readings, "next": next }))
	}

	fn verify_ocmf(&self, record: String, public_key: String) -> RpcResult<Value> {
		let key = openvpp_primitives::parse_meter_key_text(&public_key).map_err(|e| {
			error(-32602, format!("publicKey is not a meter public key: {}", e.as_str()))
		})?;
		let at = self.client.info().best_hash;
		let verdict = self
			.client
			.runtime_api()
			.verify_ocmf(at, record.into_bytes(), key)
			.map_err(api_error)?;
		let text = |b: Option<Vec<u8>>| b.map(|b| String::from_utf8_lossy(&b).into_owned());
		Ok(match verdict {
			Ok(v) => json!({
				"valid": true,
				"meter": {
					"vendor": text(v.meter_vendor),
					"model": text(v.meter_model),
					"serial": text(v.meter_serial),
				},
				"gatewaySerial": text(v.gateway_serial),
				"pagination": String::from_utf8_lossy(&v.pagination),
				"entries": v.entries,
				"readings": v.readings.iter().map(|r| {
					let mut value = reading_json(0, r);
					if let Some(fields) = value.as_object_mut() {
						fields.remove("seq");
					}
					value
				}).collect::<Vec<_>>(),
			}),
			Err(e) => json!({ "valid": false, "error": e.as_str() }),
		})
	}

	fn pending_rewards(&self, id: DeviceId) -> RpcResult<String> {
		let at = self.client.info().best_hash;
		Ok(self.client.runtime_api().pending_rewards(at, id).map_err(api_error)?.to_string())
	}

	fn credit_score(&self, id: DeviceId) -> RpcResult<Option<u16>> {
		let at = self.client.info().best_hash;
		self.client.runtime_api().credit_score(at, id).map_err(api_error)
	}

	fn subscribe_readings(&self, pending: PendingSubscriptionSink, id: DeviceId) {
		let client = self.client.clone();
		let Some(storage) = self.offchain.clone() else {
			let fut = async move {
				pending
					.reject(error(-32001, "this node keeps no offchain database to stream from"))
					.await;
			};
			self.executor.spawn("openvpp-rpc-readings", Some("rpc"), fut.boxed());
			return;
		};
		let fut = async move {
			let Ok(sink) = pending.accept().await else { return };
			let start_state =
				client.runtime_api().telemetry_state(client.info().best_hash, id).ok().flatten();
			let mut next_seq = start_state.map(|s| s.last_seq.saturating_add(1)).unwrap_or(0);
			let mut imports = client.import_notification_stream();
			loop {
				let notification = futures::select! {
					n = imports.next().fuse() => n,
					_ = sink.closed().fuse() => None,
				};
				let Some(notification) = notification else { break };
				if !notification.is_new_best {
					continue;
				}
				let Ok(Some(state)) = client.runtime_api().telemetry_state(notification.hash, id)
				else {
					continue;
				};
				while next_seq <= state.last_seq {
					if let Some(r) = indexed_reading(&storage, id, next_seq) {
						let Ok(msg) = SubscriptionMessage::from_json(&reading_json(next_seq, &r))
						else {
							return;
						};
						if sink.send(msg).await.is_err() {
							return;
						}
					}
					next_seq = next_seq.saturating_add(1);
				}
			}
		};
		self.executor.spawn("openvpp-rpc-readings", Some("rpc"), fut.boxed());
	}
}
