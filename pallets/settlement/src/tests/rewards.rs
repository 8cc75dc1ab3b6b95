//! Lazy settlement, claims and the fleet's proportional rewards.

use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use openvpp_primitives::{DeviceId, DeviceKind};

use super::{epoch, hour_ms};
use crate::{mock::*, DeviceEpochPoints, Error, Event, PendingRewards, TotalEmitted, TotalPaid};

fn claim(who: AccountId, devices: Vec<DeviceId>) -> sp_runtime::DispatchResult {
	Settlement::claim(RuntimeOrigin::signed(who), devices.try_into().unwrap())
}

/// Reports a bundle ending 45 minutes into hour `n`.
fn report_in(n: u64, device: DeviceId, energy_in_wh: u64, energy_out_wh: u64) {
	report(device, hour_ms(n) + 2_700_000, energy_in_wh, energy_out_wh);
}

#[test]
fn a_fleet_is_rewarded_in_proportion_to_its_valued_contribution() {
	test(|| {
		// Alice: a 5 kWp roof and a heat pump. Bob: a 13.5 kWh home battery and an EV on a
		// 7.4 kW charger. All attested, all in region 1.
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		let heat_pump = MockRegistry::add(ALICE, DeviceKind::HeatPump, 1, true);
		let battery = MockRegistry::add(BOB, DeviceKind::Battery, 1, true);
		let ev = MockRegistry::add(BOB, DeviceKind::Ev, 1, true);
		let fleet = [roof, heat_pump, battery, ev];

		// (hour of day, [(energy in, energy out) per device]) over three epochs.
		let epochs: [(u64, [(u64, u64); 4]); 3] = [
			// Midday: the roof produces, the battery and the EV soak up the surplus.
			(12, [(0, 3_800), (1_500, 0), (4_000, 0), (7_000, 0)]),
			// Evening peak: the battery discharges, the EV is out driving.
			(18, [(0, 600), (2_500, 0), (0, 5_000), (0, 0)]),
			// Night: the EV charges, the heat pump runs.
			(26, [(0, 0), (1_800, 0), (0, 0), (7_000, 0)]),
		];
		for (n, energies) in epochs {
			advance_to_epoch(n);
			for (device, (energy_in, energy_out)) in fleet.iter().zip(energies) {
				report_in(n, *device, energy_in, energy_out);
			}
		}
		advance_to_epoch(28);

		// Expected shares, computed independently from the standard table: prices (VPP/kWh)
		// generation 0.25, storage discharge 0.375, flexible consumption 0.05; time of use
		// 12:00 0.9, 18:00 1.5, 02:00 0.8 (reciprocal for consumption); green premium 1.2.
		// Region, attestation and quality are the same for every device and cancel out.
		let value = |hour_of_day: u64, kind: DeviceKind, energy_in: u64, energy_out: u64| -> f64 {
			let tou = match hour_of_day % 24 {
				12 => 0.9,
				18 => 1.5,
				2 => 0.8,
				_ => unreachable!(),
			};
			let kwh_in = energy_in as f64 / 1000.0;
			let kwh_out = energy_out as f64 / 1000.0;
			match kind {
				DeviceKind::SolarPv => kwh_out * 0.25 * tou * 1.2,
				DeviceKind::HeatPump => kwh_in * 0.05 / tou,
				DeviceKind::Battery | DeviceKind::Ev => kwh_out * 0.375 * tou + kwh_in * 0.05 / tou,
				_ => 0.0,
			}
		};
		let kinds =
			[DeviceKind::SolarPv, DeviceKind::HeatPump, DeviceKind::Battery, DeviceKind::Ev];
		let mut expected = [0f64; 4];
		for (n, energies) in epochs {
			let values: Vec<f64> = kinds
				.iter()
				.zip(energies)
				.map(|(kind, (e_in, e_out))| value(n, *kind, e_in, e_out))
				.collect();
			let total: f64 = values.iter().sum();
			for (i, v) in values.iter().enumerate() {
				expected[i] += EMISSION as f64 * v / total;
			}
		}

		let rewards: Vec<Balance> = fleet.iter().map(|d| Settlement::pending_rewards(*d)).collect();
		for (actual, expected) in rewards.iter().zip(expected) {
			let tolerance = EMISSION as f64 * 1e-9;
			assert!(
				(*actual as f64 - expected).abs() <= tolerance,
				"reward {actual} differs from the expected {expected}"
			);
		}
		// Each epoch's pool goes to that epoch's contributors: the EV earns most of the quiet
		// night, the battery most of the evening peak, the roof most of midday (about 1.02,
		// 1.02, 0.68 and 0.28 emissions for EV, battery, roof and heat pump).
		assert!(rewards[3] > rewards[2] && rewards[2] > rewards[0] && rewards[0] > rewards[1]);

		// Three epochs emitted (up to rounding) three emissions; claims pay the owners.
		let emitted = TotalEmitted::<Test>::get();
		assert!(emitted <= 3 * EMISSION && emitted + 10 >= 3 * EMISSION);
		let alice_before = Balances::balance(&ALICE);
		let bob_before = Balances::balance(&BOB);
		assert_ok!(claim(ALICE, vec![roof, heat_pump]));
		assert_ok!(claim(BOB, vec![battery, ev]));
		assert_eq!(Balances::balance(&ALICE) - alice_before, rewards[0] + rewards[1]);
		assert_eq!(Balances::balance(&BOB) - bob_before, rewards[2] + rewards[3]);
		assert_eq!(TotalPaid::<Test>::get(), rewards.iter().sum::<Balance>());
		assert!(TotalPaid::<Test>::get() <= emitted);
		assert_eq!(Balances::balance(&Settlement::pot_account()), POT - TotalPaid::<Test>::get());
	});
}

