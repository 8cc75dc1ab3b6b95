//! Bundle verification as pure functions of (device, last state, bundle, chain time, genesis).
//!
//! Nothing here reads or writes storage, so the same code runs in the pallet, in the fuzz
//! target and in property tests. The checks run in the order of [`RejectReason`]; the first
//! that fails decides the reason.
//!
//! The physics rules, in one place:
//! - **Nameplate.** In every interval between consecutive readings (and between the last
//!   accepted reading and the bundle's first), the energy into the device may not exceed
//!   [`max_energy_wh`] of `max_import_w`, nor the energy out of it that of `max_export_w`:
//!   power × elapsed time, plus `nameplate_tolerance` of that (meter class, short inverter
//!   overload), plus 1 Wh of register resolution. A device rated 0 W in a direction may not
//!   move its register in that direction at all.
//! - **State of charge.** Between two readings that both carry a SoC, the change of stored
//!   energy (`ΔSoC × capacity`) must match the net energy that flowed (`Δin − Δout`) within
//!   [`soc_allowance_wh`]: `soc_energy_tolerance` of the energy that flowed (charging and
//!   conversion losses) plus `soc_capacity_tolerance` of the capacity (SoC estimation error,
//!   self-discharge, standby consumption). An EV whose readings show it `Offline` in between
//!   may have driven: its SoC may then fall by any amount, but still not rise unexplained.
//! - **Joint nameplate.** Energy in and out of one interval share its time:
//!   `in / max_in + out / max_out ≤ 1`, with `max_in`, `max_out` the [`max_energy_wh`] of each
//!   direction. A battery cannot charge and discharge at full power in the same quarter hour.
//! - **State of charge is mandatory** for storage (every reading of an EV or battery carries
//!   one) unless the device is manufacturer-certified hardware (a certified charge-point meter
//!   signs its registers but cannot see the pack).
//! - **State and flow agree.** A device `Offline` at both ends of an interval moved no energy.
//! - **Time.** No reading before the device's commissioning. An interval longer than
//!   `max_valued_interval_ms` (a device that was silent) is checked and recorded, but its
//!   energy is left out of [`AcceptedReadings::hours`], so it is never valued.
//! - **Hours.** The energy that counts is split by the UTC hour it happened in, each
//!   interval's energy spread evenly over its time, so that valuation (time of use, epochs) and
//!   hourly certificates see when energy flowed, not when the bundle ended.

use alloc::vec::Vec;
use openvpp_primitives::{
	bundle_message,
	ocmf::{self, OcmfError},
	pack_readings, serial_hash, verify_device_signature, AcceptedReadings, Bundle, DeviceId,
	DeviceKind, DeviceState, DeviceStatus, DeviceView, HourEnergy, PackedReading, Reading,
	TimestampMs, WattHours,
};
use sp_core::{Get, H256};
use sp_runtime::Permill;

use crate::types::{RejectReason, TelemetryLimits, TelemetryState};

/// Milliseconds per hour: W × ms / this = Wh; also the length of a UTC hour.
pub const MS_PER_HOUR: u64 = 3_600_000;
/// Parts per million of a whole SoC (the resolution of [`Permill`]).
const SOC_PPM: u32 = 1_000_000;
/// Parts per million per basis point on the wire.
const PPM_PER_BP: u32 = 100;

/// Chain-side inputs of verification besides the device and its state.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct VerifyContext {
	/// Chain time, ms since the Unix epoch.
	pub now_ms: TimestampMs,
	/// Genesis hash of the chain, part of every signed payload.
	pub genesis: H256,
	/// Limits and tolerances.
	pub limits: TelemetryLimits,
}

/// A bundle that passed every check, with everything the pallet then writes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifiedBundle {
	/// The readings in absolute form, oldest first (for the offchain index).
	pub readings: Vec<Reading>,
	/// The device's state after the bundle.
	pub state: TelemetryState,
	/// What consumers of accepted telemetry are told.
	pub accepted: AcceptedReadings,
}

/// A reading in absolute form with its SoC still unchecked (ppm, may exceed 100 %).
#[derive(Clone, Copy)]
struct Point {
	timestamp_ms: TimestampMs,
	energy_in_wh: WattHours,
	energy_out_wh: WattHours,
	soc_ppm: Option<u32>,
	state: DeviceState,
}

impl Point {
	fn from_state(state: &TelemetryState) -> Self {
		Point {
			timestamp_ms: state.last_timestamp_ms,
			energy_in_wh: state.last_energy_in_wh,
			energy_out_wh: state.last_energy_out_wh,
			soc_ppm: state.last_soc.map(|s| s.deconstruct()),
			state: state.last_state,
		}
	}

