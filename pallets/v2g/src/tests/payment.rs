//! Settlement after the window: the full lifecycle, payments from escrow, delivery reports.

use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use openvpp_primitives::{DeviceKind, DeviceState};
use sp_runtime::Permill;

use super::*;
use crate::{
	mock::*, ActiveEnrollment, Direction, EnrollmentStatus, Enrollments, Error, Escrow, Event,
	EventStatus, Events, HoldReason, Profiles,
};

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::V2g(HoldReason::EventBudget), &who)
}

#[test]
fn full_event_lifecycle_with_a_realistic_fleet() {
	test(|| {
		// The fleet at noon: three 60 kWh EVs on 11 kW bidirectional chargers and a 13.5 kWh
		// home battery at 5 kW, reporting every 15 minutes.
		let ev1 = ev(ALICE, 80);
		let ev2 = ev(BOB, 70);
		let ev3 = ev(DAVE, 90);
		// The battery exports 400 W through the day (100 Wh a quarter): that is its baseline.
		let battery = MockRegistry::add(CHARLIE, DeviceKind::Battery, REGION);
		feed(battery, at(12) - QUARTER, at(12), 0, 100, Some(95), DeviceState::Discharging);

		// The operator asks region 1 for 30 kW of discharge 18:00–20:00 at 0.30 VPP/kWh.
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_eq!(held(GRID_OP), BUDGET);

		// EV1: 11 kW for 2 h = 22 kWh; 80 % − 30 % floor = 30 kWh available.
		assert_ok!(enroll(ALICE, event, ev1, 11_000, 30, None));
		// EV2 leaves at 19:30: its window is cut to 1.5 h, 7 kW × 1.5 h = 10.5 kWh.
		assert_ok!(enroll(BOB, event, ev2, 7_000, 40, Some(at(19) + 2 * QUARTER)));
		// Battery: 5 kW × 2 h = 10 kWh; 95 % − 10 % of 13.5 kWh = 11.475 kWh available.
		assert_ok!(enroll(CHARLIE, event, battery, 5_000, 10, None));
		// EV3: 11 kW × 2 h = 22 kWh.
		assert_ok!(enroll(DAVE, event, ev3, 11_000, 20, None));
		let reserved = 3 * VPP / 10 * (22 + 22) + 3 * VPP / 10 * 10 + 3 * VPP / 10 * 21 / 2;
		assert_eq!(Events::<Test>::get(event).unwrap().reserved, reserved);
		assert_eq!(Enrollments::<Test>::get(event, ev2).unwrap().committed_wh, 10_500);

		// Afternoon: EVs idle and plugged in, the battery at its 400 W.
		for d in [ev1, ev2, ev3] {
			feed_quarters(d, at(12), &idle(24));
		}
		feed_quarters(battery, at(12), &vec![(0, 100, None, DeviceState::Discharging); 24]);

		// The window.
		advance_to(WINDOW_START);
		// EV1 delivers 11 kW throughout: 8 × 2.75 kWh.
		feed_quarters(ev1, WINDOW_START, &discharging(8, 2_750));
		// EV2 delivers 7.4 kW until it leaves at 19:30, then is offline.
		let left = feed_quarters(ev2, WINDOW_START, &discharging(6, 1_850));
		feed_quarters(ev2, left, &[(0, 0, None, DeviceState::Offline); 2]);
		// The battery delivers 5 kW for an hour, then only 2 kW.
		let half = feed_quarters(battery, WINDOW_START, &discharging(4, 1_250));
		feed_quarters(battery, half, &discharging(4, 500));
		// EV3 delivers for a quarter, then its owner needs the car and withdraws.
		feed_quarters(ev3, WINDOW_START, &discharging(1, 2_750));
		advance_to(WINDOW_START + QUARTER + 5 * 60_000);
		assert_ok!(V2g::withdraw(RuntimeOrigin::signed(DAVE), event, ev3));
		assert_eq!(deliveries(), vec![(ev3, Permill::zero())]);

		// Measured: EV1 22 kWh; EV2 11.1 kWh in its 1.5 h; battery 4 × (1250 − 100) +
		// 4 × (500 − 100) = 6.2 kWh above its baseline.
		assert_eq!(Enrollments::<Test>::get(event, ev1).unwrap().delivered_wh, 22_000);
		assert_eq!(Enrollments::<Test>::get(event, ev2).unwrap().delivered_wh, 11_100);
		assert_eq!(Enrollments::<Test>::get(event, battery).unwrap().delivered_wh, 6_200);
		assert_eq!(Enrollments::<Test>::get(event, battery).unwrap().baseline_w, 400);
		assert_eq!(Enrollments::<Test>::get(event, ev1).unwrap().response_ms, Some(QUARTER));

		// Nobody is paid before the window ends.
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, ev1),
			Error::<Test>::WindowNotOver
		);

		advance_to(WINDOW_END + 2 * QUARTER);
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, ev1));
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(BOB), event, ev2));
		// The operator settles the battery so its under-delivery is reported.
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(GRID_OP), event, battery));
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(DAVE), event, ev3),
			Error::<Test>::NotEnrolled
		);

		// Payments: EV1 22 kWh × 0.30 = 6.60; EV2 capped at 10.5 kWh = 3.15; battery 6.2 kWh
		// = 1.86; EV3 nothing.
		let (pay1, pay2, pay_battery) = (66 * VPP / 10, 315 * VPP / 100, 186 * VPP / 100);
		assert_eq!(Balances::balance(&ALICE), INITIAL + pay1);
		assert_eq!(Balances::balance(&BOB), INITIAL + pay2);
		assert_eq!(Balances::balance(&CHARLIE), INITIAL + pay_battery);
		assert_eq!(Balances::balance(&DAVE), INITIAL);
		let paid = pay1 + pay2 + pay_battery;
		assert_eq!(held(GRID_OP), BUDGET - paid);

		// Reports to settlement: shares for the credit score, energy for grid-support value.
		assert_eq!(
			deliveries(),
			vec![
				(ev3, Permill::zero()),
				(ev1, Permill::one()),
				(ev2, Permill::one()),
				(battery, Permill::from_percent(62)),
			]
		);
		assert_eq!(
			grid_support(),
			vec![
				(ev1, 22_000, WINDOW_END),
				(ev2, 10_500, at(19) + 2 * QUARTER),
				(battery, 6_200, WINDOW_END)
			]
		);
		let events = v2g_events();
		for (device, delivered) in [(ev3, Permill::zero()), (battery, Permill::from_percent(62))] {
			assert!(events.contains(&Event::UnderDelivered { event, device, delivered }));
		}
		assert!(events.contains(&Event::PaymentClaimed {
			event,
			device: ev2,
			owner: BOB,
			delivered_wh: 11_100,
			committed_wh: 10_500,
			amount: pay2,
		}));
		assert_eq!(events.iter().filter(|e| matches!(e, Event::UnderDelivered { .. })).count(), 2);

		// The operator reclaims the rest after the 7-day claim period.
		assert_noop!(
			V2g::reclaim(RuntimeOrigin::signed(GRID_OP), event),
			Error::<Test>::ClaimPeriodNotOver
		);
		advance_to(WINDOW_END + 7 * DAY);
		assert_ok!(V2g::reclaim(RuntimeOrigin::signed(GRID_OP), event));
		let refund = BUDGET - paid;
		assert_eq!(refund, 1_339 * VPP / 100);
		assert!(v2g_events().contains(&Event::BudgetReclaimed { event, refunded: refund }));
		assert_eq!(held(GRID_OP), 0);
		assert_eq!(Balances::balance(&GRID_OP), INITIAL - paid);
		assert!(Escrow::<Test>::get(GRID_OP) == 0);

		let record = Events::<Test>::get(event).unwrap();
		assert_eq!(record.status, EventStatus::Closed);
		assert_eq!((record.paid, record.refunded, record.remaining), (paid, refund, 0));
		assert_eq!(record.delivered_wh, 22_000 + 10_500 + 6_200);
		assert_eq!(record.participants, 4);

		// Histories.
		let p1 = Profiles::<Test>::get(ev1).unwrap();
		assert_eq!((p1.events_joined, p1.events_settled, p1.events_delivered), (1, 1, 1));
		assert_eq!(p1.regulation_energy_wh, 22_000);
		assert_eq!(p1.best_response_ms, Some(QUARTER));
		let pb = Profiles::<Test>::get(battery).unwrap();
		assert_eq!((pb.events_settled, pb.events_delivered), (1, 0));
		assert_eq!(pb.reliability(), Permill::from_percent(62));
		assert_eq!(Profiles::<Test>::get(ev3).unwrap().reliability(), Permill::zero());
		for d in [ev1, ev2, ev3, battery] {
			assert!(ActiveEnrollment::<Test>::get(d).is_none());
		}
		assert_eq!(
			Enrollments::<Test>::get(event, ev3).unwrap().status,
			EnrollmentStatus::Withdrawn
		);
	});
}

