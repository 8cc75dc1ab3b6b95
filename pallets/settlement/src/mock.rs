//! Test runtime: real balances and timestamp, an in-memory device registry.
// Test arithmetic on known small values; the lint guards runtime code.
#![allow(clippy::arithmetic_side_effects)]

use core::cell::RefCell;
use std::collections::BTreeMap;

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
	PalletId,
};
use frame_system::EnsureRoot;
use openvpp_primitives::{
	AcceptedReadings, DeviceId, DeviceKind, DeviceRegistry, DeviceState, DeviceStatus, DeviceView,
	HourEnergy, Nameplate, OnReadingsAccepted, OperatingDelta, RegionId, TimestampMs, WattHours,
};
use sp_core::sr25519;
use sp_runtime::BuildStorage;

use crate as pallet_settlement;

type Block = frame_system::mocking::MockBlock<Test>;
/// Accounts are plain numbers in the mock.
pub type AccountId = u64;
/// Balance in planck (12 decimals, like VPP).
pub type Balance = u128;

/// One VPP.
pub const VPP: Balance = 1_000_000_000_000;
/// One hour, ms.
pub const HOUR: u64 = 3_600_000;
/// A quarter hour, ms: the interval of the mock's readings.
pub const QUARTER: u64 = 900_000;
/// 2026-01-01T00:00:00Z, ms: the mock's chain starts here.
pub const START_MS: u64 = 1_767_225_600_000;

/// Roof owner.
pub const ALICE: AccountId = 1;
/// Fleet owner.
pub const BOB: AccountId = 2;
/// A consumer with a smart meter.
pub const CHARLIE: AccountId = 3;
/// Someone without devices.
pub const DAVE: AccountId = 4;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Timestamp: pallet_timestamp,
		Settlement: pallet_settlement,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<{ VPP / 1000 }>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

use frame_support::traits::ConstU128;

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = ();
	type MinimumPeriod = ConstU64<3_000>;
	type WeightInfo = ();
}

parameter_types! {
	pub const SettlementPalletId: PalletId = PalletId(*b"ovpp/stl");
	pub const CertificateDeposit: Balance = VPP / 100;
}

impl pallet_settlement::Config for Test {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type Devices = MockRegistry;
	type UnixTime = Timestamp;
	type AdminOrigin = EnsureRoot<AccountId>;
	type PalletId = SettlementPalletId;
	type EpochDurationMs = ConstU64<HOUR>;
	type MaxDevicesPerClaim = ConstU32<16>;
	type MaxCertificatesPerOwner = ConstU32<8>;
	type MaxRetirementsPerHour = ConstU32<4>;
	type CertificateWindowHours = ConstU32<48>;
	type CertificateDeposit = CertificateDeposit;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockRegistry;
}

thread_local! {
	static DEVICES: RefCell<BTreeMap<DeviceId, DeviceView<AccountId>>> = const { RefCell::new(BTreeMap::new()) };
}

/// In-memory device registry (the device-identity pallet's trait boundary).
pub struct MockRegistry;

impl MockRegistry {
	/// Registers a device and returns its id.
	pub fn add(owner: AccountId, kind: DeviceKind, region: RegionId, attested: bool) -> DeviceId {
		DEVICES.with(|d| {
			let mut devices = d.borrow_mut();
			let id = devices.keys().next_back().map(|k| k + 1).unwrap_or(0);
			let nameplate = match kind {
				DeviceKind::SolarPv => {
					Nameplate { capacity_wh: 0, max_import_w: 0, max_export_w: 5_000 }
				}
				DeviceKind::Battery => {
					Nameplate { capacity_wh: 13_500, max_import_w: 5_000, max_export_w: 5_000 }
				}
				DeviceKind::Ev => {
					Nameplate { capacity_wh: 60_000, max_import_w: 7_400, max_export_w: 7_400 }
				}
				DeviceKind::HeatPump => {
					Nameplate { capacity_wh: 0, max_import_w: 3_000, max_export_w: 0 }
				}
				DeviceKind::Wind => {
					Nameplate { capacity_wh: 0, max_import_w: 0, max_export_w: 3_000_000 }
				}
				DeviceKind::SmartMeter => {
					Nameplate { capacity_wh: 0, max_import_w: 17_000, max_export_w: 17_000 }
				}
			};
			devices.insert(
				id,
				DeviceView {
					owner,
					kind,
					region,
					nameplate,
					status: DeviceStatus::Active,
					signer: openvpp_primitives::DevicePublicKey::Sr25519(
						sr25519::Public::from_raw([id as u8; 32]),
					),
					commissioned_ms: START_MS,
					attestations: u8::from(attested),
					hardware: None,
					hardware_attested: attested,
					eligibility: openvpp_primitives::RewardEligibility::Full,
				},
			);
			id
		})
	}

	/// Changes a device's lifecycle status.
	pub fn set_status(id: DeviceId, status: DeviceStatus) {
		DEVICES.with(|d| {
			if let Some(view) = d.borrow_mut().get_mut(&id) {
				view.status = status;
			}
		});
	}

	/// Changes what a device may earn (its attestation under its region's policy) and its
	/// nameplate, as the registry would report them.
	pub fn set_trust(
		id: DeviceId,
		eligibility: openvpp_primitives::RewardEligibility,
		nameplate: Nameplate,
	) {
		DEVICES.with(|d| {
			if let Some(view) = d.borrow_mut().get_mut(&id) {
				view.hardware_attested = eligibility == openvpp_primitives::RewardEligibility::Full;
				view.attestations = u8::from(view.hardware_attested);
				view.eligibility = eligibility;
				view.nameplate = nameplate;
			}
		});
	}

