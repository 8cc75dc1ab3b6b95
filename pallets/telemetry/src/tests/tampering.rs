//! Every way a bundle can be wrong is refused with its own reason and changes nothing for the
//! device but the counter of that reason; the genuine bundle is accepted afterwards.

use codec::{Decode, Encode};
use frame_support::{assert_noop, assert_ok};
use openvpp_primitives::DeviceSignature as MultiSignature;
use openvpp_primitives::{pack_readings, DeviceKind, DeviceState, DeviceStatus, Reading};
use sp_runtime::Permill;

use super::{profiles::*, *};
use crate::Error;

/// An EV with its first hour (seq 0..=3) accepted, chain time just after its second hour.
fn ev_with_history() -> (TestDevice, Vec<Reading>) {
	let ev = TestDevice::register(DeviceKind::Ev, EV_NAMEPLATE, "//Tamper/ev");
	let readings = ev_day();
	set_now(START_MS + HOUR_MS + 20_000);
	submit_ok(vec![ev.bundle(0, &readings[0..4])]);
	set_now(START_MS + 2 * HOUR_MS + 20_000);
	(ev, readings)
}

/// The genuine second hour.
fn genuine(ev: &TestDevice, readings: &[Reading]) -> TestBundle {
	ev.bundle(4, &readings[4..8])
}

/// Submits `bundle` as `gateway`, expects exactly it to be refused for `reason`, and checks
/// that the device's state, consumers and history are untouched and only the counter of
/// `reason` moved (on the device or on the gateway, by blame).
pub(super) fn assert_refused_as(
	gateway: AccountId,
	device: &TestDevice,
	bundle: TestBundle,
	reason: RejectReason,
) {
	let before = device.snapshot();
	let gateway_before = gateway_counters(gateway);
	System::reset_events();

	assert_ok!(submit_as(gateway, vec![bundle.clone()]));

	assert_eq!(rejections(), vec![(bundle.device, bundle.first_seq, reason)]);
	assert_eq!(last_submitted(), (0, 0, 1));
	let after = device.snapshot();
	assert_eq!(after.state, before.state, "state changed by a {reason:?} bundle");
	assert_eq!(after.accepted, before.accepted, "consumers saw a {reason:?} bundle");
	let mut quality = before.quality;
	quality.note_rejected(reason);
	assert_eq!(after.quality, quality);
	let mut operations = before.operations;
	if reason.blames_device() {
		operations.readings_rejected += bundle.readings.len() as u32;
	}
	assert_eq!(after.operations, operations);
	let mut gateway_expected = gateway_before;
	gateway_expected.note_rejected(reason);
	assert_eq!(gateway_counters(gateway), gateway_expected);
	Telemetry::do_try_state().unwrap();
}

fn assert_refused(device: &TestDevice, bundle: TestBundle, reason: RejectReason) {
	assert_refused_as(GATEWAY, device, bundle, reason)
}

/// The device's readings with `edit` applied, signed by the device (a faulty or compromised
/// device, so the physics checks are what must catch it).
fn signed_edit(
	ev: &TestDevice,
	first_seq: u64,
	readings: &[Reading],
	edit: impl FnOnce(&mut Vec<Reading>),
) -> TestBundle {
	let mut readings = readings.to_vec();
	edit(&mut readings);
	ev.bundle(first_seq, &readings)
}

#[test]
fn flipped_signature_bit_is_bad_signature() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		let mut bundle = genuine(&ev, &readings);
		let mut signature = bundle.signature.encode();
		*signature.last_mut().unwrap() ^= 0x01;
		bundle.signature = MultiSignature::decode(&mut &signature[..]).unwrap();
		assert_refused(&ev, bundle, RejectReason::BadSignature);
		submit_ok(vec![genuine(&ev, &readings)]);
	});
}

#[test]
fn gateway_inflating_a_reading_is_bad_signature() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		let bundle = genuine(&ev, &readings);
		let mut packed = bundle.readings.clone().into_inner();
		packed[2].energy_out_wh += 500;
		let forged = TestBundle { readings: packed.try_into().unwrap(), ..bundle };
		assert_refused(&ev, forged, RejectReason::BadSignature);
	});
}

#[test]
fn replayed_bundle_is_refused() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		// The very bundle accepted an hour ago, byte for byte.
		let replay = ev.bundle(0, &readings[0..4]);
		assert_refused(&ev, replay, RejectReason::SequenceReplayed);
		submit_ok(vec![genuine(&ev, &readings)]);
		assert_refused(&ev, genuine(&ev, &readings), RejectReason::SequenceReplayed);
	});
}

