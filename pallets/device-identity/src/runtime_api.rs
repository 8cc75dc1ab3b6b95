//! Runtime API of the device registry, for the node's RPC and for clients via `state_call`.
//!
//! The runtime implements it by calling the `pub fn`s of [`crate::Pallet`] of the same names
//! (`device_info`, `device_by_key`, `devices_of`, `region_info`, `regions`, `certifiers`,
//! `attestations_of`, `registration_nonce`).

use alloc::vec::Vec;
use openvpp_primitives::{DeviceId, RegionId};
use sp_runtime::MultiSigner;

use crate::{Attestation, CertifierInfo, DeviceInfo, RegionInfo};

sp_api::decl_runtime_apis! {
	/// Reads of the device registry.
	pub trait DeviceIdentityApi<AccountId>
	where
		AccountId: codec::Codec,
	{
		/// A device with its counters, gateways and attestation count.
		fn device(id: DeviceId) -> Option<DeviceInfo<AccountId>>;
		/// The device a key belongs (or belonged) to.
		fn device_by_key(signer: MultiSigner) -> Option<DeviceId>;
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
	}
}
