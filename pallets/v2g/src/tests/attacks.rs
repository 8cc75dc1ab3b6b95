//! What a grid operator or an owner gains by settling at the wrong time, and what stops it: an
//! operator that settles before the window's last telemetry lands, and a device suspended for
//! fraud that would still be paid.

use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use openvpp_primitives::DeviceStatus;
use sp_runtime::Permill;

use super::*;
use crate::{Enrollments, Error, Event, Events};

/// An EV enrolled at 11 kW in the evening window that delivered 2.75 kWh in each of its first
/// seven quarter hours; the last quarter's reading has not landed yet. Chain time is the
/// window's end.
fn last_quarter_in_flight() -> (EventId, DeviceId, TimestampMs) {
	let car = ev(ALICE, 80);
	advance_to(at(12));
	let event = open(Direction::Discharge, 4);
	assert_ok!(enroll(ALICE, event, car, 11_000, 20, None));
	let t = feed_quarters(car, at(12), &idle(24));
	let last = feed_quarters(car, t, &discharging(7, 2_750));
	advance_to(WINDOW_END + 60_000);
	(event, car, last)
}

#[test]
fn operator_settling_early_cannot_underpay() {
	test(|| {
		let (event, car, last) = last_quarter_in_flight();
		let escrow_before = Events::<Test>::get(event).unwrap();
		// A minute after the window: the operator would settle 7 of 8 quarters, report an
		// under-delivery and keep the rest of the escrow.
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(GRID_OP), event, car),
			Error::<Test>::TelemetryGraceNotOver
		);
		assert_eq!(Events::<Test>::get(event).unwrap(), escrow_before);
		// The last quarter lands within the grace.
		feed_quarters(car, last, &discharging(1, 2_750));
		advance_to(WINDOW_END + QUARTER);
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(GRID_OP), event, car));
		// Paid in full (22 kWh × 0.30 VPP) and reported as delivering all of it.
		assert_eq!(Balances::balance(&ALICE), INITIAL + 66 * VPP / 10);
		assert_eq!(deliveries(), vec![(car, Permill::one())]);
		assert!(!v2g_events().iter().any(|e| matches!(e, Event::UnderDelivered { .. })));
	});
}

#[test]
fn the_owner_may_settle_within_the_grace_and_anyone_after_it() {
	test(|| {
		let (event, car, last) = last_quarter_in_flight();
		feed_quarters(car, last, &discharging(1, 2_750));
		// Within the grace only the owner decides that its data is complete.
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(DAVE), event, car),
			Error::<Test>::TelemetryGraceNotOver
		);
		// After it, anyone may settle (a participant cannot dodge the delivery report by not
		// claiming, an operator cannot hold the payment by not settling); the owner is paid.
		advance_to(WINDOW_END + QUARTER);
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(DAVE), event, car));
		assert_eq!(Balances::balance(&ALICE), INITIAL + 66 * VPP / 10);
	});
}

#[test]
fn a_device_suspended_for_fraud_is_not_paid() {
	test(|| {
		let (event, car, last) = last_quarter_in_flight();
		feed_quarters(car, last, &discharging(1, 2_750));
		advance_to(WINDOW_END + QUARTER);
		MockRegistry::set_status(car, DeviceStatus::SuspendedByAdmin);
		for who in [ALICE, GRID_OP] {
			assert_noop!(
				V2g::claim_payment(RuntimeOrigin::signed(who), event, car),
				Error::<Test>::DeviceSuspended
			);
		}
		// The payment stays in the escrow, owed to the enrollment; lifted, it is paid.
		assert!(Enrollments::<Test>::get(event, car).is_some());
		MockRegistry::set_status(car, DeviceStatus::Active);
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, car));
		assert_eq!(Balances::balance(&ALICE), INITIAL + 66 * VPP / 10);
	});
}

#[test]
fn decommissioning_clears_the_profile_but_not_an_open_enrollment() {
	test(|| {
		use openvpp_primitives::OnDeviceDecommissioned;
		let (event, car, last) = last_quarter_in_flight();
		let decommission =
			|| <V2g as OnDeviceDecommissioned<AccountId>>::on_device_decommissioned(car, &ALICE);
		// Enrolled and not settled: it cannot go (its delivery is still to be paid).
		assert_noop!(decommission(), Error::<Test>::EnrolledInEvent);
		feed_quarters(car, last, &discharging(1, 2_750));
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, car));
		assert!(crate::Profiles::<Test>::get(car).is_some());
		assert_ok!(decommission());
		assert!(crate::Profiles::<Test>::get(car).is_none());
	});
}
