//! Unit tests against the mock runtime (real balances, timestamp and NFTs).
//!
//! Proofs of possession are built the way a gateway builds them, with
//! `openvpp_primitives::keys::DeviceKeyPair`, not with anything from the pallet.
#![allow(
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]

mod attestation;
mod bad_input;
mod hardware;
mod lifecycle;
mod register;
mod storage;
mod transfer;

use crate::{mock::*, HoldReason, NextDeviceId};
use frame_support::{
	assert_ok,
	traits::{fungible::InspectHold, Get},
};
use openvpp_primitives::DeviceSignature;
use openvpp_primitives::{
	keys::{DeviceKeyPair, KeyScheme},
	DeviceId, DeviceKind, Nameplate, RegionId,
};
use sp_core::H256;

/// Runs a test on a fresh chain and checks the pallet's invariants afterwards.
pub fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		DeviceIdentity::do_try_state().expect("invariants hold");
	});
}

/// A chain whose genesis could not create the credential collection: the pallet account was
/// not funded for `pallet-nfts`' collection deposit. Alice is funded; region NL exists.
pub fn ext_without_collection() -> sp_io::TestExternalities {
	use sp_runtime::BuildStorage;
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(alice(), ENDOWMENT), (bob(), ENDOWMENT)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	crate::GenesisConfig::<Test> {
		regions: vec![(NL, "Netherlands".into(), "NL".into(), 60)],
		certifiers: vec![],
		devices: vec![],
		region_policies: vec![],
		manufacturers: vec![],
		models: vec![],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(START_MS);
	});
	ext
}

/// An sr25519 device key, derived like a gateway derives it.
pub fn sr_key(uri: &str) -> DeviceKeyPair {
	DeviceKeyPair::from_uri(KeyScheme::Sr25519, uri).unwrap()
}

/// An ed25519 device key (a secure element).
pub fn ed_key(uri: &str) -> DeviceKeyPair {
	DeviceKeyPair::from_uri(KeyScheme::Ed25519, uri).unwrap()
}

/// The chain's genesis hash as a client reads it.
pub fn genesis() -> H256 {
	System::block_hash(0)
}

/// The registration proof `key` gives for `owner` at the owner's current nonce.
pub fn proof(key: &DeviceKeyPair, owner: &AccountId) -> DeviceSignature {
	key.possession_proof(genesis(), owner, DeviceIdentity::registration_nonce(owner.clone()))
}

/// The rotation proof `key` gives for `owner` at the owner's current nonce.
pub fn rotation_proof(key: &DeviceKeyPair, owner: &AccountId) -> DeviceSignature {
	key.rotation_proof(genesis(), owner, DeviceIdentity::registration_nonce(owner.clone()))
}

/// A 60 kWh EV pack behind an 11 kW bidirectional wallbox.
pub fn ev_60kwh() -> Nameplate {
	Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 11_000 }
}

/// A 5 kWp rooftop PV array.
pub fn pv_5kwp() -> Nameplate {
	Nameplate { capacity_wh: 0, max_import_w: 0, max_export_w: 5_000 }
}

/// A 13.5 kWh home battery with a 5 kW inverter.
pub fn battery_13_5kwh() -> Nameplate {
	Nameplate { capacity_wh: 13_500, max_import_w: 5_000, max_export_w: 5_000 }
}

/// A smart meter on a 25 A three-phase connection (17.25 kW).
pub fn meter_3x25a() -> Nameplate {
	Nameplate { capacity_wh: 0, max_import_w: 17_250, max_export_w: 17_250 }
}

/// An air-source heat pump drawing up to 3 kW.
pub fn heat_pump_3kw() -> Nameplate {
	Nameplate { capacity_wh: 0, max_import_w: 3_000, max_export_w: 0 }
}

/// Device metadata as the calls take it.
pub type Metadata = frame_support::BoundedVec<u8, <Test as crate::Config>::MaxMetadataLen>;

/// Typical metadata: manufacturer, model, serial hash, firmware, content id.
pub fn metadata() -> Metadata {
	br#"{"mfr":"SMA","model":"Sunny Boy 5.0","sn":"b2:5f0c9e","fw":"4.1.2","cid":"bafybei"}"#
		.to_vec()
		.try_into()
		.unwrap()
}

/// Registers a device for `owner` with a fresh proof; returns its id.
pub fn register(
	owner: &AccountId,
	key: &DeviceKeyPair,
	kind: DeviceKind,
	nameplate: Nameplate,
	region: RegionId,
) -> DeviceId {
	let id = NextDeviceId::<Test>::get();
	assert_ok!(DeviceIdentity::register_device(
		RuntimeOrigin::signed(owner.clone()),
		kind,
		nameplate,
		region,
		metadata(),
		key.signer(),
		proof(key, owner),
	));
	id
}

/// Registers Alice's EV (60 kWh, 11 kW) in DE-LU; returns its id and key.
pub fn alice_ev() -> (DeviceId, DeviceKeyPair) {
	let key = sr_key("//Alice/ev/wvw-id4");
	(register(&alice(), &key, DeviceKind::Ev, ev_60kwh(), DE_LU), key)
}

/// Deposit `who` has on hold for devices.
pub fn held(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::DeviceDeposit.into(), who)
}

/// Events of the device-identity pallet, oldest first.
pub fn events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::DeviceIdentity(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// The last event of the device-identity pallet.
pub fn last_event() -> crate::Event<Test> {
	events().pop().expect("an event")
}
