//! Data types of the device registry: stored records and the flat views the runtime API returns.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use openvpp_primitives::{
	DeviceId, DeviceKind, DeviceStatus, Nameplate, RegionId, TimestampMs, WattHours,
};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::MultiSigner;

/// Longest bidding-zone code of a region (`DE-LU`, `NL`, `IT-NORD`, `DK1` ...).
pub const MAX_ZONE_CODE_LEN: u32 = 16;

/// Smallest UTC offset of a region, in minutes (UTC-12:00).
pub const MIN_UTC_OFFSET_MINUTES: i16 = -720;

/// Largest UTC offset of a region, in minutes (UTC+14:00).
pub const MAX_UTC_OFFSET_MINUTES: i16 = 840;

/// Most entries a paged runtime-API read returns, whatever limit the caller asks for.
pub const MAX_PAGE_LEN: u32 = 1_000;

/// A device public key as stored: a [`MultiSigner`] with a bounded encoding.
///
/// Encodes exactly like the `MultiSigner` it wraps; `MultiSigner` itself has no
/// `MaxEncodedLen`, which bounded storage needs.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct DeviceKey(pub MultiSigner);

impl MaxEncodedLen for DeviceKey {
	fn max_encoded_len() -> usize {
		// Variant byte plus the longest public key (33-byte compressed ECDSA).
		34
	}
}

impl From<MultiSigner> for DeviceKey {
	fn from(signer: MultiSigner) -> Self {
		Self(signer)
	}
}

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
	/// Deposit held from the owner (zero once decommissioned).
	pub deposit: Balance,
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
	pub signer: MultiSigner,
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
