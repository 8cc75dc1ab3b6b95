//! A gateway's batch: good and bad bundles side by side, bundles of the same device in a row,
//! blame, fees, events, epochs and bounds.

use codec::{Decode, Encode};
use frame_support::{assert_ok, dispatch::GetDispatchInfo};
use openvpp_primitives::{DeviceKind, Reading};

use super::{profiles::*, *};
use crate::{Call, WeightInfo};

/// The four kinds of the traces, registered.
struct Fleet {
	roof: TestDevice,
	ev: TestDevice,
	battery: TestDevice,
	meter: TestDevice,
}

fn fleet() -> Fleet {
	Fleet {
		roof: TestDevice::register(DeviceKind::SolarPv, SOLAR_NAMEPLATE, "//Fleet/roof"),
		ev: TestDevice::register(DeviceKind::Ev, EV_NAMEPLATE, "//Fleet/ev"),
		battery: TestDevice::register(DeviceKind::Battery, BATTERY_NAMEPLATE, "//Fleet/battery"),
		meter: TestDevice::register(DeviceKind::SmartMeter, METER_NAMEPLATE, "//Fleet/meter"),
	}
}

/// `readings` with `edit` applied, signed by the device.
fn edited(
	device: &TestDevice,
	seq: u64,
	readings: &[Reading],
	edit: impl FnOnce(&mut Vec<Reading>),
) -> TestBundle {
	let mut readings = readings.to_vec();
	edit(&mut readings);
	device.bundle(seq, &readings)
}

#[test]
fn mixed_batch_accepts_exactly_the_good_bundles() {
	new_test_ext().execute_with(|| {
		let f = fleet();
		let (solar, ev, battery, house) =
			(solar_day(), ev_day(), battery_two_days(), household_day());
		set_now(START_MS + 2 * HOUR_MS + 20_000);

		// The gateway edits an EV reading after the device signed it.
		let good_ev = f.ev.bundle(0, &ev[0..4]);
		let mut packed = good_ev.readings.clone().into_inner();
		packed[1].energy_in_wh += 100;
		let forged = TestBundle { readings: packed.try_into().unwrap(), ..good_ev };

		let batch = vec![
			f.roof.bundle(0, &solar[0..4]),
			forged,
			f.battery.bundle(0, &battery[0..4]),
			f.meter.bundle(1, &house[0..4]),
			f.meter.bundle(0, &house[0..4]),
			f.roof.bundle(0, &solar[0..4]),
			edited(&f.battery, 4, &battery[4..8], |r| {
				r.iter_mut().for_each(|r| r.energy_in_wh += 10_000)
			}),
		];
		let ev_before = f.ev.snapshot();
		System::reset_events();
		assert_ok!(submit(batch));

		assert_eq!(last_submitted(), (3, 12, 4));
		assert_eq!(
			rejections(),
			vec![
				(f.ev.id, 0, RejectReason::BadSignature),
				(f.meter.id, 1, RejectReason::SequenceGap),
				(f.roof.id, 0, RejectReason::SequenceReplayed),
				(f.battery.id, 4, RejectReason::EnergyExceedsNameplate),
			]
		);
		for device in [&f.roof, &f.battery, &f.meter] {
			assert_eq!(device.state().last_seq, 3);
		}
		assert_eq!(f.ev.snapshot(), ev_before);
		assert_eq!(accepted_log().len(), 3);
		// Events stay compact: one per call plus one per refused bundle.
		assert_eq!(telemetry_events().len(), 1 + 4);
		Telemetry::do_try_state().unwrap();
	});
}

