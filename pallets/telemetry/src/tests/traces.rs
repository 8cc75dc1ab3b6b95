//! Realistic days of a roof, an EV with V2G, a home battery and a household meter are
//! accepted in full, and what the chain keeps matches the traces.

use openvpp_primitives::{DeviceKind, DeviceState, Reading};

use super::{profiles::*, *};

/// Energy between two readings.
fn delta(from: &Reading, to: &Reading) -> (u64, u64) {
	(to.energy_in_wh - from.energy_in_wh, to.energy_out_wh - from.energy_out_wh)
}

/// Checks what the chain, consumers, the registry and the history hold after a whole trace.
fn assert_trace_kept(device: &TestDevice, readings: &[Reading], bundles: u32) {
	let first = readings.first().unwrap();
	let last = readings.last().unwrap();
	let state = device.state();
	assert_eq!(state.last_seq, readings.len() as u64 - 1);
	assert_eq!(state.last_timestamp_ms, last.timestamp_ms);
	assert_eq!(
		(state.last_energy_in_wh, state.last_energy_out_wh),
		(last.energy_in_wh, last.energy_out_wh)
	);
	assert_eq!(state.last_soc, last.soc);
	assert_eq!(state.last_state, last.state);

	// Consumers saw every Wh once: the first reading is the baseline.
	let (energy_in, energy_out) = delta(first, last);
	let log: Vec<_> = accepted_log().into_iter().filter(|(_, a)| a.device == device.id).collect();
	assert_eq!(log.len(), bundles as usize);
	assert_eq!(log.iter().map(|(_, a)| a.energy_in_wh).sum::<u64>(), energy_in);
	assert_eq!(log.iter().map(|(_, a)| a.energy_out_wh).sum::<u64>(), energy_out);
	assert_eq!(log.iter().map(|(_, a)| a.readings).sum::<u32>(), readings.len() as u32);
	assert!(log.iter().all(|(owner, a)| *owner == OWNER && a.region == REGION));
	assert!(log.windows(2).all(|w| w[0].1.to_ms == w[1].1.from_ms), "intervals chain up");

	let operations = TestRegistry::operations(device.id);
	assert_eq!((operations.energy_in_wh, operations.energy_out_wh), (energy_in, energy_out));
	assert_eq!(operations.readings_accepted, readings.len() as u32);
	assert_eq!(operations.readings_rejected, 0);

	let quality = DeviceQuality::<Test>::get(device.id);
	assert_eq!(quality.accepted_bundles, bundles);
	assert_eq!(quality.accepted_readings, readings.len() as u64);
	assert_eq!(quality.rejected_bundles(), 0);
	Telemetry::do_try_state().unwrap();
}

/// Checks that the offchain index holds exactly the trace, keyed by (device, seq).
fn assert_history(ext: &mut sp_io::TestExternalities, device: DeviceId, readings: &[Reading]) {
	ext.persist_offchain_overlay();
	for (seq, reading) in readings.iter().enumerate() {
		assert_eq!(history_entry(ext, device, seq as u64).as_ref(), Some(reading), "seq {seq}");
	}
	assert_eq!(history_entry(ext, device, readings.len() as u64), None);
}

#[test]
fn solar_roof_day_with_clouds_is_accepted_hour_by_hour() {
	let mut ext = new_test_ext();
	let readings = solar_day();
	let id = ext.execute_with(|| {
		let roof = TestDevice::register(DeviceKind::SolarPv, SOLAR_NAMEPLATE, "//Roof/5kWp");
		for (hour, chunk) in readings.chunks(4).enumerate() {
			set_now(START_MS + (hour as u64 + 1) * HOUR_MS + 20_000);
			submit_ok(vec![roof.bundle(hour as u64 * 4, chunk)]);
		}
		assert_trace_kept(&roof, &readings, 24);

		let (_, generated) = delta(&readings[0], &readings[95]);
		assert!((20_000..32_000).contains(&generated), "a 5 kWp June day, got {generated} Wh");
		let peak = accepted_log().iter().map(|(_, a)| a.peak_power_w).max().unwrap();
		assert!((3_500..=5_100).contains(&peak), "noon peak {peak} W");
		// The cloud at 10:30-11:15 shows: those quarters deliver far less than 10:15-10:30.
		let quarter = |i: usize| delta(&readings[i - 1], &readings[i]).1;
		assert!(quarter(43) * 2 < quarter(41), "{} vs {}", quarter(43), quarter(41));
		assert!(accepted_log().iter().all(|(_, a)| a.kind == DeviceKind::SolarPv));

		// Each hourly bundle arrived in a new epoch: the accumulators hold the last hour.
		let state = roof.state();
		assert_eq!(state.epoch as u64, (START_MS + 24 * HOUR_MS + 20_000) / HOUR_MS);
		assert_eq!(state.epoch_readings, 4);
		assert_eq!(state.epoch_energy_out_wh, delta(&readings[91], &readings[95]).1);
		roof.id
	});
	assert_history(&mut ext, id, &readings);
}

