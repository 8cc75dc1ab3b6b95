//! Test runtime: the telemetry pallet with an in-memory device registry and a settable clock.
//!
//! The registry is a test double for the `DeviceRegistry` trait boundary (telemetry never
//! depends on the device-identity pallet): devices carry real keys, so signatures are verified
//! exactly as on chain. The real registry is exercised together with telemetry in the runtime.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::arithmetic_side_effects)]

use core::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use frame_support::{derive_impl, parameter_types, traits::UnixTime};
use openvpp_primitives::DevicePublicKey as MultiSigner;
use openvpp_primitives::{
	AcceptedReadings, DeviceId, DeviceKind, DeviceRegistry, DeviceStatus, DeviceView, Nameplate,
	OnReadingsAccepted, OperatingDelta, RegionId,
};
use sp_runtime::{BuildStorage, Permill};

use crate as pallet_telemetry;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Telemetry: pallet_telemetry,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// Account id of the test runtime.
pub type AccountId = u64;

/// 1 June 2025 00:00 UTC, ms: the chain's clock at the start of every test.
pub const START_MS: u64 = 1_748_736_000_000;
/// One hour, ms.
pub const HOUR_MS: u64 = 3_600_000;
/// Fifteen minutes, ms.
pub const QUARTER_MS: u64 = 900_000;

parameter_types! {
	/// Chain time the mock clock reports, ms.
	pub static NowMs: u64 = START_MS;
	pub const MaxBundlesPerCall: u32 = 32;
	pub const MaxReadingsPerBundle: u32 = 96;
	pub const MaxFutureDriftMs: u64 = 30_000;
	pub const MaxReadingAgeMs: u64 = 7 * 24 * HOUR_MS;
	pub const MaxValuedIntervalMs: u64 = 2 * HOUR_MS;
	pub const EpochDurationMs: u64 = HOUR_MS;
	pub const NameplateTolerance: Permill = Permill::from_percent(2);
	pub const SocEnergyTolerance: Permill = Permill::from_percent(10);
	pub const SocCapacityTolerance: Permill = Permill::from_percent(1);
}

/// The mock clock.
pub struct MockTime;
impl UnixTime for MockTime {
	fn now() -> core::time::Duration {
		core::time::Duration::from_millis(NowMs::get())
	}
}

impl pallet_telemetry::Config for Test {
	type Devices = TestRegistry;
	type UnixTime = MockTime;
	type OnAccepted = RecordAccepted;
	type MaxBundlesPerCall = MaxBundlesPerCall;
	type MaxReadingsPerBundle = MaxReadingsPerBundle;
	type MaxFutureDriftMs = MaxFutureDriftMs;
	type MaxReadingAgeMs = MaxReadingAgeMs;
	type MaxValuedIntervalMs = MaxValuedIntervalMs;
	type EpochDurationMs = EpochDurationMs;
	type NameplateTolerance = NameplateTolerance;
	type SocEnergyTolerance = SocEnergyTolerance;
	type SocCapacityTolerance = SocCapacityTolerance;
	type WeightInfo = ();
	type SignatureWeight = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestRegistry;
}

#[derive(Default)]
struct Registry {
	devices: BTreeMap<DeviceId, DeviceView<AccountId>>,
	gateways: BTreeSet<(DeviceId, AccountId)>,
	operations: BTreeMap<DeviceId, OperatingDelta>,
	next_id: DeviceId,
}

thread_local! {
	static REGISTRY: RefCell<Registry> = RefCell::new(Registry::default());
	static ACCEPTED: RefCell<Vec<(AccountId, AcceptedReadings)>> = const { RefCell::new(Vec::new()) };
}

/// In-memory device registry.
pub struct TestRegistry;

impl DeviceRegistry<AccountId> for TestRegistry {
	fn device(id: DeviceId) -> Option<DeviceView<AccountId>> {
		REGISTRY.with(|r| r.borrow().devices.get(&id).cloned())
	}

	fn is_gateway_authorized(id: DeviceId, gateway: &AccountId) -> bool {
		REGISTRY.with(|r| r.borrow().gateways.contains(&(id, *gateway)))
	}

	fn note_operation(id: DeviceId, delta: OperatingDelta) {
		REGISTRY.with(|r| {
			let mut r = r.borrow_mut();
			let total = r.operations.entry(id).or_default();
			total.energy_in_wh += delta.energy_in_wh;
			total.energy_out_wh += delta.energy_out_wh;
			total.readings_accepted += delta.readings_accepted;
			total.readings_rejected += delta.readings_rejected;
		})
	}
}