/// An event with one EV enrolled at 11 kW, window over; returns (event, ev).
fn delivered_event(delivered_quarters: usize) -> (EventId, DeviceId) {
	let car = ev(ALICE, 80);
	advance_to(at(12));
	let event = open(Direction::Discharge, 4);
	assert_ok!(enroll(ALICE, event, car, 11_000, 20, None));
	let t = feed_quarters(car, at(12), &idle(24));
	let t = feed_quarters(car, t, &discharging(delivered_quarters, 2_750));
	feed_quarters(car, t, &idle(8 - delivered_quarters));
	advance_to(WINDOW_END);
	(event, car)
}

#[test]
fn over_delivery_is_paid_at_the_commitment() {
	test(|| {
		let car = ev(ALICE, 90);
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_ok!(enroll(ALICE, event, car, 5_000, 20, None));
		let t = feed_quarters(car, at(12), &idle(24));
		feed_quarters(car, t, &discharging(8, 2_750));
		advance_to(WINDOW_END);
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, car));
		// Committed 10 kWh, delivered 22 kWh: paid 10 kWh × 0.30.
		assert_eq!(Balances::balance(&ALICE), INITIAL + 3 * VPP);
		assert_eq!(deliveries(), vec![(car, Permill::one())]);
		assert_eq!(grid_support(), vec![(car, 10_000, WINDOW_END)]);
	});
}