#[test]
fn bundles_of_one_device_follow_each_other_in_a_batch() {
	new_test_ext().execute_with(|| {
		let f = fleet();
		let ev = ev_day();
		set_now(START_MS + 2 * HOUR_MS + 20_000);
		let batch = vec![
			f.ev.bundle(0, &ev[0..4]),
			edited(&f.ev, 4, &ev[4..8], |r| {
				r[1..].iter_mut().for_each(|r| r.energy_in_wh += 20_000)
			}),
			f.ev.bundle(4, &ev[4..8]),
			f.ev.bundle(8, &ev[8..9]),
		];
		System::reset_events();
		assert_ok!(submit(batch));
		// The third bundle is checked against the state the first left: the bad one between
		// them changed nothing. The last is in the future and refused.
		assert_eq!(last_submitted(), (2, 8, 2));
		assert_eq!(
			rejections(),
			vec![
				(f.ev.id, 4, RejectReason::EnergyExceedsNameplate),
				(f.ev.id, 8, RejectReason::TimestampInFuture),
			]
		);
		assert_eq!(f.ev.state().last_seq, 7);
		let quality = DeviceQuality::<Test>::get(f.ev.id);
		assert_eq!((quality.accepted_bundles, quality.accepted_readings), (2, 8));
		assert_eq!((quality.energy_exceeds_nameplate, quality.timestamp_in_future), (1, 1));
		Telemetry::do_try_state().unwrap();
	});
}

#[test]
fn all_refused_still_succeeds_and_the_gateway_pays() {
	new_test_ext().execute_with(|| {
		let f = fleet();
		let solar = solar_day();
		set_now(START_MS + HOUR_MS + 20_000);
		let batch = vec![
			f.roof.bundle(3, &solar[0..4]),
			f.roof.bundle_for(H256::zero(), 0, &solar[0..4]),
			f.roof.key.signed_bundle(genesis(), 4242, 0, &solar[0..4]).unwrap(),
		];
		let bounded: BoundedVec<_, MaxBundlesPerCall> = batch.clone().try_into().unwrap();
		let info = Call::<Test>::submit { bundles: bounded }.get_dispatch_info();
		assert_eq!(info.call_weight, <() as WeightInfo>::submit(3, 12));
		assert_eq!(info.pays_fee, frame_support::dispatch::Pays::Yes);

		System::reset_events();
		assert_ok!(submit(batch));
		assert_eq!(last_submitted(), (0, 0, 3));
		assert_eq!(f.roof.snapshot().state, None);
		let gateway = gateway_counters(GATEWAY);
		assert_eq!(
			(gateway.device_faults, gateway.bad_signature, gateway.unknown_device),
			(1, 1, 1)
		);
		assert_eq!(gateway.bundles_accepted, 0);
	});
}

#[test]
fn weight_grows_per_bundle_and_per_reading() {
	let weight = |b, r| <() as WeightInfo>::submit(b, r);
	assert!(weight(2, 8).ref_time() > weight(1, 8).ref_time());
	assert!(weight(1, 96).ref_time() > weight(1, 4).ref_time());
	new_test_ext().execute_with(|| {
		let f = fleet();
		let house = household_day();
		let bundle = f.meter.bundle(0, &house);
		assert_eq!(crate::Pallet::<Test>::submit_weight(&[bundle.clone(), bundle]), weight(2, 192));
	});
}

#[test]
fn signature_failures_blame_the_gateway_physics_failures_the_device() {
	new_test_ext().execute_with(|| {
		let f = fleet();
		let ev = ev_day();
		set_now(START_MS + HOUR_MS + 20_000);
		let batch = vec![
			f.ev.bundle_for(H256::repeat_byte(1), 0, &ev[0..4]),
			edited(&f.ev, 0, &ev[0..4], |r| r[3].energy_in_wh += 3_000),
		];
		assert_ok!(submit(batch));
		let gateway = gateway_counters(GATEWAY);
		assert_eq!((gateway.bad_signature, gateway.device_faults), (1, 1));
		let quality = DeviceQuality::<Test>::get(f.ev.id);
		assert_eq!(quality.rejected_bundles(), 1);
		assert_eq!(quality.energy_exceeds_nameplate, 1);
		// Only the device-signed failure is reported to the registry.
		assert_eq!(TestRegistry::operations(f.ev.id).readings_rejected, 4);
		assert_eq!(crate::Pallet::<Test>::quality(f.roof.id), None);
		assert_eq!(crate::Pallet::<Test>::gateway_quality(&OTHER_GATEWAY), None);
		assert_eq!(crate::Pallet::<Test>::gateway_quality(&GATEWAY), Some(gateway));
	});
}

