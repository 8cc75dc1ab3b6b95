//! Transfer, key rotation, gateways, suspension and decommissioning, with their refusals.

use super::*;
use crate::{
	attribute_keys as attr, AttestationKind, Attestations, Counters, DeviceByKey, Devices,
	DevicesByOwner, Error, Event, RegistrationNonce,
};
use frame_support::{assert_noop, assert_ok};
use openvpp_primitives::{DeviceRegistry, DeviceStatus, OperatingDelta};
use sp_runtime::DispatchError;

fn status(id: DeviceId) -> DeviceStatus {
	Devices::<Test>::get(id).unwrap().status
}

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

#[test]
fn transfer_moves_nft_and_deposit_and_clears_gateways() {
	run(|| {
		let (id, _) = alice_ev();
		assert_ok!(DeviceIdentity::authorize_gateway(signed(alice()), id, charlie()));
		let bob_free = Balances::free_balance(bob());

		assert_ok!(DeviceIdentity::transfer_device(signed(alice()), id, bob()));

		let record = Devices::<Test>::get(id).unwrap();
		assert_eq!(record.owner, bob());
		assert!(record.gateways.is_empty());
		assert_eq!(DeviceIdentity::credential_holder(id), Some(bob()));
		assert!(!DeviceIdentity::credential_transferable(id));
		assert!(!DevicesByOwner::<Test>::contains_key(alice(), id));
		assert!(DevicesByOwner::<Test>::contains_key(bob(), id));
		// The held deposit moved with the device; Bob's free balance is untouched.
		assert_eq!(held(&alice()), 0);
		assert_eq!(held(&bob()), DEVICE_DEPOSIT);
		assert_eq!(Balances::free_balance(bob()), bob_free);
		assert!(!DeviceIdentity::is_gateway_authorized(id, &charlie()));
		assert!(DeviceIdentity::is_gateway_authorized(id, &bob()));
		assert!(!DeviceIdentity::is_gateway_authorized(id, &alice()));
		assert!(events().contains(&Event::DeviceTransferred {
			device: id,
			from: alice(),
			to: bob()
		}));

		// The new owner controls it: Alice no longer can.
		assert_noop!(
			DeviceIdentity::authorize_gateway(signed(alice()), id, dave()),
			Error::<Test>::NotOwner
		);
		assert_ok!(DeviceIdentity::authorize_gateway(signed(bob()), id, dave()));
	});
}

#[test]
fn credential_cannot_move_through_pallet_nfts() {
	run(|| {
		let (id, _) = alice_ev();
		let collection = <Test as crate::Config>::CollectionId::get();
		assert_noop!(
			Nfts::transfer(signed(alice()), collection, id, bob()),
			pallet_nfts::Error::<Test>::ItemLocked
		);
		assert_noop!(
			Nfts::burn(signed(alice()), collection, id),
			pallet_nfts::Error::<Test>::ItemLocked
		);
		assert_eq!(Nfts::owner(collection, id), Some(alice()));
	});
}

#[test]
fn rotate_key_replaces_the_key_and_retires_the_old_one() {
	run(|| {
		let (id, old_key) = alice_ev();
		let new_key = ed_key("//Alice//ev//wvw-id4//replacement-ecu");

		assert_ok!(DeviceIdentity::rotate_key(
			signed(alice()),
			id,
			new_key.signer(),
			rotation_proof(&new_key, &alice()),
		));

		assert_eq!(Devices::<Test>::get(id).unwrap().signer, new_key.signer());
		assert_eq!(DeviceIdentity::device_by_key(new_key.signer()), Some(id));
		// The old key still points here, so nobody can register it again.
		assert_eq!(DeviceIdentity::device_by_key(old_key.signer()), Some(id));
		assert_eq!(RegistrationNonce::<Test>::get(alice()), 2);
		assert_eq!(held(&alice()), DEVICE_DEPOSIT + KEY_DEPOSIT);
		assert_eq!(
			last_event(),
			Event::DeviceKeyRotated {
				device: id,
				old_signer: old_key.signer(),
				new_signer: new_key.signer(),
			}
		);
		assert_noop!(
			DeviceIdentity::register_device(
				signed(bob()),
				DeviceKind::Ev,
				ev_60kwh(),
				DE_LU,
				metadata(),
				old_key.signer(),
				proof(&old_key, &bob()),
			),
			Error::<Test>::DuplicateDeviceKey
		);
	});
}

