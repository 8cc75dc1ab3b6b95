//! Invariants checked by `try_state` (and at the end of every unit test).

use alloc::collections::BTreeMap;
use frame_support::{ensure, traits::fungible::InspectHold};
use openvpp_primitives::DeviceStatus;
use sp_runtime::{traits::Saturating, TryRuntimeError};

use crate::{
	attribute_keys, Attestations, AwaitingKey, BalanceOf, Config, Counters, DeviceByKey, Devices,
	DevicesByOwner, HoldReason, NextDeviceId, Pallet, Regions,
};

impl<T: Config> Pallet<T> {
	/// Checks the registry's invariants:
	///
	/// - every device id is below `NextDeviceId`, has counters, and its key maps back to it;
	/// - a live device's NFT is held by its owner of record, cannot be transferred outside the
	///   pallet, is listed under its owner, and its region exists;
	/// - a decommissioned device has no NFT (nor attributes of one), no attestations, no
	///   metadata, no owner listing and does not await a key;
	/// - a device awaiting its new owner's key is suspended;
	/// - the attestation count of each device matches its attestations;
	/// - every owner's held deposit equals the sum of the deposits of its devices, live ones
	///   and the retained deposits of decommissioned ones;
	/// - every owner listing, key entry and awaiting entry points at an existing device.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let next_id = NextDeviceId::<T>::get();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();

		for (id, record) in Devices::<T>::iter() {
			ensure!(id < next_id, "device id not below NextDeviceId");
			ensure!(Counters::<T>::contains_key(id), "device without counters");
			ensure!(
				DeviceByKey::<T>::get(&record.signer) == Some(id),
				"device key does not map back to its device"
			);
			let attestations = Attestations::<T>::iter_prefix(id).count();
			ensure!(
				u32::try_from(attestations).ok() == Some(record.attestations),
				"attestation count differs from attestations"
			);
			if AwaitingKey::<T>::contains_key(id) {
				ensure!(
					matches!(
						record.status,
						DeviceStatus::SuspendedByOwner | DeviceStatus::SuspendedByAdmin
					),
					"device awaiting a key is not suspended"
				);
			}
			deposits.entry(record.owner.clone()).or_default().saturating_accrue(record.deposit);
			if record.status == DeviceStatus::Decommissioned {
				ensure!(Self::credential_holder(id).is_none(), "decommissioned device has an NFT");
				ensure!(
					Self::credential_attribute(id, attribute_keys::LIFETIME_REWARD).is_none()
						&& Self::credential_attribute(id, attribute_keys::KIND).is_none(),
					"decommissioned device left credential attributes"
				);
				ensure!(attestations == 0, "decommissioned device has attestations");
				ensure!(record.metadata.is_empty(), "decommissioned device kept its metadata");
				ensure!(
					!DevicesByOwner::<T>::contains_key(&record.owner, id),
					"decommissioned device listed under its owner"
				);
			} else {
				ensure!(
					Self::credential_holder(id).as_ref() == Some(&record.owner),
					"NFT holder is not the owner of record"
				);
				ensure!(
					!Self::credential_transferable(id),
					"NFT can be transferred outside the pallet"
				);
				ensure!(
					DevicesByOwner::<T>::contains_key(&record.owner, id),
					"device not listed under its owner"
				);
				ensure!(Regions::<T>::contains_key(record.region), "device in unknown region");
			}
		}

		for (owner, id, ()) in DevicesByOwner::<T>::iter() {
			let record = Devices::<T>::get(id).ok_or("owner listing of unknown device")?;
			ensure!(record.owner == owner, "device listed under another account");
		}
		for (_, id) in DeviceByKey::<T>::iter() {
			ensure!(Devices::<T>::contains_key(id), "key of unknown device");
		}
		for id in Counters::<T>::iter_keys() {
			ensure!(Devices::<T>::contains_key(id), "counters of unknown device");
		}
		for id in AwaitingKey::<T>::iter_keys() {
			let record = Devices::<T>::get(id).ok_or("unknown device awaits a key")?;
			ensure!(
				record.status != DeviceStatus::Decommissioned,
				"decommissioned device awaits a key"
			);
		}
		let reason: T::RuntimeHoldReason = HoldReason::DeviceDeposit.into();
		for (owner, deposit) in deposits {
			ensure!(
				T::Currency::balance_on_hold(&reason, &owner) == deposit,
				"held deposit differs from the owner's devices"
			);
		}
		Ok(())
	}
}
