//! Epoch close: O(1), rate = emission / points, backed by the pot.

use frame_support::traits::fungible::{Inspect, Mutate};
use openvpp_primitives::DeviceKind;
use sp_runtime::{BuildStorage, FixedPointNumber, FixedU128};

use super::{epoch, hour_ms};
use crate::{mock::*, CurrentEpoch, Epochs, Event, LastClosedEpoch, TotalEmitted};

#[test]
fn an_epoch_closes_when_its_grace_epoch_ends() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		let battery = MockRegistry::add(BOB, DeviceKind::Battery, 1, true);
		report(roof, hour_ms(0) + 1_800_000, 0, 3_000);
		report(battery, hour_ms(0) + 2_400_000, 0, 4_000);
		let points = Epochs::<Test>::get(epoch(0)).unwrap().total_points;

		// Later in the same hour: nothing closes.
		advance_to(hour_ms(0) + 3_000_000);
		assert_eq!(CurrentEpoch::<Test>::get(), epoch(0));
		assert_eq!(Epochs::<Test>::get(epoch(0)).unwrap().rate, None);

		// The next hour is its grace epoch: telemetry that lands late still counts in it.
		advance_to_epoch(1);
		assert_eq!(CurrentEpoch::<Test>::get(), epoch(1));
		assert_eq!(Epochs::<Test>::get(epoch(0)).unwrap().rate, None);
		assert!(Settlement::epoch_open_for_points(epoch(0)));

		advance_to_epoch(2);
		assert_eq!(CurrentEpoch::<Test>::get(), epoch(2));
		assert_eq!(LastClosedEpoch::<Test>::get(), Some(epoch(0)));
		assert!(!Settlement::epoch_open_for_points(epoch(0)));
		let info = Epochs::<Test>::get(epoch(0)).unwrap();
		let rate = FixedU128::checked_from_rational(EMISSION, points).unwrap();
		assert_eq!(info.rate, Some(rate));
		assert_eq!(info.emitted, rate.saturating_mul_int(points));
		assert!(info.emitted <= EMISSION && info.emitted + 1 >= EMISSION);
		assert_eq!(TotalEmitted::<Test>::get(), info.emitted);
		assert!(settlement_events().contains(&Event::EpochClosed {
			epoch: epoch(0),
			total_points: points,
			emitted: info.emitted,
			rate,
		}));
		let status = Settlement::epoch_status();
		assert_eq!(status.current_epoch, epoch(2));
		assert_eq!(status.last_closed, Some((epoch(0), info)));
		assert_eq!(status.pot_balance, POT);
	});
}

#[test]
fn an_epoch_without_points_emits_nothing() {
	test(|| {
		advance_to_epoch(1);
		advance_to_epoch(2);
		assert_eq!(TotalEmitted::<Test>::get(), 0);
		assert!(Epochs::<Test>::get(epoch(1)).is_none());
		assert_eq!(Balances::balance(&Settlement::pot_account()), POT);
	});
}

#[test]
fn a_jump_over_several_hours_closes_the_open_epoch_once() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		report(roof, hour_ms(0) + 1_800_000, 0, 3_000);
		advance_to_epoch(5);
		assert_eq!(CurrentEpoch::<Test>::get(), epoch(5));
		let closed = settlement_events()
			.iter()
			.filter(|e| matches!(e, Event::EpochClosed { epoch: e0, .. } if *e0 == epoch(0)))
			.count();
		assert_eq!(closed, 1);
		assert!(TotalEmitted::<Test>::get() <= EMISSION);
	});
}

#[test]
fn emission_is_capped_by_what_the_pot_holds_beyond_rewards_owed() {
	test(|| {
		let pot = Settlement::pot_account();
		// The pot holds 150 VPP: one full emission, then only what is left.
		Balances::set_balance(&pot, 150 * VPP);
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		report(roof, hour_ms(0) + 1_800_000, 0, 3_000);
		advance_to_epoch(2);
		let first = TotalEmitted::<Test>::get();
		assert!(first <= EMISSION && first + 1 >= EMISSION);

		// Late by an epoch: booked to epoch 1, in its grace.
		report(roof, hour_ms(1) + 1_800_000, 0, 3_000);
		advance_to_epoch(3);
		let second = Epochs::<Test>::get(epoch(1)).unwrap().emitted;
		// 150 VPP − existential deposit − the 100 VPP still owed.
		assert!(second <= 50 * VPP - VPP / 1000);
		assert!(second + 1 >= 50 * VPP - VPP / 1000);
		assert!(TotalEmitted::<Test>::get() <= Balances::balance(&pot));
	});
}

#[test]
fn a_chain_may_choose_its_epoch_length_at_genesis() {
	// Default: the runtime's constant (an hour here).
	new_test_ext().execute_with(|| {
		assert_eq!(Settlement::epoch_duration_ms(), 3_600_000);
		assert_eq!(Settlement::epoch_of(5 * 3_600_000 + 1), 5);
	});
	// A development chain's minute-long epochs.
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	crate::GenesisConfig::<Test> { epoch_duration_ms: 60_000, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		assert_eq!(Settlement::epoch_duration_ms(), 60_000);
		assert_eq!(Settlement::epoch_of(3_600_000), 60);
		assert_eq!(Settlement::epoch_status().epoch_duration_ms, 60_000);
	});
}

#[test]
#[should_panic(expected = "epochs last at least a minute")]
fn epochs_shorter_than_a_minute_are_refused_at_genesis() {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	crate::GenesisConfig::<Test> { epoch_duration_ms: 59_999, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
}