#[test]
fn rotate_key_refusals() {
	run(|| {
		let (id, key) = alice_ev();
		let other =
			register(&alice(), &sr_key("//Alice/pv"), DeviceKind::SolarPv, pv_5kwp(), DE_LU);
		let new_key = sr_key("//Alice/ev/new");

		// A registration proof is not a rotation proof.
		assert_noop!(
			DeviceIdentity::rotate_key(
				signed(alice()),
				id,
				new_key.signer(),
				proof(&new_key, &alice())
			),
			Error::<Test>::InvalidPossessionProof
		);
		// The proof must come from the new key.
		assert_noop!(
			DeviceIdentity::rotate_key(
				signed(alice()),
				id,
				new_key.signer(),
				rotation_proof(&key, &alice())
			),
			Error::<Test>::InvalidPossessionProof
		);
		// A key in use (its own or another device's) cannot be rotated to.
		assert_noop!(
			DeviceIdentity::rotate_key(
				signed(alice()),
				id,
				key.signer(),
				rotation_proof(&key, &alice())
			),
			Error::<Test>::DuplicateDeviceKey
		);
		let pv_key = sr_key("//Alice/pv");
		assert_noop!(
			DeviceIdentity::rotate_key(
				signed(alice()),
				id,
				pv_key.signer(),
				rotation_proof(&pv_key, &alice())
			),
			Error::<Test>::DuplicateDeviceKey
		);
		// Only the owner rotates.
		assert_noop!(
			DeviceIdentity::rotate_key(
				signed(bob()),
				id,
				new_key.signer(),
				rotation_proof(&new_key, &bob())
			),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			DeviceIdentity::rotate_key(
				signed(alice()),
				99,
				new_key.signer(),
				rotation_proof(&new_key, &alice())
			),
			Error::<Test>::UnknownDevice
		);
		let ecdsa_pair =
			<sp_core::ecdsa::Pair as sp_core::Pair>::from_string("//Alice//ev//ecdsa", None)
				.unwrap();
		let ecdsa = openvpp_primitives::DevicePublicKey::Ecdsa(sp_core::Pair::public(&ecdsa_pair));
		assert_noop!(
			DeviceIdentity::rotate_key(
				signed(alice()),
				id,
				ecdsa,
				rotation_proof(&new_key, &alice())
			),
			Error::<Test>::InvalidPossessionProof
		);
		assert_eq!(Devices::<Test>::get(other).unwrap().status, DeviceStatus::Active);
	});
}

#[test]
fn gateways_are_authorized_and_revoked() {
	run(|| {
		let (id, _) = alice_ev();
		let gateways = [charlie(), dave(), eve()];
		for gateway in &gateways {
			assert_ok!(DeviceIdentity::authorize_gateway(signed(alice()), id, gateway.clone()));
			assert_eq!(
				last_event(),
				Event::GatewayAuthorized { device: id, gateway: gateway.clone() }
			);
		}
		assert_eq!(Devices::<Test>::get(id).unwrap().gateways.to_vec(), gateways.to_vec());

		assert_ok!(DeviceIdentity::revoke_gateway(signed(alice()), id, dave()));
		assert_eq!(last_event(), Event::GatewayRevoked { device: id, gateway: dave() });
		assert!(!DeviceIdentity::is_gateway_authorized(id, &dave()));
		assert!(DeviceIdentity::is_gateway_authorized(id, &eve()));
	});
}