#[test]
fn bundle_signed_for_another_chain_is_bad_signature() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		let other_chain = H256::repeat_byte(0xAB);
		assert_ne!(other_chain, genesis());
		let bundle = ev.bundle_for(other_chain, 4, &readings[4..8]);
		assert_refused(&ev, bundle, RejectReason::BadSignature);
		submit_ok(vec![genuine(&ev, &readings)]);
	});
}

#[test]
fn out_of_order_readings_are_refused() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		// Readings older than the last accepted one, sent under the next sequence number.
		let stale = ev.bundle(4, &readings[1..3]);
		assert_refused(&ev, stale, RejectReason::TimestampNotIncreasing);
		// Two readings with the same timestamp.
		let duplicate =
			signed_edit(&ev, 4, &readings[4..8], |r| r[2].timestamp_ms = r[1].timestamp_ms);
		assert_refused(&ev, duplicate, RejectReason::TimestampNotIncreasing);
		submit_ok(vec![genuine(&ev, &readings)]);
	});
}

#[test]
fn decreasing_register_is_refused() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		let rolled_back = signed_edit(&ev, 4, &readings[4..8], |r| {
			r.iter_mut().for_each(|r| r.energy_in_wh -= 2_000)
		});
		assert_refused(&ev, rolled_back, RejectReason::RegisterWentBackwards);
		submit_ok(vec![genuine(&ev, &readings)]);
	});
}

#[test]
fn energy_above_nameplate_is_refused() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		// 5 kWh more in one quarter hour: 27 kW through an 11 kW charger.
		let inflated = signed_edit(&ev, 4, &readings[4..8], |r| {
			r[2..].iter_mut().for_each(|r| r.energy_in_wh += 5_000)
		});
		assert_refused(&ev, inflated, RejectReason::EnergyExceedsNameplate);
		// Also in the interval since the last accepted reading, and for export.
		let exported = signed_edit(&ev, 4, &readings[4..8], |r| {
			r.iter_mut().for_each(|r| r.energy_out_wh += 3_000)
		});
		assert_refused(&ev, exported, RejectReason::EnergyExceedsNameplate);
		submit_ok(vec![genuine(&ev, &readings)]);
	});
}

#[test]
fn energy_within_tolerance_of_nameplate_is_accepted() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		// 11 kW for 15 min is 2,750 Wh; 2 % tolerance plus 1 Wh allows 2,806 Wh.
		let at_limit = signed_edit(&ev, 4, &readings[4..5], |r| {
			r[0].energy_in_wh = readings[3].energy_in_wh + 2_806;
			// The pack takes the 2.8 kWh: +4.67 % of 60 kWh.
			r[0].soc = readings[3].soc.map(|s| Permill::from_parts(s.deconstruct() + 46_700));
		});
		submit_ok(vec![at_limit]);
	});
}

fn plus_40_points(soc: Permill) -> Permill {
	Permill::from_parts((soc.deconstruct() + 400_000).min(1_000_000))
}

#[test]
fn impossible_soc_jump_is_refused() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		// +40 points (24 kWh) in a quarter hour in which 1.85 kWh flowed in.
		let jump = signed_edit(&ev, 4, &readings[4..8], |r| {
			r[1..].iter_mut().for_each(|r| r.soc = r.soc.map(plus_40_points))
		});
		assert_refused(&ev, jump, RejectReason::SocInconsistent);
		// Leaving the SoC out of the readings in between does not hide the jump: storage must
		// report its SoC on every reading.
		let bridged = signed_edit(&ev, 4, &readings[4..8], |r| {
			r[1].soc = None;
			r[2].soc = None;
			r[3].soc = r[3].soc.map(plus_40_points);
		});
		assert_refused(&ev, bridged, RejectReason::SocMissing);
		submit_ok(vec![genuine(&ev, &readings)]);
	});
}

