//! Every error: triggered, and nothing changed.

use frame_support::{assert_noop, assert_ok};
use openvpp_primitives::{DeviceId, DeviceKind, DeviceStatus};
use sp_runtime::{DispatchError, FixedU128, Permill};

use super::{hour, hour_ms};
use crate::{mock::*, Contribution, Error, NextCertificateId, MAX_MULTIPLIER};

fn devices(
	ids: Vec<DeviceId>,
) -> frame_support::BoundedVec<DeviceId, frame_support::traits::ConstU32<16>> {
	ids.try_into().unwrap()
}

#[test]
fn valuation_calls_need_the_admin_origin() {
	test(|| {
		let alice = RuntimeOrigin::signed(ALICE);
		assert_noop!(
			Settlement::set_price(alice.clone(), DeviceKind::SolarPv, Contribution::Generation, 1),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Settlement::set_region_multiplier(alice.clone(), 1, FixedU128::from_u32(2)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Settlement::set_time_of_use(alice.clone(), Box::new([FixedU128::from_u32(1); 24])),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Settlement::set_multipliers(
				alice.clone(),
				FixedU128::from_u32(1),
				FixedU128::from_u32(1),
				Permill::one()
			),
			DispatchError::BadOrigin
		);
		assert_noop!(Settlement::set_emission(alice, 1), DispatchError::BadOrigin);
	});
}

#[test]
fn multipliers_out_of_range_are_refused() {
	test(|| {
		let root = RuntimeOrigin::root();
		let too_high = MAX_MULTIPLIER + FixedU128::from_rational(1, 100);
		assert_noop!(
			Settlement::set_region_multiplier(root.clone(), 1, FixedU128::from_u32(0)),
			Error::<Test>::MultiplierOutOfRange
		);
		assert_noop!(
			Settlement::set_region_multiplier(root.clone(), 1, too_high),
			Error::<Test>::MultiplierOutOfRange
		);
		let mut table = [FixedU128::from_u32(1); 24];
		table[17] = FixedU128::from_u32(0);
		assert_noop!(
			Settlement::set_time_of_use(root.clone(), Box::new(table)),
			Error::<Test>::MultiplierOutOfRange
		);
		// A "premium" below 1.0 would penalise green or attested devices.
		assert_noop!(
			Settlement::set_multipliers(
				root.clone(),
				FixedU128::from_rational(9, 10),
				FixedU128::from_u32(1),
				Permill::one()
			),
			Error::<Test>::MultiplierOutOfRange
		);
		assert_noop!(
			Settlement::set_multipliers(root, FixedU128::from_u32(1), too_high, Permill::one()),
			Error::<Test>::MultiplierOutOfRange
		);
	});
}

#[test]
fn funding_the_pot_with_nothing_is_refused() {
	test(|| {
		assert_noop!(
			Settlement::fund_pot(RuntimeOrigin::signed(DAVE), 0),
			Error::<Test>::ZeroAmount
		);
		assert_ok!(Settlement::fund_pot(RuntimeOrigin::signed(DAVE), 500 * VPP));
	});
}

#[test]
fn bad_claims_are_refused() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		let battery = MockRegistry::add(BOB, DeviceKind::Battery, 1, true);
		report(roof, hour_ms(0) + 1_800_000, 0, 3_000);
		report(battery, hour_ms(0) + 1_800_000, 0, 3_000);
		advance_to_epoch(2);
		let alice = || RuntimeOrigin::signed(ALICE);
		assert_noop!(
			Settlement::claim(alice(), devices(vec![roof, 77])),
			Error::<Test>::UnknownDevice
		);
		assert_noop!(
			Settlement::claim(alice(), devices(vec![roof, battery])),
			Error::<Test>::NotDeviceOwner
		);
		assert_noop!(
			Settlement::claim(alice(), devices(vec![roof, roof])),
			Error::<Test>::DuplicateDevice
		);
		MockRegistry::set_status(roof, DeviceStatus::SuspendedByAdmin);
		assert_noop!(
			Settlement::claim(alice(), devices(vec![roof])),
			Error::<Test>::DeviceSuspended
		);
		MockRegistry::set_status(roof, DeviceStatus::SuspendedByOwner);
		assert_ok!(Settlement::claim(alice(), devices(vec![roof])));
		let heat_pump = MockRegistry::add(ALICE, DeviceKind::HeatPump, 1, true);
		assert_noop!(
			Settlement::claim(alice(), devices(vec![heat_pump])),
			Error::<Test>::NothingToClaim
		);
		assert_noop!(Settlement::claim(alice(), devices(vec![])), Error::<Test>::NothingToClaim);
	});
}

