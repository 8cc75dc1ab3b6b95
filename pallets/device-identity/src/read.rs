//! The read side: the registry other pallets use, and the helpers the runtime API calls.

use alloc::vec::Vec;
use openvpp_primitives::{
	DeviceId, DeviceRegistry, DeviceStatus, DeviceView, OperatingDelta, RegionId,
};
use openvpp_primitives::{DevicePublicKey, HardwareIdentity, ManufacturerId, ModelId};
use sp_runtime::SaturatedConversion;

use crate::{
	registry::add_operation, Attestation, AttestationChain, Attestations, AwaitingKey,
	CertifierInfo, Certifiers, Config, Counters, DeviceByKey, DeviceInfo, DeviceModelOf, Devices,
	DevicesByOwner, ManufacturerInfo, ManufacturerOf, Manufacturers, ModelInfo, Models, Pallet,
	RegionInfo, RegionOf, Regions, RegistrationNonce, MAX_PAGE_LEN,
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
		unattested: region.unattested,
	}
}

fn manufacturer_info<T: Config>(id: ManufacturerId, m: ManufacturerOf<T>) -> ManufacturerInfo {
	ManufacturerInfo {
		id,
		name: m.name.into_inner(),
		root_keys: m.root_keys.into_inner(),
		since_ms: m.since_ms,
	}
}

fn model_info<T: Config>(id: ModelId, m: DeviceModelOf<T>) -> ModelInfo {
	ModelInfo {
		id,
		manufacturer: m.manufacturer,
		name: m.name.into_inner(),
		kind: m.kind,
		max_nameplate: m.max_nameplate,
		accuracy_class: m.accuracy_class,
		key_scheme: m.key_scheme,
		proof_of_possession: m.proof_of_possession,
	}
}

impl<T: Config> Pallet<T> {
	/// Everything about a device in one read.
	pub fn device_info(id: DeviceId) -> Option<DeviceInfo<T::AccountId>> {
		let record = Devices::<T>::get(id)?;
		let hardware_attested = Self::hardware_attested(record.hardware.as_ref());
		Some(DeviceInfo {
			id,
			hardware: record.hardware,
			hardware_attested,
			nft_holder: Self::credential_holder(id),
			owner: record.owner,
			kind: record.kind,
			nameplate: record.nameplate,
			region: record.region,
			status: record.status,
			signer: record.signer,
			commissioned_ms: record.commissioned_ms,
			metadata: record.metadata.into_inner(),
			gateways: record.gateways.into_inner(),
			attestations: record.attestations,
			deposit: record.deposit.saturated_into(),
			counters: Counters::<T>::get(id).unwrap_or_default(),
			awaiting_key: AwaitingKey::<T>::contains_key(id),
		})
	}

	/// The device a key belongs (or, for a rotated-out key, belonged) to.
	pub fn device_by_key(signer: DevicePublicKey) -> Option<DeviceId> {
		DeviceByKey::<T>::get(signer)
	}

	/// A manufacturer by id.
	pub fn manufacturer_info(id: ManufacturerId) -> Option<ManufacturerInfo> {
		Manufacturers::<T>::get(id).map(|m| manufacturer_info::<T>(id, m))
	}

	/// Manufacturers in id order from `start_after + 1`, at most `limit`.
	pub fn manufacturers(start_after: Option<ManufacturerId>, limit: u32) -> Vec<ManufacturerInfo> {
		let from = start_after.map_or(0, |id| id.saturating_add(1));
		let next = crate::NextManufacturerId::<T>::get();
		(from..next).filter_map(Self::manufacturer_info).take(page_len(limit)).collect()
	}

	/// A model by id.
	pub fn model_info(id: ModelId) -> Option<ModelInfo> {
		Models::<T>::get(id).map(|m| model_info::<T>(id, m))
	}

	/// Models in id order from `start_after + 1`, at most `limit`.
	pub fn models(start_after: Option<ModelId>, limit: u32) -> Vec<ModelInfo> {
		let from = start_after.map_or(0, |id| id.saturating_add(1));
		let next = crate::NextModelId::<T>::get();
		(from..next).filter_map(Self::model_info).take(page_len(limit)).collect()
	}

	/// A device's chain of trust: its certificate, manufacturer, model and root key, and
	/// whether it holds now. `None` for a device registered without a certificate.
	pub fn attestation_chain(id: DeviceId) -> Option<AttestationChain> {
		let hardware = Devices::<T>::get(id)?.hardware?;
		let manufacturer = Self::manufacturer_info(hardware.manufacturer)?;
		let root_key = manufacturer.root_keys.get(usize::from(hardware.root_key))?.clone();
		Some(AttestationChain {
			device: id,
			hardware,
			model: Self::model_info(hardware.model)?,
			valid: Self::attestation_valid(&hardware, Self::now_ms()),
			manufacturer,
			root_key,
		})
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
	fn device_by_key(key: &DevicePublicKey) -> Option<DeviceId> {
		DeviceByKey::<T>::get(key)
	}

	fn device(id: DeviceId) -> Option<DeviceView<T::AccountId>> {
		Devices::<T>::get(id).map(|r| {
			let hardware_attested = Self::hardware_attested(r.hardware.as_ref());
			DeviceView {
				eligibility: Self::eligibility(r.region, hardware_attested),
				hardware: r.hardware.map(|h| HardwareIdentity {
					manufacturer: h.manufacturer,
					model: h.model,
					serial_hash: h.serial_hash,
				}),
				hardware_attested,
				owner: r.owner,
				kind: r.kind,
				region: r.region,
				nameplate: r.nameplate,
				status: r.status,
				signer: r.signer,
				commissioned_ms: r.commissioned_ms,
				attestations: u8::try_from(r.attestations).unwrap_or(u8::MAX),
			}
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
