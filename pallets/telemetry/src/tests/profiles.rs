//! Realistic device traces: what a 5 kWp roof, an EV with V2G, a home battery and a household
//! meter report over a day, every 15 minutes.
//!
//! Energy is integrated in floating point and reported as integer Wh registers (floored, like
//! a meter display); SoC follows the energy with charging and discharging losses and is
//! rounded to the wire's basis points.

use openvpp_primitives::{DeviceState, Nameplate, Reading};
use sp_runtime::Permill;

use crate::mock::{HOUR_MS, QUARTER_MS, START_MS};

/// 5 kWp roof with a 5 kW inverter drawing a few watts at night.
pub const SOLAR_NAMEPLATE: Nameplate =
	Nameplate { capacity_wh: 0, max_import_w: 50, max_export_w: 5_000 };
/// EV with a 60 kWh pack and a bidirectional 11 kW charger.
pub const EV_NAMEPLATE: Nameplate =
	Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 11_000 };
/// 13.5 kWh home battery, 5 kW continuous.
pub const BATTERY_NAMEPLATE: Nameplate =
	Nameplate { capacity_wh: 13_500, max_import_w: 5_000, max_export_w: 5_000 };
/// Household grid connection: 25 A three-phase import, 5 kW export limit of the PV.
pub const METER_NAMEPLATE: Nameplate =
	Nameplate { capacity_wh: 0, max_import_w: 17_250, max_export_w: 5_000 };

/// Steps a device through time and records its readings.
pub struct TraceBuilder {
	/// Time of the last reading, ms.
	pub now_ms: u64,
	energy_in_wh: f64,
	energy_out_wh: f64,
	/// State of charge as a fraction, for storage.
	pub soc: Option<f64>,
	capacity_wh: f64,
	charge_efficiency: f64,
	discharge_efficiency: f64,
	/// Readings so far.
	pub readings: Vec<Reading>,
}

impl TraceBuilder {
	/// A device whose registers stand at the given values at `start_ms`.
	pub fn new(start_ms: u64, energy_in_wh: f64, energy_out_wh: f64) -> Self {
		TraceBuilder {
			now_ms: start_ms,
			energy_in_wh,
			energy_out_wh,
			soc: None,
			capacity_wh: 0.0,
			charge_efficiency: 1.0,
			discharge_efficiency: 1.0,
			readings: Vec::new(),
		}
	}

	/// Makes it a storage device with this capacity, SoC and efficiencies.
	pub fn storage(mut self, capacity_wh: u64, soc: f64, charge: f64, discharge: f64) -> Self {
		self.capacity_wh = capacity_wh as f64;
		self.soc = Some(soc);
		self.charge_efficiency = charge;
		self.discharge_efficiency = discharge;
		self
	}

	/// Advances 15 minutes at the given average powers and records a reading.
	pub fn quarter(&mut self, import_w: f64, export_w: f64, state: DeviceState) {
		self.step(QUARTER_MS, import_w, export_w, 0.0, state);
	}

	/// Advances `dt_ms` at the given average powers, with `used_wh` taken from storage for
	/// something other than the grid (driving), and records a reading.
	pub fn step(
		&mut self,
		dt_ms: u64,
		import_w: f64,
		export_w: f64,
		used_wh: f64,
		state: DeviceState,
	) {
		let hours = dt_ms as f64 / HOUR_MS as f64;
		let mut in_wh = import_w * hours;
		let mut out_wh = export_w * hours;
		if let Some(soc) = self.soc {
			// Stop charging when full and discharging when empty, as a BMS does.
			let room_wh = (1.0 - soc) * self.capacity_wh / self.charge_efficiency;
			in_wh = in_wh.min(room_wh.max(0.0));
			let left_wh = soc * self.capacity_wh * self.discharge_efficiency;
			out_wh = out_wh.min(left_wh.max(0.0));
			let stored =
				in_wh * self.charge_efficiency - out_wh / self.discharge_efficiency - used_wh;
			self.soc = Some((soc + stored / self.capacity_wh).clamp(0.0, 1.0));
		}
		self.energy_in_wh += in_wh;
		self.energy_out_wh += out_wh;
		self.now_ms += dt_ms;
		self.readings.push(Reading {
			timestamp_ms: self.now_ms,
			energy_in_wh: self.energy_in_wh.floor() as u64,
			energy_out_wh: self.energy_out_wh.floor() as u64,
			soc: self.soc.map(|s| Permill::from_parts((s * 10_000.0).round() as u32 * 100)),
			state,
		});
	}
}