#[test]
fn bad_issuance_is_refused() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		let heat_pump = MockRegistry::add(ALICE, DeviceKind::HeatPump, 1, true);
		report(roof, hour_ms(0) + 1_800_000, 0, 3_000);
		report(heat_pump, hour_ms(0) + 1_800_000, 2_000, 0);
		let issue = |who, device, h, amount| {
			Settlement::issue_certificates(RuntimeOrigin::signed(who), device, hour(h), amount)
		};
		assert_noop!(issue(ALICE, roof, 0, 0), Error::<Test>::ZeroAmount);
		assert_noop!(issue(ALICE, 99, 0, 1_000), Error::<Test>::UnknownDevice);
		assert_noop!(issue(BOB, roof, 0, 1_000), Error::<Test>::NotDeviceOwner);
		assert_noop!(issue(ALICE, heat_pump, 0, 1_000), Error::<Test>::NotAGenerator);
		assert_noop!(issue(ALICE, roof, 1, 1_000), Error::<Test>::NoGenerationInHour);
		NextCertificateId::<Test>::put(u64::MAX);
		assert_noop!(issue(ALICE, roof, 0, 1_000), Error::<Test>::Overflow);
	});
}

#[test]
fn issuance_without_funds_for_the_deposit_is_refused() {
	test(|| {
		let poor = 9;
		let roof = MockRegistry::add(poor, DeviceKind::SolarPv, 1, true);
		report(roof, hour_ms(0) + 1_800_000, 0, 3_000);
		assert!(Settlement::issue_certificates(RuntimeOrigin::signed(poor), roof, hour(0), 1_000)
			.is_err());
		assert_eq!(NextCertificateId::<Test>::get(), 0);
	});
}

#[test]
fn bad_offers_are_refused() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		report(roof, hour_ms(0) + 3_000_000, 0, 3_000);
		assert_ok!(Settlement::issue_certificates(
			RuntimeOrigin::signed(ALICE),
			roof,
			hour(0),
			3_000
		));
		let offer = |who, id, to, amount| {
			Settlement::offer_certificate(RuntimeOrigin::signed(who), id, to, amount)
		};
		assert_noop!(offer(ALICE, 0, BOB, 0), Error::<Test>::ZeroAmount);
		assert_noop!(offer(ALICE, 5, BOB, 100), Error::<Test>::UnknownCertificate);
		assert_noop!(offer(BOB, 0, DAVE, 100), Error::<Test>::NotCertificateOwner);
		assert_noop!(offer(ALICE, 0, ALICE, 100), Error::<Test>::TransferToSelf);
		assert_noop!(offer(ALICE, 0, BOB, 3_001), Error::<Test>::ExceedsHolding);
		// Parts on offer stay the sender's: Alice holds the most records allowed (8).
		for _ in 0..7 {
			assert_ok!(offer(ALICE, 0, BOB, 100));
		}
		assert_noop!(offer(ALICE, 0, BOB, 100), Error::<Test>::TooManyCertificates);
		assert_ok!(offer(ALICE, 0, BOB, 2_300));
		assert_noop!(offer(ALICE, 0, DAVE, 2_300), Error::<Test>::CertificateOnOffer);
	});
}

#[test]
fn bad_retirements_are_refused() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		let meter = MockRegistry::add(CHARLIE, DeviceKind::SmartMeter, 1, true);
		let alices_meter = MockRegistry::add(ALICE, DeviceKind::SmartMeter, 1, true);
		report(roof, hour_ms(0) + 3_000_000, 0, 3_000);
		report(meter, hour_ms(0) + 3_000_000, 2_500, 0);
		assert_ok!(Settlement::issue_certificates(
			RuntimeOrigin::signed(ALICE),
			roof,
			hour(0),
			3_000
		));
		assert_ok!(Settlement::offer_certificate(RuntimeOrigin::signed(ALICE), 0, CHARLIE, 3_000));
		assert_ok!(Settlement::accept_certificate(RuntimeOrigin::signed(CHARLIE), 0));
		let retire = |who, id, amount, meter| {
			Settlement::retire(RuntimeOrigin::signed(who), id, amount, meter)
		};
		assert_noop!(retire(CHARLIE, 0, 0, meter), Error::<Test>::ZeroAmount);
		assert_noop!(retire(CHARLIE, 7, 100, meter), Error::<Test>::UnknownCertificate);
		assert_noop!(retire(ALICE, 0, 100, alices_meter), Error::<Test>::NotCertificateOwner);
		assert_noop!(retire(CHARLIE, 0, 100, 55), Error::<Test>::UnknownDevice);
		assert_noop!(retire(CHARLIE, 0, 100, roof), Error::<Test>::NotASmartMeter);
		assert_noop!(retire(CHARLIE, 0, 100, alices_meter), Error::<Test>::NotMeterOwner);
		// Four records per consumer and hour.
		for _ in 0..4 {
			assert_ok!(retire(CHARLIE, 0, 100, meter));
		}
		assert_noop!(retire(CHARLIE, 0, 100, meter), Error::<Test>::TooManyRetirements);
	});
}
