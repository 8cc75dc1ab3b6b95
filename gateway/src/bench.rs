//! Load benchmark: how many verified readings per second the chain finalizes when gateways
//! batch signed bundles, against the naive path of one extrinsic per reading, in the same run.

use std::time::{Duration, Instant};

use openvpp_primitives::{
	keys::{DeviceKeyPair, KeyScheme},
	DeviceId, DeviceKind, DeviceState, Nameplate, Reading,
};
use openvpp_runtime::RuntimeCall;
use serde_json::json;

use crate::{
	rpc::Rpc,
	tx::{sign, ChainContext, Signer},
};

/// Readings are backfilled from this far in the past (the chain accepts up to 7 days).
const BACKFILL_MS: u64 = 6 * 24 * 3_600_000;
/// Time between two readings of a benchmark meter.
const READING_INTERVAL_MS: u64 = 15_000;

/// Parameters of a run.
pub struct BenchArgs {
	/// Devices whose readings are batched.
	pub devices: u32,
	/// Readings per bundle.
	pub readings: u32,
	/// Seconds of each phase.
	pub seconds: u64,
	/// Owner (and gateway) account.
	pub owner: String,
	/// Key seed of the benchmark meters.
	pub key_seed: String,
	/// Extrinsics kept in flight ahead of inclusion.
	pub in_flight: u32,
}

/// What one phase achieved.
pub struct PhaseResult {
	/// Phase name.
	pub name: &'static str,
	/// Extrinsics submitted.
	pub extrinsics: u64,
	/// Readings finalized on chain during the phase.
	pub readings_finalized: u64,
	/// Seconds from the first submission until the last counted finalized block.
	pub seconds: f64,
}

impl PhaseResult {
	/// Finalized readings per second.
	pub fn rate(&self) -> f64 {
		if self.seconds > 0.0 {
			self.readings_finalized as f64 / self.seconds
		} else {
			0.0
		}
	}
}

struct Meter {
	id: DeviceId,
	key: DeviceKeyPair,
	next_seq: u64,
	last_ms: u64,
	energy_in_wh: u64,
}

impl Meter {
	fn readings(&mut self, n: u32) -> Vec<Reading> {
		(0..n)
			.map(|_| {
				self.last_ms += READING_INTERVAL_MS;
				// ~1 kW household load: 4 Wh per 15 s.
				self.energy_in_wh += 4;
				Reading {
					timestamp_ms: self.last_ms,
					energy_in_wh: self.energy_in_wh,
					energy_out_wh: 0,
					soc: None,
					state: DeviceState::Idle,
				}
			})
			.collect()
	}
}

const METER: Nameplate = Nameplate { capacity_wh: 0, max_import_w: 14_500, max_export_w: 5_000 };

fn finalized_readings(rpc: &Rpc, meters: &[Meter]) -> Result<u64, String> {
	let hash = rpc.finalized_hash().map_err(|e| e.to_string())?;
	let mut total = 0u64;
	for m in meters {
		let state: Option<pallet_telemetry::TelemetryState> = rpc
			.runtime_call_at("TelemetryApi_telemetry_state", m.id, Some(hash))
			.map_err(|e| e.to_string())?;
		total += state.map(|s| s.last_seq + 1).unwrap_or(0);
	}
	Ok(total)
}

