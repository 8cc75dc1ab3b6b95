//! Enrollment checks: every rejection leaves state unchanged.

use frame_support::{assert_noop, assert_ok};
use openvpp_primitives::{DeviceKind, DeviceStatus};

use super::*;
use crate::{mock::*, ActiveEnrollment, Direction, Enrollments, Error, Event, Events, Profiles};

#[test]
fn an_ev_enrolls_with_its_commitment_checked() {
	test(|| {
		let car = ev(ALICE, 80);
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_ok!(enroll(ALICE, event, car, 11_000, 30, None));
		let enrollment = Enrollments::<Test>::get(event, car).unwrap();
		assert_eq!(enrollment.committed_wh, 22_000);
		assert_eq!(enrollment.max_payout, 66 * VPP / 10);
		assert_eq!(enrollment.window_end_ms, WINDOW_END);
		assert_eq!(ActiveEnrollment::<Test>::get(car), Some(event));
		let record = Events::<Test>::get(event).unwrap();
		assert_eq!((record.participants, record.committed_power_w), (1, 11_000));
		assert_eq!(Profiles::<Test>::get(car).unwrap().events_joined, 1);
		assert!(v2g_events().contains(&Event::Enrolled {
			event,
			device: car,
			committed_power_w: 11_000,
			committed_wh: 22_000,
			window_end_ms: WINDOW_END,
		}));
	});
}

#[test]
fn wrong_kind_is_refused() {
	test(|| {
		let roof = device(ALICE, DeviceKind::SolarPv, None);
		let heat_pump = device(ALICE, DeviceKind::HeatPump, None);
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_noop!(enroll(ALICE, event, roof, 3_000, 0, None), Error::<Test>::WrongDeviceKind);
		// A heat pump cannot discharge; it may curtail or absorb.
		assert_noop!(
			enroll(ALICE, event, heat_pump, 2_000, 0, None),
			Error::<Test>::WrongDeviceKind
		);
		let curtail = open(Direction::Curtail, 4);
		assert_ok!(enroll(ALICE, curtail, heat_pump, 2_000, 0, None));
	});
}

#[test]
fn wrong_region_is_refused() {
	test(|| {
		let car = MockRegistry::add(ALICE, DeviceKind::Ev, OTHER_REGION);
		feed(car, at(12) - QUARTER, at(12), 0, 0, Some(80), openvpp_primitives::DeviceState::Idle);
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_noop!(enroll(ALICE, event, car, 11_000, 20, None), Error::<Test>::WrongRegion);
	});
}

#[test]
fn soc_too_low_is_refused() {
	test(|| {
		// An EV at 20 % cannot promise three hours at 11 kW: 12 kWh stored, 33 kWh asked.
		let car = ev(ALICE, 20);
		advance_to(at(12));
		let event = open_window(Direction::Discharge, (at(17), at(20)), 4, BUDGET);
		assert_noop!(enroll(ALICE, event, car, 11_000, 0, None), Error::<Test>::SocTooLow);
		// At 80 % with a 30 % floor, 30 kWh are available: still not 33.
		feed(car, at(12), at(12) + QUARTER, 0, 0, Some(80), openvpp_primitives::DeviceState::Idle);
		assert_noop!(enroll(ALICE, event, car, 11_000, 30, None), Error::<Test>::SocTooLow);
		// With a 20 % floor, 36 kWh are: it fits.
		assert_ok!(enroll(ALICE, event, car, 11_000, 20, None));
	});
}

#[test]
fn soc_unknown_or_too_high_is_refused() {
	test(|| {
		let silent = MockRegistry::add(ALICE, DeviceKind::Battery, REGION);
		let full = battery(BOB, 95);
		advance_to(at(12));
		let discharge = open(Direction::Discharge, 4);
		assert_noop!(enroll(ALICE, discharge, silent, 5_000, 10, None), Error::<Test>::SocUnknown);
		// Absorbing 5 kW for 2 h needs 10 kWh of room; a battery at 95 % has 675 Wh.
		let absorb = open(Direction::Absorb, 4);
		assert_noop!(enroll(BOB, absorb, full, 5_000, 10, None), Error::<Test>::SocTooHigh);
	});
}