#[test]
fn nothing_delivered_is_reported_and_paid_nothing() {
	test(|| {
		let (event, car) = delivered_event(0);
		// The operator settles once the telemetry grace is over.
		advance_to(WINDOW_END + QUARTER);
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(GRID_OP), event, car));
		assert_eq!(Balances::balance(&ALICE), INITIAL);
		assert_eq!(deliveries(), vec![(car, Permill::zero())]);
		assert!(grid_support().is_empty());
		assert!(v2g_events().contains(&Event::UnderDelivered {
			event,
			device: car,
			delivered: Permill::zero()
		}));
	});
}

#[test]
fn the_owner_at_settlement_is_paid() {
	test(|| {
		let (event, car) = delivered_event(8);
		MockRegistry::set_owner(car, BOB);
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, car),
			Error::<Test>::TelemetryGraceNotOver
		);
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(BOB), event, car));
		assert_eq!(Balances::balance(&BOB), INITIAL + 66 * VPP / 10);
	});
}

#[test]
fn claim_errors_leave_state_unchanged() {
	test(|| {
		let (event, car) = delivered_event(8);
		let stranger = MockRegistry::add(BOB, DeviceKind::Ev, REGION);
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(ALICE), 99, car),
			Error::<Test>::UnknownEvent
		);
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(BOB), event, stranger),
			Error::<Test>::NotEnrolled
		);
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(DAVE), event, car),
			Error::<Test>::TelemetryGraceNotOver
		);
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, car));
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, car),
			Error::<Test>::NotEnrolled
		);
	});
}

