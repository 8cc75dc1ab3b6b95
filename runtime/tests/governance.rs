//! Each admin call fails from a signed origin (and from the wrong track) and succeeds through
//! its track's origin; referenda route each origin to its track.
#![allow(clippy::expect_used)]

mod common;

use frame_support::{assert_noop, assert_ok, traits::OriginTrait};
use openvpp_runtime::{
	governance::{pallet_custom_origins::Origin as TrackOrigin, tracks::ids},
	Runtime, RuntimeCall, RuntimeOrigin,
};
use pallet_referenda::TracksInfo as _;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{traits::Dispatchable, DispatchError};

fn create_region(id: u16) -> RuntimeCall {
	RuntimeCall::DeviceIdentity(pallet_device_identity::Call::create_region {
		id,
		name: b"Belgium".to_vec(),
		zone_code: b"BE".to_vec(),
		utc_offset_minutes: 60,
	})
}

#[test]
fn grid_admin_calls_need_the_grid_admin_track() {
	common::dev_ext().execute_with(|| {
		let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
		assert_noop!(
			create_region(10).dispatch(alice).map_err(|e| e.error),
			DispatchError::BadOrigin
		);
		assert_noop!(
			create_region(10)
				.dispatch(RuntimeOrigin::from(TrackOrigin::ValuationAdmin))
				.map_err(|e| e.error),
			DispatchError::BadOrigin
		);
		assert_noop!(
			create_region(10)
				.dispatch(RuntimeOrigin::from(TrackOrigin::Treasurer))
				.map_err(|e| e.error),
			DispatchError::BadOrigin
		);
		assert_ok!(create_region(10).dispatch(RuntimeOrigin::from(TrackOrigin::GridAdmin)));
		assert!(pallet_device_identity::Regions::<Runtime>::contains_key(10));
		assert_ok!(create_region(11).dispatch(RuntimeOrigin::root()));
	});
}

#[test]
fn treasury_spends_need_the_treasurer_track() {
	common::dev_ext().execute_with(|| {
		let spend = || {
			RuntimeCall::Treasury(pallet_treasury::Call::spend_local {
				amount: 1_000 * openvpp_runtime::currency::UNITS,
				beneficiary: sp_runtime::MultiAddress::Id(Sr25519Keyring::Bob.to_account_id()),
			})
		};
		let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
		assert_noop!(spend().dispatch(alice).map_err(|e| e.error), DispatchError::BadOrigin);
		assert_noop!(
			spend().dispatch(RuntimeOrigin::from(TrackOrigin::GridAdmin)).map_err(|e| e.error),
			DispatchError::BadOrigin
		);
		assert_ok!(spend().dispatch(RuntimeOrigin::from(TrackOrigin::Treasurer)));
	});
}

#[test]
fn origins_map_to_their_tracks() {
	common::dev_ext().execute_with(|| {
		type Tracks = <Runtime as pallet_referenda::Config>::Tracks;
		let caller = |o: RuntimeOrigin| o.caller().clone();
		assert_eq!(Tracks::track_for(&caller(RuntimeOrigin::root())), Ok(ids::ROOT));
		assert_eq!(
			Tracks::track_for(&caller(RuntimeOrigin::from(TrackOrigin::GridAdmin))),
			Ok(ids::GRID_ADMIN)
		);
		assert_eq!(
			Tracks::track_for(&caller(RuntimeOrigin::from(TrackOrigin::ValuationAdmin))),
			Ok(ids::VALUATION_ADMIN)
		);
		assert_eq!(
			Tracks::track_for(&caller(RuntimeOrigin::from(TrackOrigin::Treasurer))),
			Ok(ids::TREASURER)
		);
		assert!(Tracks::track_for(&caller(RuntimeOrigin::signed(
			Sr25519Keyring::Alice.to_account_id()
		)))
		.is_err());
		// Development chains run the tracks in blocks.
		let grid = Tracks::info(ids::GRID_ADMIN).expect("track exists");
		assert_eq!(grid.decision_period, 20);
		assert!(Tracks::check_integrity().is_ok());
	});
}

