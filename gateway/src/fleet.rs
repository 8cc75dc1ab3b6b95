//! Simulated devices that behave like real ones: a PV array under passing clouds, an EV that
//! drives, plugs in and charges (and discharges to the grid only when a demand-response event
//! it is enrolled in dispatches it), a home battery doing arbitrage, and a household meter.

use openvpp_primitives::{
	keys::DeviceKeyPair,
	ocmf::{self, MeterIdentity, MeterSample},
	p256::ecdsa::SigningKey,
	DeviceKind, DeviceState, Nameplate, Reading,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use sp_arithmetic::Permill;

const HOUR_MS: u64 = 3_600_000;

/// One simulated device: its nameplate and its running registers.
pub struct SimDevice {
	/// Kind of device.
	pub kind: DeviceKind,
	/// Nameplate ratings.
	pub nameplate: Nameplate,
	energy_in_wh: f64,
	energy_out_wh: f64,
	soc: f64,
	rng: StdRng,
	cloud: f64,
	plugged: bool,
	/// A demand-response dispatch the device follows inside its window.
	pub dispatch: Option<Dispatch>,
}

/// What a demand-response event asks of an enrolled device.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dispatch {
	/// Discharge to the grid, curtail consumption, or absorb by charging.
	pub direction: pallet_v2g::Direction,
	/// Committed power, W.
	pub power_w: u32,
	/// State of charge the device keeps, 0..1.
	pub soc_floor: f64,
	/// Window, ms since the Unix epoch.
	pub start_ms: u64,
	/// End of the window.
	pub end_ms: u64,
}

impl SimDevice {
	/// A device of a fleet: the i-th device cycles through the kinds.
	pub fn for_index(i: u64, seed: u64) -> Self {
		let kind = match i % 4 {
			0 => DeviceKind::SolarPv,
			1 => DeviceKind::Ev,
			2 => DeviceKind::Battery,
			_ => DeviceKind::SmartMeter,
		};
		Self::new(kind, seed.wrapping_add(i))
	}

	/// A device of `kind` with a typical residential nameplate.
	pub fn new(kind: DeviceKind, seed: u64) -> Self {
		let nameplate = match kind {
			// 5 kWp roof with a 5 kW inverter.
			DeviceKind::SolarPv => {
				Nameplate { capacity_wh: 0, max_import_w: 50, max_export_w: 5_000 }
			}
			// 60 kWh pack, 7.4 kW AC charging, 11 kW bidirectional discharge.
			DeviceKind::Ev => {
				Nameplate { capacity_wh: 60_000, max_import_w: 7_400, max_export_w: 11_000 }
			}
			// 13.5 kWh home battery, 5 kW both ways.
			DeviceKind::Battery => {
				Nameplate { capacity_wh: 13_500, max_import_w: 5_000, max_export_w: 5_000 }
			}
			// 63 A single-phase household connection.
			DeviceKind::SmartMeter => {
				Nameplate { capacity_wh: 0, max_import_w: 14_500, max_export_w: 5_000 }
			}
			DeviceKind::Wind => {
				Nameplate { capacity_wh: 0, max_import_w: 1_000, max_export_w: 100_000 }
			}
			DeviceKind::HeatPump => {
				Nameplate { capacity_wh: 0, max_import_w: 3_000, max_export_w: 0 }
			}
		};
		let mut rng = StdRng::seed_from_u64(seed);
		let soc = if kind.is_storage() { rng.gen_range(0.35..0.8) } else { 0.0 };
		Self {
			kind,
			nameplate,
			energy_in_wh: rng.gen_range(0.0..5_000.0),
			energy_out_wh: rng.gen_range(0.0..5_000.0),
			soc,
			rng,
			cloud: 1.0,
			plugged: true,
			dispatch: None,
		}
	}

	/// An AC charging point of a certified fleet: an EV with [`CHARGING_POINT_NAMEPLATE`].
	pub fn charging_point(seed: u64) -> Self {
		Self { nameplate: CHARGING_POINT_NAMEPLATE, ..Self::new(DeviceKind::Ev, seed) }
	}

	/// Continues from the registers (and SoC) the chain last accepted, so a restarted
	/// simulator never reports a register going backwards.
	pub fn resume(&mut self, energy_in_wh: u64, energy_out_wh: u64, soc: Option<Permill>) {
		self.energy_in_wh = energy_in_wh as f64;
		self.energy_out_wh = energy_out_wh as f64;
		if let Some(soc) = soc {
			self.soc = f64::from(soc.deconstruct()) / 1_000_000.0;
		}
	}