/// Registers (or finds) `count` benchmark meters starting at key index `offset`.
fn meters(
	rpc: &Rpc,
	ctx: &ChainContext,
	owner: &Signer,
	seed: &str,
	offset: u32,
	count: u32,
) -> Result<Vec<Meter>, String> {
	let keys: Vec<DeviceKeyPair> = (offset..offset + count)
		.map(|i| DeviceKeyPair::from_uri(KeyScheme::Sr25519, &format!("{seed}/{i}")))
		.collect::<Result<_, _>>()?;
	// Register the missing ones in batches; each proof uses the next registration nonce.
	let mut missing = Vec::new();
	for key in &keys {
		let existing: Option<DeviceId> = rpc
			.runtime_call("DeviceIdentityApi_device_by_key", key.signer())
			.map_err(|e| e.to_string())?;
		if existing.is_none() {
			missing.push(key.clone());
		}
	}
	let mut reg_nonce: u32 = rpc
		.runtime_call("DeviceIdentityApi_registration_nonce", &owner.account)
		.map_err(|e| e.to_string())?;
	for chunk in missing.chunks(32) {
		let calls: Vec<RuntimeCall> = chunk
			.iter()
			.map(|key| {
				let proof = key.possession_proof(ctx.genesis, &owner.account, reg_nonce);
				reg_nonce += 1;
				RuntimeCall::DeviceIdentity(pallet_device_identity::Call::register_device {
					kind: DeviceKind::SmartMeter,
					nameplate: METER,
					region: 1,
					metadata: b"openvpp-bench".to_vec().try_into().unwrap_or_default(),
					signer: key.signer(),
					proof,
				})
			})
			.collect();
		let call = RuntimeCall::Utility(pallet_utility::Call::batch_all { calls });
		let nonce = rpc.next_nonce(&owner.address()).map_err(|e| e.to_string())?;
		rpc.submit(&sign(ctx, owner, nonce, call)).map_err(|e| e.to_string())?;
	}
	let deadline = Instant::now() + Duration::from_secs(120);
	let mut out = Vec::new();
	for key in keys {
		let id = loop {
			let id: Option<DeviceId> = rpc
				.runtime_call("DeviceIdentityApi_device_by_key", key.signer())
				.map_err(|e| e.to_string())?;
			if let Some(id) = id {
				break id;
			}
			if Instant::now() > deadline {
				return Err("benchmark meters were not registered within 120 s".into());
			}
			std::thread::sleep(Duration::from_millis(500));
		};
		let state: Option<pallet_telemetry::TelemetryState> =
			rpc.runtime_call("TelemetryApi_telemetry_state", id).map_err(|e| e.to_string())?;
		let now = crate::now_ms();
		let (next_seq, last_ms, energy_in_wh) = match state {
			Some(s) => (s.last_seq + 1, s.last_timestamp_ms, s.last_energy_in_wh),
			None => (0, now - BACKFILL_MS, 0),
		};
		out.push(Meter { id, key, next_seq, last_ms, energy_in_wh });
	}
	Ok(out)
}