	fn soc(&self) -> Option<Permill> {
		self.soc_ppm.map(Permill::from_parts)
	}

	fn reading(&self) -> Reading {
		Reading {
			timestamp_ms: self.timestamp_ms,
			energy_in_wh: self.energy_in_wh,
			energy_out_wh: self.energy_out_wh,
			soc: self.soc(),
			state: self.state,
		}
	}
}

/// Checks that the device exists, is active and that the gateway may submit for it.
///
/// `gateway_authorized` is asked only for an active device (it may cost a storage read).
pub fn check_access<AccountId>(
	device: Option<&DeviceView<AccountId>>,
	gateway_authorized: impl FnOnce() -> bool,
) -> Result<&DeviceView<AccountId>, RejectReason> {
	let view = device.ok_or(RejectReason::UnknownDevice)?;
	if view.status != DeviceStatus::Active {
		return Err(RejectReason::DeviceNotActive);
	}
	if !gateway_authorized() {
		return Err(RejectReason::GatewayNotAuthorized);
	}
	Ok(view)
}

/// Checks the device's signature over the bundle payload for this chain.
pub fn check_signature<AccountId, MaxReadings: Get<u32>>(
	view: &DeviceView<AccountId>,
	bundle: &Bundle<MaxReadings>,
	genesis: H256,
) -> Result<(), RejectReason> {
	let message = bundle_message(genesis, bundle.device, bundle.first_seq, &bundle.readings);
	if verify_device_signature(&view.signer, &message, &bundle.signature) {
		Ok(())
	} else {
		Err(RejectReason::BadSignature)
	}
}

/// Every check after access: signature, then [`check_readings`].
pub fn verify_bundle<AccountId, MaxReadings: Get<u32>>(
	view: &DeviceView<AccountId>,
	state: Option<&TelemetryState>,
	bundle: &Bundle<MaxReadings>,
	ctx: &VerifyContext,
) -> Result<VerifiedBundle, RejectReason> {
	check_signature(view, bundle, ctx.genesis)?;
	check_readings(view, state, bundle.device, bundle.first_seq, &bundle.readings, ctx)
}

/// An OCMF record that passed every check.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifiedOcmf {
	/// Sequence number the chain gave the record's first new reading.
	pub first_seq: u64,
	/// Everything the pallet then writes, as for a bundle.
	pub bundle: VerifiedBundle,
}

/// Checks an OCMF record signed by the device's meter and the readings it carries.
///
/// Order: the record's form and signature (with the device's registered key, whose curve must
/// be the record's `SA`), the meter serial against the certified one, the mapping of its
/// registers to readings, then every check a bundle gets ([`check_readings`]).
///
/// Records carry no chain sequence numbers: the readings a record adds are numbered on from the
/// device's last accepted one. Readings at or before the last accepted time are already on
/// chain (a transaction's end record repeats its begin reading, and a meter's periodic records
/// overlap the end record) and are skipped; a record with nothing newer is a replay
/// ([`RejectReason::SequenceReplayed`]), however its signature is encoded, so one payload
/// never counts twice.
pub fn verify_ocmf<AccountId>(
	view: &DeviceView<AccountId>,
	state: Option<&TelemetryState>,
	device: DeviceId,
	record: &[u8],
	ctx: &VerifyContext,
) -> Result<VerifiedOcmf, RejectReason> {
	let parsed = ocmf::verify(record, &view.signer).map_err(|e| match e {
		OcmfError::BadSignature => RejectReason::BadSignature,
		e => RejectReason::Ocmf(e),
	})?;
	if let Some(hardware) = &view.hardware {
		let serial = parsed.meter_serial.as_ref().or(parsed.gateway_serial.as_ref());
		if serial.map(|s| serial_hash(s.as_bytes())) != Some(hardware.serial_hash) {
			return Err(RejectReason::MeterSerialMismatch);
		}
	}
	let mut readings = ocmf::to_readings(&parsed).map_err(RejectReason::Ocmf)?;
	if let Some(s) = state {
		readings.retain(|r| r.timestamp_ms > s.last_timestamp_ms);
		if readings.is_empty() {
			return Err(RejectReason::SequenceReplayed);
		}
		// What the meter did since the last accepted reading (a one-reading record would
		// otherwise always look idle).
		if let Some(first) = readings.first_mut() {
			first.state = if first.energy_in_wh > s.last_energy_in_wh {
				DeviceState::Charging
			} else if first.energy_out_wh > s.last_energy_out_wh {
				DeviceState::Discharging
			} else {
				DeviceState::Idle
			};
		}
	}
	let first_seq = match state {
		Some(s) => s.last_seq.checked_add(1).ok_or(RejectReason::MalformedReadings)?,
		None => 0,
	};
	let packed = pack_readings(&readings).ok_or(RejectReason::MalformedReadings)?;
	let bundle = check_readings(view, state, device, first_seq, &packed, ctx)?;
	Ok(VerifiedOcmf { first_seq, bundle })
}

