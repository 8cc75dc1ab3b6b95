//! Hardware trust: manufacturers' device certificates and the reward eligibility they earn.
//!
//! A manufacturer registered by governance holds root keys and publishes device models with
//! maximum ratings. At the factory (or, for a meter that cannot sign anything but its own
//! records, at installation) it signs a [`CertificateBody`] binding a device's public key to
//! its model, serial number and nameplate for a validity period. A device registered with a
//! valid certificate is *hardware-attested*; others earn only what their region's
//! [`UnattestedPolicy`] allows.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;

use crate::{DevicePublicKey, DeviceSignature, Nameplate, TimestampMs, Watts};

/// Identifier of a manufacturer (sequential, assigned by the registry).
pub type ManufacturerId = u32;
/// Identifier of a device model (sequential, assigned by the registry).
pub type ModelId = u32;

/// Domain tag of a manufacturer's device certificate.
pub const CERTIFICATE_DOMAIN: &[u8; 20] = b"openvpp/devicecert/1";

/// What a manufacturer's root key signs about one device.
///
/// It names no chain: a certificate states facts about hardware (this key lives in this
/// serial of this model), true wherever it is presented.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct CertificateBody<AccountId> {
	/// The manufacturer vouching for the device.
	pub manufacturer: ManufacturerId,
	/// The device's model (published by that manufacturer).
	pub model: ModelId,
	/// blake2-256 of the device's serial number ([`serial_hash`]).
	pub serial_hash: H256,
	/// The key provisioned in the device (secure element, meter signing key).
	pub device_key: DevicePublicKey,
	/// The device's nameplate; at most the model's rating in every field.
	pub nameplate: Nameplate,
	/// Start of validity, ms since the Unix epoch.
	pub valid_from_ms: TimestampMs,
	/// End of validity, ms since the Unix epoch.
	pub valid_until_ms: TimestampMs,
	/// The only account that may register the device with this certificate. Required for
	/// models whose devices cannot sign a proof of possession (a meter that signs only its own
	/// OCMF records): without it anyone who saw the certificate could claim the meter.
	pub owner: Option<AccountId>,
}

/// A device certificate as presented at registration.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct DeviceCertificate<AccountId> {
	/// What is certified.
	pub body: CertificateBody<AccountId>,
	/// Index of the manufacturer's root key that signed it.
	pub root_key: u8,
	/// The root key's signature over [`certificate_message`] of `body`.
	pub signature: DeviceSignature,
}

/// The 32-byte message a manufacturer's root key signs for `body`.
pub fn certificate_message<AccountId: Encode>(body: &CertificateBody<AccountId>) -> [u8; 32] {
	crate::signing_message(&(CERTIFICATE_DOMAIN, body))
}

/// The serial-number hash a certificate carries: blake2-256 of the serial as printed (for an
/// OCMF meter, its `MS` field).
pub fn serial_hash(serial: &[u8]) -> H256 {
	H256(sp_io::hashing::blake2_256(serial))
}

/// Metering accuracy class of a model (MID classes for active-energy meters, IEC 62053
/// classes otherwise).
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
pub enum AccuracyClass {
	/// MID class A (±2 %).
	MidA,
	/// MID class B (±1 %).
	MidB,
	/// MID class C (±0.5 %).
	MidC,
	/// IEC class 0.2 S.
	Iec02S,
	/// IEC class 0.5 S.
	Iec05S,
	/// IEC class 1.
	Iec1,
	/// IEC class 2.
	Iec2,
	/// Not a billing meter: the device's own measurement (inverter, BMS).
	Unclassified,
}

/// What a region pays devices that are not hardware-attested (set by governance).
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
	Default,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum UnattestedPolicy {
	/// Only hardware-attested devices earn rewards and green certificates (the default).
	#[default]
	AttestedOnly,
	/// Unattested devices earn as if their power were at most `max_counted_w`, and never
	/// green certificates.
	Capped {
		/// Largest power counted for an unattested device, W.
		max_counted_w: Watts,
	},
}

/// What settlement and certificates may pay a device for right now.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub enum RewardEligibility {
	/// Hardware-attested with a valid certificate: full value and green certificates.
	Full,
	/// Unattested in a capped region: value of at most `max_counted_w`, no certificates.
	Capped {
		/// Largest power counted, W.
		max_counted_w: Watts,
	},
	/// Nothing: unattested in an attested-only region, or its attestation was revoked or
	/// expired there.
	None,
}

impl RewardEligibility {
	/// The eligibility of a device that is (or is not) hardware-attested under `policy`.
	pub fn of(hardware_attested: bool, policy: UnattestedPolicy) -> Self {
		match (hardware_attested, policy) {
			(true, _) => Self::Full,
			(false, UnattestedPolicy::AttestedOnly) => Self::None,
			(false, UnattestedPolicy::Capped { max_counted_w }) => Self::Capped { max_counted_w },
		}
	}

	/// Whether green certificates may be issued for the device's generation.
	pub fn certificates_allowed(&self) -> bool {
		matches!(self, Self::Full)
	}

	/// Energy counted for rewards out of `energy_wh` that flowed over `elapsed_ms`.
	pub fn counted_wh(&self, energy_wh: crate::WattHours, elapsed_ms: u64) -> crate::WattHours {
		match self {
			Self::Full => energy_wh,
			Self::None => 0,
			Self::Capped { max_counted_w } => {
				let w_ms = u128::from(*max_counted_w).saturating_mul(u128::from(elapsed_ms));
				let cap = u64::try_from(w_ms.checked_div(3_600_000).unwrap_or_default())
					.unwrap_or(u64::MAX);
				energy_wh.min(cap)
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_cap_counts_at_most_its_power_over_the_interval() {
		let capped = RewardEligibility::Capped { max_counted_w: 10_000 };
		// A "20 MW" claim over one hour counts as 10 kWh.
		assert_eq!(capped.counted_wh(20_000_000, 3_600_000), 10_000);
		// Real 5 kW over 15 minutes is under the cap.
		assert_eq!(capped.counted_wh(1_250, 900_000), 1_250);
		assert_eq!(RewardEligibility::None.counted_wh(1_250, 900_000), 0);
		assert_eq!(RewardEligibility::Full.counted_wh(20_000_000, 3_600_000), 20_000_000);
	}

	#[test]
	fn only_attested_devices_get_certificates() {
		assert!(RewardEligibility::of(true, UnattestedPolicy::AttestedOnly).certificates_allowed());
		let capped = UnattestedPolicy::Capped { max_counted_w: 10_000 };
		assert!(!RewardEligibility::of(false, capped).certificates_allowed());
		assert_eq!(
			RewardEligibility::of(false, UnattestedPolicy::AttestedOnly),
			RewardEligibility::None
		);
	}
}