	/// Advances the device by `interval_ms` ending at `at_ms` and returns the reading it
	/// reports then.
	pub fn step(&mut self, at_ms: u64, interval_ms: u64) -> Reading {
		let hours = interval_ms as f64 / HOUR_MS as f64;
		let hour_of_day = ((at_ms % (24 * HOUR_MS)) as f64) / HOUR_MS as f64;
		let dispatched = self
			.dispatch
			.filter(|d| at_ms > d.start_ms && at_ms <= d.end_ms && self.kind.is_storage());
		let (import_w, export_w, state) = match (dispatched, self.kind) {
			// Enrolled in an event and inside its window: follow the dispatch, down to the
			// driver's (or owner's) SoC floor.
			(Some(d), _) => {
				self.plugged = true;
				let power = f64::from(d.power_w);
				match d.direction {
					pallet_v2g::Direction::Discharge if self.soc > d.soc_floor + 0.01 => (
						0.0,
						power.min(f64::from(self.nameplate.max_export_w)),
						DeviceState::Discharging,
					),
					pallet_v2g::Direction::Absorb => (
						power.min(f64::from(self.nameplate.max_import_w)),
						0.0,
						DeviceState::Charging,
					),
					_ => (0.0, 0.0, DeviceState::Idle),
				}
			}
			(None, kind) => self.free_running(kind, hour_of_day),
		};
		self.account(import_w, export_w, hours, at_ms, state)
	}

	/// What the device does on its own: sun and clouds, driving and charging, arbitrage, load.
	fn free_running(&mut self, kind: DeviceKind, hour_of_day: f64) -> (f64, f64, DeviceState) {
		match kind {
			DeviceKind::SolarPv | DeviceKind::Wind => {
				// Clear-sky bell between 06:00 and 20:00, clouds as a slow random walk.
				self.cloud = (self.cloud + self.rng.gen_range(-0.15..0.15)).clamp(0.2, 1.0);
				let sun = ((hour_of_day - 6.0) / 14.0 * std::f64::consts::PI).sin().max(0.0);
				let p = f64::from(self.nameplate.max_export_w) * 0.92 * sun * self.cloud;
				if p > 1.0 {
					(0.0, p, DeviceState::Generating)
				} else {
					(5.0, 0.0, DeviceState::Idle)
				}
			}
			DeviceKind::Ev => {
				if self.rng.gen_bool(0.02) {
					self.plugged = !self.plugged;
				}
				if !self.plugged {
					// Driving: the pack drains but nothing crosses the charger.
					self.soc = (self.soc - 0.01).max(0.1);
					(0.0, 0.0, DeviceState::Offline)
				} else if self.soc < 0.9 {
					(f64::from(self.nameplate.max_import_w) * 0.95, 0.0, DeviceState::Charging)
				} else {
					(0.0, 0.0, DeviceState::Idle)
				}
			}
			DeviceKind::Battery | DeviceKind::HeatPump => {
				if self.kind == DeviceKind::HeatPump {
					(
						f64::from(self.nameplate.max_import_w) * self.rng.gen_range(0.2..0.8),
						0.0,
						DeviceState::Idle,
					)
				} else if (10.0..15.0).contains(&hour_of_day) && self.soc < 0.95 {
					(f64::from(self.nameplate.max_import_w) * 0.8, 0.0, DeviceState::Charging)
				} else if (17.0..22.0).contains(&hour_of_day) && self.soc > 0.15 {
					(0.0, f64::from(self.nameplate.max_export_w) * 0.8, DeviceState::Discharging)
				} else if self.soc < 0.5 {
					(f64::from(self.nameplate.max_import_w) * 0.4, 0.0, DeviceState::Charging)
				} else {
					(0.0, f64::from(self.nameplate.max_export_w) * 0.3, DeviceState::Discharging)
				}
			}
			DeviceKind::SmartMeter => {
				let base = 250.0 + 1_500.0 * ((hour_of_day - 7.0).max(0.0) / 15.0).min(1.0);
				(base * self.rng.gen_range(0.6..1.4), 0.0, DeviceState::Idle)
			}
		}
	}