	/// Changes a device's owner (an NFT transfer).
	pub fn set_owner(id: DeviceId, owner: AccountId) {
		DEVICES.with(|d| {
			if let Some(view) = d.borrow_mut().get_mut(&id) {
				view.owner = owner;
			}
		});
	}
}

impl DeviceRegistry<AccountId> for MockRegistry {
	fn device(id: DeviceId) -> Option<DeviceView<AccountId>> {
		DEVICES.with(|d| d.borrow().get(&id).cloned())
	}
	fn is_gateway_authorized(_id: DeviceId, _gateway: &AccountId) -> bool {
		true
	}
	fn note_operation(_id: DeviceId, _delta: OperatingDelta) {}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for MockRegistry {
	fn register_device(
		owner: &AccountId,
		kind: DeviceKind,
		region: RegionId,
		attested: bool,
	) -> DeviceId {
		MockRegistry::add(*owner, kind, region, attested)
	}

	fn set_time_ms(now_ms: TimestampMs) {
		pallet_timestamp::Now::<Test>::put(now_ms);
	}
}

/// Balance of the reward pot at genesis.
pub const POT: Balance = 1_000_000 * VPP;
/// Reward emitted per epoch.
pub const EMISSION: Balance = 100 * VPP;
/// Reference price of a kWh of renewable generation (0.25 VPP).
pub const REFERENCE_PRICE: Balance = VPP / 4;

/// Test externalities: funded accounts, a funded pot, the standard valuation table, chain time
/// at [`START_MS`].
pub fn new_test_ext() -> sp_io::TestExternalities {
	DEVICES.with(|d| d.borrow_mut().clear());
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(ALICE, 1_000 * VPP),
			(BOB, 1_000 * VPP),
			(CHARLIE, 1_000 * VPP),
			(DAVE, 1_000 * VPP),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_settlement::GenesisConfig::<Test> {
		pot_balance: POT,
		reference_price_per_kwh: REFERENCE_PRICE,
		emission_per_epoch: EMISSION,
		epoch_duration_ms: 0,
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		advance_to(START_MS);
	});
	ext
}

/// Runs a test and checks the pallet's invariants at the end.
pub fn test(body: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		body();
		Settlement::do_try_state().unwrap();
	});
}

/// Moves chain time to `ms` in a new block and runs the pallet's `on_initialize`.
pub fn advance_to(ms: TimestampMs) {
	let next = System::block_number() + 1;
	System::set_block_number(next);
	Timestamp::set_timestamp(ms);
	Settlement::on_initialize(next);
}

/// Moves chain time into epoch `START + n hours` (a minute in) and closes the previous one.
pub fn advance_to_epoch(n: u64) {
	advance_to(START_MS + n * HOUR + 60_000);
}

/// What telemetry would hand on after accepting a quarter-hour reading of `device` at `to_ms`
/// (the previous one at `to_ms - 15 min`).
pub fn accepted(
	device: DeviceId,
	to_ms: TimestampMs,
	energy_in_wh: WattHours,
	energy_out_wh: WattHours,
) -> AcceptedReadings {
	accepted_between(device, to_ms.saturating_sub(QUARTER), to_ms, energy_in_wh, energy_out_wh)
}

/// What telemetry would hand on after accepting readings of `device` from `from_ms` (its
/// previous reading) to `to_ms`, the energy flowing evenly in between.
pub fn accepted_between(
	device: DeviceId,
	from_ms: TimestampMs,
	to_ms: TimestampMs,
	energy_in_wh: WattHours,
	energy_out_wh: WattHours,
) -> AcceptedReadings {
	let view = MockRegistry::device(device).unwrap();
	AcceptedReadings {
		device,
		kind: view.kind,
		region: view.region,
		from_ms,
		to_ms,
		energy_in_wh,
		energy_out_wh,
		readings: 4,
		last_soc: None,
		last_state: DeviceState::Idle,
		peak_power_w: 0,
		hours: HourEnergy::split(from_ms, to_ms, energy_in_wh, energy_out_wh),
	}
}

/// Feeds one accepted bundle to settlement, as telemetry does.
pub fn report(
	device: DeviceId,
	to_ms: TimestampMs,
	energy_in_wh: WattHours,
	energy_out_wh: WattHours,
) {
	feed(&accepted(device, to_ms, energy_in_wh, energy_out_wh));
}

/// Feeds readings of `device` from `from_ms` to `to_ms` to settlement, as telemetry does.
pub fn report_between(
	device: DeviceId,
	from_ms: TimestampMs,
	to_ms: TimestampMs,
	energy_in_wh: WattHours,
	energy_out_wh: WattHours,
) {
	feed(&accepted_between(device, from_ms, to_ms, energy_in_wh, energy_out_wh));
}

/// Hands `accepted` to settlement as telemetry does.
pub fn feed(accepted: &AcceptedReadings) {
	let owner = MockRegistry::device(accepted.device).unwrap().owner;
	<Settlement as OnReadingsAccepted<AccountId>>::on_readings_accepted(&owner, accepted);
}

/// Events of this pallet so far.
pub fn settlement_events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Settlement(e) = r.event { Some(e) } else { None })
		.collect()
}