#[test]
fn points_settle_lazily_when_the_device_reports_again() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		report_in(0, roof, 0, 2_000);
		advance_to_epoch(2);
		// Closed but not yet settled: the view already counts it.
		let earned = Settlement::pending_rewards(roof);
		assert!(earned > 0);
		assert_eq!(PendingRewards::<Test>::get(roof), 0);
		assert_eq!(DeviceEpochPoints::<Test>::get(roof).unwrap().epoch, epoch(0));

		report_in(2, roof, 0, 2_500);
		assert_eq!(PendingRewards::<Test>::get(roof), earned);
		assert_eq!(DeviceEpochPoints::<Test>::get(roof).unwrap().epoch, epoch(2));
		assert!(settlement_events().iter().any(|e| matches!(
			e,
			Event::ValueSettled { device, epoch: settled, reward, .. }
				if *device == roof && *settled == epoch(0) && *reward == earned
		)));
	});
}

#[test]
fn unclaimed_rewards_keep_accruing() {
	test(|| {
		let battery = MockRegistry::add(BOB, DeviceKind::Battery, 1, true);
		let mut last = 0;
		for n in 0..4 {
			report_in(n, battery, 0, 4_000);
			advance_to_epoch(n + 2);
			let pending = Settlement::pending_rewards(battery);
			assert!(pending > last);
			last = pending;
		}
		// Sole contributor: each epoch pays it the whole emission (up to rounding).
		assert!(last <= 4 * EMISSION && last + 4 >= 4 * EMISSION);
		let before = Balances::balance(&BOB);
		assert_ok!(claim(BOB, vec![battery]));
		assert_eq!(Balances::balance(&BOB) - before, last);
		assert!(settlement_events().contains(&Event::RewardsClaimed {
			owner: BOB,
			devices: 1,
			amount: last
		}));
	});
}

#[test]
fn a_second_claim_is_refused_and_changes_nothing() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		report_in(0, roof, 0, 3_000);
		advance_to_epoch(2);
		assert_ok!(claim(ALICE, vec![roof]));
		assert_noop!(claim(ALICE, vec![roof]), Error::<Test>::NothingToClaim);
	});
}

#[test]
fn points_of_the_open_epoch_cannot_be_claimed_yet() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		report_in(0, roof, 0, 3_000);
		assert_eq!(Settlement::pending_rewards(roof), 0);
		assert_noop!(claim(ALICE, vec![roof]), Error::<Test>::NothingToClaim);
	});
}

#[test]
fn rewards_go_to_whoever_owns_the_device_at_claim_time() {
	test(|| {
		let ev = MockRegistry::add(BOB, DeviceKind::Ev, 1, false);
		report_in(0, ev, 7_000, 0);
		advance_to_epoch(2);
		MockRegistry::set_owner(ev, DAVE);
		assert_noop!(claim(BOB, vec![ev]), Error::<Test>::NotDeviceOwner);
		let before = Balances::balance(&DAVE);
		assert_ok!(claim(DAVE, vec![ev]));
		assert!(Balances::balance(&DAVE) > before);
	});
}

#[test]
fn a_claim_settles_several_devices_in_one_payment() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		let heat_pump = MockRegistry::add(ALICE, DeviceKind::HeatPump, 1, true);
		report_in(0, roof, 0, 3_000);
		report_in(0, heat_pump, 2_000, 0);
		advance_to_epoch(2);
		let expected = Settlement::pending_rewards(roof) + Settlement::pending_rewards(heat_pump);
		let before = Balances::balance(&ALICE);
		assert_ok!(claim(ALICE, vec![roof, heat_pump]));
		assert_eq!(Balances::balance(&ALICE) - before, expected);
		assert_eq!(Settlement::pending_rewards(roof), 0);
		assert_eq!(Settlement::pending_rewards(heat_pump), 0);
		assert!(DeviceEpochPoints::<Test>::get(roof).is_none());
	});
}
