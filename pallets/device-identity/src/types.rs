//! Data types of the device registry: stored records and the flat views the runtime API returns.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use openvpp_primitives::{
	AccuracyClass, DeviceId, DeviceKind, DevicePublicKey, DeviceStatus, KeyScheme, ManufacturerId,
	ModelId, Nameplate, RegionId, TimestampMs, UnattestedPolicy, WattHours,
};
use scale_info::TypeInfo;
use sp_core::H256;

/// Longest bidding-zone code of a region (`DE-LU`, `NL`, `IT-NORD`, `DK1` ...).
pub const MAX_ZONE_CODE_LEN: u32 = 16;

/// Smallest UTC offset of a region, in minutes (UTC-12:00).
pub const MIN_UTC_OFFSET_MINUTES: i16 = -720;

/// Largest UTC offset of a region, in minutes (UTC+14:00).
pub const MAX_UTC_OFFSET_MINUTES: i16 = 840;

/// Most entries a paged runtime-API read returns, whatever limit the caller asks for.
pub const MAX_PAGE_LEN: u32 = 1_000;

/// A device public key as stored (any scheme the chain verifies).
pub type DeviceKey = DevicePublicKey;

/// A grid region (bidding-zone style grid area) devices belong to.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[scale_info(skip_type_params(MaxNameLen))]
pub struct Region<MaxNameLen: frame_support::traits::Get<u32>> {
	/// Human-readable name (`Germany/Luxembourg`).
	pub name: BoundedVec<u8, MaxNameLen>,
	/// Bidding-zone code (`DE-LU`), ASCII letters, digits and `-`.
	pub zone_code: BoundedVec<u8, ConstU32<MAX_ZONE_CODE_LEN>>,
	/// Offset of local standard time from UTC, minutes (CET = 60).
	pub utc_offset_minutes: i16,
	/// What devices without a valid hardware attestation may earn here.
	pub unattested: UnattestedPolicy,
}

/// Lifecycle of a manufacturer's root key.
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
pub enum RootKeyStatus {
	/// Signs new certificates; its certificates are valid.
	Active,
	/// Rotated out: signs no new certificates, those it signed stay valid.
	Retired {
		/// When it was retired, ms.
		at_ms: TimestampMs,
	},
	/// Compromised: every certificate it signed is invalid from now on.
	Revoked {
		/// When it was revoked, ms.
		at_ms: TimestampMs,
	},
}

/// One root key of a manufacturer.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct RootKey {
	/// The public key (P-256 in a manufacturer's HSM, or ed25519).
	pub key: DevicePublicKey,
	/// Whether it may sign and whether its certificates hold.
	pub status: RootKeyStatus,
}

/// A device manufacturer (or accredited installer) registered by governance.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[scale_info(skip_type_params(MaxNameLen, MaxRootKeys))]
pub struct Manufacturer<
	MaxNameLen: frame_support::traits::Get<u32>,
	MaxRootKeys: frame_support::traits::Get<u32>,
> {
	/// Name of the company.
	pub name: BoundedVec<u8, MaxNameLen>,
	/// Root keys by index; keys are never removed, so indices stay stable.
	pub root_keys: BoundedVec<RootKey, MaxRootKeys>,
	/// When it was registered, ms.
	pub since_ms: TimestampMs,
}

/// A device model a manufacturer builds, with its maximum ratings.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[scale_info(skip_type_params(MaxNameLen))]
pub struct DeviceModel<MaxNameLen: frame_support::traits::Get<u32>> {
	/// Its manufacturer.
	pub manufacturer: ManufacturerId,
	/// Model name as on the type plate.
	pub name: BoundedVec<u8, MaxNameLen>,
	/// Kind of asset.
	pub kind: DeviceKind,
	/// Largest nameplate a device of this model may have (capacity and both powers).
	pub max_nameplate: Nameplate,
	/// Metering accuracy class.
	pub accuracy_class: AccuracyClass,
	/// Scheme of the keys provisioned in its devices.
	pub key_scheme: KeyScheme,
	/// Whether its devices can sign a proof of possession; a meter that signs only its own
	/// OCMF records cannot, and is registered with an owner-bound certificate instead.
	pub proof_of_possession: bool,
}

/// A device's hardware attestation, as kept on its record.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct HardwareAttestation {
	/// Manufacturer that certified it.
	pub manufacturer: ManufacturerId,
	/// Its model.
	pub model: ModelId,
	/// Index of the root key that signed the certificate.
	pub root_key: u8,
	/// blake2-256 of its serial number.
	pub serial_hash: H256,
	/// Start of the certificate's validity, ms.
	pub valid_from_ms: TimestampMs,
	/// End of the certificate's validity, ms.
	pub valid_until_ms: TimestampMs,
}

/// A certifier (manufacturer, installer, auditor) registered by the admin origin.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[scale_info(skip_type_params(MaxNameLen))]
pub struct Certifier<MaxNameLen: frame_support::traits::Get<u32>> {
	/// Name of the organisation.
	pub name: BoundedVec<u8, MaxNameLen>,
	/// When it was registered, ms since the Unix epoch.
	pub since_ms: TimestampMs,
}

/// What a certifier vouches for.
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
pub enum AttestationKind {
	/// The manufacturer built the device and provisioned its key.
	Manufacturer,
	/// An installer commissioned the device at its site as declared.
	Installation,
	/// An auditor checked the device and its metering.
	Audit,
}

/// A certifier's attestation of one device.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Attestation {
	/// What is attested.
	pub kind: AttestationKind,
	/// Hash of the evidence kept off chain (certificate, commissioning report).
	pub evidence: H256,
	/// When it was made, ms since the Unix epoch.
	pub attested_ms: TimestampMs,
}

