//! EV and storage profiles and the event queries behind the runtime API.

use frame_support::assert_ok;
use openvpp_primitives::{DeviceKind, DeviceState};
use sp_runtime::Permill;

use super::*;
use crate::{mock::*, Direction};

#[test]
fn an_ev_profile_shows_state_and_history() {
	test(|| {
		let car = ev(ALICE, 80);
		let profile = V2g::ev_profile(car).unwrap();
		assert_eq!(profile.capacity_wh, 60_000);
		assert_eq!((profile.max_import_w, profile.max_export_w), (11_000, 11_000));
		assert_eq!(profile.soc, Some(Permill::from_percent(80)));
		assert!(profile.plugged_in && !profile.charging);
		assert_eq!(profile.last_seen_ms, at(12));
		assert_eq!(profile.history.reliability, Permill::one());

		feed(car, at(12), at(12) + QUARTER, 2_750, 0, Some(85), DeviceState::Charging);
		let profile = V2g::ev_profile(car).unwrap();
		assert!(profile.plugged_in && profile.charging);
		assert_eq!(profile.soc, Some(Permill::from_percent(85)));

		advance_to(at(13));
		let event = open(Direction::Discharge, 4);
		assert_ok!(enroll(ALICE, event, car, 11_000, 20, None));
		assert_eq!(V2g::ev_profile(car).unwrap().history.active_event, Some(event));
		let t = feed_quarters(car, at(12) + QUARTER, &idle(23));
		let t = feed_quarters(car, t, &discharging(4, 2_750));
		feed_quarters(car, t, &[(0, 0, Some(60), DeviceState::Offline); 4]);
		advance_to(WINDOW_END);
		assert_ok!(V2g::claim_payment(RuntimeOrigin::signed(ALICE), event, car));

		let profile = V2g::ev_profile(car).unwrap();
		assert!(!profile.plugged_in);
		assert_eq!(profile.state, Some(DeviceState::Offline));
		assert_eq!(profile.history.events_joined, 1);
		assert_eq!(profile.history.events_settled, 1);
		assert_eq!(profile.history.events_delivered, 0);
		assert_eq!(profile.history.energy_delivered_wh, 11_000);
		assert_eq!(profile.history.reliability, Permill::from_percent(50));
		assert_eq!(profile.history.active_event, None);
		// Not an EV, or unknown: no EV profile.
		let home = battery(BOB, 50);
		assert!(V2g::ev_profile(home).is_none());
		assert!(V2g::ev_profile(99).is_none());
	});
}

#[test]
fn a_storage_profile_shows_energy_cycles_and_response() {
	test(|| {
		let home = battery(CHARLIE, 50);
		let profile = V2g::storage_profile(home).unwrap();
		// 50 % of 13.5 kWh.
		assert_eq!(profile.energy_stored_wh, 6_750);
		assert_eq!(profile.equivalent_full_cycles_milli, 0);

		// Two days of arbitrage: 13.5 kWh discharged each evening at 4.5 kW.
		let t =
			feed_quarters(home, at(12), &vec![(0, 1_125, Some(40), DeviceState::Discharging); 12]);
		feed_quarters(home, t + DAY, &vec![(0, 1_125, Some(30), DeviceState::Discharging); 12]);
		let profile = V2g::storage_profile(home).unwrap();
		assert_eq!(profile.discharge_throughput_wh, 27_000);
		assert_eq!(profile.equivalent_full_cycles_milli, 2_000);
		assert_eq!(profile.energy_stored_wh, 4_050);
		assert_eq!(profile.soc, Some(Permill::from_percent(30)));
		assert_eq!(profile.kind, DeviceKind::Battery);
		assert_eq!((profile.best_response_ms, profile.regulation_energy_wh), (None, 0));

		// An EV is storage too; a heat pump is not.
		let car = ev(ALICE, 50);
		assert_eq!(V2g::storage_profile(car).unwrap().energy_stored_wh, 30_000);
		let heat_pump = device(BOB, DeviceKind::HeatPump, None);
		assert!(V2g::storage_profile(heat_pump).is_none());
	});
}

#[test]
fn open_events_are_listed_by_region_in_pages() {
	test(|| {
		let ids: Vec<_> = (0..5).map(|_| open(Direction::Discharge, 4)).collect();
		assert_ok!(V2g::open_event(
			RuntimeOrigin::signed(OTHER_OP),
			OTHER_REGION,
			Direction::Curtail,
			WINDOW_START,
			WINDOW_END,
			TARGET_W,
			PRICE,
			4,
			BUDGET
		));
		assert_ok!(V2g::cancel_event(RuntimeOrigin::signed(GRID_OP), ids[4]));

		let first = V2g::events_in_region(REGION, None, 3);
		assert_eq!(first.len(), 3);
		let last_id = first.last().unwrap().0;
		let second = V2g::events_in_region(REGION, Some(last_id), 3);
		assert_eq!(second.len(), 1);
		let mut seen: Vec<_> = first.iter().chain(second.iter()).map(|(id, _)| *id).collect();
		seen.sort();
		assert_eq!(seen, ids[..4].to_vec());
		assert_eq!(V2g::events_in_region(OTHER_REGION, None, 10).len(), 1);
		assert_eq!(V2g::event(ids[4]).unwrap().status, crate::EventStatus::Cancelled);
		assert!(V2g::enrollment(ids[0], 0).is_none());
	});
}