impl TestRegistry {
	/// Registers an active device with `gateway` authorized; returns its id.
	pub fn register(
		owner: AccountId,
		kind: DeviceKind,
		nameplate: Nameplate,
		signer: MultiSigner,
		region: RegionId,
		gateway: AccountId,
	) -> DeviceId {
		nameplate.validate(kind).expect("test nameplates are valid");
		REGISTRY.with(|r| {
			let mut r = r.borrow_mut();
			let id = r.next_id;
			r.next_id += 1;
			r.devices.insert(
				id,
				DeviceView {
					owner,
					kind,
					region,
					nameplate,
					status: DeviceStatus::Active,
					signer,
					commissioned_ms: NowMs::get(),
					attestations: 0,
					hardware: None,
					hardware_attested: false,
					eligibility: openvpp_primitives::RewardEligibility::Full,
				},
			);
			r.gateways.insert((id, gateway));
			id
		})
	}

	/// Registers an 11 kW wallbox's meter (an EV charging point, charging 60 kWh packs)
	/// signing with `signer`.
	pub fn register_charger(signer: MultiSigner, gateway: AccountId) -> DeviceId {
		let nameplate = Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 0 };
		Self::register(1, DeviceKind::Ev, nameplate, signer, 1, gateway)
	}

	/// Records a manufacturer certificate's identity on a device.
	pub fn set_hardware(id: DeviceId, hardware: openvpp_primitives::HardwareIdentity) {
		REGISTRY.with(|r| {
			r.borrow_mut().devices.get_mut(&id).expect("registered").hardware = Some(hardware)
		})
	}

	/// Changes a device's status.
	pub fn set_status(id: DeviceId, status: DeviceStatus) {
		REGISTRY.with(|r| r.borrow_mut().devices.get_mut(&id).expect("registered").status = status)
	}

	/// Authorizes another gateway for a device.
	pub fn authorize(id: DeviceId, gateway: AccountId) {
		REGISTRY.with(|r| r.borrow_mut().gateways.insert((id, gateway)));
	}

	/// Lifetime operating counters telemetry reported for a device.
	pub fn operations(id: DeviceId) -> OperatingDelta {
		REGISTRY.with(|r| r.borrow().operations.get(&id).copied().unwrap_or_default())
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for TestRegistry {
	fn register_device(signer: MultiSigner, gateway: &AccountId) -> DeviceId {
		// A 13.5 kWh / 5 kW home battery.
		let nameplate = Nameplate { capacity_wh: 13_500, max_import_w: 5_000, max_export_w: 5_000 };
		Self::register(1, DeviceKind::Battery, nameplate, signer, 1, *gateway)
	}

	fn register_p256_device(secret: [u8; 32], serial: &[u8], gateway: &AccountId) -> DeviceId {
		let device = Self::register_charger(p256_public(&secret), *gateway);
		let serial_hash = openvpp_primitives::serial_hash(serial);
		Self::set_hardware(
			device,
			openvpp_primitives::HardwareIdentity { manufacturer: 1, model: 1, serial_hash },
		);
		device
	}

	fn set_time_ms(now_ms: u64) {
		NowMs::set(now_ms);
	}
}

/// The compressed public key of the P-256 scalar `secret`.
pub fn p256_public(secret: &[u8; 32]) -> MultiSigner {
	let key = openvpp_primitives::crypto::p256::ecdsa::SigningKey::from_slice(secret).unwrap();
	let point = key.verifying_key().to_encoded_point(true);
	MultiSigner::P256(openvpp_primitives::p256_compress(point.as_bytes()).unwrap())
}

/// Records every `on_readings_accepted` call.
pub struct RecordAccepted;
impl OnReadingsAccepted<AccountId> for RecordAccepted {
	fn on_readings_accepted(owner: &AccountId, accepted: &AcceptedReadings) {
		ACCEPTED.with(|a| a.borrow_mut().push((*owner, accepted.clone())));
	}
}

/// Everything consumers were handed so far, in order.
pub fn accepted_log() -> Vec<(AccountId, AcceptedReadings)> {
	ACCEPTED.with(|a| a.borrow().clone())
}

/// Fresh externalities: empty registry, clock at [`START_MS`], block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	REGISTRY.with(|r| *r.borrow_mut() = Registry::default());
	ACCEPTED.with(|a| a.borrow_mut().clear());
	NowMs::set(START_MS);
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// [`new_test_ext`] with a keystore, for the benchmarks' device keys.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	let mut ext = new_test_ext();
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext
}
