//! The read side: the registry other pallets use, and the helpers the runtime API calls.

use alloc::vec::Vec;
use openvpp_primitives::{
	DeviceId, DeviceRegistry, DeviceStatus, DeviceView, OperatingDelta, RegionId,
};
use sp_runtime::{MultiSigner, SaturatedConversion};

use crate::{
	registry::add_operation, Attestation, Attestations, CertifierInfo, Certifiers, Config,
	Counters, DeviceByKey, DeviceInfo, DeviceKey, Devices, DevicesByOwner, Pallet, RegionInfo,
	RegionOf, Regions, RegistrationNonce, MAX_PAGE_LEN,
};

fn page_len(limit: u32) -> usize {
	usize::try_from(limit.min(MAX_PAGE_LEN)).unwrap_or(0)
}

fn region_info<T: Config>(id: RegionId, region: RegionOf<T>) -> RegionInfo {
	RegionInfo {
		id,
		name: region.name.into_inner(),
		zone_code: region.zone_code.into_inner(),
		utc_offset_minutes: region.utc_offset_minutes,
	}
}

impl<T: Config> Pallet<T> {
	/// Everything about a device in one read.
	pub fn device_info(id: DeviceId) -> Option<DeviceInfo<T::AccountId>> {
		let record = Devices::<T>::get(id)?;
		Some(DeviceInfo {
			id,
			nft_holder: Self::credential_holder(id),
			owner: record.owner,
			kind: record.kind,
			nameplate: record.nameplate,
			region: record.region,
			status: record.status,
			signer: record.signer.0,
			commissioned_ms: record.commissioned_ms,
			metadata: record.metadata.into_inner(),
			gateways: record.gateways.into_inner(),
			attestations: record.attestations,
			deposit: record.deposit.saturated_into(),
			counters: Counters::<T>::get(id).unwrap_or_default(),
		})
	}

	/// The device a key belongs (or, for a rotated-out key, belonged) to.
	pub fn device_by_key(signer: MultiSigner) -> Option<DeviceId> {
		DeviceByKey::<T>::get(DeviceKey(signer))
	}

	/// Devices (not decommissioned) of `owner`, at most `limit` (capped at `MAX_PAGE_LEN`), in
	/// storage order; pass the last id of a page as `start_after` to get the next one.
	pub fn devices_of(
		owner: T::AccountId,
		start_after: Option<DeviceId>,
		limit: u32,
	) -> Vec<DeviceId> {
		let len = page_len(limit);
		match start_after {
			Some(last) => {
				let from = DevicesByOwner::<T>::hashed_key_for(&owner, last);
				DevicesByOwner::<T>::iter_key_prefix_from(&owner, from).take(len).collect()
			}
			None => DevicesByOwner::<T>::iter_key_prefix(&owner).take(len).collect(),
		}
	}

	/// A region by id.
	pub fn region_info(id: RegionId) -> Option<RegionInfo> {
		Regions::<T>::get(id).map(|region| region_info::<T>(id, region))
	}

	/// Regions in storage order, paged like [`Self::devices_of`].
	pub fn regions(start_after: Option<RegionId>, limit: u32) -> Vec<RegionInfo> {
		let len = page_len(limit);
		let iter = match start_after {
			Some(last) => Regions::<T>::iter_from(Regions::<T>::hashed_key_for(last)),
			None => Regions::<T>::iter(),
		};
		iter.take(len).map(|(id, region)| region_info::<T>(id, region)).collect()
	}

	/// Certifiers in storage order, paged like [`Self::devices_of`].
	pub fn certifiers(
		start_after: Option<T::AccountId>,
		limit: u32,
	) -> Vec<CertifierInfo<T::AccountId>> {
		let len = page_len(limit);
		let iter = match start_after {
			Some(last) => Certifiers::<T>::iter_from(Certifiers::<T>::hashed_key_for(last)),
			None => Certifiers::<T>::iter(),
		};
		iter.take(len)
			.map(|(account, c)| CertifierInfo {
				account,
				name: c.name.into_inner(),
				since_ms: c.since_ms,
			})
			.collect()
	}

	/// Attestations of a device (at most `MaxAttestations`).
	pub fn attestations_of(id: DeviceId) -> Vec<(T::AccountId, Attestation)> {
		Attestations::<T>::iter_prefix(id).collect()
	}

	/// Nonce the next proof of possession of `owner` must sign.
	pub fn registration_nonce(owner: T::AccountId) -> u32 {
		RegistrationNonce::<T>::get(owner)
	}
}

impl<T: Config> DeviceRegistry<T::AccountId> for Pallet<T> {
	fn device(id: DeviceId) -> Option<DeviceView<T::AccountId>> {
		Devices::<T>::get(id).map(|r| DeviceView {
			owner: r.owner,
			kind: r.kind,
			region: r.region,
			nameplate: r.nameplate,
			status: r.status,
			signer: r.signer.0,
			commissioned_ms: r.commissioned_ms,
			attestations: u8::try_from(r.attestations).unwrap_or(u8::MAX),
		})
	}

	fn is_gateway_authorized(id: DeviceId, gateway: &T::AccountId) -> bool {
		Devices::<T>::get(id).is_some_and(|r| {
			r.status != DeviceStatus::Decommissioned
				&& (&r.owner == gateway || r.gateways.contains(gateway))
		})
	}

	fn note_operation(id: DeviceId, delta: OperatingDelta) {
		Counters::<T>::mutate_extant(id, |counters| add_operation(counters, &delta));
	}

	fn note_lifetime_reward(id: DeviceId, reward: u128) {
		if Devices::<T>::contains_key(id) {
			Self::set_credential_lifetime_reward(id, reward);
		}
	}
}
