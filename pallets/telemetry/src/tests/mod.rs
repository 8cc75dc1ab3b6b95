//! Unit tests of the telemetry pallet, split by concern; helpers and realistic device profiles
//! shared by them live here and in [`profiles`].
#![allow(
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]

mod attacks;
mod batches;
mod ocmf;
mod profiles;
mod random_input;
mod state_size;
mod tampering;
mod traces;

use codec::Decode;
use frame_support::{assert_ok, pallet_prelude::DispatchResult};
use openvpp_primitives::{
	keys::{DeviceKeyPair, KeyScheme},
	Bundle, DeviceId, DeviceKind, Nameplate, Reading,
};
use sp_core::H256;
use sp_runtime::BoundedVec;

use crate::{
	mock::*, DeviceQuality, DeviceTelemetry, Event, GatewayCounters, GatewayQuality,
	QualityCounters, RejectReason, TelemetryState,
};

/// The gateway that submits in most tests.
pub const GATEWAY: AccountId = 100;
/// Another gateway, not authorized for the test devices.
pub const OTHER_GATEWAY: AccountId = 200;
/// Owner of the test devices.
pub const OWNER: AccountId = 1;
/// Grid region of the test devices.
pub const REGION: u16 = 7;

/// A bundle type of the test runtime.
pub type TestBundle = Bundle<MaxReadingsPerBundle>;

/// A registered test device and its key.
pub struct TestDevice {
	pub id: DeviceId,
	pub key: DeviceKeyPair,
}

impl TestDevice {
	/// Registers a device with a key derived from `uri`, `GATEWAY` authorized.
	pub fn register(kind: DeviceKind, nameplate: Nameplate, uri: &str) -> Self {
		let key = DeviceKeyPair::from_uri(KeyScheme::Sr25519, uri).unwrap();
		let id = TestRegistry::register(OWNER, kind, nameplate, key.signer(), REGION, GATEWAY);
		TestDevice { id, key }
	}

	/// Signs `readings` as a bundle starting at `first_seq`, for this chain.
	pub fn bundle(&self, first_seq: u64, readings: &[Reading]) -> TestBundle {
		self.bundle_for(genesis(), first_seq, readings)
	}

	/// Signs `readings` as a bundle for the chain with `genesis`.
	pub fn bundle_for(&self, genesis: H256, first_seq: u64, readings: &[Reading]) -> TestBundle {
		self.key.signed_bundle(genesis, self.id, first_seq, readings).unwrap()
	}

	/// Signs already packed readings (to build what `pack_readings` refuses to).
	pub fn sign_packed(
		&self,
		first_seq: u64,
		packed: Vec<openvpp_primitives::PackedReading>,
	) -> TestBundle {
		let signature = self.key.sign_bundle(genesis(), self.id, first_seq, &packed);
		Bundle {
			device: self.id,
			first_seq,
			readings: BoundedVec::try_from(packed).unwrap(),
			signature,
		}
	}

	/// Everything the chain and the registry hold about the device.
	pub fn snapshot(&self) -> Snapshot {
		Snapshot {
			state: DeviceTelemetry::<Test>::get(self.id),
			quality: DeviceQuality::<Test>::get(self.id),
			operations: TestRegistry::operations(self.id),
			accepted: accepted_log().iter().filter(|(_, a)| a.device == self.id).count(),
		}
	}

	/// The device's state; panics if it has none.
	pub fn state(&self) -> TelemetryState {
		DeviceTelemetry::<Test>::get(self.id).expect("device has telemetry state")
	}
}

/// What the chain and the registry hold about one device.
#[derive(Clone, PartialEq, Debug)]
pub struct Snapshot {
	pub state: Option<TelemetryState>,
	pub quality: QualityCounters,
	pub operations: openvpp_primitives::OperatingDelta,
	pub accepted: usize,
}

/// Genesis hash devices sign for.
pub fn genesis() -> H256 {
	crate::Pallet::<Test>::genesis_hash()
}

/// Sets chain time.
pub fn set_now(ms: u64) {
	NowMs::set(ms);
}

/// Submits bundles as `GATEWAY`.
pub fn submit(bundles: Vec<TestBundle>) -> DispatchResult {
	submit_as(GATEWAY, bundles)
}

/// Submits bundles as `gateway`.
pub fn submit_as(gateway: AccountId, bundles: Vec<TestBundle>) -> DispatchResult {
	Telemetry::submit(RuntimeOrigin::signed(gateway), BoundedVec::try_from(bundles).unwrap())
}

/// Submits bundles that must all be accepted.
pub fn submit_ok(bundles: Vec<TestBundle>) {
	let count = bundles.len() as u32;
	System::reset_events();
	assert_ok!(submit(bundles));
	assert_eq!(rejections(), vec![]);
	assert_eq!(last_submitted().0, count);
}

/// This pallet's events since the last reset.
pub fn telemetry_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Telemetry(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// `(device, first_seq, reason)` of every `BundleRejected` since the last reset.
pub fn rejections() -> Vec<(DeviceId, u64, RejectReason)> {
	telemetry_events()
		.into_iter()
		.filter_map(|event| match event {
			Event::BundleRejected { device, first_seq, reason } => {
				Some((device, first_seq, reason))
			}
			_ => None,
		})
		.collect()
}

/// `(accepted_bundles, accepted_readings, rejected_bundles)` of the last `Submitted`.
pub fn last_submitted() -> (u32, u32, u32) {
	telemetry_events()
		.into_iter()
		.rev()
		.find_map(|event| match event {
			Event::Submitted { accepted_bundles, accepted_readings, rejected_bundles, .. } => {
				Some((accepted_bundles, accepted_readings, rejected_bundles))
			}
			_ => None,
		})
		.expect("a Submitted event")
}

/// A gateway's counters.
pub fn gateway_counters(gateway: AccountId) -> GatewayCounters {
	GatewayQuality::<Test>::get(gateway)
}

/// Reads a history entry from a test externalities' offchain database (after
/// `persist_offchain_overlay`).
pub fn history_entry(
	ext: &sp_io::TestExternalities,
	device: DeviceId,
	seq: u64,
) -> Option<Reading> {
	ext.offchain_db()
		.get(&crate::history_key(device, seq))
		.map(|bytes| Reading::decode(&mut &bytes[..]).expect("history values are readings"))
}