#[test]
fn gateway_refusals() {
	run(|| {
		let (id, _) = alice_ev();
		assert_ok!(DeviceIdentity::authorize_gateway(signed(alice()), id, charlie()));
		assert_noop!(
			DeviceIdentity::authorize_gateway(signed(alice()), id, charlie()),
			Error::<Test>::GatewayAlreadyAuthorized
		);
		assert_ok!(DeviceIdentity::authorize_gateway(signed(alice()), id, dave()));
		assert_ok!(DeviceIdentity::authorize_gateway(signed(alice()), id, eve()));
		assert_noop!(
			DeviceIdentity::authorize_gateway(signed(alice()), id, ferdie()),
			Error::<Test>::TooManyGateways
		);
		assert_noop!(
			DeviceIdentity::revoke_gateway(signed(alice()), id, ferdie()),
			Error::<Test>::GatewayNotFound
		);
		assert_noop!(
			DeviceIdentity::authorize_gateway(signed(bob()), id, ferdie()),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			DeviceIdentity::revoke_gateway(signed(bob()), id, charlie()),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			DeviceIdentity::authorize_gateway(signed(alice()), 99, ferdie()),
			Error::<Test>::UnknownDevice
		);
	});
}

#[test]
fn owner_suspends_and_reactivates() {
	run(|| {
		let (id, _) = alice_ev();
		assert_ok!(DeviceIdentity::suspend(signed(alice()), id));
		assert_eq!(status(id), DeviceStatus::SuspendedByOwner);
		assert_eq!(
			last_event(),
			Event::DeviceSuspended { device: id, status: DeviceStatus::SuspendedByOwner }
		);
		assert_noop!(DeviceIdentity::suspend(signed(alice()), id), Error::<Test>::AlreadySuspended);

		// A device its owner suspended can still be re-keyed (say, after a key compromise).
		let new_key = sr_key("//Alice/ev/rekey");
		assert_ok!(DeviceIdentity::rotate_key(
			signed(alice()),
			id,
			new_key.signer(),
			rotation_proof(&new_key, &alice())
		));

		assert_ok!(DeviceIdentity::reactivate(signed(alice()), id));
		assert_eq!(status(id), DeviceStatus::Active);
		assert_eq!(last_event(), Event::DeviceReactivated { device: id });
		assert_noop!(DeviceIdentity::reactivate(signed(alice()), id), Error::<Test>::NotSuspended);
		assert_noop!(DeviceIdentity::suspend(signed(bob()), id), Error::<Test>::NotOwner);
		assert_noop!(DeviceIdentity::reactivate(signed(bob()), id), Error::<Test>::NotOwner);
		assert_noop!(DeviceIdentity::suspend(signed(alice()), 99), Error::<Test>::UnknownDevice);
	});
}