#[test]
fn claims_close_with_the_claim_period_and_unclaimed_enrollments_forfeit() {
	test(|| {
		let (event, car) = delivered_event(8);
		advance_to(WINDOW_END + 7 * DAY);
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, car),
			Error::<Test>::ClaimPeriodOver
		);
		assert_ok!(V2g::reclaim(RuntimeOrigin::signed(GRID_OP), event));
		assert_eq!(Balances::balance(&GRID_OP), INITIAL);
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, car),
			Error::<Test>::ClaimPeriodOver
		);
		assert!(deliveries().is_empty());
		// The forfeited enrollment does not block the EV from the next event.
		let next = open_window(
			Direction::Discharge,
			(WINDOW_END + 8 * DAY, WINDOW_END + 8 * DAY + HOUR),
			4,
			BUDGET,
		);
		assert_ok!(enroll(ALICE, next, car, 11_000, 20, None));
		assert_eq!(ActiveEnrollment::<Test>::get(car), Some(next));
	});
}

#[test]
fn reclaim_errors_leave_state_unchanged() {
	test(|| {
		let (event, _car) = delivered_event(8);
		assert_noop!(V2g::reclaim(RuntimeOrigin::signed(GRID_OP), 99), Error::<Test>::UnknownEvent);
		assert_noop!(
			V2g::reclaim(RuntimeOrigin::signed(OTHER_OP), event),
			Error::<Test>::NotEventOperator
		);
		assert_noop!(
			V2g::reclaim(RuntimeOrigin::signed(GRID_OP), event),
			Error::<Test>::ClaimPeriodNotOver
		);
		advance_to(WINDOW_END + 7 * DAY);
		assert_ok!(V2g::reclaim(RuntimeOrigin::signed(GRID_OP), event));
		assert_noop!(
			V2g::reclaim(RuntimeOrigin::signed(GRID_OP), event),
			Error::<Test>::EventNotOpen
		);
	});
}

#[test]
fn withdrawing_before_the_window_is_free() {
	test(|| {
		let car = ev(DAVE, 90);
		advance_to(at(12));
		let event = open(Direction::Discharge, 1);
		assert_ok!(enroll(DAVE, event, car, 11_000, 20, None));
		assert_ok!(V2g::withdraw(RuntimeOrigin::signed(DAVE), event, car));
		let record = Events::<Test>::get(event).unwrap();
		assert_eq!((record.participants, record.committed_power_w, record.reserved), (0, 0, 0));
		assert!(Enrollments::<Test>::get(event, car).is_none());
		assert!(ActiveEnrollment::<Test>::get(car).is_none());
		assert_eq!(Profiles::<Test>::get(car).unwrap().events_joined, 0);
		assert!(deliveries().is_empty());
		assert!(v2g_events().contains(&Event::Withdrawn { event, device: car, late: false }));
		// The place is free again.
		assert_ok!(enroll(DAVE, event, car, 11_000, 20, None));
	});
}

#[test]
fn withdraw_errors_leave_state_unchanged() {
	test(|| {
		let car = ev(DAVE, 90);
		let other = ev(ALICE, 90);
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_ok!(enroll(DAVE, event, car, 11_000, 20, None));
		assert_noop!(
			V2g::withdraw(RuntimeOrigin::signed(DAVE), 99, car),
			Error::<Test>::UnknownEvent
		);
		assert_noop!(
			V2g::withdraw(RuntimeOrigin::signed(ALICE), event, car),
			Error::<Test>::NotDeviceOwner
		);
		assert_noop!(
			V2g::withdraw(RuntimeOrigin::signed(ALICE), event, other),
			Error::<Test>::NotEnrolled
		);
		assert_noop!(
			V2g::withdraw(RuntimeOrigin::signed(DAVE), event, 99),
			Error::<Test>::UnknownDevice
		);
		advance_to(WINDOW_END);
		assert_noop!(
			V2g::withdraw(RuntimeOrigin::signed(DAVE), event, car),
			Error::<Test>::WindowOver
		);
	});
}