/// Runs one phase: submits extrinsics of `bundles_per_tx` bundles × `readings` readings for
/// `seconds`, keeping `in_flight` extrinsics ahead of the chain.
fn phase(
	name: &'static str,
	rpc: &Rpc,
	ctx: &ChainContext,
	owner: &Signer,
	meters: &mut [Meter],
	bundles_per_tx: usize,
	readings: u32,
	seconds: u64,
	in_flight: u32,
	progress: &indicatif::ProgressBar,
) -> Result<PhaseResult, String> {
	let before = finalized_readings(rpc, meters)?;
	let start = Instant::now();
	let mut nonce = rpc.next_nonce(&owner.address()).map_err(|e| e.to_string())?;
	let mut extrinsics = 0u64;
	let mut submitted_readings = 0u64;
	let mut cursor = 0usize;
	while start.elapsed() < Duration::from_secs(seconds) {
		let pending: u32 = rpc
			.call("author_pendingExtrinsics", json!([]))
			.map_err(|e| e.to_string())?
			.as_array()
			.map(|a| a.len() as u32)
			.unwrap_or(0);
		if pending >= in_flight {
			std::thread::sleep(Duration::from_millis(200));
			continue;
		}
		let mut bundles = Vec::with_capacity(bundles_per_tx);
		for _ in 0..bundles_per_tx {
			let m = &mut meters[cursor % meters.len()];
			cursor += 1;
			let rs = m.readings(readings);
			let bundle = m
				.key
				.signed_bundle(ctx.genesis, m.id, m.next_seq, &rs)
				.map_err(|e| format!("cannot build a bundle: {e:?}"))?;
			m.next_seq += u64::from(readings);
			bundles.push(bundle);
		}
		let call = RuntimeCall::Telemetry(pallet_telemetry::Call::submit {
			bundles: bundles.try_into().map_err(|_| "too many bundles per extrinsic")?,
		});
		match rpc.submit(&sign(ctx, owner, nonce, call)) {
			Ok(_) => {
				nonce += 1;
				extrinsics += 1;
				submitted_readings += bundles_per_tx as u64 * u64::from(readings);
				progress.set_message(format!(
					"{name}: {extrinsics} extrinsics, {submitted_readings} readings"
				));
			}
			Err(e) => return Err(format!("{name}: the node refused an extrinsic: {e}")),
		}
	}
	// Let what was submitted be finalized (bounded wait).
	let deadline = Instant::now() + Duration::from_secs(90);
	let mut finalized = finalized_readings(rpc, meters)?;
	let mut last_change = Instant::now();
	while finalized < before + submitted_readings && Instant::now() < deadline {
		std::thread::sleep(Duration::from_secs(1));
		let now = finalized_readings(rpc, meters)?;
		if now > finalized {
			finalized = now;
			last_change = Instant::now();
		}
	}
	Ok(PhaseResult {
		name,
		extrinsics,
		readings_finalized: finalized - before,
		seconds: last_change.duration_since(start).as_secs_f64(),
	})
}

/// Runs both phases and prints the comparison.
pub fn run(rpc: &Rpc, args: &BenchArgs, json_out: bool) -> Result<(), String> {
	let ctx = ChainContext::fetch(rpc).map_err(|e| e.to_string())?;
	let owner = Signer::from_uri(&args.owner)?;
	let progress = if json_out {
		indicatif::ProgressBar::hidden()
	} else {
		indicatif::ProgressBar::new_spinner()
	};
	progress.enable_steady_tick(Duration::from_millis(200));
	progress.set_message("registering benchmark meters");
	let mut batched = meters(rpc, &ctx, &owner, &args.key_seed, 0, args.devices)?;
	let mut naive = meters(rpc, &ctx, &owner, &args.key_seed, args.devices, 8)?;
	let bundles_per_tx = batched.len();
	let b = phase(
		"batched",
		rpc,
		&ctx,
		&owner,
		&mut batched,
		bundles_per_tx,
		args.readings,
		args.seconds,
		args.in_flight,
		&progress,
	)?;
	let n = phase("naive", rpc, &ctx, &owner, &mut naive, 1, 1, args.seconds, 2_000, &progress)?;
	progress.finish_and_clear();
	let speedup = if n.rate() > 0.0 { b.rate() / n.rate() } else { f64::INFINITY };
	if json_out {
		let row = |p: &PhaseResult| json!({ "phase": p.name, "extrinsics": p.extrinsics, "readingsFinalized": p.readings_finalized, "seconds": p.seconds, "readingsPerSecond": p.rate() });
		println!("{}", json!({ "phases": [row(&b), row(&n)], "speedup": speedup }));
	} else {
		println!(
			"{:<8} {:>11} {:>19} {:>9} {:>16}",
			"phase", "extrinsics", "readings finalized", "seconds", "readings/s"
		);
		for p in [&b, &n] {
			println!(
				"{:<8} {:>11} {:>19} {:>9.1} {:>16.0}",
				p.name,
				p.extrinsics,
				p.readings_finalized,
				p.seconds,
				p.rate()
			);
		}
		println!(
			"batched: {} bundles × {} readings per extrinsic; speed-up over one extrinsic per reading: {speedup:.1}×",
			args.devices, args.readings
		);
	}
	Ok(())
}