#[test]
fn only_an_offline_ev_may_lose_charge_without_energy() {
	new_test_ext().execute_with(|| {
		let battery =
			TestDevice::register(DeviceKind::Battery, BATTERY_NAMEPLATE, "//Tamper/battery");
		let ev = TestDevice::register(DeviceKind::Ev, EV_NAMEPLATE, "//Tamper/ev2");
		let mut t = TraceBuilder::new(START_MS, 1_000.0, 1_000.0).storage(13_500, 0.6, 0.95, 0.95);
		t.quarter(0.0, 0.0, DeviceState::Idle);
		// A stationary battery that "drove away" with 20 % of its charge.
		t.step(QUARTER_MS, 0.0, 0.0, 2_700.0, DeviceState::Offline);
		set_now(t.now_ms + 1_000);
		assert_refused(&battery, battery.bundle(0, &t.readings), RejectReason::SocInconsistent);

		// An EV that charges while offline (unplugged) is refused too.
		let mut t = TraceBuilder::new(START_MS, 1_000.0, 1_000.0).storage(60_000, 0.5, 0.92, 0.95);
		t.quarter(0.0, 0.0, DeviceState::Offline);
		t.step(QUARTER_MS, 0.0, 0.0, -6_000.0, DeviceState::Offline);
		set_now(t.now_ms + 1_000);
		assert_refused(&ev, ev.bundle(0, &t.readings), RejectReason::SocInconsistent);
	});
}

#[test]
fn future_timestamp_is_refused() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		// The chain is at 01:55; the bundle's last reading says 02:00.
		set_now(START_MS + 2 * HOUR_MS - 5 * 60_000);
		assert_refused(&ev, genuine(&ev, &readings), RejectReason::TimestampInFuture);
		// Within the 30 s drift it is fine.
		set_now(START_MS + 2 * HOUR_MS - 29_000);
		submit_ok(vec![genuine(&ev, &readings)]);
	});
}

#[test]
fn unknown_device_counts_against_the_gateway() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		let bundle = ev.key.signed_bundle(genesis(), 999, 0, &readings[4..8]).unwrap();
		assert_refused(&ev, bundle, RejectReason::UnknownDevice);
		assert_eq!(gateway_counters(GATEWAY).unknown_device, 1);
	});
}

#[test]
fn inactive_device_is_refused_until_reactivated() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		for status in [DeviceStatus::SuspendedByOwner, DeviceStatus::SuspendedByAdmin] {
			TestRegistry::set_status(ev.id, status);
			assert_refused(&ev, genuine(&ev, &readings), RejectReason::DeviceNotActive);
		}
		TestRegistry::set_status(ev.id, DeviceStatus::Active);
		submit_ok(vec![genuine(&ev, &readings)]);
		TestRegistry::set_status(ev.id, DeviceStatus::Decommissioned);
		assert_refused(&ev, ev.bundle(8, &readings[8..12]), RejectReason::DeviceNotActive);
	});
}

#[test]
fn unauthorized_gateway_is_refused() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		assert_refused_as(
			OTHER_GATEWAY,
			&ev,
			genuine(&ev, &readings),
			RejectReason::GatewayNotAuthorized,
		);
		assert_eq!(gateway_counters(OTHER_GATEWAY).not_authorized, 1);
		TestRegistry::authorize(ev.id, OTHER_GATEWAY);
		System::reset_events();
		assert_ok!(submit_as(OTHER_GATEWAY, vec![genuine(&ev, &readings)]));
		assert_eq!(last_submitted(), (1, 4, 0));
	});
}

#[test]
fn sequence_gap_is_refused() {
	new_test_ext().execute_with(|| {
		let fresh = TestDevice::register(DeviceKind::Ev, EV_NAMEPLATE, "//Tamper/fresh");
		let (ev, readings) = ev_with_history();
		assert_refused(&ev, ev.bundle(6, &readings[4..8]), RejectReason::SequenceGap);
		// A new device must start at 0.
		assert_refused(&fresh, fresh.bundle(1, &readings[4..8]), RejectReason::SequenceGap);
		submit_ok(vec![genuine(&ev, &readings), fresh.bundle(0, &readings[4..8])]);
	});
}

#[test]
fn empty_bundle_is_refused() {
	new_test_ext().execute_with(|| {
		let (ev, _) = ev_with_history();
		assert_refused(&ev, ev.bundle(4, &[]), RejectReason::EmptyBundle);
	});
}

#[test]
fn overflowing_delta_is_malformed() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		let mut packed = pack_readings(&readings[4..8]).unwrap();
		packed[1].energy_in_wh = u64::MAX;
		assert_refused(&ev, ev.sign_packed(4, packed), RejectReason::MalformedReadings);
		let mut packed = pack_readings(&readings[4..8]).unwrap();
		packed[3].time_ms = u64::MAX;
		assert_refused(&ev, ev.sign_packed(4, packed), RejectReason::MalformedReadings);
	});
}

