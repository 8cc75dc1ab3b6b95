//! Rewards: points per device and epoch, lazy settlement, claims.
//!
//! A device keeps points for at most two epochs at a time ([`DeviceEpochPoints`] and
//! [`DeviceGracePoints`]: the epochs still open for points). When it earns points again, or
//! is claimed, the points of closed epochs are turned into reward at their epoch's rate and
//! added to [`PendingRewards`]. Rewards stay pending until the owner
//! claims; they belong to whoever owns the device at claim time.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	traits::{fungible::Mutate, tokens::Preservation},
	BoundedVec,
};
use openvpp_primitives::{DeviceId, DeviceRegistry, DeviceStatus};
use sp_runtime::{
	traits::{UniqueSaturatedInto, Zero},
	DispatchResult, FixedPointNumber, Saturating,
};

use crate::{pallet::*, BalanceOf, DeviceValue, EpochIndex, EpochPoints, Points};

impl<T: Config> Pallet<T> {
	/// A device's unsettled points: at most one record per epoch open for points, and at most
	/// two epochs are open at once (the current one and the one before, in its grace epoch).
	fn point_records(device: DeviceId) -> [Option<EpochPoints>; 2] {
		[DeviceEpochPoints::<T>::get(device), DeviceGracePoints::<T>::get(device)]
	}

	fn put_point_records(device: DeviceId, [first, second]: [Option<EpochPoints>; 2]) {
		DeviceEpochPoints::<T>::set(device, first);
		DeviceGracePoints::<T>::set(device, second);
	}

	/// Adds `points` to `device` in `epoch` (one still open for points), settling its records
	/// of closed epochs first. O(1).
	pub(crate) fn add_points(device: DeviceId, epoch: EpochIndex, points: Points) {
		if points == 0 {
			return;
		}
		Self::settle(device);
		let mut records = Self::point_records(device);
		let slot = match records.iter().position(|r| r.is_some_and(|r| r.epoch == epoch)) {
			Some(slot) => records.get_mut(slot),
			None => records.iter_mut().find(|r| r.is_none()),
		};
		// Every record left is of an open epoch and at most two are open: a slot is free.
		let Some(record) = slot else { return };
		let record = record.get_or_insert(EpochPoints { epoch, points: 0 });
		record.points = record.points.saturating_add(points);
		Self::put_point_records(device, records);
		Epochs::<T>::mutate(epoch, |info| {
			let info = info.get_or_insert_with(Default::default);
			info.total_points = info.total_points.saturating_add(points);
		});
	}

	/// Reward the device's points would earn now, if their epoch is closed.
	fn settleable(record: &EpochPoints) -> Option<BalanceOf<T>> {
		let rate = Epochs::<T>::get(record.epoch).and_then(|info| info.rate)?;
		Some(rate.saturating_mul_int(record.points).unique_saturated_into())
	}

	/// Turns the device's points of closed epochs into pending reward. O(1).
	pub(crate) fn settle(device: DeviceId) {
		let mut records = Self::point_records(device);
		let mut settled = false;
		for slot in records.iter_mut() {
			let Some(record) = *slot else { continue };
			let Some(reward) = Self::settleable(&record) else { continue };
			*slot = None;
			settled = true;
			PendingRewards::<T>::mutate(device, |pending| {
				*pending = pending.saturating_add(reward)
			});
			let lifetime = DeviceValues::<T>::mutate(device, |value| {
				value.lifetime_reward = value.lifetime_reward.saturating_add(reward);
				value.lifetime_reward
			});
			T::Devices::note_lifetime_reward(device, lifetime.unique_saturated_into());
			Self::deposit_event(Event::ValueSettled {
				device,
				epoch: record.epoch,
				points: record.points,
				reward,
			});
		}
		if settled {
			Self::put_point_records(device, records);
		}
	}

	/// Reward the device's owner could claim now (pending plus what settling would add).
	pub fn pending_rewards(device: DeviceId) -> BalanceOf<T> {
		Self::point_records(device)
			.iter()
			.flatten()
			.filter_map(Self::settleable)
			.fold(PendingRewards::<T>::get(device), |sum, reward| sum.saturating_add(reward))
	}

	/// Lifetime value of a device (`None` if the device is unknown to the registry).
	pub fn device_value(device: DeviceId) -> Option<DeviceValue<BalanceOf<T>>> {
		T::Devices::device(device)?;
		Some(DeviceValues::<T>::get(device))
	}

	pub(crate) fn do_claim(
		who: T::AccountId,
		devices: BoundedVec<DeviceId, T::MaxDevicesPerClaim>,
	) -> DispatchResult {
		let mut sorted: Vec<DeviceId> = devices.to_vec();
		sorted.sort_unstable();
		ensure!(
			sorted.windows(2).all(|pair| pair.first() != pair.last()),
			Error::<T>::DuplicateDevice
		);
		let mut total = BalanceOf::<T>::zero();
		for device in devices.iter() {
			let view = T::Devices::device(*device).ok_or(Error::<T>::UnknownDevice)?;
			ensure!(view.owner == who, Error::<T>::NotDeviceOwner);
			ensure!(view.status != DeviceStatus::SuspendedByAdmin, Error::<T>::DeviceSuspended);
			total = total.saturating_add(Self::pending_rewards(*device));
		}
		ensure!(!total.is_zero(), Error::<T>::NothingToClaim);

		for device in devices.iter() {
			Self::settle(*device);
			PendingRewards::<T>::remove(device);
		}
		T::Currency::transfer(&Self::pot_account(), &who, total, Preservation::Preserve)?;
		TotalPaid::<T>::mutate(|paid| *paid = paid.saturating_add(total));
		Self::deposit_event(Event::RewardsClaimed {
			owner: who,
			devices: u32::try_from(devices.len()).unwrap_or(u32::MAX),
			amount: total,
		});
		Ok(())
	}
}
