//! Data types of the telemetry pallet: per-device state, quality counters and reject reasons.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use openvpp_primitives::{
	ocmf::{OcmfError, MAX_OCMF_LEN},
	DeviceId, DeviceState, Reading, TimestampMs, WattHours,
};
use scale_info::TypeInfo;
use sp_core::ConstU32;
use sp_runtime::{BoundedVec, Permill};

/// Why a bundle was refused, in the order the checks run.
///
/// The first four are the gateway's fault (it submitted for a device it should not, or the
/// device did not sign what it submitted); the others are failures of data the device itself
/// signed and count against the device.
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
pub enum RejectReason {
	/// No device is registered under the id.
	UnknownDevice,
	/// The device is suspended or decommissioned.
	DeviceNotActive,
	/// The submitting gateway is not among the device's authorized gateways.
	GatewayNotAuthorized,
	/// The signature is not the device key's over this chain's bundle payload.
	BadSignature,
	/// The bundle starts at or before a sequence number already accepted.
	SequenceReplayed,
	/// The bundle starts after the next expected sequence number.
	SequenceGap,
	/// The bundle carries no readings.
	EmptyBundle,
	/// A delta overflows the clock, a register or the sequence number.
	MalformedReadings,
	/// A reading is stamped further ahead of chain time than the allowed drift.
	TimestampInFuture,
	/// The oldest reading is older than the maximum reading age.
	TimestampTooOld,
	/// A reading is not strictly after the one before it (in the bundle or on chain).
	TimestampNotIncreasing,
	/// The first reading's register is below the last accepted one.
	RegisterWentBackwards,
	/// More energy in an interval than the nameplate power allows in that time.
	EnergyExceedsNameplate,
	/// A state of charge above 100 %, or one reported by a device that stores no energy.
	SocOutOfRange,
	/// A state-of-charge change the energy that flowed in or out cannot explain.
	SocInconsistent,
	/// An OCMF record that is not well-formed, or whose readings cannot be taken (the
	/// [`OcmfError`] says which check failed; see [`RejectReason::blames_device`]).
	Ocmf(OcmfError),
	/// An OCMF record signed by the device's key names another meter serial (`MS`, or `GS`
	/// when there is no `MS`) than the one its manufacturer certified.
	MeterSerialMismatch,
	/// A reading is stamped before the device's commissioning time.
	TimestampBeforeCommissioning,
	/// A reading of a storage device carries no state of charge (required unless the device
	/// is manufacturer-certified hardware).
	SocMissing,
	/// Energy flowed in an interval the device reported `Offline` at both ends.
	StateInconsistent,
}

impl RejectReason {
	/// Whether the failure is in data the device signed (counted against the device), rather
	/// than the gateway's fault (counted against the gateway).
	///
	/// An OCMF record is parsed before its signature can be checked, so a malformed record is
	/// the gateway's fault; what fails after the signature held (meter status, time flags,
	/// registers, units) is in data the meter signed.
	pub fn blames_device(&self) -> bool {
		match self {
			RejectReason::UnknownDevice
			| RejectReason::DeviceNotActive
			| RejectReason::GatewayNotAuthorized
			| RejectReason::BadSignature => false,
			RejectReason::Ocmf(e) => ocmf_signed_fault(*e),
			_ => true,
		}
	}
}

/// Whether an OCMF error is found only after the record's signature was verified.
fn ocmf_signed_fault(error: OcmfError) -> bool {
	matches!(
		error,
		OcmfError::UnsynchronizedTime
			| OcmfError::MeterError
			| OcmfError::UnitMismatch
			| OcmfError::DuplicateTimestamp
			| OcmfError::TimeNotIncreasing
			| OcmfError::RegisterNotMonotonic
			| OcmfError::NoEnergyReadings
	)
}