/// Sequence, time, register and physics checks of (already authenticated) readings, and the
/// state they lead to.
pub fn check_readings<AccountId>(
	view: &DeviceView<AccountId>,
	state: Option<&TelemetryState>,
	device: DeviceId,
	first_seq: u64,
	packed: &[PackedReading],
	ctx: &VerifyContext,
) -> Result<VerifiedBundle, RejectReason> {
	let limits = &ctx.limits;

	// Sequence: the first bundle of a device starts at 0, every later one right after the last.
	match state.map_or(Some(0), |s| s.last_seq.checked_add(1)) {
		Some(expected) if first_seq == expected => {}
		Some(expected) if first_seq > expected => return Err(RejectReason::SequenceGap),
		_ => return Err(RejectReason::SequenceReplayed),
	}

	let points = expand(packed)?;
	let (first, last) = match (points.first(), points.last()) {
		(Some(first), Some(last)) => (*first, *last),
		_ => return Err(RejectReason::EmptyBundle),
	};
	let count = u32::try_from(points.len()).map_err(|_| RejectReason::MalformedReadings)?;
	let last_seq = first_seq
		.checked_add(u64::from(count).saturating_sub(1))
		.ok_or(RejectReason::MalformedReadings)?;

	// Time. Deltas are unsigned, so `last` is the newest reading and `first` the oldest.
	if last.timestamp_ms > ctx.now_ms.saturating_add(limits.max_future_drift_ms) {
		return Err(RejectReason::TimestampInFuture);
	}
	if ctx.now_ms.saturating_sub(first.timestamp_ms) > limits.max_reading_age_ms {
		return Err(RejectReason::TimestampTooOld);
	}
	if first.timestamp_ms < view.commissioned_ms {
		return Err(RejectReason::TimestampBeforeCommissioning);
	}
	let previous = state.map(Point::from_state);
	let after_previous = previous.is_none_or(|p| first.timestamp_ms > p.timestamp_ms);
	if !after_previous || packed.iter().skip(1).any(|p| p.time_ms == 0) {
		return Err(RejectReason::TimestampNotIncreasing);
	}

	// Registers: inside the bundle they cannot decrease by construction.
	if let Some(p) = previous {
		if first.energy_in_wh < p.energy_in_wh || first.energy_out_wh < p.energy_out_wh {
			return Err(RejectReason::RegisterWentBackwards);
		}
	}

	// Nameplate, interval by interval (including the one since the last accepted reading).
	let nameplate = view.nameplate;
	let mut peak_power_w = 0u32;
	for (a, b) in intervals(previous.as_ref(), &points) {
		let elapsed_ms = b.timestamp_ms.saturating_sub(a.timestamp_ms);
		let in_wh = b.energy_in_wh.saturating_sub(a.energy_in_wh);
		let out_wh = b.energy_out_wh.saturating_sub(a.energy_out_wh);
		let max_in_wh =
			max_energy_wh(nameplate.max_import_w, elapsed_ms, limits.nameplate_tolerance);
		let max_out_wh =
			max_energy_wh(nameplate.max_export_w, elapsed_ms, limits.nameplate_tolerance);
		if !within_joint_nameplate(in_wh, max_in_wh, out_wh, max_out_wh) {
			return Err(RejectReason::EnergyExceedsNameplate);
		}
		if a.state == DeviceState::Offline
			&& b.state == DeviceState::Offline
			&& (in_wh > 0 || out_wh > 0)
		{
			return Err(RejectReason::StateInconsistent);
		}
		peak_power_w = peak_power_w.max(average_power_w(in_wh.max(out_wh), elapsed_ms));
	}

	// State of charge: only storage reports one, and never above 100 %.
	let storage = view.kind.is_storage();
	if points.iter().any(|p| p.soc_ppm.is_some_and(|soc| !storage || soc > SOC_PPM)) {
		return Err(RejectReason::SocOutOfRange);
	}
	if storage && view.hardware.is_none() && points.iter().any(|p| p.soc_ppm.is_none()) {
		return Err(RejectReason::SocMissing);
	}
	if storage {
		check_soc_consistency(
			view.kind,
			nameplate.capacity_wh,
			previous.as_ref(),
			&points,
			limits,
		)?;
	}

	// All checks passed: the new state.
	let base = previous.unwrap_or(first);
	let energy_in_wh = last.energy_in_wh.saturating_sub(base.energy_in_wh);
	let energy_out_wh = last.energy_out_wh.saturating_sub(base.energy_out_wh);
	let epoch = epoch_index(ctx.now_ms, limits.epoch_duration_ms);
	let (epoch_in, epoch_out, epoch_readings) = match state {
		Some(s) if s.epoch == epoch => {
			(s.epoch_energy_in_wh, s.epoch_energy_out_wh, s.epoch_readings)
		}
		_ => (0, 0, 0),
	};
	let new_state = TelemetryState {
		last_seq,
		last_timestamp_ms: last.timestamp_ms,
		last_energy_in_wh: last.energy_in_wh,
		last_energy_out_wh: last.energy_out_wh,
		last_soc: last.soc(),
		last_state: last.state,
		epoch,
		epoch_energy_in_wh: epoch_in.saturating_add(energy_in_wh),
		epoch_energy_out_wh: epoch_out.saturating_add(energy_out_wh),
		epoch_readings: epoch_readings.saturating_add(count),
	};
	let accepted = AcceptedReadings {
		device,
		kind: view.kind,
		region: view.region,
		from_ms: base.timestamp_ms,
		to_ms: last.timestamp_ms,
		energy_in_wh,
		energy_out_wh,
		readings: count,
		last_soc: last.soc(),
		last_state: last.state,
		peak_power_w,
		hours: energy_by_hour(intervals(previous.as_ref(), &points), limits.max_valued_interval_ms),
	};
	Ok(VerifiedBundle {
		readings: points.iter().map(Point::reading).collect(),
		state: new_state,
		accepted,
	})
}

