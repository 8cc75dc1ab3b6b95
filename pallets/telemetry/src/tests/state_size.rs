//! What a device costs in state, and what a reading costs on the wire.

use codec::{Encode, MaxEncodedLen};
use openvpp_primitives::{pack_readings, DeviceKind, PackedReading};

use super::{profiles::*, *};

#[test]
fn per_device_state_is_at_most_100_bytes() {
	let state = TelemetryState::max_encoded_len();
	let quality = QualityCounters::max_encoded_len();
	println!(
		"per-device state: TelemetryState {state} B + QualityCounters {quality} B = {} B",
		state + quality
	);
	assert_eq!(state, 62);
	assert_eq!(quality, 34);
	assert!(state + quality <= 100);
}

#[test]
fn a_real_device_state_encodes_within_the_bound() {
	new_test_ext().execute_with(|| {
		let ev = TestDevice::register(DeviceKind::Ev, EV_NAMEPLATE, "//Size/ev");
		let readings = ev_day();
		set_now(START_MS + 24 * HOUR_MS + 20_000);
		submit_ok(vec![ev.bundle(0, &readings)]);
		let state = ev.state().encode().len();
		let quality = DeviceQuality::<Test>::get(ev.id).encode().len();
		assert!(state <= TelemetryState::max_encoded_len());
		assert!(quality <= QualityCounters::max_encoded_len());
		// An EV always has a SoC: its state is the maximum size.
		assert_eq!(state + quality, 96);
	});
}

#[test]
fn a_reading_costs_about_ten_bytes_on_the_wire() {
	let traces = [
		("solar", solar_day()),
		("ev", ev_day()),
		("battery", battery_two_days()),
		("meter", household_day()),
	];
	for (name, readings) in traces {
		let packed = pack_readings(&readings).unwrap();
		let deltas: Vec<PackedReading> = packed[1..].to_vec();
		let bytes_per_delta =
			deltas.iter().map(|p| p.encode().len()).sum::<usize>() as f64 / deltas.len() as f64;
		let first = packed[0].encode().len();
		println!("{name}: first reading {first} B, then {bytes_per_delta:.1} B per reading");
		assert!(bytes_per_delta <= 11.0, "{name}: {bytes_per_delta} B per reading");
		// Versus 26 to 30 B for an absolute `Reading`.
		assert!(bytes_per_delta * 2.0 < readings[1].encode().len() as f64);
	}
}
