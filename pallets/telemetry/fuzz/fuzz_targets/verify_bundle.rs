//! Decodes arbitrary bytes as (device kind, optional last state, chain time, bundle) and runs
//! the pallet's pure verification on them: as submitted (the signature almost never holds) and
//! re-signed by the device key (so every later check is reached). Nothing may panic, and an
//! accepted bundle must satisfy the invariants the pallet relies on.
#![no_main]

use std::sync::OnceLock;

use codec::Decode;
use libfuzzer_sys::fuzz_target;
use openvpp_primitives::{
	keys::{DeviceKeyPair, KeyScheme},
	pack_readings, Bundle, DeviceKind, DeviceStatus, DeviceView, Nameplate,
};
use pallet_telemetry::{
	verify::{check_readings, verify_bundle, VerifyContext},
	TelemetryLimits, TelemetryState,
};
use sp_core::{ConstU32, H256};
use sp_runtime::Permill;

type FuzzBundle = Bundle<ConstU32<96>>;

/// 1 June 2025, ms.
const BASE_MS: u64 = 1_748_736_000_000;

fn key() -> &'static DeviceKeyPair {
	static KEY: OnceLock<DeviceKeyPair> = OnceLock::new();
	KEY.get_or_init(|| DeviceKeyPair::from_uri(KeyScheme::Ed25519, "//Fuzz//device").unwrap())
}

fn view(selector: u8) -> DeviceView<u64> {
	let (kind, nameplate) = match selector % 6 {
		0 => (DeviceKind::Ev, Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 11_000 }),
		1 => (DeviceKind::Battery, Nameplate { capacity_wh: 13_500, max_import_w: 5_000, max_export_w: 5_000 }),
		2 => (DeviceKind::SolarPv, Nameplate { capacity_wh: 0, max_import_w: 50, max_export_w: 5_000 }),
		3 => (DeviceKind::SmartMeter, Nameplate { capacity_wh: 0, max_import_w: 17_250, max_export_w: 5_000 }),
		4 => (DeviceKind::Wind, Nameplate { capacity_wh: 0, max_import_w: 0, max_export_w: 20_000_000 }),
		_ => (DeviceKind::Battery, Nameplate { capacity_wh: 10_000_000, max_import_w: 20_000_000, max_export_w: 20_000_000 }),
	};
	DeviceView {
		owner: 1,
		kind,
		region: 1,
		nameplate,
		status: DeviceStatus::Active,
		signer: key().signer(),
		commissioned_ms: BASE_MS,
		attestations: 0,
	}
}

fn context(now_offset_ms: u32) -> VerifyContext {
	VerifyContext {
		now_ms: BASE_MS + u64::from(now_offset_ms),
		genesis: H256::repeat_byte(69),
		limits: TelemetryLimits {
			max_bundles_per_call: 256,
			max_readings_per_bundle: 96,
			max_future_drift_ms: 30_000,
			max_reading_age_ms: 7 * 24 * 3_600_000,
			max_valued_interval_ms: 2 * 3_600_000,
			epoch_duration_ms: 3_600_000,
			nameplate_tolerance: Permill::from_percent(2),
			soc_energy_tolerance: Permill::from_percent(10),
			soc_capacity_tolerance: Permill::from_percent(1),
		},
	}
}

fuzz_target!(|data: &[u8]| {
	let mut input = data;
	let Ok(selector) = u8::decode(&mut input) else { return };
	let mut state = if selector & 0x80 != 0 {
		match TelemetryState::decode(&mut input) {
			Ok(state) => Some(state),
			Err(_) => return,
		}
	} else {
		None
	};
	let Ok(now_offset_ms) = u32::decode(&mut input) else { return };
	let Ok(mut bundle) = FuzzBundle::decode(&mut input) else { return };
	// Chain time is BASE_MS + a u32: absolute timestamps from the input would almost never
	// fall inside the accepted window, and nothing after the time checks would run. The first
	// reading's timestamp and the last accepted one are therefore offsets from BASE_MS
	// (wrapping, so every u64 timestamp stays reachable).
	if let Some(first) = bundle.readings.get_mut(0) {
		first.time_ms = first.time_ms.wrapping_add(BASE_MS);
	}
	if let Some(s) = state.as_mut() {
		s.last_timestamp_ms = s.last_timestamp_ms.wrapping_add(BASE_MS);
	}
	let view = view(selector & 0x7F);
	let ctx = context(now_offset_ms);

	let _ = verify_bundle(&view, state.as_ref(), &bundle, &ctx);

	bundle.signature =
		key().sign_bundle(ctx.genesis, bundle.device, bundle.first_seq, &bundle.readings);
	let signed = verify_bundle(&view, state.as_ref(), &bundle, &ctx);
	let unsigned = check_readings(
		&view,
		state.as_ref(),
		bundle.device,
		bundle.first_seq,
		&bundle.readings,
		&ctx,
	);
	assert_eq!(signed, unsigned, "a valid signature must not change the verdict");
	if let Ok(verified) = signed {
		let n = bundle.readings.len() as u64;
		assert!(n > 0);
		assert_eq!(verified.state.last_seq, bundle.first_seq + n - 1);
		assert_eq!(bundle.first_seq, state.map_or(0, |s| s.last_seq + 1));
		let last = verified.readings.last().unwrap();
		assert!(last.timestamp_ms <= ctx.now_ms + ctx.limits.max_future_drift_ms);
		if let Some(s) = state {
			assert!(verified.readings[0].timestamp_ms > s.last_timestamp_ms);
			assert!(last.energy_in_wh >= s.last_energy_in_wh);
			assert!(last.energy_out_wh >= s.last_energy_out_wh);
		}
		assert!(verified.readings.iter().all(|r| r.soc.is_none() || view.kind.is_storage()));
		assert_eq!(pack_readings(&verified.readings).unwrap(), bundle.readings.to_vec());
		// The valued energy, split by hour, never exceeds what the registers moved, and every
		// part lies inside its hour, in order.
		let hours = &verified.accepted.hours;
		let in_sum: u64 = hours.iter().map(|h| h.energy_in_wh).sum();
		let out_sum: u64 = hours.iter().map(|h| h.energy_out_wh).sum();
		assert!(in_sum <= verified.accepted.energy_in_wh);
		assert!(out_sum <= verified.accepted.energy_out_wh);
		for h in hours {
			assert!(h.from_ms < h.to_ms);
			assert_eq!(h.from_ms / 3_600_000, h.hour);
			assert!(h.to_ms <= (h.hour + 1) * 3_600_000);
		}
		assert!(hours.windows(2).all(|w| w[0].to_ms <= w[1].from_ms));
	}
});
