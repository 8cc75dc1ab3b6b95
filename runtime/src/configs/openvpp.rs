//! The OpenVPP pallets: device identity, telemetry, settlement and vehicle-to-grid.

use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU64},
	PalletId,
};
use sp_runtime::Permill;

use crate::{
	configs::governance::{GridAdminOrigin, ValuationAdminOrigin},
	currency::{CENTS, MILLI_UNITS, UNITS},
	Balance, Balances, DeviceIdentity, Runtime, RuntimeHoldReason, Settlement, Telemetry,
	Timestamp, V2g,
};

/// One hour: the epoch of telemetry accumulators and rewards (certificates are always
/// hourly). A chain may choose another length at genesis (`settlement.epochDurationMs`).
pub const EPOCH_DURATION_MS: u64 = 3_600_000;

/// The epoch length in force: settlement's genesis choice, else [`EPOCH_DURATION_MS`].
/// Telemetry's accumulators and settlement's epochs share it.
pub struct ChainEpochDuration;

impl frame_support::traits::Get<u64> for ChainEpochDuration {
	fn get() -> u64 {
		Settlement::epoch_duration_ms()
	}
}

parameter_types! {
	pub const DeviceIdentityPalletId: PalletId = PalletId(*b"ovpp/dev");
	/// Item collection of the device credentials.
	pub const DeviceCollectionId: u32 = 0;
	/// Held from the owner while a device is registered: pays for its state in every pallet at
	/// 0.001 VPP per byte (see docs/storage.md); returned on decommissioning but for
	/// `DeviceRetainedDeposit`.
	pub const DeviceDeposit: Balance = 10 * UNITS;
	/// Held per key a rotation adds: a `DeviceByKey` entry (90 bytes) is kept for good.
	pub const DeviceKeyDeposit: Balance = 100 * MILLI_UNITS;
	/// Kept held at decommissioning for what stays for good: the record without metadata and
	/// gateways, its counters, its first key, its serial and its owner's nonce (560 bytes).
	pub const DeviceRetainedDeposit: Balance = 600 * MILLI_UNITS;
}

impl pallet_device_identity::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Nfts = crate::Nfts;
	type CollectionId = DeviceCollectionId;
	type PalletId = DeviceIdentityPalletId;
	type AdminOrigin = GridAdminOrigin;
	type UnixTime = Timestamp;
	type DeviceDeposit = DeviceDeposit;
	type KeyDeposit = DeviceKeyDeposit;
	type RetainedDeposit = DeviceRetainedDeposit;
	// Settlement keeps a retired device's rewards claimable and its value record.
	type OnDecommissioned = (Telemetry, V2g);
	type MaxGateways = ConstU32<8>;
	type MaxMetadataLen = ConstU32<256>;
	type MaxAttestations = ConstU32<4>;
	type MaxRegionNameLen = ConstU32<64>;
	type MaxCertifierNameLen = ConstU32<64>;
	type MaxRootKeys = ConstU32<8>;
	type WeightInfo = pallet_device_identity::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Energy may exceed nameplate power × time by 2 % (meter accuracy class).
	pub const TelemetryNameplateTolerance: Permill = Permill::from_percent(2);
	/// SoC may differ from what the energy explains by 10 % of the interval's energy
	/// (charging losses) ...
	pub const TelemetrySocEnergyTolerance: Permill = Permill::from_percent(10);
	/// ... plus 1 % of capacity (SoC estimation error).
	pub const TelemetrySocCapacityTolerance: Permill = Permill::from_percent(1);
}