	/// Moves the registers (and SoC) by what flowed in the interval and reports the reading.
	fn account(
		&mut self,
		import_w: f64,
		export_w: f64,
		hours: f64,
		at_ms: u64,
		state: DeviceState,
	) -> Reading {
		let mut d_in = import_w * hours;
		let mut d_out = export_w * hours;
		if self.kind.is_storage() {
			let cap = self.nameplate.capacity_wh as f64;
			// Keep SoC within 5..100 % and let it follow the energy actually moved.
			let room = (1.0 - self.soc) * cap / 0.95;
			d_in = d_in.min(room.max(0.0));
			let available = (self.soc - 0.05).max(0.0) * cap * 0.95;
			d_out = d_out.min(available);
			self.soc = (self.soc + (d_in * 0.95 - d_out / 0.95) / cap).clamp(0.0, 1.0);
		}
		self.energy_in_wh += d_in;
		self.energy_out_wh += d_out;
		Reading {
			timestamp_ms: at_ms,
			energy_in_wh: self.energy_in_wh.floor() as u64,
			energy_out_wh: self.energy_out_wh.floor() as u64,
			soc: self
				.kind
				.is_storage()
				.then(|| Permill::from_parts((self.soc * 1_000_000.0).round() as u32)),
			state,
		}
	}
}

/// Nameplate of a certified fleet's charging points: 11 kW AC, no export. The chain counts an
/// EV as storage and requires a capacity, so it declares the 60 kWh pack of a typical car (an
/// OCMF meter reports no SoC, so no check depends on it).
pub const CHARGING_POINT_NAMEPLATE: Nameplate =
	Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 0 };

/// What the car at an OCMF charging point draws, W (7.4 kW single-phase AC charging).
pub const CHARGE_POWER_W: u64 = 7_400;

/// An OCMF record as a charger serves it, with the sample it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRecord {
	/// `OCMF|{payload}|{signature}`.
	pub record: String,
	/// The import register of its sample, Wh.
	pub import_wh: u64,
	/// Time of its sample, ms since the Unix epoch.
	pub timestamp_ms: u64,
}

/// The Eichrecht meter of a charging point: it signs one OCMF record per sample, with the
/// import register a car charging at [`CHARGE_POWER_W`] drives.
pub struct OcmfMeter {
	/// What the meter writes into every record (`MS` is the certified serial).
	pub identity: MeterIdentity,
	/// Import register, Wh.
	import_wh: u64,
	/// Energy charged that is not a whole Wh yet, W·ms.
	carry_w_ms: u64,
	/// Time of the last sample, ms (0: none yet).
	last_ms: u64,
	/// Number of the next record (`PG` `T<n>`).
	next_page: u64,
	/// Whether the transaction has begun (`TX` `B` written).
	begun: bool,
}

impl OcmfMeter {
	/// A meter whose register starts where `seed` puts it (a wallbox that has delivered a few
	/// MWh already).
	pub fn new(identity: MeterIdentity, seed: u64) -> Self {
		let import_wh = StdRng::seed_from_u64(seed).gen_range(1_000_000..5_000_000);
		Self { identity, import_wh, carry_w_ms: 0, last_ms: 0, next_page: 1, begun: false }
	}

	/// Continues from what the chain last accepted from the meter.
	pub fn resume(&mut self, state: Option<&pallet_telemetry::TelemetryState>) {
		if let Some(s) = state {
			self.import_wh = s.last_energy_in_wh;
			self.last_ms = s.last_timestamp_ms;
			self.next_page = s.last_seq + 2;
			self.carry_w_ms = 0;
		}
	}

	/// Samples the register at `now_ms` (or 1 ms after the last sample, whichever is later)
	/// and signs the record of that one sample: `TX` `B` for the first of a run, `T` after.
	/// The register advances by what the car drew since the last sample, counting at most
	/// `max_gap_ms` of charging (a charger that was down charged nothing meanwhile).
	pub fn next_record(&mut self, key: &SigningKey, now_ms: u64, max_gap_ms: u64) -> SignedRecord {
		let at = now_ms.max(self.last_ms + 1);
		if self.last_ms > 0 {
			let charging_ms = (at - self.last_ms).min(max_gap_ms);
			let energy_w_ms = self.carry_w_ms + CHARGE_POWER_W * charging_ms;
			self.import_wh += energy_w_ms / HOUR_MS;
			self.carry_w_ms = energy_w_ms % HOUR_MS;
		}
		let tx = if self.begun { b'T' } else { b'B' };
		let sample = MeterSample { timestamp_ms: at, tx, import_wh: self.import_wh };
		let payload =
			ocmf::write_payload(&self.identity, &format!("T{}", self.next_page), &[sample]);
		self.begun = true;
		self.last_ms = at;
		self.next_page += 1;
		SignedRecord {
			record: ocmf::sign_record_p256(&payload, key),
			import_wh: self.import_wh,
			timestamp_ms: at,
		}
	}
}

