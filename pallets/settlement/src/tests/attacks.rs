//! Timing attacks of a rational owner on the reward split: holding a fleet's data back until
//! few points compete, and ending bundles in the peak hour.

use frame_support::assert_ok;
use openvpp_primitives::{DeviceKind, HourEnergy};
use sp_runtime::FixedU128;

use super::{epoch, hour, hour_ms};
use crate::{
	mock::*,
	valuation::{value_points, ValuationInput},
	ActiveParams, Contribution, DeviceValues, Epochs, GenerationByHour,
};

/// Two attested 5 kWp roofs in region 1: Alice's reports on time, Bob's is the attacker's.
fn two_roofs() -> (u64, u64) {
	(
		MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true),
		MockRegistry::add(BOB, DeviceKind::SolarPv, 1, true),
	)
}

/// 3.6 kWh each roof made from 12:00 to 12:45.
fn noon(roof: u64) {
	report_between(roof, hour_ms(12), hour_ms(12) + 2_700_000, 0, 3_600);
}

/// What Bob's roof has earned once every epoch up to `until` closed.
fn bob_reward_after(bob: u64, until: u64) -> Balance {
	advance_to_epoch(until);
	Settlement::pending_rewards(bob)
}

#[test]
fn late_submission_earns_no_more_than_on_time() {
	// On time: both roofs report their noon hour during it and share epoch 12's emission.
	let on_time = {
		let mut reward = 0;
		test(|| {
			let (alice, bob) = two_roofs();
			advance_to(hour_ms(12) + 2_760_000);
			noon(alice);
			noon(bob);
			reward = bob_reward_after(bob, 14);
			assert_eq!(reward, Settlement::pending_rewards(alice));
		});
		reward
	};
	assert!(on_time > 0);

	// Held back a little (the next hour, the noon epoch's grace): booked to noon all the same.
	test(|| {
		let (alice, bob) = two_roofs();
		advance_to(hour_ms(12) + 2_760_000);
		noon(alice);
		advance_to_epoch(13);
		noon(bob);
		assert_eq!(bob_reward_after(bob, 14), on_time);
	});

	// Held until night, when nobody else competes for an epoch's emission: the noon epoch is
	// closed, so the energy is recorded but earns nothing; the night epoch gets none of it.
	test(|| {
		let (alice, bob) = two_roofs();
		advance_to(hour_ms(12) + 2_760_000);
		noon(alice);
		advance_to_epoch(22);
		noon(bob);
		let late = bob_reward_after(bob, 24);
		assert!(late <= on_time, "late data earned {late}, on time {on_time}");
		assert_eq!(late, 0);
		assert_eq!(Epochs::<Test>::get(epoch(22)).map(|e| e.total_points).unwrap_or(0), 0);
		let value = DeviceValues::<Test>::get(bob);
		assert_eq!(value.energy_wh[Contribution::Generation.index()], 3_600);
		assert_eq!(value.lifetime_points, 0);
		// Alice, who reported on time, has the noon epoch's whole emission.
		assert!(Settlement::pending_rewards(alice).abs_diff(2 * on_time) <= 1);
	});
}

#[test]
fn a_bundle_ending_in_the_peak_hour_earns_the_peak_only_on_its_peak_energy() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		// Evening peak: energy from 18:00 to 19:00 is worth twice as much.
		let mut time_of_use = [FixedU128::from(1); 24];
		time_of_use[18] = FixedU128::from(2);
		assert_ok!(Settlement::set_time_of_use(RuntimeOrigin::root(), Box::new(time_of_use)));
		advance_to(hour_ms(18) + 16 * 60_000);
		let params = ActiveParams::<Test>::get();
		assert_eq!(params.time_of_use[18], FixedU128::from(2));

		// 4 kWh from 17:15 to 18:15, sent as one bundle ending in the peak hour.
		report_between(roof, hour_ms(17) + 900_000, hour_ms(18) + 900_000, 0, 4_000);

		let value = |energy_wh, at_ms| {
			value_points(
				&params,
				&ValuationInput {
					kind: DeviceKind::SolarPv,
					contribution: Contribution::Generation,
					energy_wh,
					at_ms,
					region_multiplier: FixedU128::from(1),
					credit_score: crate::Credit::<Test>::get(roof).score(true),
					attested: true,
				},
			)
		};
		let earned = DeviceValues::<Test>::get(roof).lifetime_points;
		assert_eq!(earned, value(3_000, hour_ms(17)) + value(1_000, hour_ms(18)));
		assert!(earned < value(4_000, hour_ms(18)));
		// And the certificates' ledger has each hour's own generation.
		let generated = |h| {
			GenerationByHour::<Test>::iter_prefix_values(roof)
				.find(|g| g.hour == h)
				.map_or(0, |g| g.renewable_wh)
		};
		assert_eq!((generated(hour(17)), generated(hour(18))), (3_000, 1_000));
	});
}

#[test]
fn a_day_of_solar_ending_before_midnight_makes_no_night_certificates() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		advance_to(hour_ms(23) + 46 * 60_000);
		// A day of quarter-hour readings, 06:00 to 23:45, sent as one bundle: sun from 06:00
		// to 21:00, none after.
		let mut day = accepted_between(roof, hour_ms(6), hour_ms(23) + 2_700_000, 0, 0);
		day.hours.clear();
		let mut total = 0;
		for quarter in 0..71u64 {
			let from_ms = hour_ms(6) + quarter * 900_000;
			let out = if from_ms < hour_ms(21) { 800 } else { 0 };
			total += out;
			HourEnergy::add_interval(&mut day.hours, from_ms, from_ms + 900_000, 0, out);
		}
		day.energy_out_wh = total;
		feed(&day);
		let generated: Vec<(u64, u64)> = GenerationByHour::<Test>::iter_prefix_values(roof)
			.map(|g| (g.hour - hour(0), g.renewable_wh))
			.collect();
		assert!(generated.iter().all(|(h, wh)| (6..21).contains(h) && *wh == 3_200));
		assert_eq!(generated.iter().map(|(_, wh)| wh).sum::<u64>(), total);
	});
}

#[test]
fn only_the_open_epochs_earn_points() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		advance_to(hour_ms(14) + 60_000);
		// Energy from 11:00 to 14:01 in one bundle (quarter-hour readings): the 11:00 and 12:00
		// hours are in closed epochs, 13:00 is in its grace epoch, 14:00 is current.
		let mut bundle = accepted_between(roof, hour_ms(11), hour_ms(14) + 60_000, 0, 0);
		bundle.hours = HourEnergy::split(hour_ms(11), hour_ms(14), 0, 9_000);
		HourEnergy::add_interval(&mut bundle.hours, hour_ms(14), hour_ms(14) + 60_000, 0, 50);
		bundle.energy_out_wh = 9_050;
		feed(&bundle);
		let points = |n| Epochs::<Test>::get(epoch(n)).map_or(0, |e| e.total_points);
		assert_eq!((points(11), points(12)), (0, 0));
		assert!(points(13) > 0 && points(14) > 0);
		// Every hour's energy is recorded, valued or not.
		let value = DeviceValues::<Test>::get(roof);
		assert_eq!(value.energy_wh[Contribution::Generation.index()], 9_050);
		assert_eq!(value.lifetime_points, points(13) + points(14));
	});
}
