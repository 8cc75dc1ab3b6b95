//! What a rational owner tries with data its own device signs, and what stops it: storage that
//! counts the same energy in and out, an EV that charges while `Offline`, readings from before
//! the device existed, a year of silence claimed at once, and a day's energy booked to the
//! hour a bundle ends.

use frame_support::assert_ok;
use openvpp_primitives::{DeviceKind, DeviceState, HardwareIdentity, Nameplate, Reading};
use sp_core::H256;
use sp_runtime::Permill;

use super::{profiles::*, tampering::assert_refused_as, *};

/// 13.5 kWh home battery, 5 kW both ways: 1,250 Wh per quarter hour at full power.
const BATTERY: Nameplate = BATTERY_NAMEPLATE;

fn reading(
	timestamp_ms: u64,
	energy_in_wh: u64,
	energy_out_wh: u64,
	soc_percent: Option<u32>,
	state: DeviceState,
) -> Reading {
	Reading {
		timestamp_ms,
		energy_in_wh,
		energy_out_wh,
		soc: soc_percent.map(Permill::from_percent),
		state,
	}
}

/// A battery with one accepted reading at START + 15 min (500 Wh in, 300 Wh out, 50 %).
fn battery(uri: &str) -> TestDevice {
	let battery = TestDevice::register(DeviceKind::Battery, BATTERY, uri);
	set_now(START_MS + QUARTER_MS + 10_000);
	let first = reading(START_MS + QUARTER_MS, 500, 300, Some(50), DeviceState::Idle);
	submit_ok(vec![battery.bundle(0, &[first])]);
	set_now(START_MS + 3 * QUARTER_MS);
	battery
}

#[test]
fn double_counted_storage_is_refused() {
	new_test_ext().execute_with(|| {
		let battery = battery("//Attack/battery");
		let t = START_MS + 2 * QUARTER_MS;
		// Full power in and full power out in the same quarter hour, SoC unchanged: each
		// register alone fits the nameplate, together they need twice the time.
		let both_ways = reading(t, 500 + 1_250, 300 + 1_250, Some(50), DeviceState::Discharging);
		assert_refused_as(
			GATEWAY,
			&battery,
			battery.bundle(1, &[both_ways]),
			RejectReason::EnergyExceedsNameplate,
		);
		// The same trick at half power each way fits the time, but not without a SoC.
		let no_soc = reading(t, 500 + 600, 300 + 600, None, DeviceState::Discharging);
		assert_refused_as(
			GATEWAY,
			&battery,
			battery.bundle(1, &[no_soc]),
			RejectReason::SocMissing,
		);
		// Charging and discharging at half power each for a quarter hour, the SoC where the
		// losses leave it: what a battery can do.
		let honest = reading(t, 500 + 600, 300 + 600, Some(49), DeviceState::Discharging);
		submit_ok(vec![battery.bundle(1, &[honest])]);
	});
}

#[test]
fn certified_storage_meter_needs_no_soc() {
	new_test_ext().execute_with(|| {
		// A manufacturer-certified meter's registers are trusted without a SoC (a charge point
		// cannot see the pack); an owner's word is not.
		let plain = TestDevice::register(DeviceKind::Ev, EV_NAMEPLATE, "//Attack/plain-ev");
		let certified = TestDevice::register(DeviceKind::Ev, EV_NAMEPLATE, "//Attack/cert-ev");
		TestRegistry::set_hardware(
			certified.id,
			HardwareIdentity { manufacturer: 1, model: 1, serial_hash: H256::repeat_byte(7) },
		);
		set_now(START_MS + QUARTER_MS + 10_000);
		let charging = |soc| reading(START_MS + QUARTER_MS, 1_800, 0, soc, DeviceState::Charging);
		assert_refused_as(
			GATEWAY,
			&plain,
			plain.bundle(0, &[charging(None)]),
			RejectReason::SocMissing,
		);
		submit_ok(vec![certified.bundle(0, &[charging(None)])]);
		submit_ok(vec![plain.bundle(0, &[charging(Some(40))])]);
	});
}

#[test]
fn ev_reporting_offline_cannot_report_charging() {
	new_test_ext().execute_with(|| {
		let ev = TestDevice::register(DeviceKind::Ev, EV_NAMEPLATE, "//Attack/offline-ev");
		set_now(START_MS + QUARTER_MS + 10_000);
		let parked = reading(START_MS + QUARTER_MS, 10_000, 2_000, Some(60), DeviceState::Offline);
		submit_ok(vec![ev.bundle(0, &[parked])]);
		set_now(START_MS + 2 * QUARTER_MS + 10_000);
		// Driving (SoC may fall by anything while offline) and "charging" 2.5 kWh at once.
		let driving_and_charging =
			reading(START_MS + 2 * QUARTER_MS, 12_500, 2_000, Some(55), DeviceState::Offline);
		assert_refused_as(
			GATEWAY,
			&ev,
			ev.bundle(1, &[driving_and_charging]),
			RejectReason::StateInconsistent,
		);
		// Offline without flow: driving is fine.
		let driving =
			reading(START_MS + 2 * QUARTER_MS, 10_000, 2_000, Some(55), DeviceState::Offline);
		submit_ok(vec![ev.bundle(1, &[driving])]);
	});
}

#[test]
fn readings_before_commissioning_are_refused() {
	new_test_ext().execute_with(|| {
		set_now(START_MS + 10 * HOUR_MS);
		let roof = TestDevice::register(DeviceKind::SolarPv, SOLAR_NAMEPLATE, "//Attack/new-roof");
		// A day's worth of "history" from before the roof was registered.
		let backdated = solar_day();
		assert_refused_as(
			GATEWAY,
			&roof,
			roof.bundle(0, &backdated[..40]),
			RejectReason::TimestampBeforeCommissioning,
		);
		// From its commissioning on, its readings count.
		set_now(START_MS + 12 * HOUR_MS);
		submit_ok(vec![roof.bundle(0, &backdated[40..48])]);
	});
}