impl pallet_telemetry::Config for Runtime {
	type Devices = DeviceIdentity;
	type UnixTime = Timestamp;
	type OnAccepted = (Settlement, V2g);
	type MaxBundlesPerCall = ConstU32<256>;
	type MaxReadingsPerBundle = ConstU32<96>;
	/// Readings may be stamped up to 30 s ahead of chain time (clock skew).
	type MaxFutureDriftMs = ConstU64<30_000>;
	/// Readings older than 7 days are refused.
	type MaxReadingAgeMs = ConstU64<{ 7 * 24 * 3_600_000 }>;
	// An hourly meter that missed one report still earns; a longer silence does not.
	type MaxValuedIntervalMs = ConstU64<{ 2 * 3_600_000 }>;
	type EpochDurationMs = ChainEpochDuration;
	type NameplateTolerance = TelemetryNameplateTolerance;
	type SocEnergyTolerance = TelemetrySocEnergyTolerance;
	type SocCapacityTolerance = TelemetrySocCapacityTolerance;
	type WeightInfo = pallet_telemetry::weights::SubstrateWeight<Runtime>;
	type SignatureWeight = DeviceIdentity;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::OpenVppBenchHelper;
}

parameter_types! {
	pub const SettlementPalletId: PalletId = PalletId(*b"ovpp/stl");
	/// Held per green-certificate record; returned when the record is used up.
	pub const CertificateDeposit: Balance = CENTS;
}

impl pallet_settlement::Config for Runtime {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type Devices = DeviceIdentity;
	type UnixTime = Timestamp;
	type AdminOrigin = ValuationAdminOrigin;
	type PalletId = SettlementPalletId;
	type EpochDurationMs = ConstU64<EPOCH_DURATION_MS>;
	type MaxDevicesPerClaim = ConstU32<64>;
	type MaxCertificatesPerOwner = ConstU32<256>;
	type MaxRetirementsPerHour = ConstU32<32>;
	type CertificateWindowHours = ConstU32<48>;
	type CertificateDeposit = CertificateDeposit;
	type WeightInfo = pallet_settlement::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::OpenVppBenchHelper;
}

parameter_types! {
	/// Delivering less than 80 % of a demand-response commitment lowers the credit score.
	pub const UnderDeliveryThreshold: Permill = Permill::from_percent(80);
}

impl pallet_v2g::Config for Runtime {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type Devices = DeviceIdentity;
	type UnixTime = Timestamp;
	type AdminOrigin = GridAdminOrigin;
	type Reliability = Settlement;
	type GridSupport = Settlement;
	type MaxParticipants = ConstU32<100>;
	type MaxOperatorsPerRegion = ConstU32<8>;
	/// Participants claim within 7 days of the event's end.
	type ClaimPeriodMs = ConstU64<{ 7 * 24 * 3_600_000 }>;
	// One epoch (an hour; a minute on the development chain): as long as settlement waits for
	// late telemetry.
	type TelemetryGraceMs = ChainEpochDuration;
	type UnderDeliveryThreshold = UnderDeliveryThreshold;
	/// Events open at least a minute before their window (fast reserve products give that
	/// little notice).
	type MinLeadTimeMs = ConstU64<60_000>;
	/// Windows last at most 4 hours.
	type MaxWindowMs = ConstU64<{ 4 * 3_600_000 }>;
	/// Time constant of the baseline (average power outside events).
	type BaselineWindowMs = ConstU64<{ 4 * 3_600_000 }>;
	type WeightInfo = pallet_v2g::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::OpenVppBenchHelper;
}

impl pallet_feeds::Config for Runtime {
	type AuthorityId = pallet_feeds::crypto::GatewayAuthId;
	/// A feed has 5 s to answer (blocks come every 6 s; the worker runs beside them).
	type FetchTimeoutMs = ConstU64<5_000>;
	/// 1 MiB, a feed page: some 1,600 bundles of four readings in OpenVPP JSON.
	type MaxFeedBytes = ConstU32<{ 1024 * 1024 }>;
	type MaxBundlesPerSubmission = ConstU32<64>;
	/// A submission not included within 10 blocks (a minute) is presumed dropped.
	type PendingTimeoutBlocks = ConstU32<10>;
}