#[test]
fn over_nameplate_is_refused() {
	test(|| {
		let car = ev(ALICE, 90);
		let heat_pump = device(BOB, DeviceKind::HeatPump, None);
		let no_v2g = MockRegistry::add_with(
			CHARLIE,
			DeviceKind::Ev,
			REGION,
			openvpp_primitives::Nameplate {
				capacity_wh: 60_000,
				max_import_w: 11_000,
				max_export_w: 0,
			},
		);
		advance_to(at(12));
		let discharge = open(Direction::Discharge, 4);
		// 12 kW from an 11 kW charger.
		assert_noop!(
			enroll(ALICE, discharge, car, 12_000, 20, None),
			Error::<Test>::ExceedsNameplate
		);
		// An EV without V2G cannot discharge at all.
		assert_noop!(
			enroll(CHARLIE, discharge, no_v2g, 1_000, 20, None),
			Error::<Test>::ExceedsNameplate
		);
		// A 3 kW heat pump cannot curtail 3.5 kW.
		let curtail = open(Direction::Curtail, 4);
		assert_noop!(
			enroll(BOB, curtail, heat_pump, 3_500, 0, None),
			Error::<Test>::ExceedsNameplate
		);
	});
}

#[test]
fn a_full_event_is_refused() {
	test(|| {
		let first = ev(ALICE, 90);
		let second = ev(BOB, 90);
		advance_to(at(12));
		let event = open(Direction::Discharge, 1);
		assert_ok!(enroll(ALICE, event, first, 11_000, 20, None));
		assert_noop!(enroll(BOB, event, second, 11_000, 20, None), Error::<Test>::EventFull);
	});
}

#[test]
fn enrolling_after_the_start_is_refused() {
	test(|| {
		let car = ev(ALICE, 90);
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		advance_to(WINDOW_START);
		assert_noop!(
			enroll(ALICE, event, car, 11_000, 20, None),
			Error::<Test>::EventAlreadyStarted
		);
	});
}

#[test]
fn departure_cuts_the_window_and_is_checked() {
	test(|| {
		let car = ev(ALICE, 90);
		let home = battery(BOB, 90);
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_noop!(
			enroll(ALICE, event, car, 11_000, 20, Some(WINDOW_START)),
			Error::<Test>::DepartureBeforeWindow
		);
		assert_noop!(
			enroll(BOB, event, home, 5_000, 10, Some(at(19))),
			Error::<Test>::DepartureOnlyForEvs
		);
		// Leaving at 19:00: one hour at 11 kW.
		assert_ok!(enroll(ALICE, event, car, 11_000, 20, Some(at(19))));
		let enrollment = Enrollments::<Test>::get(event, car).unwrap();
		assert_eq!((enrollment.window_end_ms, enrollment.committed_wh), (at(19), 11_000));
		// Leaving after the window changes nothing.
		let later = ev(DAVE, 90);
		assert_ok!(enroll(DAVE, event, later, 11_000, 20, Some(at(23))));
		assert_eq!(Enrollments::<Test>::get(event, later).unwrap().window_end_ms, WINDOW_END);
	});
}

#[test]
fn other_enrollment_errors_leave_state_unchanged() {
	test(|| {
		let car = ev(ALICE, 90);
		let suspended = ev(BOB, 90);
		MockRegistry::set_status(suspended, DeviceStatus::SuspendedByAdmin);
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_noop!(enroll(ALICE, 99, car, 11_000, 20, None), Error::<Test>::UnknownEvent);
		assert_noop!(enroll(ALICE, event, 99, 11_000, 20, None), Error::<Test>::UnknownDevice);
		assert_noop!(enroll(BOB, event, car, 11_000, 20, None), Error::<Test>::NotDeviceOwner);
		assert_noop!(
			enroll(BOB, event, suspended, 11_000, 20, None),
			Error::<Test>::DeviceNotActive
		);
		assert_noop!(enroll(ALICE, event, car, 0, 20, None), Error::<Test>::ZeroPower);
		// 1 W for a second of window is less than a Wh.
		let short = open_window(Direction::Discharge, (at(18), at(18) + 1_000), 4, BUDGET);
		assert_noop!(enroll(ALICE, short, car, 1, 20, None), Error::<Test>::CommitmentTooSmall);
		// The budget covers 5 kWh at 0.30 VPP/kWh: not 22 kWh.
		let small = open_window(Direction::Discharge, (WINDOW_START, WINDOW_END), 4, 3 * VPP / 2);
		assert_noop!(enroll(ALICE, small, car, 11_000, 20, None), Error::<Test>::BudgetExhausted);
		assert_ok!(enroll(ALICE, small, car, 2_500, 20, None));
		// One unsettled event at a time.
		assert_noop!(enroll(ALICE, event, car, 11_000, 20, None), Error::<Test>::AlreadyEnrolled);
		assert_noop!(enroll(ALICE, small, car, 2_500, 20, None), Error::<Test>::AlreadyEnrolled);
		assert_ok!(V2g::cancel_event(RuntimeOrigin::signed(GRID_OP), small));
		assert_noop!(enroll(ALICE, small, car, 2_500, 20, None), Error::<Test>::EventNotOpen);
		// The cancelled event's enrollment no longer blocks the EV.
		assert_ok!(enroll(ALICE, event, car, 11_000, 20, None));
	});
}
