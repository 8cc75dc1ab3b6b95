//! Credit score from regularity, attestation and demand-response reliability.

use frame_support::assert_noop;
use openvpp_primitives::{DeviceKind, ReliabilityFeed};
use sp_runtime::Permill;

use super::{epoch, hour_ms};
use crate::{mock::*, Credit, CreditState, Epochs, Error, Event};

#[test]
fn regularity_rises_once_per_reporting_epoch() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, false);
		// New device: no regularity, not attested, presumed reliable: 300.
		assert_eq!(Settlement::credit_score(roof), Some(300));
		report(roof, hour_ms(0) + 900_000, 0, 500);
		report(roof, hour_ms(0) + 1_800_000, 0, 600);
		assert_eq!(Credit::<Test>::get(roof).regularity, 50);
		assert_eq!(Settlement::credit_score(roof), Some(325));
		for n in 1..30 {
			advance_to_epoch(n);
			report(roof, hour_ms(n) + 900_000, 0, 500);
		}
		assert_eq!(Credit::<Test>::get(roof).regularity, 1000);
		assert_eq!(Settlement::credit_score(roof), Some(800));
	});
}

#[test]
fn missed_epochs_lower_the_score() {
	let mut state = CreditState::default();
	for e in 0..10 {
		state.note_report(e);
	}
	assert_eq!(state.regularity, 500);
	// Three epochs missed: −300, then +50 for reporting again.
	state.note_report(13);
	assert_eq!(state.regularity, 250);
	// A long silence empties it.
	state.note_report(1_000);
	assert_eq!(state.regularity, 50);
	// A report for an epoch already seen changes nothing.
	state.note_report(1_000);
	state.note_report(999);
	assert_eq!(state.regularity, 50);
}

#[test]
fn attestation_and_reliability_move_the_score() {
	test(|| {
		let attested = MockRegistry::add(BOB, DeviceKind::Battery, 1, true);
		let plain = MockRegistry::add(BOB, DeviceKind::Battery, 1, false);
		assert_eq!(Settlement::credit_score(attested), Some(500));
		assert_eq!(Settlement::credit_score(plain), Some(300));

		// Delivered nothing of a demand-response commitment: reliability 0.75.
		frame_support::assert_ok!(<Settlement as ReliabilityFeed>::note_delivery(
			attested,
			Permill::zero()
		));
		assert_eq!(Credit::<Test>::get(attested).reliability, Permill::from_percent(75));
		assert_eq!(Settlement::credit_score(attested), Some(425));
		assert!(settlement_events()
			.contains(&Event::DeliveryNoted { device: attested, delivered: Permill::zero() }));
		// Full delivery brings it back up.
		for _ in 0..20 {
			frame_support::assert_ok!(<Settlement as ReliabilityFeed>::note_delivery(
				attested,
				Permill::one()
			));
		}
		assert!(Settlement::credit_score(attested).unwrap() >= 499);
		assert_eq!(Credit::<Test>::get(attested).deliveries, 21);
	});
}

#[test]
fn a_better_score_earns_more_for_the_same_energy() {
	test(|| {
		let regular = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, false);
		let newcomer = MockRegistry::add(BOB, DeviceKind::SolarPv, 1, false);
		for n in 0..10 {
			advance_to_epoch(n);
			report(regular, hour_ms(n) + 900_000, 0, 0);
		}
		let before = Epochs::<Test>::get(epoch(9)).map(|e| e.total_points).unwrap_or(0);
		report(regular, hour_ms(9) + 1_800_000, 0, 3_000);
		let regular_points = Epochs::<Test>::get(epoch(9)).unwrap().total_points - before;
		report(newcomer, hour_ms(9) + 1_800_000, 0, 3_000);
		let newcomer_points =
			Epochs::<Test>::get(epoch(9)).unwrap().total_points - before - regular_points;
		// Score 550 vs 325 with a 50 % floor: quality 0.775 vs 0.6625.
		assert_eq!(Settlement::credit_score(regular), Some(550));
		assert_eq!(Settlement::credit_score(newcomer), Some(325));
		assert_eq!(regular_points * 6625, newcomer_points * 7750);
	});
}

#[test]
fn delivery_for_an_unknown_device_is_refused() {
	test(|| {
		assert_noop!(
			<Settlement as ReliabilityFeed>::note_delivery(42, Permill::one()),
			Error::<Test>::UnknownDevice
		);
		assert_eq!(Settlement::credit_score(42), None);
	});
}
