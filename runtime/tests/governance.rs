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
