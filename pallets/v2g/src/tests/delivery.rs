//! Measurement from accepted telemetry: baseline, delivered energy, response time.

use frame_support::assert_ok;
use openvpp_primitives::{DeviceKind, DeviceState};

use super::*;
use crate::{mock::*, Direction, Enrollments, Profiles};

#[test]
fn the_baseline_is_a_time_weighted_average_outside_events() {
	test(|| {
		let heat_pump = MockRegistry::add(CHARLIE, DeviceKind::HeatPump, REGION);
		// First quarter: 500 Wh in 15 min seeds the baseline at 2 kW.
		feed(heat_pump, at(0), at(0) + QUARTER, 500, 0, None, DeviceState::Idle);
		assert_eq!(Profiles::<Test>::get(heat_pump).unwrap().baseline_in_w, 2_000);
		// A quarter at 0 W moves it by a 16th of the way (4 h averaging): 2000 − 125.
		feed(heat_pump, at(0) + QUARTER, at(0) + 2 * QUARTER, 0, 0, None, DeviceState::Idle);
		assert_eq!(Profiles::<Test>::get(heat_pump).unwrap().baseline_in_w, 1_875);
		// A whole day at 1 kW replaces it.
		feed(
			heat_pump,
			at(0) + 2 * QUARTER,
			at(24) + 2 * QUARTER,
			24_000,
			0,
			None,
			DeviceState::Idle,
		);
		assert_eq!(Profiles::<Test>::get(heat_pump).unwrap().baseline_in_w, 1_000);
		// Kinds that cannot take part keep no profile.
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, REGION);
		feed(roof, at(0), at(0) + QUARTER, 0, 1_000, None, DeviceState::Generating);
		assert!(Profiles::<Test>::get(roof).is_none());
	});
}

#[test]
fn curtailment_is_measured_against_the_baseline_import() {
	test(|| {
		// A heat pump drawing 2 kW in the evening curtails to 500 W for the window.
		let heat_pump = MockRegistry::add(CHARLIE, DeviceKind::HeatPump, REGION);
		let t = feed_quarters(heat_pump, at(14), &vec![(500, 0, None, DeviceState::Idle); 16]);
		advance_to(at(12));
		let event = open(Direction::Curtail, 4);
		assert_ok!(enroll(CHARLIE, event, heat_pump, 1_500, 0, None));
		feed_quarters(heat_pump, t, &vec![(125, 0, None, DeviceState::Idle); 8]);
		let enrollment = Enrollments::<Test>::get(event, heat_pump).unwrap();
		// (2000 − 500) W × 2 h = 3 kWh, and the baseline did not move during the window.
		assert_eq!(enrollment.delivered_wh, 3_000);
		assert_eq!(enrollment.baseline_w, 2_000);
		assert_eq!(enrollment.response_ms, Some(QUARTER));
		assert_eq!(Profiles::<Test>::get(heat_pump).unwrap().baseline_in_w, 2_000);
		advance_to(WINDOW_END);
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(CHARLIE), event, heat_pump));
		assert_eq!(deliveries(), vec![(heat_pump, sp_runtime::Permill::one())]);
	});
}

#[test]
fn absorption_counts_import_above_the_baseline() {
	test(|| {
		// A battery at 40 % soaks up a solar surplus: 5 kW for two hours.
		let home = battery(CHARLIE, 40);
		let t = feed_quarters(home, at(12), &idle(24));
		advance_to(at(12));
		let event = open(Direction::Absorb, 4);
		assert_ok!(enroll(CHARLIE, event, home, 4_000, 0, None));
		feed_quarters(home, t, &[(1_250, 0, Some(50), DeviceState::Charging); 6]);
		let enrollment = Enrollments::<Test>::get(event, home).unwrap();
		assert_eq!(enrollment.delivered_wh, 7_500);
		assert_eq!(enrollment.response_ms, Some(QUARTER));
	});
}

#[test]
fn a_bundle_straddling_the_window_is_pro_rated() {
	test(|| {
		let car = ev(ALICE, 90);
		feed_quarters(car, at(12), &idle(23));
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_ok!(enroll(ALICE, event, car, 11_000, 20, None));
		// One bundle 17:45–18:30 with 8.25 kWh out: two thirds of it fall in the window.
		feed(
			car,
			at(18) - QUARTER,
			at(18) + 2 * QUARTER,
			0,
			8_250,
			Some(80),
			DeviceState::Discharging,
		);
		let enrollment = Enrollments::<Test>::get(event, car).unwrap();
		assert_eq!(enrollment.delivered_wh, 5_500);
		// Its average, 11 kW, meets the commitment: response by 18:30.
		assert_eq!(enrollment.response_ms, Some(2 * QUARTER));
		// Bundles after the window count for nothing.
		feed(car, WINDOW_END, WINDOW_END + QUARTER, 0, 2_750, Some(70), DeviceState::Discharging);
		assert_eq!(Enrollments::<Test>::get(event, car).unwrap().delivered_wh, 5_500);
	});
}

#[test]
fn response_time_is_the_first_reading_at_ninety_percent() {
	test(|| {
		let home = battery(CHARLIE, 95);
		let t = feed_quarters(home, at(12), &idle(24));
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_ok!(enroll(CHARLIE, event, home, 5_000, 10, None));
		// Ramps up slowly: 2 kW, 4 kW (80 %), then 4.6 kW (92 %).
		feed_quarters(
			home,
			t,
			&[
				(0, 500, None, DeviceState::Discharging),
				(0, 1_000, None, DeviceState::Discharging),
				(0, 1_150, None, DeviceState::Discharging),
				(0, 1_250, None, DeviceState::Discharging),
			],
		);
		let enrollment = Enrollments::<Test>::get(event, home).unwrap();
		assert_eq!(enrollment.response_ms, Some(3 * QUARTER));
		assert_eq!(enrollment.delivered_wh, 3_900);
		advance_to(WINDOW_END);
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(CHARLIE), event, home));
		let profile = Profiles::<Test>::get(home).unwrap();
		assert_eq!(profile.best_response_ms, Some(3 * QUARTER));
		assert_eq!(profile.average_response_ms(), Some(3 * QUARTER));
	});
}

#[test]
fn an_ev_is_measured_only_until_it_leaves() {
	test(|| {
		let car = ev(BOB, 90);
		let t = feed_quarters(car, at(12), &idle(24));
		advance_to(at(12));
		let event = open(Direction::Discharge, 4);
		assert_ok!(enroll(BOB, event, car, 11_000, 20, Some(at(19))));
		// A single bundle 18:00–20:00: only the first hour is the EV's window.
		feed(car, t, t + 2 * HOUR, 0, 22_000, Some(50), DeviceState::Discharging);
		assert_eq!(Enrollments::<Test>::get(event, car).unwrap().delivered_wh, 11_000);
	});
}