#[test]
fn silence_claimed_at_once_is_recorded_not_valued() {
	new_test_ext().execute_with(|| {
		let roof = TestDevice::register(DeviceKind::SolarPv, SOLAR_NAMEPLATE, "//Attack/quiet");
		set_now(START_MS + QUARTER_MS + 10_000);
		let before = reading(START_MS + QUARTER_MS, 2_150, 8_412_345, None, DeviceState::Idle);
		submit_ok(vec![roof.bundle(0, &[before])]);
		// Six days later: six days of nameplate energy (720 kWh) in one interval. It fits
		// power × time, so it is accepted and recorded, but none of it is valued.
		let later_ms = START_MS + QUARTER_MS + 6 * 24 * HOUR_MS;
		set_now(later_ms + 10_000);
		let claimed = 5_000 * 6 * 24;
		let after = reading(later_ms, 2_150, 8_412_345 + claimed, None, DeviceState::Generating);
		submit_ok(vec![roof.bundle(1, &[after])]);
		let (_, accepted) = accepted_log().pop().unwrap();
		assert_eq!(accepted.energy_out_wh, claimed);
		assert_eq!(accepted.hours, vec![]);
		// A reading a quarter hour later counts again.
		set_now(later_ms + QUARTER_MS + 10_000);
		let next = reading(
			later_ms + QUARTER_MS,
			2_150,
			8_412_345 + claimed + 900,
			None,
			DeviceState::Generating,
		);
		submit_ok(vec![roof.bundle(2, &[next])]);
		let (_, accepted) = accepted_log().pop().unwrap();
		assert_eq!(accepted.hours.iter().map(|h| h.energy_out_wh).sum::<u64>(), 900);
	});
}

#[test]
fn a_daily_bundle_is_booked_to_the_hours_its_energy_happened_in() {
	new_test_ext().execute_with(|| {
		let roof = TestDevice::register(DeviceKind::SolarPv, SOLAR_NAMEPLATE, "//Attack/day");
		let day = solar_day();
		let last = day.last().unwrap();
		set_now(last.timestamp_ms + 10_000);
		// One bundle of the whole day, ending at midnight.
		submit_ok(vec![roof.bundle(0, &day)]);
		let (_, accepted) = accepted_log().pop().unwrap();
		let total = last.energy_out_wh - day[0].energy_out_wh;
		assert_eq!(accepted.energy_out_wh, total);
		let hours = &accepted.hours;
		assert_eq!(hours.iter().map(|h| h.energy_out_wh).sum::<u64>(), total);
		// Every hour's part is exactly what the registers moved in that hour (readings fall
		// on quarter hours, so no interval straddles two hours).
		let first_hour = START_MS / HOUR_MS;
		for h in hours {
			let at = |ms: u64| day.iter().find(|r| r.timestamp_ms == ms).map(|r| r.energy_out_wh);
			let start = at(h.from_ms).unwrap_or(day[0].energy_out_wh);
			assert_eq!(
				h.energy_out_wh,
				at(h.to_ms).unwrap() - start,
				"hour {}",
				h.hour - first_hour
			);
		}
		// The night hours produced nothing, the noon hour most: nothing is booked to the
		// hour the bundle ended in.
		let of = |hour: u64| hours.iter().find(|h| h.hour == first_hour + hour).unwrap();
		assert!(of(23).energy_out_wh == 0 && of(2).energy_out_wh == 0);
		assert!(of(13).energy_out_wh > 2_000);
		assert!(of(13).energy_out_wh > 5 * of(20).energy_out_wh);
	});
}

#[test]
fn an_interval_across_an_hour_is_split_by_its_time() {
	new_test_ext().execute_with(|| {
		let roof = TestDevice::register(DeviceKind::SolarPv, SOLAR_NAMEPLATE, "//Attack/split");
		let t0 = START_MS + 12 * HOUR_MS - 10 * 60_000;
		set_now(t0 + 10_000);
		submit_ok(vec![roof.bundle(0, &[reading(t0, 0, 10_000, None, DeviceState::Generating)])]);
		// 1,001 Wh from 11:50 to 12:10: 500 Wh before noon, 501 after (the parts add up).
		set_now(t0 + 20 * 60_000 + 10_000);
		let end = reading(t0 + 20 * 60_000, 0, 11_001, None, DeviceState::Generating);
		submit_ok(vec![roof.bundle(1, &[end])]);
		let (_, accepted) = accepted_log().pop().unwrap();
		let hour = START_MS / HOUR_MS;
		let parts: Vec<(u64, u64)> =
			accepted.hours.iter().map(|h| (h.hour - hour, h.energy_out_wh)).collect();
		assert_eq!(parts, vec![(11, 500), (12, 501)]);
		assert_eq!(accepted.hours[0].to_ms, START_MS + 12 * HOUR_MS);
	});
}

#[test]
fn decommissioning_leaves_no_telemetry_state() {
	new_test_ext().execute_with(|| {
		use openvpp_primitives::OnDeviceDecommissioned;
		let battery = battery("//Attack/retired");
		assert!(DeviceTelemetry::<Test>::get(battery.id).is_some());
		assert_eq!(DeviceQuality::<Test>::get(battery.id).accepted_bundles, 1);
		assert_ok!(<Telemetry as OnDeviceDecommissioned<AccountId>>::on_device_decommissioned(
			battery.id, &OWNER
		));
		assert!(!DeviceTelemetry::<Test>::contains_key(battery.id));
		assert!(!DeviceQuality::<Test>::contains_key(battery.id));
	});
}
