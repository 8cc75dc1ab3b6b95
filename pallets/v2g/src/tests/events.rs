//! Opening, cancelling and the escrow of demand-response events.

use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::TokenError;

use super::*;
use crate::{
	mock::*, ActiveEnrollment, Direction, Error, Escrow, Event, EventStatus, Events, HoldReason,
	RegionEvents,
};

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::V2g(HoldReason::EventBudget), &who)
}

fn open_as(
	who: AccountId,
	region: u16,
	(start, end): (u64, u64),
	target_power_w: u64,
	price: Balance,
	max_participants: u32,
	budget: Balance,
) -> sp_runtime::DispatchResult {
	V2g::open_event(
		RuntimeOrigin::signed(who),
		region,
		Direction::Discharge,
		start,
		end,
		target_power_w,
		price,
		max_participants,
		budget,
	)
}

#[test]
fn opening_an_event_escrows_its_budget() {
	test(|| {
		let event = open(Direction::Discharge, 4);
		let record = Events::<Test>::get(event).unwrap();
		assert_eq!(record.operator, GRID_OP);
		assert_eq!((record.window_start_ms, record.window_end_ms), (WINDOW_START, WINDOW_END));
		assert_eq!((record.budget, record.remaining, record.reserved), (BUDGET, BUDGET, 0));
		assert_eq!(record.status, EventStatus::Open);
		assert_eq!(held(GRID_OP), BUDGET);
		assert_eq!(Escrow::<Test>::get(GRID_OP), BUDGET);
		assert_eq!(Balances::balance(&GRID_OP), INITIAL - BUDGET);
		assert!(RegionEvents::<Test>::contains_key(REGION, event));
		assert!(v2g_events().contains(&Event::EventOpened {
			event,
			operator: GRID_OP,
			region: REGION,
			direction: Direction::Discharge,
			window_start_ms: WINDOW_START,
			window_end_ms: WINDOW_END,
			target_power_w: TARGET_W,
			price_per_kwh: PRICE,
			budget: BUDGET,
		}));
		// A second event adds to the operator's escrow.
		open(Direction::Absorb, 2);
		assert_eq!(held(GRID_OP), 2 * BUDGET);
		assert_eq!(Escrow::<Test>::get(GRID_OP), 2 * BUDGET);
	});
}

#[test]
fn open_event_errors_leave_state_unchanged() {
	test(|| {
		let window = (WINDOW_START, WINDOW_END);
		assert_noop!(
			open_as(ALICE, REGION, window, TARGET_W, PRICE, 4, BUDGET),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			open_as(OTHER_OP, REGION, window, TARGET_W, PRICE, 4, BUDGET),
			Error::<Test>::NotOperator
		);
		// Owners need at least 15 minutes to enroll.
		assert_noop!(
			open_as(GRID_OP, REGION, (START_MS + 10 * 60_000, at(2)), TARGET_W, PRICE, 4, BUDGET),
			Error::<Test>::LeadTimeTooShort
		);
		assert_noop!(
			open_as(GRID_OP, REGION, (WINDOW_END, WINDOW_START), TARGET_W, PRICE, 4, BUDGET),
			Error::<Test>::EmptyWindow
		);
		assert_noop!(
			open_as(GRID_OP, REGION, (WINDOW_START, at(23)), TARGET_W, PRICE, 4, BUDGET),
			Error::<Test>::WindowTooLong
		);
		assert_noop!(
			open_as(GRID_OP, REGION, window, 0, PRICE, 4, BUDGET),
			Error::<Test>::ZeroPower
		);
		assert_noop!(
			open_as(GRID_OP, REGION, window, TARGET_W, 0, 4, BUDGET),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			open_as(GRID_OP, REGION, window, TARGET_W, PRICE, 4, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			open_as(GRID_OP, REGION, window, TARGET_W, PRICE, 0, BUDGET),
			Error::<Test>::ParticipantsOutOfRange
		);
		assert_noop!(
			open_as(GRID_OP, REGION, window, TARGET_W, PRICE, 9, BUDGET),
			Error::<Test>::ParticipantsOutOfRange
		);
		assert_noop!(
			open_as(GRID_OP, REGION, window, TARGET_W, PRICE, 4, 2 * INITIAL),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn cancelling_before_the_window_returns_the_budget() {
	test(|| {
		let car = ev(ALICE, 90);
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_ok!(enroll(ALICE, event, car, 11_000, 20, None));
		assert_ok!(V2g::cancel_event(RuntimeOrigin::signed(GRID_OP), event));
		assert_eq!(Balances::balance(&GRID_OP), INITIAL);
		assert_eq!(held(GRID_OP), 0);
		assert!(!Escrow::<Test>::contains_key(GRID_OP));
		assert!(!RegionEvents::<Test>::contains_key(REGION, event));
		let record = Events::<Test>::get(event).unwrap();
		assert_eq!(record.status, EventStatus::Cancelled);
		assert_eq!((record.refunded, record.remaining, record.reserved), (BUDGET, 0, 0));
		assert!(v2g_events().contains(&Event::EventCancelled { event, refunded: BUDGET }));
		// The enrollment is void: nothing to claim, and the EV is free for the next event.
		advance_to(WINDOW_END);
		assert_noop!(
			V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, car),
			Error::<Test>::EventNotOpen
		);
		assert!(!V2g::has_live_enrollment(car, WINDOW_END));
		assert_eq!(ActiveEnrollment::<Test>::get(car), Some(event));
	});
}

#[test]
fn cancel_errors_leave_state_unchanged() {
	test(|| {
		let event = open(Direction::Discharge, 4);
		assert_noop!(
			V2g::cancel_event(RuntimeOrigin::signed(GRID_OP), 99),
			Error::<Test>::UnknownEvent
		);
		assert_noop!(
			V2g::cancel_event(RuntimeOrigin::signed(OTHER_OP), event),
			Error::<Test>::NotEventOperator
		);
		advance_to(WINDOW_START);
		assert_noop!(
			V2g::cancel_event(RuntimeOrigin::signed(GRID_OP), event),
			Error::<Test>::EventAlreadyStarted
		);
		let later = open_window(Direction::Curtail, (at(22), at(23)), 4, BUDGET);
		assert_ok!(V2g::cancel_event(RuntimeOrigin::signed(GRID_OP), later));
		assert_noop!(
			V2g::cancel_event(RuntimeOrigin::signed(GRID_OP), later),
			Error::<Test>::EventNotOpen
		);
	});
}

#[test]
fn a_removed_operator_still_controls_its_escrow() {
	test(|| {
		let event = open(Direction::Discharge, 4);
		assert_ok!(V2g::remove_operator(RuntimeOrigin::root(), REGION, GRID_OP));
		assert_noop!(
			open_as(GRID_OP, REGION, (WINDOW_START, WINDOW_END), TARGET_W, PRICE, 4, BUDGET),
			Error::<Test>::NotOperator
		);
		assert_ok!(V2g::cancel_event(RuntimeOrigin::signed(GRID_OP), event));
		assert_eq!(Balances::balance(&GRID_OP), INITIAL);
	});
}