#[test]
fn production_tracks_run_in_days() {
	common::local_ext().execute_with(|| {
		type Tracks = <Runtime as pallet_referenda::Config>::Tracks;
		let grid = Tracks::info(ids::GRID_ADMIN).expect("track exists");
		assert_eq!(grid.decision_period, 7 * openvpp_runtime::DAYS);
		let root = Tracks::info(ids::ROOT).expect("track exists");
		assert_eq!(root.decision_deposit, 1_000 * openvpp_runtime::currency::UNITS);
	});
}

#[test]
fn valuation_calls_need_the_valuation_admin_track() {
	common::dev_ext().execute_with(|| {
		let set = || {
			RuntimeCall::Settlement(pallet_settlement::Call::set_emission {
				emission_per_epoch: 250 * openvpp_runtime::currency::UNITS,
			})
		};
		let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
		assert_noop!(set().dispatch(alice).map_err(|e| e.error), DispatchError::BadOrigin);
		assert_noop!(
			set().dispatch(RuntimeOrigin::from(TrackOrigin::GridAdmin)).map_err(|e| e.error),
			DispatchError::BadOrigin
		);
		assert_ok!(set().dispatch(RuntimeOrigin::from(TrackOrigin::ValuationAdmin)));
	});
}

#[test]
fn grid_operators_are_registered_through_the_grid_admin_track() {
	common::dev_ext().execute_with(|| {
		let add = || {
			RuntimeCall::V2g(pallet_v2g::Call::add_operator {
				region: 1,
				operator: sp_runtime::MultiAddress::Id(Sr25519Keyring::Bob.to_account_id()),
			})
		};
		let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
		assert_noop!(add().dispatch(alice).map_err(|e| e.error), DispatchError::BadOrigin);
		assert_noop!(
			add().dispatch(RuntimeOrigin::from(TrackOrigin::ValuationAdmin)).map_err(|e| e.error),
			DispatchError::BadOrigin
		);
		assert_ok!(add().dispatch(RuntimeOrigin::from(TrackOrigin::GridAdmin)));
	});
}

#[test]
fn suspending_a_device_for_fraud_needs_the_grid_admin_track() {
	common::dev_ext().execute_with(|| {
		let suspend =
			|| RuntimeCall::DeviceIdentity(pallet_device_identity::Call::admin_suspend { id: 0 });
		let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
		assert_noop!(suspend().dispatch(alice).map_err(|e| e.error), DispatchError::BadOrigin);
		// With the right origin the call gets past the origin check (device 0 doesn't exist).
		let err = suspend()
			.dispatch(RuntimeOrigin::from(TrackOrigin::GridAdmin))
			.map_err(|e| e.error)
			.expect_err("no device 0 in genesis");
		assert_ne!(err, DispatchError::BadOrigin);
	});
}

/// A manufacturer root key for the table below.
fn root_key(who: Sr25519Keyring) -> openvpp_primitives::DevicePublicKey {
	openvpp_primitives::DevicePublicKey::Sr25519(who.public())
}