/// What the chain keeps per device between bundles: the last accepted reading and the
/// accumulators of the current epoch. O(1) in size, written once per accepted bundle.
///
/// Sequence numbers: the next bundle must start at `last_seq + 1`; a device's very first
/// bundle must start at sequence 0 (there is no state yet).
///
/// Size: at most 62 bytes encoded; with [`QualityCounters`] (34 bytes) a device costs 96 bytes
/// of state values (`tests/state_size.rs` checks both bounds).
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
pub struct TelemetryState {
	/// Sequence number of the last accepted reading.
	pub last_seq: u64,
	/// Timestamp of the last accepted reading, ms.
	pub last_timestamp_ms: TimestampMs,
	/// `energy_in_wh` register at the last accepted reading.
	pub last_energy_in_wh: WattHours,
	/// `energy_out_wh` register at the last accepted reading.
	pub last_energy_out_wh: WattHours,
	/// State of charge at the last accepted reading.
	pub last_soc: Option<Permill>,
	/// Operating state at the last accepted reading.
	pub last_state: DeviceState,
	/// Epoch (chain time / epoch duration) the accumulators below belong to.
	pub epoch: u32,
	/// Energy into the device accepted during `epoch`, Wh.
	pub epoch_energy_in_wh: WattHours,
	/// Energy out of the device accepted during `epoch`, Wh.
	pub epoch_energy_out_wh: WattHours,
	/// Readings accepted during `epoch`.
	pub epoch_readings: u32,
}

/// A device's data quality: what was accepted and, per cause, how many bundles it signed were
/// refused. Rejections saturate at `u16::MAX`: beyond that a device is untrustworthy anyway.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct QualityCounters {
	/// Bundles accepted.
	pub accepted_bundles: u32,
	/// Readings accepted.
	pub accepted_readings: u64,
	/// Bundles refused as [`RejectReason::SequenceReplayed`].
	pub sequence_replayed: u16,
	/// Bundles refused as [`RejectReason::SequenceGap`].
	pub sequence_gap: u16,
	/// Bundles refused as [`RejectReason::EmptyBundle`].
	pub empty_bundle: u16,
	/// Bundles refused as [`RejectReason::MalformedReadings`].
	pub malformed_readings: u16,
	/// Bundles refused as [`RejectReason::TimestampInFuture`].
	pub timestamp_in_future: u16,
	/// Bundles refused as [`RejectReason::TimestampTooOld`].
	pub timestamp_too_old: u16,
	/// Bundles refused as [`RejectReason::TimestampNotIncreasing`].
	pub timestamp_not_increasing: u16,
	/// Bundles refused as [`RejectReason::RegisterWentBackwards`].
	pub register_went_backwards: u16,
	/// Bundles refused as [`RejectReason::EnergyExceedsNameplate`].
	pub energy_exceeds_nameplate: u16,
	/// Bundles refused as [`RejectReason::SocOutOfRange`].
	pub soc_out_of_range: u16,
	/// Bundles refused as [`RejectReason::SocInconsistent`].
	pub soc_inconsistent: u16,
}

impl QualityCounters {
	/// Counts one refused bundle under its cause; gateway-side causes are not counted here.
	pub fn note_rejected(&mut self, reason: RejectReason) {
		let counter = match reason {
			RejectReason::UnknownDevice
			| RejectReason::DeviceNotActive
			| RejectReason::GatewayNotAuthorized
			| RejectReason::BadSignature => return,
			// Faults in signed OCMF data are counted under the bundle check they correspond to
			// (the event names the exact one).
			RejectReason::Ocmf(e) => match e {
				OcmfError::DuplicateTimestamp | OcmfError::TimeNotIncreasing => {
					&mut self.timestamp_not_increasing
				}
				OcmfError::RegisterNotMonotonic => &mut self.register_went_backwards,
				_ if ocmf_signed_fault(e) => &mut self.malformed_readings,
				_ => return,
			},
			RejectReason::MeterSerialMismatch => &mut self.malformed_readings,
			RejectReason::SequenceReplayed => &mut self.sequence_replayed,
			RejectReason::SequenceGap => &mut self.sequence_gap,
			RejectReason::EmptyBundle => &mut self.empty_bundle,
			RejectReason::MalformedReadings => &mut self.malformed_readings,
			RejectReason::TimestampInFuture => &mut self.timestamp_in_future,
			RejectReason::TimestampTooOld => &mut self.timestamp_too_old,
			RejectReason::TimestampNotIncreasing => &mut self.timestamp_not_increasing,
			RejectReason::RegisterWentBackwards => &mut self.register_went_backwards,
			RejectReason::EnergyExceedsNameplate => &mut self.energy_exceeds_nameplate,
			RejectReason::SocOutOfRange => &mut self.soc_out_of_range,
			RejectReason::SocInconsistent | RejectReason::StateInconsistent => {
				&mut self.soc_inconsistent
			}
			RejectReason::TimestampBeforeCommissioning => &mut self.timestamp_too_old,
			RejectReason::SocMissing => &mut self.soc_out_of_range,
		};
		*counter = counter.saturating_add(1);
	}

