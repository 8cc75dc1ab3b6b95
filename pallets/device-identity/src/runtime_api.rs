//! Runtime API of the device registry, for the node's RPC and for clients via `state_call`.
//!
//! The runtime implements it by calling the `pub fn`s of [`crate::Pallet`] of the same names
//! (`device_info`, `device_by_key`, `devices_of`, `region_info`, `regions`, `certifiers`,
//! `attestations_of`, `registration_nonce`, `manufacturer_info`, `manufacturers`, `model_info`,
//! `models`, `attestation_chain`).

use alloc::vec::Vec;
use openvpp_primitives::{DeviceId, DevicePublicKey, ManufacturerId, ModelId, RegionId};

use crate::{
	Attestation, AttestationChain, CertifierInfo, DeviceInfo, ManufacturerInfo, ModelInfo,
	RegionInfo,
};

sp_api::decl_runtime_apis! {
	/// Reads of the device registry.
	pub trait DeviceIdentityApi<AccountId>
	where
		AccountId: codec::Codec,
	{
		/// A device with its counters, gateways and attestation count.
		fn device(id: DeviceId) -> Option<DeviceInfo<AccountId>>;
		/// The device a key belongs (or belonged) to.
		fn device_by_key(signer: DevicePublicKey) -> Option<DeviceId>;
		/// A page of an owner's devices: at most `limit` (capped at 1000) ids after
		/// `start_after`, in storage order.
		fn devices_of(owner: AccountId, start_after: Option<DeviceId>, limit: u32) -> Vec<DeviceId>;
		/// A region.
		fn region(id: RegionId) -> Option<RegionInfo>;
		/// A page of regions after `start_after`.
		fn regions(start_after: Option<RegionId>, limit: u32) -> Vec<RegionInfo>;
		/// A page of certifiers after `start_after`.
		fn certifiers(start_after: Option<AccountId>, limit: u32) -> Vec<CertifierInfo<AccountId>>;
		/// The attestations of a device, by certifier.
		fn attestations(id: DeviceId) -> Vec<(AccountId, Attestation)>;
		/// The nonce the next proof of possession of `owner` must sign.
		fn registration_nonce(owner: AccountId) -> u32;
		/// A manufacturer with its root keys.
		fn manufacturer(id: ManufacturerId) -> Option<ManufacturerInfo>;
		/// A page of manufacturers after `start_after`, in id order.
		fn manufacturers(start_after: Option<ManufacturerId>, limit: u32) -> Vec<ManufacturerInfo>;
		/// A device model.
		fn model(id: ModelId) -> Option<ModelInfo>;
		/// A page of models after `start_after`, in id order.
		fn models(start_after: Option<ModelId>, limit: u32) -> Vec<ModelInfo>;
		/// A device's chain of trust (certificate, manufacturer, model, root key, validity now).
		fn attestation_chain(id: DeviceId) -> Option<AttestationChain>;
	}
}
