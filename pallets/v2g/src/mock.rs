//! Test runtime: real balances and timestamp, an in-memory device registry, and recorders for
//! what v2g reports to settlement.
// Test arithmetic on known small values; the lint guards runtime code.
#![allow(clippy::arithmetic_side_effects)]

use core::cell::RefCell;
use std::collections::BTreeMap;

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64},
};
use frame_system::EnsureRoot;
use openvpp_primitives::{
	AcceptedReadings, DeviceId, DeviceKind, DeviceRegistry, DeviceState, DeviceStatus, DeviceView,
	GridSupportFeed, HourEnergy, Nameplate, OnReadingsAccepted, OperatingDelta, RegionId,
	ReliabilityFeed, TimestampMs, WattHours,
};
use sp_core::sr25519;
use sp_runtime::{BuildStorage, DispatchResult, Permill};

use crate as pallet_v2g;

type Block = frame_system::mocking::MockBlock<Test>;
/// Accounts are plain numbers in the mock.
pub type AccountId = u64;
/// Balance in planck (12 decimals, like VPP).
pub type Balance = u128;

/// One VPP.
pub const VPP: Balance = 1_000_000_000_000;
/// A quarter of an hour, ms: the reading interval of the test devices.
pub const QUARTER: u64 = 900_000;
/// One hour, ms.
pub const HOUR: u64 = 3_600_000;
/// One day, ms.
pub const DAY: u64 = 24 * HOUR;
/// 2026-01-01T00:00:00Z, ms: the mock's chain starts here.
pub const START_MS: u64 = 1_767_225_600_000;

/// EV owner.
pub const ALICE: AccountId = 1;
/// EV owner.
pub const BOB: AccountId = 2;
/// Battery and heat pump owner.
pub const CHARLIE: AccountId = 3;
/// EV owner.
pub const DAVE: AccountId = 4;
/// Grid operator of region 1.
pub const GRID_OP: AccountId = 10;
/// Grid operator of region 2.
pub const OTHER_OP: AccountId = 11;
/// Grid region of most tests.
pub const REGION: RegionId = 1;
/// Another region.
pub const OTHER_REGION: RegionId = 2;
/// Balance every account starts with.
pub const INITIAL: Balance = 1_000 * VPP;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Timestamp: pallet_timestamp,
		V2g: pallet_v2g,
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

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = ();
	type MinimumPeriod = ConstU64<3_000>;
	type WeightInfo = ();
}

parameter_types! {
	pub const UnderDeliveryThreshold: Permill = Permill::from_percent(80);
}

impl pallet_v2g::Config for Test {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type Devices = MockRegistry;
	type UnixTime = Timestamp;
	type AdminOrigin = EnsureRoot<AccountId>;
	type Reliability = FeedRecorder;
	type GridSupport = FeedRecorder;
	type MaxParticipants = ConstU32<8>;
	type MaxOperatorsPerRegion = ConstU32<2>;
	type ClaimPeriodMs = ConstU64<{ 7 * DAY }>;
	type TelemetryGraceMs = ConstU64<QUARTER>;
	type UnderDeliveryThreshold = UnderDeliveryThreshold;
	type MinLeadTimeMs = ConstU64<{ 15 * 60_000 }>;
	type MaxWindowMs = ConstU64<{ 4 * HOUR }>;
	type BaselineWindowMs = ConstU64<{ 4 * HOUR }>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockRegistry;
}

thread_local! {
	static DEVICES: RefCell<BTreeMap<DeviceId, DeviceView<AccountId>>> = const { RefCell::new(BTreeMap::new()) };
	static DELIVERIES: RefCell<Vec<(DeviceId, Permill)>> = const { RefCell::new(Vec::new()) };
	static GRID_SUPPORT: RefCell<Vec<(DeviceId, WattHours, TimestampMs)>> = const { RefCell::new(Vec::new()) };
}

/// Nameplate of a typical device of `kind`: a 60 kWh EV on an 11 kW bidirectional charger, a
/// 13.5 kWh home battery at 5 kW, a 3 kW heat pump, a 5 kWp roof.
pub fn nameplate(kind: DeviceKind) -> Nameplate {
	match kind {
		DeviceKind::Ev => {
			Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 11_000 }
		}
		DeviceKind::Battery => {
			Nameplate { capacity_wh: 13_500, max_import_w: 5_000, max_export_w: 5_000 }
		}
		DeviceKind::HeatPump => Nameplate { capacity_wh: 0, max_import_w: 3_000, max_export_w: 0 },
		DeviceKind::SolarPv => Nameplate { capacity_wh: 0, max_import_w: 0, max_export_w: 5_000 },
		DeviceKind::Wind => Nameplate { capacity_wh: 0, max_import_w: 0, max_export_w: 3_000_000 },
		DeviceKind::SmartMeter => {
			Nameplate { capacity_wh: 0, max_import_w: 17_000, max_export_w: 17_000 }
		}
	}
}

/// In-memory device registry (the device-identity pallet's trait boundary).
pub struct MockRegistry;

