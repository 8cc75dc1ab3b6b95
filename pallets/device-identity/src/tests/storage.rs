//! State nobody pays for: holder attributes on credentials, retired keys, what a retired
//! device leaves behind.

use super::*;
use crate::{attribute_keys as attr, DeviceByKey, Devices, Error, Event};
use frame_support::{assert_noop, assert_ok, traits::ConstU32, BoundedVec};
use openvpp_primitives::DeviceRegistry;
use pallet_nfts::AttributeNamespace;
use sp_runtime::DispatchError;

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn collection() -> u32 {
	<Test as crate::Config>::CollectionId::get()
}

fn rotate(owner: &AccountId, id: DeviceId, uri: &str) {
	let key = sr_key(uri);
	assert_ok!(DeviceIdentity::rotate_key(
		signed(owner.clone()),
		id,
		key.signer(),
		rotation_proof(&key, owner)
	));
}

#[test]
fn holder_cannot_store_free_attributes_on_its_credential() {
	run(|| {
		let (id, _) = alice_ev();
		let key: BoundedVec<u8, ConstU32<64>> = b"garage-note".to_vec().try_into().unwrap();
		let value: BoundedVec<u8, ConstU32<64>> = vec![b'x'; 64].try_into().unwrap();
		let disabled = || pallet_nfts::Error::<Test>::MethodDisabled;

		// Its own namespace ...
		assert_noop!(
			Nfts::set_attribute(
				signed(alice()),
				collection(),
				Some(id),
				AttributeNamespace::ItemOwner,
				key.clone(),
				value.clone()
			),
			disabled()
		);
		// ... a delegate's namespace ...
		assert_noop!(
			Nfts::approve_item_attributes(signed(alice()), collection(), id, bob()),
			disabled()
		);
		assert_noop!(
			Nfts::set_attribute(
				signed(bob()),
				collection(),
				Some(id),
				AttributeNamespace::Account(bob()),
				key,
				value
			),
			disabled()
		);
		// ... transfer approvals, a sale price and swap offers are state on the item too.
		assert_noop!(
			Nfts::approve_transfer(signed(alice()), collection(), id, bob(), None),
			disabled()
		);
		assert_noop!(
			Nfts::set_price(signed(alice()), collection(), id, Some(UNITS), None),
			disabled()
		);
		assert_noop!(
			Nfts::create_swap(signed(alice()), collection(), id, collection(), None, None, 100),
			disabled()
		);
		// What the credential holds is the pallet's attributes, paid for by the device deposit.
		let attributes = pallet_nfts::Attribute::<Test>::iter_prefix((collection(), Some(id)))
			.filter(|((namespace, _), _)| *namespace != AttributeNamespace::Pallet)
			.count();
		assert_eq!(attributes, 0);
	});
}

#[test]
fn owner_cannot_store_free_keys_by_rotating() {
	run(|| {
		let (id, _) = alice_ev();
		for ecu in ["//Alice/ev/ecu-2026", "//Alice/ev/ecu-2027", "//Alice/ev/ecu-2028"] {
			rotate(&alice(), id, ecu);
		}

		// Four keys stay mapped to the device for good; the three added ones are paid for.
		assert_eq!(DeviceByKey::<Test>::iter().filter(|(_, device)| *device == id).count(), 4);
		assert_eq!(held(&alice()), DEVICE_DEPOSIT + 3 * KEY_DEPOSIT);
		assert_eq!(Devices::<Test>::get(id).unwrap().deposit, DEVICE_DEPOSIT + 3 * KEY_DEPOSIT);

		// An owner who cannot pay for the entry does not get it.
		assert_ok!(DeviceIdentity::transfer_device(signed(alice()), id, bob()));
		assert_ok!(Balances::force_set_balance(
			RuntimeOrigin::root(),
			bob(),
			EXISTENTIAL_DEPOSIT + KEY_DEPOSIT / 2
		));
		let key = sr_key("//Bob/ev/ecu");
		assert_noop!(
			DeviceIdentity::rotate_key(
				signed(bob()),
				id,
				key.signer(),
				rotation_proof(&key, &bob())
			),
			Error::<Test>::InsufficientDeposit
		);

		// The key entries outlive the device, and so do their deposits.
		assert_ok!(DeviceIdentity::decommission(signed(bob()), id));
		assert_eq!(held(&bob()), RETAINED_DEPOSIT + 3 * KEY_DEPOSIT);
		assert_eq!(
			last_event(),
			Event::DeviceDecommissioned {
				device: id,
				owner: bob(),
				deposit_released: DEVICE_DEPOSIT - RETAINED_DEPOSIT,
				deposit_retained: RETAINED_DEPOSIT + 3 * KEY_DEPOSIT,
			}
		);
	});
}

#[test]
fn decommissioning_cannot_leave_unpaid_state() {
	run(|| {
		let (id, key) = alice_ev();
		<DeviceIdentity as DeviceRegistry<AccountId>>::note_lifetime_reward(id, 42 * UNITS);
		assert_eq!(
			DeviceIdentity::credential_attribute(id, attr::LIFETIME_REWARD),
			Some(b"42000000000000".to_vec())
		);
		let free_before = Balances::free_balance(alice());

		assert_ok!(DeviceIdentity::decommission(signed(alice()), id));

		// The other pallets were told, so that they drop their state of it.
		assert_eq!(DecommissionLog::seen(), vec![(id, alice())]);
		// No attribute of the burned credential is left in pallet-nfts, in any namespace.
		assert_eq!(
			pallet_nfts::Attribute::<Test>::iter_prefix((collection(), Some(id))).count(),
			0
		);
		// The tombstone is small and paid for: no metadata, the retained deposit held.
		let record = Devices::<Test>::get(id).unwrap();
		assert!(record.metadata.is_empty());
		assert_eq!(record.deposit, RETAINED_DEPOSIT);
		assert_eq!(held(&alice()), RETAINED_DEPOSIT);
		assert_eq!(
			Balances::free_balance(alice()),
			free_before + DEVICE_DEPOSIT - RETAINED_DEPOSIT + NFT_ITEM_DEPOSIT
		);
		assert_eq!(DeviceByKey::<Test>::get(key.signer()), Some(id));

		// Settlement crediting a late reward writes nothing on the burned credential.
		<DeviceIdentity as DeviceRegistry<AccountId>>::note_lifetime_reward(id, 43 * UNITS);
		assert_eq!(
			pallet_nfts::Attribute::<Test>::iter_prefix((collection(), Some(id))).count(),
			0
		);
	});
}

#[test]
fn decommissioning_waits_for_a_pallet_that_cannot_clear_its_state() {
	run(|| {
		let (id, _) = alice_ev();
		DecommissionLog::refuse();
		assert_noop!(
			DeviceIdentity::decommission(signed(alice()), id),
			DispatchError::Other("device still enrolled")
		);
		assert!(DecommissionLog::seen().is_empty());
	});
}
