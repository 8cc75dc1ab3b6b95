//! The OpenVPP pallets: device identity and telemetry.

use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU64},
	PalletId,
};

use crate::{
	currency::UNITS, Balance, Balances, DeviceIdentity, Runtime, RuntimeEvent,
	RuntimeHoldReason, Timestamp,
};

parameter_types! {
	pub const DeviceIdentityPalletId: PalletId = PalletId(*b"ovpp/dev");
	/// Item collection of the device credentials.
	pub const DeviceCollectionId: u32 = 0;
	/// Held from the owner while a device is registered; returned on decommissioning.
	pub const DeviceDeposit: Balance = 10 * UNITS;
}

impl pallet_device_identity::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Nfts = crate::Nfts;
	type CollectionId = DeviceCollectionId;
	type PalletId = DeviceIdentityPalletId;
	type AdminOrigin = crate::configs::governance::GridAdminOrigin;
	type UnixTime = Timestamp;
	type DeviceDeposit = DeviceDeposit;
	type MaxGateways = ConstU32<8>;
	type MaxMetadataLen = ConstU32<256>;
	type MaxAttestations = ConstU32<4>;
	type MaxRegionNameLen = ConstU32<64>;
	type MaxCertifierNameLen = ConstU32<64>;
	type WeightInfo = pallet_device_identity::weights::SubstrateWeight<Runtime>;
}

impl pallet_telemetry::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Devices = DeviceIdentity;
	type UnixTime = Timestamp;
	type OnAccepted = ();
	type MaxBundlesPerCall = ConstU32<256>;
	type MaxReadingsPerBundle = ConstU32<96>;
	/// Readings may be stamped up to 30 s ahead of chain time (clock skew).
	type MaxFutureDriftMs = ConstU64<30_000>;
	/// Readings older than 7 days are refused.
	type MaxReadingAgeMs = ConstU64<{ 7 * 24 * 3_600_000 }>;
	/// Epochs of one hour.
	type EpochDurationMs = ConstU64<3_600_000>;
	type WeightInfo = pallet_telemetry::weights::SubstrateWeight<Runtime>;
}