/// Hour of day (fractional) of a time, counted from [`START_MS`] (midnight).
fn hour_of_day(ms: u64) -> f64 {
	((ms - START_MS) % (24 * HOUR_MS)) as f64 / HOUR_MS as f64
}

/// Cloud cover over the roof: passing cumulus in the late morning and afternoon.
fn cloud_factor(hour: f64) -> f64 {
	match hour {
		h if (10.5..11.25).contains(&h) => 0.35,
		h if (13.0..13.5).contains(&h) => 0.5,
		h if (15.75..16.0).contains(&h) => 0.25,
		_ => 1.0,
	}
}

/// A June day on a 5 kWp roof (midnight to midnight, 96 readings): sunrise ~06:00, sunset
/// ~21:00, 4.0 kW clear-sky peak after inverter losses, three passing clouds (~26 kWh).
pub fn solar_day() -> Vec<Reading> {
	let mut t = TraceBuilder::new(START_MS, 2_150.0, 8_412_345.0);
	for _ in 0..96 {
		let mid = hour_of_day(t.now_ms) + 0.125;
		let sun = ((mid - 6.0) / 15.0 * core::f64::consts::PI).sin().max(0.0);
		let export_w = 4_000.0 * sun.powf(1.8) * cloud_factor(mid);
		let (import_w, state) =
			if export_w > 20.0 { (0.0, DeviceState::Generating) } else { (4.0, DeviceState::Idle) };
		t.quarter(import_w, export_w, state);
	}
	t.readings
}

/// A day of an EV on a bidirectional wallbox: charges at 7.4 kW overnight to 80 %, drives to
/// work and back (SoC falls while `Offline`), delivers 11 kW to the grid in a V2G event from
/// 18:00 to 19:00, then charges again from 23:00.
pub fn ev_day() -> Vec<Reading> {
	let mut t =
		TraceBuilder::new(START_MS, 4_210_000.0, 310_500.0).storage(60_000, 0.35, 0.92, 0.95);
	for _ in 0..96 {
		let hour = hour_of_day(t.now_ms);
		let soc = t.soc.unwrap_or(0.0);
		match hour {
			h if !(7.0..23.0).contains(&h) => {
				if soc < 0.80 {
					t.quarter(7_400.0, 0.0, DeviceState::Charging)
				} else {
					t.quarter(0.0, 0.0, DeviceState::Idle)
				}
			}
			// Commute: 45 minutes each way, ~5 kWh from the pack.
			h if (7.0..7.75).contains(&h) || (17.0..17.75).contains(&h) => {
				t.step(QUARTER_MS, 0.0, 0.0, 1_650.0, DeviceState::Offline)
			}
			h if h < 17.75 => t.quarter(0.0, 0.0, DeviceState::Offline),
			h if (18.0..19.0).contains(&h) => t.quarter(0.0, 11_000.0, DeviceState::Discharging),
			_ => t.quarter(0.0, 0.0, DeviceState::Idle),
		}
	}
	t.readings
}

/// Two days of a 13.5 kWh home battery: charged from PV surplus late morning, discharged into
/// the house in the evening, idle (with a little standby draw) otherwise.
pub fn battery_two_days() -> Vec<Reading> {
	let mut t =
		TraceBuilder::new(START_MS, 1_204_000.0, 1_088_000.0).storage(13_500, 0.20, 0.95, 0.95);
	for _ in 0..192 {
		let hour = hour_of_day(t.now_ms);
		match hour {
			h if (10.0..13.0).contains(&h) => t.quarter(4_200.0, 0.0, DeviceState::Charging),
			h if (18.0..22.0).contains(&h) => t.quarter(0.0, 3_000.0, DeviceState::Discharging),
			_ => t.quarter(20.0, 0.0, DeviceState::Idle),
		}
	}
	t.readings
}

/// A household meter over a day: base load, a morning and an evening peak, PV surplus fed in
/// around noon (~10 kWh imported, ~9 kWh exported).
pub fn household_day() -> Vec<Reading> {
	let mut t = TraceBuilder::new(START_MS, 23_456_789.0, 5_432_100.0);
	for _ in 0..96 {
		let hour = hour_of_day(t.now_ms);
		let (import_w, export_w) = match hour {
			h if (6.5..8.5).contains(&h) => (1_800.0, 0.0),
			h if (10.0..16.0).contains(&h) => (30.0, 1_500.0),
			h if (18.0..21.0).contains(&h) => (1_450.0, 0.0),
			_ => (250.0, 0.0),
		};
		t.quarter(import_w, export_w, DeviceState::Idle);
	}
	t.readings
}