impl MockRegistry {
	/// Registers an active device with the typical nameplate of its kind and returns its id.
	pub fn add(owner: AccountId, kind: DeviceKind, region: RegionId) -> DeviceId {
		Self::add_with(owner, kind, region, nameplate(kind))
	}

	/// Registers an active device with the given nameplate and returns its id.
	pub fn add_with(
		owner: AccountId,
		kind: DeviceKind,
		region: RegionId,
		nameplate: Nameplate,
	) -> DeviceId {
		DEVICES.with(|d| {
			let mut devices = d.borrow_mut();
			let id = devices.keys().next_back().map(|k| k + 1).unwrap_or(0);
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
					attestations: 1,
					hardware: None,
					hardware_attested: false,
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
	fn register_device(owner: &AccountId, kind: DeviceKind, region: RegionId) -> DeviceId {
		MockRegistry::add(*owner, kind, region)
	}
	fn set_time_ms(now_ms: TimestampMs) {
		Timestamp::set_timestamp(now_ms);
	}
}

/// Records what v2g reports to settlement.
pub struct FeedRecorder;

impl ReliabilityFeed for FeedRecorder {
	fn note_delivery(device: DeviceId, delivered: Permill) -> DispatchResult {
		DELIVERIES.with(|d| d.borrow_mut().push((device, delivered)));
		Ok(())
	}
}

impl GridSupportFeed for FeedRecorder {
	fn note_grid_support(
		device: DeviceId,
		energy_wh: WattHours,
		at_ms: TimestampMs,
	) -> DispatchResult {
		GRID_SUPPORT.with(|g| g.borrow_mut().push((device, energy_wh, at_ms)));
		Ok(())
	}
}

/// Delivered shares reported to the reliability feed so far, in order.
pub fn deliveries() -> Vec<(DeviceId, Permill)> {
	DELIVERIES.with(|d| d.borrow().clone())
}

/// Grid-support energy reported so far, in order.
pub fn grid_support() -> Vec<(DeviceId, WattHours, TimestampMs)> {
	GRID_SUPPORT.with(|g| g.borrow().clone())
}

/// Test externalities: funded accounts, region 1 and 2 operators, chain time at [`START_MS`].
pub fn new_test_ext() -> sp_io::TestExternalities {
	DEVICES.with(|d| d.borrow_mut().clear());
	DELIVERIES.with(|d| d.borrow_mut().clear());
	GRID_SUPPORT.with(|g| g.borrow_mut().clear());
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [ALICE, BOB, CHARLIE, DAVE, GRID_OP, OTHER_OP]
			.into_iter()
			.map(|who| (who, INITIAL))
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(START_MS);
		crate::Operators::<Test>::insert(
			REGION,
			frame_support::BoundedVec::truncate_from(vec![GRID_OP]),
		);
		crate::Operators::<Test>::insert(
			OTHER_REGION,
			frame_support::BoundedVec::truncate_from(vec![OTHER_OP]),
		);
	});
	ext
}

/// Runs a test and checks the pallet's invariants at the end.
pub fn test(body: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		body();
		V2g::do_try_state().unwrap();
	});
}

/// Moves chain time to `ms` in a new block.
pub fn advance_to(ms: TimestampMs) {
	System::set_block_number(System::block_number() + 1);
	Timestamp::set_timestamp(ms);
}

/// Hands v2g one accepted bundle of one reading interval `[from_ms, to_ms]`, as telemetry does.
pub fn feed(
	device: DeviceId,
	from_ms: TimestampMs,
	to_ms: TimestampMs,
	energy_in_wh: WattHours,
	energy_out_wh: WattHours,
	soc_percent: Option<u32>,
	state: DeviceState,
) {
	let view = MockRegistry::device(device).unwrap();
	let elapsed = (to_ms - from_ms).max(1);
	let peak_power_w = (energy_in_wh.max(energy_out_wh) * HOUR / elapsed) as u32;
	let accepted = AcceptedReadings {
		device,
		kind: view.kind,
		region: view.region,
		from_ms,
		to_ms,
		energy_in_wh,
		energy_out_wh,
		readings: 1,
		last_soc: soc_percent.map(Permill::from_percent),
		last_state: state,
		peak_power_w,
		hours: HourEnergy::split(from_ms, to_ms, energy_in_wh, energy_out_wh),
	};
	<V2g as OnReadingsAccepted<AccountId>>::on_readings_accepted(&view.owner, &accepted);
}

/// Feeds 15-minute readings starting at `from_ms`: `(energy in, energy out, SoC %, state)` per
/// quarter hour. Returns the time of the last reading.
pub fn feed_quarters(
	device: DeviceId,
	from_ms: TimestampMs,
	quarters: &[(WattHours, WattHours, Option<u32>, DeviceState)],
) -> TimestampMs {
	let mut at = from_ms;
	for &(energy_in_wh, energy_out_wh, soc, state) in quarters {
		feed(device, at, at + QUARTER, energy_in_wh, energy_out_wh, soc, state);
		at += QUARTER;
	}
	at
}

/// Events of this pallet so far.
pub fn v2g_events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::V2g(e) = r.event { Some(e) } else { None })
		.collect()
}