#[test]
fn too_old_readings_are_refused() {
	new_test_ext().execute_with(|| {
		let meter = TestDevice::register(DeviceKind::SmartMeter, METER_NAMEPLATE, "//Tamper/meter");
		let readings = household_day();
		// Eight days later the first reading is past the 7-day limit.
		set_now(START_MS + 8 * 24 * HOUR_MS);
		assert_refused(&meter, meter.bundle(0, &readings[0..8]), RejectReason::TimestampTooOld);
		// The last days' readings still go in.
		set_now(START_MS + 7 * 24 * HOUR_MS);
		submit_ok(vec![meter.bundle(0, &readings[0..8])]);
	});
}

#[test]
fn soc_out_of_range_is_refused() {
	new_test_ext().execute_with(|| {
		let roof = TestDevice::register(DeviceKind::SolarPv, SOLAR_NAMEPLATE, "//Tamper/roof");
		let (ev, readings) = ev_with_history();
		let mut packed = pack_readings(&readings[4..8]).unwrap();
		packed[2].soc_bp = Some(10_001);
		assert_refused(&ev, ev.sign_packed(4, packed), RejectReason::SocOutOfRange);

		// A solar array has no state of charge to report.
		let day = solar_day();
		let with_soc =
			signed_edit(&roof, 0, &day[0..4], |r| r[3].soc = Some(Permill::from_percent(50)));
		set_now(START_MS + HOUR_MS + 20_000);
		assert_refused(&roof, with_soc, RejectReason::SocOutOfRange);
		submit_ok(vec![roof.bundle(0, &day[0..4])]);
	});
}

#[test]
fn no_bundles_is_an_error() {
	new_test_ext().execute_with(|| {
		assert_noop!(submit(vec![]), Error::<Test>::NoBundles);
	});
}

#[test]
fn checks_run_in_the_documented_order() {
	new_test_ext().execute_with(|| {
		let (ev, readings) = ev_with_history();
		// Unauthorized beats a bad signature; a bad signature beats a sequence gap; a replay
		// beats physics; a future timestamp beats a register going backwards.
		let mut forged = ev.bundle(6, &readings[4..8]);
		forged.signature = ev.bundle(4, &readings[8..12]).signature;
		assert_refused_as(OTHER_GATEWAY, &ev, forged.clone(), RejectReason::GatewayNotAuthorized);
		assert_refused(&ev, forged, RejectReason::BadSignature);
		let replay = signed_edit(&ev, 2, &readings[4..8], |r| r[3].energy_in_wh += 50_000);
		assert_refused(&ev, replay, RejectReason::SequenceReplayed);
		let both = signed_edit(&ev, 4, &readings[4..8], |r| {
			r.iter_mut().for_each(|r| {
				r.energy_in_wh -= 2_000;
				r.timestamp_ms += HOUR_MS;
			})
		});
		assert_refused(&ev, both, RejectReason::TimestampInFuture);
	});
}

#[test]
fn refused_bundles_leave_no_history() {
	let mut ext = new_test_ext();
	let (id, readings) = ext.execute_with(|| {
		let (ev, readings) = ev_with_history();
		let inflated = signed_edit(&ev, 4, &readings[4..8], |r| r[3].energy_in_wh += 9_000);
		assert_refused(&ev, inflated, RejectReason::EnergyExceedsNameplate);
		assert_refused(&ev, ev.bundle(0, &readings[4..8]), RejectReason::SequenceReplayed);
		(ev.id, readings)
	});
	ext.persist_offchain_overlay();
	for seq in 0..4 {
		assert_eq!(history_entry(&ext, id, seq), Some(readings[seq as usize]));
	}
	for seq in 4..8 {
		assert_eq!(history_entry(&ext, id, seq), None);
	}
}

#[test]
fn a_device_signed_with_ed25519_is_verified_too() {
	new_test_ext().execute_with(|| {
		let key = openvpp_primitives::keys::DeviceKeyPair::from_uri(
			openvpp_primitives::keys::KeyScheme::Ed25519,
			"//SecureElement//meter",
		)
		.unwrap();
		let id = TestRegistry::register(
			OWNER,
			DeviceKind::SmartMeter,
			METER_NAMEPLATE,
			key.signer(),
			REGION,
			GATEWAY,
		);
		let meter = TestDevice { id, key };
		let readings = household_day();
		set_now(START_MS + 3 * HOUR_MS + 20_000);
		submit_ok(vec![meter.bundle(0, &readings[0..8])]);
		let mut bundle = meter.bundle(8, &readings[8..12]);
		bundle.signature = meter.bundle(8, &readings[8..11]).signature;
		assert_refused(&meter, bundle, RejectReason::BadSignature);
		submit_ok(vec![meter.bundle(8, &readings[8..12])]);
	});
}