/// Most energy a device rated `power_w` can move in `elapsed_ms`, Wh: power × time rounded
/// up, plus `tolerance` of that, plus 1 Wh of register resolution; 0 for a 0 W rating.
pub fn max_energy_wh(power_w: u32, elapsed_ms: u64, tolerance: Permill) -> WattHours {
	if power_w == 0 {
		return 0;
	}
	let w_ms = u128::from(power_w).saturating_mul(u128::from(elapsed_ms));
	let wh = u64::try_from(w_ms.div_ceil(u128::from(MS_PER_HOUR))).unwrap_or(u64::MAX);
	wh.saturating_add(tolerance.mul_ceil(wh)).saturating_add(1)
}

/// Whether an interval's energy in and out fit its time together: `in / max_in + out / max_out
/// ≤ 1`, where a direction with no allowance (`max = 0`) must not move at all.
pub fn within_joint_nameplate(
	in_wh: WattHours,
	max_in_wh: WattHours,
	out_wh: WattHours,
	max_out_wh: WattHours,
) -> bool {
	if in_wh > max_in_wh || out_wh > max_out_wh {
		return false;
	}
	if max_in_wh == 0 || max_out_wh == 0 {
		return true;
	}
	// in × max_out + out × max_in ≤ max_in × max_out, in u128 (no overflow from u64 factors).
	let used = u128::from(in_wh)
		.saturating_mul(u128::from(max_out_wh))
		.saturating_add(u128::from(out_wh).saturating_mul(u128::from(max_in_wh)));
	used <= u128::from(max_in_wh).saturating_mul(u128::from(max_out_wh))
}

/// The energy of every interval no longer than `max_valued_interval_ms`, split by the UTC hour
/// it happened in, oldest hour first ([`HourEnergy::add_interval`]).
fn energy_by_hour<'a>(
	intervals: impl Iterator<Item = (&'a Point, &'a Point)>,
	max_valued_interval_ms: u64,
) -> Vec<HourEnergy> {
	let mut hours: Vec<HourEnergy> = Vec::new();
	for (a, b) in intervals {
		if b.timestamp_ms.saturating_sub(a.timestamp_ms) <= max_valued_interval_ms {
			HourEnergy::add_interval(
				&mut hours,
				a.timestamp_ms,
				b.timestamp_ms,
				b.energy_in_wh.saturating_sub(a.energy_in_wh),
				b.energy_out_wh.saturating_sub(a.energy_out_wh),
			);
		}
	}
	hours
}

/// Deviation allowed between the change of stored energy and the net energy that flowed in an
/// interval, Wh (see the module documentation).
pub fn soc_allowance_wh(
	flowed_wh: WattHours,
	capacity_wh: WattHours,
	limits: &TelemetryLimits,
) -> WattHours {
	limits
		.soc_energy_tolerance
		.mul_ceil(flowed_wh)
		.saturating_add(limits.soc_capacity_tolerance.mul_ceil(capacity_wh))
}

