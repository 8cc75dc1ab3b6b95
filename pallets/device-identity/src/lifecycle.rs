//! Gateways and suspension: the owner's (and the admin origin's) day-to-day control of a device.

use frame_support::ensure;
use openvpp_primitives::{DeviceId, DeviceStatus};
use sp_runtime::DispatchResult;

use crate::{AwaitingKey, Config, Devices, Error, Event, Pallet};

impl<T: Config> Pallet<T> {
	/// Adds a gateway to a device's bounded list.
	pub(crate) fn do_authorize_gateway(
		owner: T::AccountId,
		id: DeviceId,
		gateway: T::AccountId,
	) -> DispatchResult {
		let mut record = Self::owned_device(&owner, id)?;
		ensure!(!record.gateways.contains(&gateway), Error::<T>::GatewayAlreadyAuthorized);
		record.gateways.try_push(gateway.clone()).map_err(|_| Error::<T>::TooManyGateways)?;
		Devices::<T>::insert(id, record);
		Self::deposit_event(Event::GatewayAuthorized { device: id, gateway });
		Ok(())
	}

	/// Removes a gateway from a device's list.
	pub(crate) fn do_revoke_gateway(
		owner: T::AccountId,
		id: DeviceId,
		gateway: T::AccountId,
	) -> DispatchResult {
		let mut record = Self::owned_device(&owner, id)?;
		let before = record.gateways.len();
		record.gateways.retain(|g| g != &gateway);
		ensure!(record.gateways.len() < before, Error::<T>::GatewayNotFound);
		Devices::<T>::insert(id, record);
		Self::deposit_event(Event::GatewayRevoked { device: id, gateway });
		Ok(())
	}

	/// The owner stops an active device.
	pub(crate) fn do_suspend(owner: T::AccountId, id: DeviceId) -> DispatchResult {
		let mut record = Self::owned_device(&owner, id)?;
		match record.status {
			DeviceStatus::Active => {}
			DeviceStatus::SuspendedByOwner => return Err(Error::<T>::AlreadySuspended.into()),
			DeviceStatus::SuspendedByAdmin => return Err(Error::<T>::SuspendedByAdmin.into()),
			DeviceStatus::Decommissioned => return Err(Error::<T>::DeviceDecommissioned.into()),
		}
		record.status = DeviceStatus::SuspendedByOwner;
		Devices::<T>::insert(id, record);
		Self::deposit_event(Event::DeviceSuspended {
			device: id,
			status: DeviceStatus::SuspendedByOwner,
		});
		Ok(())
	}

	/// The owner restarts a device it suspended (not one awaiting its key after a transfer:
	/// the previous owner may hold that key).
	pub(crate) fn do_reactivate(owner: T::AccountId, id: DeviceId) -> DispatchResult {
		let mut record = Self::owned_device(&owner, id)?;
		match record.status {
			DeviceStatus::SuspendedByOwner => {}
			DeviceStatus::Active => return Err(Error::<T>::NotSuspended.into()),
			DeviceStatus::SuspendedByAdmin => return Err(Error::<T>::SuspendedByAdmin.into()),
			DeviceStatus::Decommissioned => return Err(Error::<T>::DeviceDecommissioned.into()),
		}
		ensure!(!AwaitingKey::<T>::contains_key(id), Error::<T>::AwaitingKeyRotation);
		record.status = DeviceStatus::Active;
		Devices::<T>::insert(id, record);
		Self::deposit_event(Event::DeviceReactivated { device: id });
		Ok(())
	}

	/// The admin origin stops a device (an owner's suspension is superseded).
	pub(crate) fn do_admin_suspend(id: DeviceId) -> DispatchResult {
		let mut record = Devices::<T>::get(id).ok_or(Error::<T>::UnknownDevice)?;
		match record.status {
			DeviceStatus::Active | DeviceStatus::SuspendedByOwner => {}
			DeviceStatus::SuspendedByAdmin => return Err(Error::<T>::AlreadySuspended.into()),
			DeviceStatus::Decommissioned => return Err(Error::<T>::DeviceDecommissioned.into()),
		}
		record.status = DeviceStatus::SuspendedByAdmin;
		Devices::<T>::insert(id, record);
		Self::deposit_event(Event::DeviceSuspended {
			device: id,
			status: DeviceStatus::SuspendedByAdmin,
		});
		Ok(())
	}

	/// The admin origin lifts its suspension; the device becomes active, or stays stopped
	/// (`SuspendedByOwner`) if it still awaits its new owner's key.
	pub(crate) fn do_admin_reactivate(id: DeviceId) -> DispatchResult {
		let mut record = Devices::<T>::get(id).ok_or(Error::<T>::UnknownDevice)?;
		match record.status {
			DeviceStatus::SuspendedByAdmin => {}
			DeviceStatus::Active | DeviceStatus::SuspendedByOwner => {
				return Err(Error::<T>::NotSuspended.into())
			}
			DeviceStatus::Decommissioned => return Err(Error::<T>::DeviceDecommissioned.into()),
		}
		if AwaitingKey::<T>::contains_key(id) {
			record.status = DeviceStatus::SuspendedByOwner;
			let owner = record.owner.clone();
			Devices::<T>::insert(id, record);
			Self::deposit_event(Event::DeviceAwaitingKey { device: id, owner });
			return Ok(());
		}
		record.status = DeviceStatus::Active;
		Devices::<T>::insert(id, record);
		Self::deposit_event(Event::DeviceReactivated { device: id });
		Ok(())
	}
}