/// Every admin call of the OpenVPP pallets with the track that must authorize it.
fn admin_calls() -> Vec<(&'static str, RuntimeCall, TrackOrigin)> {
	use openvpp_primitives::DeviceKind;
	use pallet_settlement::Contribution;
	use sp_runtime::{FixedU128, MultiAddress, Permill};
	let bob = || MultiAddress::Id(Sr25519Keyring::Bob.to_account_id());
	let units = openvpp_runtime::currency::UNITS;
	vec![
		("create_region", create_region(12), TrackOrigin::GridAdmin),
		(
			"admin_suspend",
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::admin_suspend { id: 0 }),
			TrackOrigin::GridAdmin,
		),
		(
			"admin_reactivate",
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::admin_reactivate { id: 0 }),
			TrackOrigin::GridAdmin,
		),
		(
			"add_certifier",
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::add_certifier {
				who: bob(),
				name: b"TUV Rheinland".to_vec(),
			}),
			TrackOrigin::GridAdmin,
		),
		(
			"remove_certifier",
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::remove_certifier {
				who: bob(),
			}),
			TrackOrigin::GridAdmin,
		),
		(
			"admin_revoke_attestation",
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::admin_revoke_attestation {
				id: 0,
				certifier: bob(),
			}),
			TrackOrigin::GridAdmin,
		),
		(
			"set_region_policy",
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::set_region_policy {
				region: 1,
				unattested: openvpp_primitives::UnattestedPolicy::AttestedOnly,
			}),
			TrackOrigin::GridAdmin,
		),
		(
			"create_manufacturer",
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::create_manufacturer {
				name: b"Wallbe GmbH".to_vec(),
				root_keys: vec![root_key(Sr25519Keyring::Ferdie)],
			}),
			TrackOrigin::GridAdmin,
		),
		(
			"add_root_key",
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::add_root_key {
				manufacturer: 0,
				key: root_key(Sr25519Keyring::Eve),
			}),
			TrackOrigin::GridAdmin,
		),
		(
			"create_model",
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::create_model {
				manufacturer: 0,
				name: b"Pro 11 V2G".to_vec(),
				kind: DeviceKind::Ev,
				max_nameplate: openvpp_primitives::Nameplate {
					capacity_wh: 100_000,
					max_import_w: 11_000,
					max_export_w: 11_000,
				},
				accuracy_class: openvpp_primitives::AccuracyClass::MidB,
				key_scheme: openvpp_primitives::KeyScheme::P256,
				proof_of_possession: true,
			}),
			TrackOrigin::GridAdmin,
		),
		(
			"retire_root_key",
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::retire_root_key {
				manufacturer: 0,
				index: 0,
			}),
			TrackOrigin::GridAdmin,
		),
		(
			"revoke_root_key",
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::revoke_root_key {
				manufacturer: 0,
				index: 1,
			}),
			TrackOrigin::GridAdmin,
		),
		(
			"add_operator",
			RuntimeCall::V2g(pallet_v2g::Call::add_operator { region: 1, operator: bob() }),
			TrackOrigin::GridAdmin,
		),
		(
			"remove_operator",
			RuntimeCall::V2g(pallet_v2g::Call::remove_operator { region: 1, operator: bob() }),
			TrackOrigin::GridAdmin,
		),
		(
			"set_price",
			RuntimeCall::Settlement(pallet_settlement::Call::set_price {
				kind: DeviceKind::SolarPv,
				contribution: Contribution::Generation,
				price_per_kwh: units / 5,
			}),
			TrackOrigin::ValuationAdmin,
		),
		(
			"set_region_multiplier",
			RuntimeCall::Settlement(pallet_settlement::Call::set_region_multiplier {
				region: 1,
				multiplier: FixedU128::from_rational(11, 10),
			}),
			TrackOrigin::ValuationAdmin,
		),
		(
			"set_time_of_use",
			RuntimeCall::Settlement(pallet_settlement::Call::set_time_of_use {
				multipliers: Box::new([FixedU128::from_u32(1); 24]),
			}),
			TrackOrigin::ValuationAdmin,
		),
		(
			"set_multipliers",
			RuntimeCall::Settlement(pallet_settlement::Call::set_multipliers {
				green_premium: FixedU128::from_rational(12, 10),
				attestation_multiplier: FixedU128::from_rational(11, 10),
				quality_floor: Permill::from_percent(50),
			}),
			TrackOrigin::ValuationAdmin,
		),
		(
			"set_emission",
			RuntimeCall::Settlement(pallet_settlement::Call::set_emission {
				emission_per_epoch: 200 * units,
			}),
			TrackOrigin::ValuationAdmin,
		),
	]
}

#[test]
fn every_admin_call_needs_its_track() {
	let tracks = [TrackOrigin::GridAdmin, TrackOrigin::ValuationAdmin, TrackOrigin::Treasurer];
	for (name, call, track) in admin_calls() {
		common::dev_ext().execute_with(|| {
			let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
			assert_eq!(
				call.clone().dispatch(alice).map_err(|e| e.error).err(),
				Some(DispatchError::BadOrigin),
				"{name} accepted a signed origin"
			);
			for other in tracks.iter().filter(|t| **t != track) {
				assert_eq!(
					call.clone()
						.dispatch(RuntimeOrigin::from(other.clone()))
						.map_err(|e| e.error)
						.err(),
					Some(DispatchError::BadOrigin),
					"{name} accepted the {other:?} track"
				);
			}
			// Its own track gets past the origin check (the call may still fail on its
			// arguments, e.g. device 0 does not exist in genesis).
			let result = call.clone().dispatch(RuntimeOrigin::from(track.clone()));
			assert_ne!(
				result.map_err(|e| e.error).err(),
				Some(DispatchError::BadOrigin),
				"{name} refused its own track"
			);
		});
	}
}
