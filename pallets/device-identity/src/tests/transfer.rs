//! Transfers: the previous owner's key and gateways stop counting, the new owner's key takes
//! over.

use super::*;
use crate::{AwaitingKey, Devices, Error, Event};
use frame_support::{assert_noop, assert_ok, traits::ConstU32};
use openvpp_primitives::{
	bundle_message, keys::sign_bundle, verify_device_signature, Bundle, DeviceRegistry,
	DeviceState, DeviceStatus, Reading,
};
use sp_runtime::Permill;

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn status(id: DeviceId) -> DeviceStatus {
	Devices::<Test>::get(id).unwrap().status
}

/// A bundle of the EV charging at 7 kW for the quarter hour ending `quarter` quarters after
/// the start, signed with `key`.
fn charging_bundle(id: DeviceId, key: &DeviceKeyPair, quarter: u64) -> Bundle<ConstU32<96>> {
	let reading = Reading {
		timestamp_ms: START_MS + quarter * 900_000,
		energy_in_wh: quarter * 1_750,
		energy_out_wh: 0,
		soc: Some(Permill::from_percent(40 + 3 * quarter as u32)),
		state: DeviceState::Charging,
	};
	sign_bundle(key, genesis(), id, quarter, &[reading]).unwrap()
}

/// Whether telemetry would take `bundle` from `gateway`: telemetry's access and signature
/// checks (`verify::check_access`, `verify::check_signature`) over the registry's view.
fn telemetry_accepts(gateway: &AccountId, bundle: &Bundle<ConstU32<96>>) -> bool {
	let Some(view) = <DeviceIdentity as DeviceRegistry<AccountId>>::device(bundle.device) else {
		return false;
	};
	let message = bundle_message(genesis(), bundle.device, bundle.first_seq, &bundle.readings);
	view.status == DeviceStatus::Active
		&& DeviceIdentity::is_gateway_authorized(bundle.device, gateway)
		&& verify_device_signature(&view.signer, &message, &bundle.signature)
}

#[test]
fn old_owner_cannot_sign_after_transfer() {
	run(|| {
		// Alice generated her EV's key and runs Charlie's gateway for it.
		let (id, alice_key) = alice_ev();
		assert_ok!(DeviceIdentity::authorize_gateway(signed(alice()), id, charlie()));
		assert!(telemetry_accepts(&charlie(), &charging_bundle(id, &alice_key, 1)));

		assert_ok!(DeviceIdentity::transfer_device(signed(alice()), id, bob()));

		// Bob sets up his own gateway before he has re-keyed the device.
		assert_ok!(DeviceIdentity::authorize_gateway(signed(bob()), id, dave()));
		// Alice kept a copy of the key: nothing she signs counts, through her old gateway, as
		// the device's former owner, or through Bob's gateway.
		let forged = charging_bundle(id, &alice_key, 2);
		assert!(!telemetry_accepts(&charlie(), &forged));
		assert!(!telemetry_accepts(&alice(), &forged));
		assert!(!telemetry_accepts(&dave(), &forged));
		assert!(!DeviceIdentity::is_gateway_authorized(id, &charlie()));
		assert!(!DeviceIdentity::is_gateway_authorized(id, &alice()));
		let view = <DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap();
		assert_eq!(view.status, DeviceStatus::SuspendedByOwner);
		// Bob cannot wave the device back on with Alice's key in it.
		assert_noop!(
			DeviceIdentity::reactivate(signed(bob()), id),
			Error::<Test>::AwaitingKeyRotation
		);

		// Bob proves possession of a key of his own: the device runs again, on his key only.
		let bob_key = sr_key("//Bob/ev/wvw-id4");
		assert_ok!(DeviceIdentity::rotate_key(
			signed(bob()),
			id,
			bob_key.signer(),
			rotation_proof(&bob_key, &bob())
		));
		assert!(telemetry_accepts(&dave(), &charging_bundle(id, &bob_key, 2)));
		assert!(telemetry_accepts(&bob(), &charging_bundle(id, &bob_key, 2)));
		let forged = charging_bundle(id, &alice_key, 2);
		assert!(!telemetry_accepts(&dave(), &forged));
		assert!(!telemetry_accepts(&charlie(), &forged));
		assert!(!telemetry_accepts(&alice(), &forged));
		assert!(!telemetry_accepts(&charlie(), &charging_bundle(id, &bob_key, 2)));
	});
}