#[test]
fn admin_suspension_binds_the_owner() {
	run(|| {
		let (id, _) = alice_ev();
		assert_ok!(DeviceIdentity::suspend(signed(alice()), id));
		// The admin's suspension supersedes the owner's.
		assert_ok!(DeviceIdentity::admin_suspend(RuntimeOrigin::root(), id));
		assert_eq!(status(id), DeviceStatus::SuspendedByAdmin);
		assert_eq!(
			last_event(),
			Event::DeviceSuspended { device: id, status: DeviceStatus::SuspendedByAdmin }
		);
		assert_noop!(
			DeviceIdentity::admin_suspend(RuntimeOrigin::root(), id),
			Error::<Test>::AlreadySuspended
		);

		// While the admin holds it, the owner can neither lift it nor get rid of the device.
		let new_key = sr_key("//Alice/ev/escape");
		assert_noop!(
			DeviceIdentity::reactivate(signed(alice()), id),
			Error::<Test>::SuspendedByAdmin
		);
		assert_noop!(DeviceIdentity::suspend(signed(alice()), id), Error::<Test>::SuspendedByAdmin);
		assert_noop!(
			DeviceIdentity::transfer_device(signed(alice()), id, bob()),
			Error::<Test>::SuspendedByAdmin
		);
		assert_noop!(
			DeviceIdentity::rotate_key(
				signed(alice()),
				id,
				new_key.signer(),
				rotation_proof(&new_key, &alice())
			),
			Error::<Test>::SuspendedByAdmin
		);
		assert_noop!(
			DeviceIdentity::decommission(signed(alice()), id),
			Error::<Test>::SuspendedByAdmin
		);
		assert_noop!(DeviceIdentity::admin_suspend(signed(alice()), id), DispatchError::BadOrigin);
		assert_noop!(
			DeviceIdentity::admin_reactivate(signed(alice()), id),
			DispatchError::BadOrigin
		);

		assert_ok!(DeviceIdentity::admin_reactivate(RuntimeOrigin::root(), id));
		assert_eq!(status(id), DeviceStatus::Active);
		assert_noop!(
			DeviceIdentity::admin_reactivate(RuntimeOrigin::root(), id),
			Error::<Test>::NotSuspended
		);
		// Lifting an owner's suspension is the owner's business.
		assert_ok!(DeviceIdentity::suspend(signed(alice()), id));
		assert_noop!(
			DeviceIdentity::admin_reactivate(RuntimeOrigin::root(), id),
			Error::<Test>::NotSuspended
		);
		assert_noop!(
			DeviceIdentity::admin_suspend(RuntimeOrigin::root(), 99),
			Error::<Test>::UnknownDevice
		);
		assert_noop!(
			DeviceIdentity::admin_reactivate(RuntimeOrigin::root(), 99),
			Error::<Test>::UnknownDevice
		);
	});
}

#[test]
fn decommission_burns_releases_and_retires() {
	run(|| {
		let (id, key) = alice_ev();
		assert_ok!(DeviceIdentity::authorize_gateway(signed(alice()), id, charlie()));
		assert_ok!(DeviceIdentity::add_certifier(
			RuntimeOrigin::root(),
			dave(),
			b"Installer".to_vec()
		));
		assert_ok!(DeviceIdentity::attest(
			signed(dave()),
			id,
			AttestationKind::Installation,
			H256::repeat_byte(1)
		));
		DeviceIdentity::note_operation(
			id,
			OperatingDelta {
				energy_in_wh: 2_400_000,
				readings_accepted: 35_040,
				..Default::default()
			},
		);
		let free_before = Balances::free_balance(alice());

		assert_ok!(DeviceIdentity::decommission(signed(alice()), id));

		let record = Devices::<Test>::get(id).unwrap();
		assert_eq!(record.status, DeviceStatus::Decommissioned);
		assert_eq!(record.deposit, RETAINED_DEPOSIT);
		assert!(record.gateways.is_empty());
		assert_eq!(record.attestations, 0);
		assert_eq!(Attestations::<Test>::iter_prefix(id).count(), 0);
		// Credential burned and its attributes cleared.
		let collection = <Test as crate::Config>::CollectionId::get();
		assert_eq!(Nfts::owner(collection, id), None);
		assert_eq!(DeviceIdentity::credential_attribute(id, attr::KIND), None);
		// The deposit, but for what pays for the record kept, and the NFT item deposit are back.
		assert_eq!(held(&alice()), RETAINED_DEPOSIT);
		// Nothing else stays reserved: the NFT item deposit came back with the burn.
		assert_eq!(Balances::reserved_balance(alice()), RETAINED_DEPOSIT);
		assert_eq!(
			Balances::free_balance(alice()),
			free_before + DEVICE_DEPOSIT - RETAINED_DEPOSIT + NFT_ITEM_DEPOSIT
		);
		assert!(!DevicesByOwner::<Test>::contains_key(alice(), id));
		assert_eq!(
			last_event(),
			Event::DeviceDecommissioned {
				device: id,
				owner: alice(),
				deposit_released: DEVICE_DEPOSIT - RETAINED_DEPOSIT,
				deposit_retained: RETAINED_DEPOSIT,
			}
		);

		// The history stays readable; id and key are never reused.
		assert_eq!(Counters::<Test>::get(id).unwrap().readings_accepted, 35_040);
		assert_eq!(DeviceByKey::<Test>::get(key.signer()), Some(id));
		assert_noop!(
			DeviceIdentity::register_device(
				signed(alice()),
				DeviceKind::Ev,
				ev_60kwh(),
				DE_LU,
				metadata(),
				key.signer(),
				proof(&key, &alice()),
			),
			Error::<Test>::DuplicateDeviceKey
		);
		let next =
			register(&alice(), &sr_key("//Alice/ev/next"), DeviceKind::Ev, ev_60kwh(), DE_LU);
		assert_eq!(next, id + 1);
	});
}

