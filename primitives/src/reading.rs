//! Meter readings and the compact wire format gateways submit them in.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::Permill;
use sp_runtime::BoundedVec;

use crate::{DeviceId, DeviceSignature, TimestampMs, WattHours};

/// Operating state a device reports with each reading.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DeviceState {
	/// Connected, neither importing nor exporting significantly.
	Idle,
	/// Drawing energy into storage.
	Charging,
	/// Delivering stored energy.
	Discharging,
	/// Producing energy (PV, wind).
	Generating,
	/// Not connected (an EV that is driving, a device that is off).
	Offline,
}

/// One reading as the device measured it: cumulative registers like a billing meter.
///
/// See [`crate::DeviceKind`] for what "in" and "out" mean per kind.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Reading {
	/// Time of the measurement, ms since the Unix epoch.
	pub timestamp_ms: TimestampMs,
	/// Cumulative energy into the device, Wh.
	pub energy_in_wh: WattHours,
	/// Cumulative energy out of the device, Wh.
	pub energy_out_wh: WattHours,
	/// State of charge, for storage devices.
	pub soc: Option<Permill>,
	/// Operating state.
	pub state: DeviceState,
}

/// A reading on the wire.
///
/// The first reading of a bundle carries absolute values; each later one carries the
/// difference to the reading before it. All integers are SCALE-compact, so a typical
/// 15-minute delta takes 7 to 11 bytes instead of 30. Registers and time cannot go backwards
/// inside a bundle by construction; the first reading is checked against the chain's state.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct PackedReading {
	/// Timestamp (first reading) or ms since the previous reading.
	#[codec(compact)]
	pub time_ms: u64,
	/// Register value (first reading) or Wh since the previous reading.
	#[codec(compact)]
	pub energy_in_wh: u64,
	/// Register value (first reading) or Wh since the previous reading.
	#[codec(compact)]
	pub energy_out_wh: u64,
	/// State of charge in basis points (0..=10_000), for storage devices.
	pub soc_bp: Option<u16>,
	/// Operating state.
	pub state: DeviceState,
}

/// Why a list of packed readings cannot be expanded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UnpackError {
	/// A delta overflowed the register or the clock.
	Overflow,
	/// A state of charge above 100 %.
	SocOutOfRange,
}

/// Basis points per whole, for SoC on the wire.
pub const SOC_BASIS_POINTS: u16 = 10_000;

fn soc_to_bp(soc: Option<Permill>) -> Option<u16> {
	// Permill has 1_000_000 parts: 100 parts per basis point.
	soc.map(|s| u16::try_from(s.deconstruct() / 100).unwrap_or(SOC_BASIS_POINTS))
}

fn bp_to_soc(bp: Option<u16>) -> Result<Option<Permill>, UnpackError> {
	match bp {
		None => Ok(None),
		Some(bp) if bp > SOC_BASIS_POINTS => Err(UnpackError::SocOutOfRange),
		Some(bp) => Ok(Some(Permill::from_parts(u32::from(bp).saturating_mul(100)))),
	}
}

/// Packs readings (sorted by time, registers non-decreasing) into the wire format.
///
/// Returns `None` if time or a register goes backwards, which the wire format cannot express.
pub fn pack_readings(readings: &[Reading]) -> Option<Vec<PackedReading>> {
	let mut out = Vec::with_capacity(readings.len());
	let mut prev: Option<&Reading> = None;
	for r in readings {
		let packed = match prev {
			None => PackedReading {
				time_ms: r.timestamp_ms,
				energy_in_wh: r.energy_in_wh,
				energy_out_wh: r.energy_out_wh,
				soc_bp: soc_to_bp(r.soc),
				state: r.state,
			},
			Some(p) => PackedReading {
				time_ms: r.timestamp_ms.checked_sub(p.timestamp_ms)?,
				energy_in_wh: r.energy_in_wh.checked_sub(p.energy_in_wh)?,
				energy_out_wh: r.energy_out_wh.checked_sub(p.energy_out_wh)?,
				soc_bp: soc_to_bp(r.soc),
				state: r.state,
			},
		};
		out.push(packed);
		prev = Some(r);
	}
	Some(out)
}

/// Expands the wire format back into absolute readings.
pub fn unpack_readings(packed: &[PackedReading]) -> Result<Vec<Reading>, UnpackError> {
	let mut out: Vec<Reading> = Vec::with_capacity(packed.len());
	for p in packed {
		let soc = bp_to_soc(p.soc_bp)?;
		let reading = match out.last() {
			None => Reading {
				timestamp_ms: p.time_ms,
				energy_in_wh: p.energy_in_wh,
				energy_out_wh: p.energy_out_wh,
				soc,
				state: p.state,
			},
			Some(prev) => Reading {
				timestamp_ms: prev
					.timestamp_ms
					.checked_add(p.time_ms)
					.ok_or(UnpackError::Overflow)?,
				energy_in_wh: prev
					.energy_in_wh
					.checked_add(p.energy_in_wh)
					.ok_or(UnpackError::Overflow)?,
				energy_out_wh: prev
					.energy_out_wh
					.checked_add(p.energy_out_wh)
					.ok_or(UnpackError::Overflow)?,
				soc,
				state: p.state,
			},
		};
		out.push(reading);
	}
	Ok(out)
}

/// A batch of consecutive readings of one device, signed by the device key.
///
/// `first_seq` numbers the first reading; the others follow consecutively. The signature is
/// over [`crate::BundlePayload`].
///
/// `Clone`, `PartialEq`, `Eq` and `Debug` are implemented by hand so that they do not require
/// them of the `MaxReadings` bound (a pallet's `Get<u32>` constant type has none of them).
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[scale_info(skip_type_params(MaxReadings))]
pub struct Bundle<MaxReadings: sp_core::Get<u32>> {
	/// Device that measured the readings.
	#[codec(compact)]
	pub device: DeviceId,
	/// Sequence number of the first reading.
	#[codec(compact)]
	pub first_seq: u64,
	/// The readings, oldest first.
	pub readings: BoundedVec<PackedReading, MaxReadings>,
	/// Device signature over the bundle payload.
	pub signature: DeviceSignature,
}

impl<MaxReadings: sp_core::Get<u32>> Clone for Bundle<MaxReadings> {
	fn clone(&self) -> Self {
		Self {
			device: self.device,
			first_seq: self.first_seq,
			readings: self.readings.clone(),
			signature: self.signature.clone(),
		}
	}
}

impl<MaxReadings: sp_core::Get<u32>> PartialEq for Bundle<MaxReadings> {
	fn eq(&self, other: &Self) -> bool {
		self.device == other.device
			&& self.first_seq == other.first_seq
			&& self.readings == other.readings
			&& self.signature == other.signature
	}
}

impl<MaxReadings: sp_core::Get<u32>> Eq for Bundle<MaxReadings> {}

impl<MaxReadings: sp_core::Get<u32>> core::fmt::Debug for Bundle<MaxReadings> {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.debug_struct("Bundle")
			.field("device", &self.device)
			.field("first_seq", &self.first_seq)
			.field("readings", &self.readings)
			.field("signature", &self.signature)
			.finish()
	}
}