#[test]
fn ev_charges_overnight_drives_and_delivers_v2g() {
	let mut ext = new_test_ext();
	let readings = ev_day();
	let id = ext.execute_with(|| {
		let ev = TestDevice::register(DeviceKind::Ev, EV_NAMEPLATE, "//Ev/60kWh");
		let mut bundles = 0;
		for (hour, chunk) in readings.chunks(4).enumerate() {
			let first_seq = hour as u64 * 4;
			if hour == 18 {
				// During the V2G event the gateway reports every quarter for the operator.
				for (i, reading) in chunk.iter().enumerate() {
					set_now(reading.timestamp_ms + 5_000);
					submit_ok(vec![ev.bundle(first_seq + i as u64, &[*reading])]);
					bundles += 1;
					if i == 2 {
						// 17:00-18:00 (submitted at 18:00:20) and 18:15-18:45 share an epoch.
						let state = ev.state();
						assert_eq!(state.epoch_readings, 7);
						assert_eq!(
							state.epoch_energy_out_wh,
							delta(&readings[67], &readings[74]).1
						);
					}
				}
			} else {
				set_now(START_MS + (hour as u64 + 1) * HOUR_MS + 20_000);
				submit_ok(vec![ev.bundle(first_seq, chunk)]);
				bundles += 1;
			}
		}
		assert_trace_kept(&ev, &readings, bundles);

		// V2G: an hour at the 11 kW nameplate, ~11 kWh out, SoC down by about 19 points.
		let log = accepted_log();
		let v2g: Vec<_> =
			log.iter().filter(|(_, a)| a.last_state == DeviceState::Discharging).collect();
		assert_eq!(v2g.len(), 4);
		assert!(v2g.iter().all(|(_, a)| (10_990..=11_010).contains(&a.peak_power_w)));
		let delivered: u64 = v2g.iter().map(|(_, a)| a.energy_out_wh).sum();
		assert!((10_999..=11_001).contains(&delivered), "{delivered} Wh");
		let soc = |i: usize| readings[i].soc.unwrap().deconstruct() as i64;
		let drop_ppm = soc(71) - soc(75);
		assert!((180_000..200_000).contains(&drop_ppm), "V2G SoC drop {drop_ppm} ppm");

		// Overnight it charged at 7.4 kW and the commutes drained the pack while offline.
		assert!(log[0].1.peak_power_w >= 7_390 && log[0].1.peak_power_w <= 7_410);
		assert!(soc(31) < soc(27), "driving to work used charge");
		assert!(readings[28..68].iter().all(|r| r.state == DeviceState::Offline));
		let state = ev.state();
		assert!(state.last_soc.unwrap() >= sp_runtime::Permill::from_percent(50));
		ev.id
	});
	assert_history(&mut ext, id, &readings);
}

#[test]
fn home_battery_cycles_for_two_days() {
	let mut ext = new_test_ext();
	let readings = battery_two_days();
	let id = ext.execute_with(|| {
		let battery =
			TestDevice::register(DeviceKind::Battery, BATTERY_NAMEPLATE, "//Home/battery");
		for (i, chunk) in readings.chunks(8).enumerate() {
			set_now(START_MS + (i as u64 + 1) * 2 * HOUR_MS + 30_000);
			submit_ok(vec![battery.bundle(i as u64 * 8, chunk)]);
		}
		assert_trace_kept(&battery, &readings, 24);

		// Full cycles: up to 100 % at noon, down to under 15 % at night, ~90 % round trip.
		let socs: Vec<u32> = readings.iter().map(|r| r.soc.unwrap().deconstruct()).collect();
		assert_eq!(*socs.iter().max().unwrap(), 1_000_000);
		assert!(*socs.iter().min().unwrap() < 150_000);
		let (charged, discharged) = delta(&readings[0], &readings[191]);
		assert!((20_000..26_000).contains(&charged), "{charged} Wh charged");
		assert!((20_000..26_000).contains(&discharged), "{discharged} Wh discharged");
		battery.id
	});
	assert_history(&mut ext, id, &readings);
}

#[test]
fn household_meter_day_in_one_full_bundle() {
	let mut ext = new_test_ext();
	let readings = household_day();
	let id = ext.execute_with(|| {
		let meter = TestDevice::register(DeviceKind::SmartMeter, METER_NAMEPLATE, "//House/meter");
		set_now(START_MS + 24 * HOUR_MS + 10_000);
		assert_eq!(readings.len() as u32, MaxReadingsPerBundle::get());
		submit_ok(vec![meter.bundle(0, &readings)]);
		assert_eq!(last_submitted(), (1, 96, 0));
		assert_trace_kept(&meter, &readings, 1);

		let (imported, exported) = delta(&readings[0], &readings[95]);
		assert!((9_000..13_000).contains(&imported), "{imported} Wh imported");
		assert!((8_000..10_000).contains(&exported), "{exported} Wh exported");
		let state = meter.state();
		assert_eq!(state.epoch_readings, 96);
		assert_eq!((state.epoch_energy_in_wh, state.epoch_energy_out_wh), (imported, exported));
		meter.id
	});
	assert_history(&mut ext, id, &readings);
}