#[test]
fn decommission_by_a_later_owner_returns_the_deposit_to_it() {
	run(|| {
		let (id, _) = alice_ev();
		assert_ok!(DeviceIdentity::transfer_device(signed(alice()), id, bob()));
		let bob_free = Balances::free_balance(bob());
		let alice_free = Balances::free_balance(alice());

		assert_ok!(DeviceIdentity::decommission(signed(bob()), id));

		assert_eq!(Balances::free_balance(bob()), bob_free + DEVICE_DEPOSIT - RETAINED_DEPOSIT);
		// pallet-nfts returns its item deposit to whoever paid it at mint.
		assert_eq!(Balances::free_balance(alice()), alice_free + NFT_ITEM_DEPOSIT);
		assert_eq!(held(&bob()), RETAINED_DEPOSIT);
	});
}

#[test]
fn decommissioned_devices_refuse_everything() {
	run(|| {
		let (id, _) = alice_ev();
		assert_ok!(DeviceIdentity::decommission(signed(alice()), id));
		let new_key = sr_key("//Alice/ev/after");
		let gone = || Error::<Test>::DeviceDecommissioned;

		assert_noop!(DeviceIdentity::decommission(signed(alice()), id), gone());
		assert_noop!(DeviceIdentity::transfer_device(signed(alice()), id, bob()), gone());
		assert_noop!(
			DeviceIdentity::rotate_key(
				signed(alice()),
				id,
				new_key.signer(),
				rotation_proof(&new_key, &alice())
			),
			gone()
		);
		assert_noop!(DeviceIdentity::authorize_gateway(signed(alice()), id, charlie()), gone());
		assert_noop!(DeviceIdentity::revoke_gateway(signed(alice()), id, charlie()), gone());
		assert_noop!(DeviceIdentity::suspend(signed(alice()), id), gone());
		assert_noop!(DeviceIdentity::reactivate(signed(alice()), id), gone());
		assert_noop!(DeviceIdentity::admin_suspend(RuntimeOrigin::root(), id), gone());
		assert_noop!(DeviceIdentity::admin_reactivate(RuntimeOrigin::root(), id), gone());
	});
}

#[test]
fn transfer_refusals() {
	run(|| {
		let (id, _) = alice_ev();
		assert_noop!(
			DeviceIdentity::transfer_device(signed(alice()), id, alice()),
			Error::<Test>::TransferToSelf
		);
		assert_noop!(
			DeviceIdentity::transfer_device(signed(bob()), id, bob()),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			DeviceIdentity::transfer_device(signed(alice()), 99, bob()),
			Error::<Test>::UnknownDevice
		);
		// Ferdie's account does not exist, so it cannot take the deposit on hold.
		assert_noop!(
			DeviceIdentity::transfer_device(signed(alice()), id, ferdie()),
			Error::<Test>::RecipientCannotHoldDeposit
		);
		assert_noop!(DeviceIdentity::decommission(signed(bob()), id), Error::<Test>::NotOwner);
		assert_noop!(
			DeviceIdentity::decommission(signed(alice()), 99),
			Error::<Test>::UnknownDevice
		);
	});
}