#[test]
fn transfer_stops_a_device_until_its_new_owner_rotates_its_key() {
	run(|| {
		let (id, _) = alice_ev();
		assert_ok!(DeviceIdentity::transfer_device(signed(alice()), id, bob()));

		assert_eq!(status(id), DeviceStatus::SuspendedByOwner);
		assert!(AwaitingKey::<Test>::contains_key(id));
		assert!(DeviceIdentity::device_info(id).unwrap().awaiting_key);
		let events = events();
		assert_eq!(
			events[events.len() - 2..],
			[
				Event::DeviceTransferred { device: id, from: alice(), to: bob() },
				Event::DeviceAwaitingKey { device: id, owner: bob() },
			]
		);
		// Suspending what is stopped already changes nothing.
		assert_noop!(DeviceIdentity::suspend(signed(bob()), id), Error::<Test>::AlreadySuspended);

		let bob_key = ed_key("//Bob//ev//wallbox-se");
		let held_before = held(&bob());
		assert_ok!(DeviceIdentity::rotate_key(
			signed(bob()),
			id,
			bob_key.signer(),
			rotation_proof(&bob_key, &bob())
		));
		assert_eq!(status(id), DeviceStatus::Active);
		assert!(!AwaitingKey::<Test>::contains_key(id));
		assert!(!DeviceIdentity::device_info(id).unwrap().awaiting_key);
		assert_eq!(last_event(), Event::DeviceReactivated { device: id });
		// The new key's entry is Bob's to pay for.
		assert_eq!(held(&bob()), held_before + KEY_DEPOSIT);
	});
}

#[test]
fn a_device_sold_on_before_it_was_rekeyed_still_awaits_a_key() {
	run(|| {
		let (id, alice_key) = alice_ev();
		assert_ok!(DeviceIdentity::transfer_device(signed(alice()), id, bob()));
		assert_ok!(DeviceIdentity::transfer_device(signed(bob()), id, charlie()));

		assert_eq!(status(id), DeviceStatus::SuspendedByOwner);
		assert!(AwaitingKey::<Test>::contains_key(id));
		assert!(!telemetry_accepts(&charlie(), &charging_bundle(id, &alice_key, 1)));
		assert_noop!(
			DeviceIdentity::reactivate(signed(charlie()), id),
			Error::<Test>::AwaitingKeyRotation
		);
	});
}

#[test]
fn lifting_an_admin_suspension_leaves_a_device_awaiting_its_key_stopped() {
	run(|| {
		let (id, alice_key) = alice_ev();
		assert_ok!(DeviceIdentity::transfer_device(signed(alice()), id, bob()));
		assert_ok!(DeviceIdentity::admin_suspend(RuntimeOrigin::root(), id));
		assert_eq!(status(id), DeviceStatus::SuspendedByAdmin);

		assert_ok!(DeviceIdentity::admin_reactivate(RuntimeOrigin::root(), id));

		assert_eq!(status(id), DeviceStatus::SuspendedByOwner);
		assert!(AwaitingKey::<Test>::contains_key(id));
		assert_eq!(last_event(), Event::DeviceAwaitingKey { device: id, owner: bob() });
		assert_ok!(DeviceIdentity::authorize_gateway(signed(bob()), id, dave()));
		assert!(!telemetry_accepts(&dave(), &charging_bundle(id, &alice_key, 1)));
	});
}

#[test]
fn decommissioning_a_device_awaiting_its_key_ends_the_wait() {
	run(|| {
		let (id, _) = alice_ev();
		assert_ok!(DeviceIdentity::transfer_device(signed(alice()), id, bob()));
		assert_ok!(DeviceIdentity::decommission(signed(bob()), id));
		assert!(!AwaitingKey::<Test>::contains_key(id));
		assert_eq!(status(id), DeviceStatus::Decommissioned);
	});
}

#[test]
fn key_deposits_move_with_the_device() {
	run(|| {
		let (id, _) = alice_ev();
		let new_key = sr_key("//Alice/ev/replacement-ecu");
		assert_ok!(DeviceIdentity::rotate_key(
			signed(alice()),
			id,
			new_key.signer(),
			rotation_proof(&new_key, &alice())
		));
		assert_eq!(held(&alice()), DEVICE_DEPOSIT + KEY_DEPOSIT);

		assert_ok!(DeviceIdentity::transfer_device(signed(alice()), id, bob()));

		assert_eq!(held(&alice()), 0);
		assert_eq!(held(&bob()), DEVICE_DEPOSIT + KEY_DEPOSIT);
		assert_eq!(Devices::<Test>::get(id).unwrap().deposit, DEVICE_DEPOSIT + KEY_DEPOSIT);
	});
}