/// Readings per bundle the runtime accepts.
pub type MaxReadings = <openvpp_runtime::Runtime as pallet_telemetry::Config>::MaxReadingsPerBundle;

/// A registered fleet device: its id and key, its simulation, and where its readings go on.
pub struct FleetMember {
	/// Device id on chain.
	pub id: openvpp_primitives::DeviceId,
	/// The device key that signs its bundles.
	pub key: openvpp_primitives::keys::DeviceKeyPair,
	/// Its simulated physics.
	pub sim: SimDevice,
	/// Sequence number of its next reading.
	pub next_seq: u64,
	/// Timestamp of its last reading, ms (0: none yet).
	pub last_ms: u64,
	/// Its commissioning time on chain, ms: the chain refuses readings from before it, so the
	/// first bundle starts no earlier.
	pub commissioned_ms: u64,
	/// Its OCMF meter, for a certified charging point.
	pub meter: Option<OcmfMeter>,
}

impl FleetMember {
	/// Continues from the chain's state of the device (registers, SoC, sequence, time).
	pub fn resume_from(&mut self, state: Option<&pallet_telemetry::TelemetryState>) {
		if let Some(meter) = self.meter.as_mut() {
			meter.resume(state);
		}
		match state {
			Some(s) => {
				self.sim.resume(s.last_energy_in_wh, s.last_energy_out_wh, s.last_soc);
				self.next_seq = s.last_seq + 1;
				self.last_ms = s.last_timestamp_ms;
			}
			None => {
				self.next_seq = 0;
				self.last_ms = 0;
			}
		}
	}

	/// Signs the next bundle: `readings` readings spread evenly from the last one to a few
	/// seconds before `now_ms` (so they are never ahead of chain time), or over
	/// `first_interval_ms` each if the device has not reported yet. The energy of each interval
	/// is what the device would really have moved in it.
	pub fn next_bundle(
		&mut self,
		genesis: sp_core::H256,
		now_ms: u64,
		readings: u32,
		first_interval_ms: u64,
	) -> Result<openvpp_primitives::Bundle<MaxReadings>, String> {
		let end = now_ms.saturating_sub(3_000);
		let n = u64::from(readings.max(1));
		let start = self.next_start_ms(now_ms, readings, first_interval_ms);
		if !self.has_news(now_ms, readings, first_interval_ms) {
			return Err("no time has passed since the last reading".into());
		}
		let step_ms = (end - start) / n;
		let values: Vec<Reading> =
			(1..=n).map(|r| self.sim.step(start + r * step_ms, step_ms)).collect();
		let bundle = self
			.key
			.signed_bundle(genesis, self.id, self.next_seq, &values)
			.map_err(|e| format!("cannot sign a bundle: {e:?}"))?;
		self.next_seq += n;
		self.last_ms = start + n * step_ms;
		Ok(bundle)
	}

	/// Where the next bundle starts: the last reading, or `readings × first_interval_ms`
	/// before `now_ms` (not before commissioning) for a device that has not reported yet.
	fn next_start_ms(&self, now_ms: u64, readings: u32, first_interval_ms: u64) -> u64 {
		if self.last_ms != 0 {
			return self.last_ms;
		}
		let end = now_ms.saturating_sub(3_000);
		end.saturating_sub(u64::from(readings.max(1)) * first_interval_ms).max(self.commissioned_ms)
	}

	/// Whether enough time has passed since the last reading (or commissioning) for
	/// `readings` new readings at `now_ms`.
	pub fn has_news(&self, now_ms: u64, readings: u32, first_interval_ms: u64) -> bool {
		let end = now_ms.saturating_sub(3_000);
		end > self.next_start_ms(now_ms, readings, first_interval_ms) + u64::from(readings.max(1))
	}

	/// Signs the next OCMF record of the device's meter (see [`OcmfMeter::next_record`]).
	pub fn next_ocmf_record(
		&mut self,
		now_ms: u64,
		max_gap_ms: u64,
	) -> Result<SignedRecord, String> {
		let DeviceKeyPair::P256(key) = &self.key else {
			return Err("only P-256 meters sign OCMF records".into());
		};
		let meter = self.meter.as_mut().ok_or("the device has no OCMF meter")?;
		Ok(meter.next_record(key, now_ms, max_gap_ms))
	}
}