/// Epoch of a chain time: `now_ms / epoch_duration_ms`, saturating.
pub fn epoch_index(now_ms: TimestampMs, epoch_duration_ms: u64) -> u32 {
	u32::try_from(now_ms.checked_div(epoch_duration_ms).unwrap_or(0)).unwrap_or(u32::MAX)
}

/// Average power of `energy_wh` over `elapsed_ms`, W, saturating.
fn average_power_w(energy_wh: WattHours, elapsed_ms: u64) -> u32 {
	let w_ms = u128::from(energy_wh).saturating_mul(u128::from(MS_PER_HOUR));
	u32::try_from(w_ms.checked_div(u128::from(elapsed_ms)).unwrap_or(0)).unwrap_or(u32::MAX)
}

/// Expands the wire format into absolute points; an overflowing delta is malformed.
fn expand(packed: &[PackedReading]) -> Result<Vec<Point>, RejectReason> {
	let mut points: Vec<Point> = Vec::with_capacity(packed.len());
	for p in packed {
		let soc_ppm = p.soc_bp.map(|bp| u32::from(bp).saturating_mul(PPM_PER_BP));
		let point = match points.last() {
			None => Point {
				timestamp_ms: p.time_ms,
				energy_in_wh: p.energy_in_wh,
				energy_out_wh: p.energy_out_wh,
				soc_ppm,
				state: p.state,
			},
			Some(prev) => Point {
				timestamp_ms: prev
					.timestamp_ms
					.checked_add(p.time_ms)
					.ok_or(RejectReason::MalformedReadings)?,
				energy_in_wh: prev
					.energy_in_wh
					.checked_add(p.energy_in_wh)
					.ok_or(RejectReason::MalformedReadings)?,
				energy_out_wh: prev
					.energy_out_wh
					.checked_add(p.energy_out_wh)
					.ok_or(RejectReason::MalformedReadings)?,
				soc_ppm,
				state: p.state,
			},
		};
		points.push(point);
	}
	Ok(points)
}

/// Consecutive pairs of points: (previous, first), (first, second), ... .
fn intervals<'a>(
	previous: Option<&'a Point>,
	points: &'a [Point],
) -> impl Iterator<Item = (&'a Point, &'a Point)> {
	let starts = previous.into_iter().chain(points.iter());
	let ends = points.iter().skip(usize::from(previous.is_none()));
	starts.zip(ends)
}

/// Checks every pair of consecutive SoC-bearing points (readings without SoC in between are
/// bridged: the registers are cumulative).
fn check_soc_consistency(
	kind: DeviceKind,
	capacity_wh: WattHours,
	previous: Option<&Point>,
	points: &[Point],
	limits: &TelemetryLimits,
) -> Result<(), RejectReason> {
	// The last SoC-bearing point and whether the device was offline since.
	let mut anchor: Option<(Point, bool)> = None;
	for point in previous.into_iter().chain(points.iter()) {
		let offline = point.state == DeviceState::Offline;
		let Some(soc_ppm) = point.soc_ppm else {
			if let Some((_, seen)) = anchor.as_mut() {
				*seen |= offline;
			}
			continue;
		};
		if let Some((a, offline_between)) = anchor {
			let may_have_driven = kind == DeviceKind::Ev && (offline_between || offline);
			let in_wh = point.energy_in_wh.saturating_sub(a.energy_in_wh);
			let out_wh = point.energy_out_wh.saturating_sub(a.energy_out_wh);
			let stored_wh = stored_change_wh(a.soc_ppm.unwrap_or(soc_ppm), soc_ppm, capacity_wh);
			let net_wh = i128::from(in_wh).saturating_sub(i128::from(out_wh));
			let allowance =
				i128::from(soc_allowance_wh(in_wh.saturating_add(out_wh), capacity_wh, limits));
			// Unexplained gain is never allowed; unexplained loss only when it may have driven.
			let excess = stored_wh.saturating_sub(net_wh);
			if excess > allowance || (!may_have_driven && excess < allowance.saturating_neg()) {
				return Err(RejectReason::SocInconsistent);
			}
		}
		anchor = Some((*point, false));
	}
	Ok(())
}

/// Change of stored energy between two SoCs (ppm) of a pack of `capacity_wh`, Wh.
fn stored_change_wh(from_ppm: u32, to_ppm: u32, capacity_wh: WattHours) -> i128 {
	let delta_ppm = i128::from(to_ppm).saturating_sub(i128::from(from_ppm));
	delta_ppm.saturating_mul(i128::from(capacity_wh)).checked_div(i128::from(SOC_PPM)).unwrap_or(0)
}