#[test]
fn epoch_accumulators_reset_lazily_in_a_new_epoch() {
	new_test_ext().execute_with(|| {
		let f = fleet();
		let battery = battery_two_days();
		// Readings 40.. are 10:15.. (charging). Report each quarter 5 s after it.
		let submit_quarter = |seq: usize| {
			set_now(battery[seq].timestamp_ms + 5_000);
			submit_ok(vec![f.battery.bundle(seq as u64, &battery[seq..seq + 1])]);
		};
		set_now(battery[39].timestamp_ms + 5_000);
		submit_ok(vec![f.battery.bundle(0, &battery[0..40])]);
		let epoch_10 = f.battery.state().epoch;
		assert_eq!(epoch_10 as u64, (START_MS + 10 * HOUR_MS) / HOUR_MS);
		submit_quarter(40);
		submit_quarter(41);
		submit_quarter(42);
		let state = f.battery.state();
		assert_eq!(state.epoch, epoch_10);
		assert_eq!(state.epoch_readings, 40 + 3);
		assert_eq!(state.epoch_energy_in_wh, battery[42].energy_in_wh - battery[0].energy_in_wh);

		// 11:00:05 is in the next epoch: the accumulators start over with this bundle.
		submit_quarter(43);
		let state = f.battery.state();
		assert_eq!(state.epoch, epoch_10 + 1);
		assert_eq!(state.epoch_readings, 1);
		assert_eq!(state.epoch_energy_in_wh, battery[43].energy_in_wh - battery[42].energy_in_wh);

		// Silent for three hours, then a bundle: accumulators belong to the epoch it arrived in.
		set_now(battery[55].timestamp_ms + 5_000);
		submit_ok(vec![f.battery.bundle(44, &battery[44..56])]);
		let state = f.battery.state();
		assert_eq!(state.epoch, epoch_10 + 4);
		assert_eq!(state.epoch_readings, 12);
		Telemetry::do_try_state().unwrap();
	});
}

#[test]
fn a_full_batch_of_full_bundles_is_accepted() {
	new_test_ext().execute_with(|| {
		let house = household_day();
		let bundles: Vec<_> = (0..MaxBundlesPerCall::get())
			.map(|i| {
				let meter = TestDevice::register(
					DeviceKind::SmartMeter,
					METER_NAMEPLATE,
					&format!("//Street/meter/{i}"),
				);
				meter.bundle(0, &house)
			})
			.collect();
		set_now(START_MS + 24 * HOUR_MS + 10_000);
		submit_ok(bundles);
		assert_eq!(last_submitted(), (32, 32 * 96, 0));
		assert_eq!(gateway_counters(GATEWAY).readings_accepted, 32 * 96);
		Telemetry::do_try_state().unwrap();
	});
}

#[test]
fn bounds_are_enforced_when_decoding() {
	new_test_ext().execute_with(|| {
		let f = fleet();
		let house = household_day();
		let bundle = f.meter.bundle(0, &house);
		let too_many = vec![bundle.clone(); MaxBundlesPerCall::get() as usize + 1];
		let encoded = too_many.encode();
		assert!(BoundedVec::<TestBundle, MaxBundlesPerCall>::decode(&mut &encoded[..]).is_err());
		let fits = vec![bundle; MaxBundlesPerCall::get() as usize].encode();
		assert!(BoundedVec::<TestBundle, MaxBundlesPerCall>::decode(&mut &fits[..]).is_ok());

		// A bundle of 97 readings cannot be built or decoded.
		let mut long = house.clone();
		let mut extra = *house.last().unwrap();
		extra.timestamp_ms += QUARTER_MS;
		long.push(extra);
		assert!(f
			.meter
			.key
			.signed_bundle::<MaxReadingsPerBundle>(genesis(), f.meter.id, 0, &long)
			.is_err());
		let packed = openvpp_primitives::pack_readings(&long).unwrap();
		let encoded = (
			codec::Compact(f.meter.id),
			codec::Compact(0u64),
			packed,
			f.meter.bundle(0, &house).signature,
		)
			.encode();
		assert!(TestBundle::decode(&mut &encoded[..]).is_err());
	});
}