/// Lifetime operating counters of a device, kept apart from the record so that telemetry
/// touches only these few bytes per bundle.
#[derive(Clone, Copy, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct LifetimeCounters {
	/// Energy into the device, Wh.
	pub energy_in_wh: WattHours,
	/// Energy out of the device, Wh.
	pub energy_out_wh: WattHours,
	/// Readings accepted.
	pub readings_accepted: u64,
	/// Readings rejected.
	pub readings_rejected: u64,
}

/// The identity record of a registered device.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[scale_info(skip_type_params(MaxGateways, MaxMetadataLen))]
pub struct DeviceRecord<
	AccountId,
	Balance,
	MaxGateways: frame_support::traits::Get<u32>,
	MaxMetadataLen: frame_support::traits::Get<u32>,
> {
	/// Current owner, always the holder of the device's NFT.
	pub owner: AccountId,
	/// Kind of asset.
	pub kind: DeviceKind,
	/// Nameplate ratings.
	pub nameplate: Nameplate,
	/// Grid region.
	pub region: RegionId,
	/// Lifecycle status.
	pub status: DeviceStatus,
	/// Key the device signs its readings with.
	pub signer: DeviceKey,
	/// Registration time, ms since the Unix epoch.
	pub commissioned_ms: TimestampMs,
	/// Owner-supplied metadata (manufacturer, model, serial hash, firmware, content id).
	pub metadata: BoundedVec<u8, MaxMetadataLen>,
	/// Accounts besides the owner allowed to submit the device's readings.
	pub gateways: BoundedVec<AccountId, MaxGateways>,
	/// Number of attestations currently held.
	pub attestations: u32,
	/// Deposit held from the owner: `DeviceDeposit` plus `KeyDeposit` per key a rotation
	/// added; once decommissioned, what stays held for the record and key entries kept.
	pub deposit: Balance,
	/// The manufacturer's certificate it was registered with, if any.
	pub hardware: Option<HardwareAttestation>,
}

/// Everything about a device in one flat read, as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct DeviceInfo<AccountId> {
	/// Device id (also the NFT item id).
	pub id: DeviceId,
	/// Owner of record.
	pub owner: AccountId,
	/// Holder of the NFT credential (equal to `owner`; `None` once decommissioned).
	pub nft_holder: Option<AccountId>,
	/// Kind of asset.
	pub kind: DeviceKind,
	/// Nameplate ratings.
	pub nameplate: Nameplate,
	/// Grid region.
	pub region: RegionId,
	/// Lifecycle status.
	pub status: DeviceStatus,
	/// Key the device signs with.
	pub signer: DevicePublicKey,
	/// Registration time, ms since the Unix epoch.
	pub commissioned_ms: TimestampMs,
	/// Owner-supplied metadata.
	pub metadata: Vec<u8>,
	/// Authorized gateways (the owner is always authorized too).
	pub gateways: Vec<AccountId>,
	/// Number of attestations currently held.
	pub attestations: u32,
	/// Deposit held from the owner, in the smallest unit of the native token.
	pub deposit: u128,
	/// Lifetime operating counters.
	pub counters: LifetimeCounters,
	/// The manufacturer's certificate it was registered with, if any.
	pub hardware: Option<HardwareAttestation>,
	/// Whether that certificate is valid now (root key not revoked, not expired).
	pub hardware_attested: bool,
	/// Whether the device was transferred and stays stopped until its owner rotates its key.
	pub awaiting_key: bool,
}

/// A region, as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct RegionInfo {
	/// Region id.
	pub id: RegionId,
	/// Human-readable name.
	pub name: Vec<u8>,
	/// Bidding-zone code.
	pub zone_code: Vec<u8>,
	/// Offset of local standard time from UTC, minutes.
	pub utc_offset_minutes: i16,
	/// What unattested devices may earn here.
	pub unattested: UnattestedPolicy,
}

/// A manufacturer, as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ManufacturerInfo {
	/// Manufacturer id.
	pub id: ManufacturerId,
	/// Name.
	pub name: Vec<u8>,
	/// Root keys by index with their status.
	pub root_keys: Vec<RootKey>,
	/// When it was registered, ms.
	pub since_ms: TimestampMs,
}

/// A model, as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ModelInfo {
	/// Model id.
	pub id: ModelId,
	/// Manufacturer id.
	pub manufacturer: ManufacturerId,
	/// Model name.
	pub name: Vec<u8>,
	/// Kind of asset.
	pub kind: DeviceKind,
	/// Largest nameplate of its devices.
	pub max_nameplate: Nameplate,
	/// Metering accuracy class.
	pub accuracy_class: AccuracyClass,
	/// Scheme of its device keys.
	pub key_scheme: KeyScheme,
	/// Whether its devices sign a proof of possession.
	pub proof_of_possession: bool,
}

/// A device's chain of trust, as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct AttestationChain {
	/// The device.
	pub device: DeviceId,
	/// Its certificate as recorded at registration.
	pub hardware: HardwareAttestation,
	/// The manufacturer.
	pub manufacturer: ManufacturerInfo,
	/// The model.
	pub model: ModelInfo,
	/// The root key that signed the certificate, with its status now.
	pub root_key: RootKey,
	/// Whether the certificate is valid now.
	pub valid: bool,
}

/// A certifier, as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct CertifierInfo<AccountId> {
	/// Certifier account.
	pub account: AccountId,
	/// Name of the organisation.
	pub name: Vec<u8>,
	/// When it was registered, ms since the Unix epoch.
	pub since_ms: TimestampMs,
}
