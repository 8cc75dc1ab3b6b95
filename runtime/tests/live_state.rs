//! The OpenVPP pallets' invariants (`try_state`) on a real chain's state, not a test's: the
//! state a node exports (`openvpp-node export-state`, a raw chain spec), named by
//! `OPENVPP_LIVE_STATE`. `scripts/test.sh` exports the development node's state after the
//! end-to-end tests have run a fleet, demand response, rewards and certificates on it, and runs
//! this test on it:
//!
//! `OPENVPP_LIVE_STATE=state.json cargo test --release --locked -p openvpp-runtime --test live_state -- --ignored`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use openvpp_runtime::{DeviceIdentity, Runtime, Settlement, Telemetry, V2g};
use sp_runtime::Storage;

/// The state of the raw chain spec at `path`.
fn exported_state(path: &str) -> sp_io::TestExternalities {
	let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
	let spec: serde_json::Value = serde_json::from_slice(&bytes).expect("a chain spec (JSON)");
	let top = spec["genesis"]["raw"]["top"].as_object().expect("a raw chain spec");
	let decode = |hex: &str| sp_core::bytes::from_hex(hex).expect("hex");
	let storage = Storage {
		top: top
			.iter()
			.map(|(key, value)| (decode(key), decode(value.as_str().expect("a hex value"))))
			.collect(),
		children_default: Default::default(),
	};
	sp_io::TestExternalities::new(storage)
}

fn live_state() -> sp_io::TestExternalities {
	let path = std::env::var("OPENVPP_LIVE_STATE").expect("OPENVPP_LIVE_STATE names a state file");
	exported_state(&path)
}

#[test]
#[ignore = "needs OPENVPP_LIVE_STATE, a node's exported state (scripts/test.sh sets it)"]
fn invariants_hold_on_a_nodes_exported_state() {
	live_state().execute_with(|| {
		// A chain that did something: devices reported, points were earned.
		let devices = pallet_device_identity::Devices::<Runtime>::iter_keys().count();
		let reporting = pallet_telemetry::DeviceTelemetry::<Runtime>::iter_keys().count();
		let best = frame_system::Pallet::<Runtime>::block_number();
		println!("state at block {best}: {devices} devices, {reporting} reporting");
		assert!(reporting > 0, "the exported chain has no telemetry: nothing was checked");

		DeviceIdentity::do_try_state().expect("device-identity invariants");
		Telemetry::do_try_state().expect("telemetry invariants");
		Settlement::do_try_state().expect("settlement invariants");
		V2g::do_try_state().expect("v2g invariants");
	});
}

#[test]
#[ignore = "needs OPENVPP_LIVE_STATE, a node's exported state (scripts/test.sh sets it)"]
fn the_check_finds_a_broken_invariant_in_the_exported_state() {
	live_state().execute_with(|| {
		// A reporting device whose quality counters are lost: its accepted readings no longer
		// match the sequence numbers it consumed.
		let device = pallet_telemetry::DeviceTelemetry::<Runtime>::iter_keys()
			.next()
			.expect("a reporting device");
		pallet_telemetry::DeviceQuality::<Runtime>::remove(device);
		assert!(Telemetry::do_try_state().is_err());
	});
}
