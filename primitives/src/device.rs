//! Device kinds, nameplates and the registry view other pallets read.

use crate::{
	DevicePublicKey, ManufacturerId, ModelId, RegionId, RewardEligibility, TimestampMs, WattHours,
	Watts,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// What kind of energy asset a device is.
///
/// The meaning of the two energy registers of a [`crate::Reading`] depends on the kind:
///
/// | kind | `energy_in_wh` | `energy_out_wh` |
/// | --- | --- | --- |
/// | `Ev` | energy charged into the pack | energy discharged to the grid (V2G) |
/// | `Battery` | energy charged | energy discharged |
/// | `SolarPv`, `Wind` | auxiliary consumption | generation |
/// | `SmartMeter` | grid import (consumption) | grid export |
/// | `HeatPump` | electricity consumed | (unused, must stay 0) |
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
pub enum DeviceKind {
	/// Electric vehicle with a traction battery (may support V2G).
	Ev,
	/// Stationary battery storage (home or commercial).
	Battery,
	/// Photovoltaic array with inverter.
	SolarPv,
	/// Smart (billing) meter at a grid connection point.
	SmartMeter,
	/// Wind turbine.
	Wind,
	/// Heat pump (a flexible load).
	HeatPump,
}

impl DeviceKind {
	/// Devices that store energy and report state of charge.
	pub fn is_storage(&self) -> bool {
		matches!(self, DeviceKind::Ev | DeviceKind::Battery)
	}

	/// Devices whose `energy_out_wh` is renewable generation.
	pub fn is_renewable_generator(&self) -> bool {
		matches!(self, DeviceKind::SolarPv | DeviceKind::Wind)
	}

	/// Stable one-byte code used in NFT attributes and JSON.
	pub fn code(&self) -> &'static [u8] {
		match self {
			DeviceKind::Ev => b"ev",
			DeviceKind::Battery => b"battery",
			DeviceKind::SolarPv => b"solar_pv",
			DeviceKind::SmartMeter => b"smart_meter",
			DeviceKind::Wind => b"wind",
			DeviceKind::HeatPump => b"heat_pump",
		}
	}
}

/// Upper bounds on what a single device of a kind can plausibly be.
pub mod limits {
	use crate::{WattHours, Watts};
	/// Largest EV traction battery accepted (a heavy truck pack is ~1 MWh).
	pub const MAX_EV_CAPACITY_WH: WattHours = 1_000_000;
	/// Largest stationary battery accepted as one device.
	pub const MAX_BATTERY_CAPACITY_WH: WattHours = 10_000_000;
	/// Largest charge/discharge power of an EV (megawatt charging).
	pub const MAX_EV_POWER_W: Watts = 1_500_000;
	/// Largest power of any single device (a large wind turbine).
	pub const MAX_DEVICE_POWER_W: Watts = 20_000_000;
}

/// Why a nameplate was refused for a kind.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NameplateError {
	/// Storage devices need a usable capacity; other kinds must have none.
	CapacityMismatch,
	/// Capacity above what a device of this kind can be.
	CapacityTooLarge,
	/// A generator with no export power, a load with no import power.
	PowerMissing,
	/// Power above what a device of this kind can be, or export for a pure load.
	PowerImplausible,
}

/// Ratings from the device's nameplate.
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
pub struct Nameplate {
	/// Usable storage capacity in Wh (EVs and batteries; zero for other kinds).
	pub capacity_wh: WattHours,
	/// Maximum power drawn from the grid, in W.
	pub max_import_w: Watts,
	/// Maximum power delivered to the grid, in W.
	pub max_export_w: Watts,
}

impl Nameplate {
	/// Checks that the ratings are plausible for `kind`.
	pub fn validate(&self, kind: DeviceKind) -> Result<(), NameplateError> {
		use limits::*;
		let storage = kind.is_storage();
		if storage != (self.capacity_wh > 0) {
			return Err(NameplateError::CapacityMismatch);
		}
		if self.max_import_w > MAX_DEVICE_POWER_W || self.max_export_w > MAX_DEVICE_POWER_W {
			return Err(NameplateError::PowerImplausible);
		}
		match kind {
			DeviceKind::Ev => {
				if self.capacity_wh > MAX_EV_CAPACITY_WH {
					return Err(NameplateError::CapacityTooLarge);
				}
				if self.max_import_w == 0 {
					return Err(NameplateError::PowerMissing);
				}
				if self.max_import_w > MAX_EV_POWER_W || self.max_export_w > MAX_EV_POWER_W {
					return Err(NameplateError::PowerImplausible);
				}
			}
			DeviceKind::Battery => {
				if self.capacity_wh > MAX_BATTERY_CAPACITY_WH {
					return Err(NameplateError::CapacityTooLarge);
				}
				if self.max_import_w == 0 || self.max_export_w == 0 {
					return Err(NameplateError::PowerMissing);
				}
			}
			DeviceKind::SolarPv | DeviceKind::Wind => {
				if self.max_export_w == 0 {
					return Err(NameplateError::PowerMissing);
				}
			}
			DeviceKind::SmartMeter => {
				if self.max_import_w == 0 {
					return Err(NameplateError::PowerMissing);
				}
			}
			DeviceKind::HeatPump => {
				if self.max_import_w == 0 {
					return Err(NameplateError::PowerMissing);
				}
				if self.max_export_w != 0 {
					return Err(NameplateError::PowerImplausible);
				}
			}
		}
		Ok(())
	}
}

/// Lifecycle status of a device.
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
pub enum DeviceStatus {
	/// Reporting and earning.
	Active,
	/// Temporarily stopped by its owner.
	SuspendedByOwner,
	/// Stopped by the grid administration (e.g. suspected fraud); only the admin reactivates.
	SuspendedByAdmin,
	/// Retired for good; its id is never reused.
	Decommissioned,
}

/// What a manufacturer's certificate says a device is.
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
pub struct HardwareIdentity {
	/// The certifying manufacturer.
	pub manufacturer: ManufacturerId,
	/// The device model.
	pub model: ModelId,
	/// blake2-256 of the serial number ([`crate::serial_hash`]); an OCMF meter's `MS`.
	pub serial_hash: sp_core::H256,
}

/// What other pallets need to know about a device, in one storage read.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct DeviceView<AccountId> {
	/// Current owner (and NFT holder).
	pub owner: AccountId,
	/// Kind of asset.
	pub kind: DeviceKind,
	/// Grid region.
	pub region: RegionId,
	/// Nameplate ratings.
	pub nameplate: Nameplate,
	/// Lifecycle status.
	pub status: DeviceStatus,
	/// Key the device signs its readings with.
	pub signer: DevicePublicKey,
	/// Commissioning time (registration), ms.
	pub commissioned_ms: TimestampMs,
	/// Number of attestations currently valid.
	pub attestations: u8,
	/// Manufacturer, model and serial of a device registered with a manufacturer's
	/// certificate (whether or not that certificate is still valid).
	pub hardware: Option<HardwareIdentity>,
	/// Whether the device's certificate is valid now (its root key not revoked, not expired).
	pub hardware_attested: bool,
	/// What rewards and certificates the device may earn now (its attestation under its
	/// region's policy).
	pub eligibility: RewardEligibility,
}