	/// Bundles the device signed that were refused, all causes together.
	pub fn rejected_bundles(&self) -> u32 {
		[
			self.sequence_replayed,
			self.sequence_gap,
			self.empty_bundle,
			self.malformed_readings,
			self.timestamp_in_future,
			self.timestamp_too_old,
			self.timestamp_not_increasing,
			self.register_went_backwards,
			self.energy_exceeds_nameplate,
			self.soc_out_of_range,
			self.soc_inconsistent,
		]
		.iter()
		.fold(0u32, |total, n| total.saturating_add(u32::from(*n)))
	}
}

/// A gateway's record: what it got accepted and what it submitted that it should not have.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct GatewayCounters {
	/// Bundles accepted.
	pub bundles_accepted: u64,
	/// Readings accepted.
	pub readings_accepted: u64,
	/// Bundles refused as [`RejectReason::UnknownDevice`].
	pub unknown_device: u32,
	/// Bundles refused as [`RejectReason::DeviceNotActive`].
	pub device_not_active: u32,
	/// Bundles refused as [`RejectReason::GatewayNotAuthorized`].
	pub not_authorized: u32,
	/// Bundles refused as [`RejectReason::BadSignature`].
	pub bad_signature: u32,
	/// Bundles refused for a fault in device-signed data (counted per cause on the device).
	pub device_faults: u32,
}

impl GatewayCounters {
	/// Counts one refused bundle under its cause.
	pub fn note_rejected(&mut self, reason: RejectReason) {
		let counter = match reason {
			RejectReason::UnknownDevice => &mut self.unknown_device,
			RejectReason::DeviceNotActive => &mut self.device_not_active,
			RejectReason::GatewayNotAuthorized => &mut self.not_authorized,
			RejectReason::BadSignature => &mut self.bad_signature,
			// An OCMF record that fails before its signature is checked is unauthenticated.
			r if !r.blames_device() => &mut self.bad_signature,
			_ => &mut self.device_faults,
		};
		*counter = counter.saturating_add(1);
	}
}

/// The limits and tolerances verification applies: the pallet's constants in one value, for
/// the pure verification functions and for gateways (runtime API `limits`).
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
pub struct TelemetryLimits {
	/// Bundles one `submit` may carry.
	pub max_bundles_per_call: u32,
	/// Readings one bundle may carry.
	pub max_readings_per_bundle: u32,
	/// How far ahead of chain time a reading may be stamped, ms (clock skew).
	pub max_future_drift_ms: u64,
	/// How far behind chain time the oldest reading of a bundle may be, ms.
	pub max_reading_age_ms: u64,
	/// Longest interval between two readings whose energy counts for value, ms: a device
	/// silent for longer has its energy recorded, not valued.
	pub max_valued_interval_ms: u64,
	/// Length of an accumulation epoch, ms of chain time.
	pub epoch_duration_ms: u64,
	/// Energy allowed above nameplate power × elapsed time (meter class, inverter overload).
	pub nameplate_tolerance: Permill,
	/// SoC consistency: allowed deviation as a share of the interval's energy (charging and
	/// conversion losses).
	pub soc_energy_tolerance: Permill,
	/// SoC consistency: allowed deviation as a share of capacity (SoC estimation error,
	/// self-discharge, standby consumption).
	pub soc_capacity_tolerance: Permill,
}

/// An OCMF record as submitted: at most [`MAX_OCMF_LEN`] bytes.
pub type OcmfRecordBytes = BoundedVec<u8, ConstU32<MAX_OCMF_LEN>>;

/// One OCMF record a gateway submits for a device (`submit_ocmf`).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct OcmfSubmission {
	/// The device whose registered key is the meter's public key.
	pub device: DeviceId,
	/// The record exactly as the meter wrote it: `OCMF|{payload}|{signature}`.
	pub record: OcmfRecordBytes,
}

/// What the chain reads in a genuine OCMF record (runtime API `verify_ocmf`).
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct OcmfVerdict {
	/// `MV`, the meter vendor.
	pub meter_vendor: Option<Vec<u8>>,
	/// `MM`, the meter model.
	pub meter_model: Option<Vec<u8>>,
	/// `MS`, the meter serial.
	pub meter_serial: Option<Vec<u8>>,
	/// `GS`, the gateway serial.
	pub gateway_serial: Option<Vec<u8>>,
	/// `PG`, the pagination.
	pub pagination: Vec<u8>,
	/// Readings in the record (all `RD` entries, mapped or not).
	pub entries: u32,
	/// The readings the chain takes from it, oldest first.
	pub readings: Vec<Reading>,
}
