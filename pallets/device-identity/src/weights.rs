// This file is part of OpenVPP.
// SPDX-License-Identifier: Apache-2.0

//! Weights for `pallet_device_identity`
//!
//! PLACEHOLDER, NOT MEASURED: conservative hand-estimated values in the format of the
//! frame-benchmarking-cli template, so the runtime can be wired before the first benchmark run.
//! Regenerate on reference hardware, replacing this file, with:
//!
//! ```text
//! openvpp-node benchmark pallet --runtime <openvpp_runtime.compact.compressed.wasm> \
//!     --genesis-builder-policy=none --pallet=pallet_device_identity --extrinsic='*' \
//!     --steps=50 --repeat=20 --output=pallets/device-identity/src/weights.rs \
//!     --template=<frame-weight-template.hbs>
//! ```
//!
//! (or the same flags with `frame-omni-bencher v1 benchmark pallet`). The estimates assume
//! `MaxGateways` = 8, `MaxMetadataLen` = 256, `MaxAttestations` = 8 and `pallet-nfts` with
//! a 64-byte attribute key/value limit.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_device_identity`.
pub trait WeightInfo {
	fn create_region() -> Weight;
	fn register_device() -> Weight;
	fn transfer_device() -> Weight;
	fn rotate_key() -> Weight;
	fn authorize_gateway() -> Weight;
	fn revoke_gateway() -> Weight;
	fn suspend() -> Weight;
	fn reactivate() -> Weight;
	fn admin_suspend() -> Weight;
	fn admin_reactivate() -> Weight;
	fn decommission() -> Weight;
	fn add_certifier() -> Weight;
	fn remove_certifier() -> Weight;
	fn attest() -> Weight;
	fn revoke_attestation() -> Weight;
	fn admin_revoke_attestation() -> Weight;
}

/// Weights for `pallet_device_identity` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `DeviceIdentity::Regions` (r:1 w:1)
	fn create_region() -> Weight {
		//  Measured:  `0`
		//  Estimated: `3500`
		// Minimum execution time: 18_000_000 picoseconds.
		Weight::from_parts(18_000_000, 3500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::DeviceByKey` (r:1 w:1)
	/// Storage: `DeviceIdentity::RegistrationNonce` (r:1 w:1)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Storage: `DeviceIdentity::Regions` (r:1 w:0)
	/// Storage: `DeviceIdentity::NextDeviceId` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Item` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:1)
	/// Storage: `Nfts::CollectionConfigOf` (r:1 w:0)
	/// Storage: `Nfts::ItemConfigOf` (r:1 w:1)
	/// Storage: `Nfts::Attribute` (r:9 w:8)
	/// Storage: `Nfts::Account` (r:0 w:1)
	/// Storage: `DeviceIdentity::Devices` (r:0 w:1)
	/// Storage: `DeviceIdentity::DevicesByOwner` (r:0 w:1)
	/// Storage: `DeviceIdentity::Counters` (r:0 w:1)
	fn register_device() -> Weight {
		//  Measured:  `0`
		//  Estimated: `24000`
		// Minimum execution time: 320_000_000 picoseconds.
		Weight::from_parts(320_000_000, 24000)
			.saturating_add(T::DbWeight::get().reads(24_u64))
			.saturating_add(T::DbWeight::get().writes(24_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Storage: `System::Account` (r:2 w:2)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Attribute` (r:2 w:2)
	/// Storage: `Nfts::Collection` (r:1 w:2)
	/// Storage: `Nfts::CollectionConfigOf` (r:1 w:0)
	/// Storage: `Nfts::ItemConfigOf` (r:1 w:0)
	/// Storage: `Nfts::Item` (r:1 w:1)
	/// Storage: `Nfts::Account` (r:0 w:2)
	/// Storage: `Nfts::ItemPriceOf` (r:0 w:1)
	/// Storage: `Nfts::PendingSwapOf` (r:0 w:1)
	/// Storage: `DeviceIdentity::DevicesByOwner` (r:0 w:2)
	fn transfer_device() -> Weight {
		//  Measured:  `0`
		//  Estimated: `14000`
		// Minimum execution time: 160_000_000 picoseconds.
		Weight::from_parts(160_000_000, 14000)
			.saturating_add(T::DbWeight::get().reads(14_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `DeviceIdentity::DeviceByKey` (r:1 w:1)
	/// Storage: `DeviceIdentity::RegistrationNonce` (r:1 w:1)
	/// Storage: `System::BlockHash` (r:1 w:0)
	fn rotate_key() -> Weight {
		//  Measured:  `0`
		//  Estimated: `5500`
		// Minimum execution time: 95_000_000 picoseconds.
		Weight::from_parts(95_000_000, 5500)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn authorize_gateway() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 24_000_000 picoseconds.
		Weight::from_parts(24_000_000, 4500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn revoke_gateway() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 24_000_000 picoseconds.
		Weight::from_parts(24_000_000, 4500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn suspend() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 4500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn reactivate() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 4500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn admin_suspend() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 4500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn admin_reactivate() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 4500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Attribute` (r:9 w:8)
	/// Storage: `Nfts::Collection` (r:2 w:2)
	/// Storage: `Nfts::ItemConfigOf` (r:1 w:1)
	/// Storage: `Nfts::Item` (r:1 w:1)
	/// Storage: `Nfts::ItemMetadataOf` (r:1 w:0)
	/// Storage: `DeviceIdentity::Attestations` (r:0 w:8)
	/// Storage: `Nfts::Account` (r:0 w:1)
	/// Storage: `Nfts::ItemPriceOf` (r:0 w:1)
	/// Storage: `Nfts::PendingSwapOf` (r:0 w:1)
	/// Storage: `Nfts::ItemAttributesApprovalsOf` (r:0 w:1)
	/// Storage: `DeviceIdentity::DevicesByOwner` (r:0 w:1)
	fn decommission() -> Weight {
		//  Measured:  `0`
		//  Estimated: `22000`
		// Minimum execution time: 240_000_000 picoseconds.
		Weight::from_parts(240_000_000, 22000)
			.saturating_add(T::DbWeight::get().reads(20_u64))
			.saturating_add(T::DbWeight::get().writes(24_u64))
	}
	/// Storage: `DeviceIdentity::Certifiers` (r:1 w:1)
	fn add_certifier() -> Weight {
		//  Measured:  `0`
		//  Estimated: `3600`
		// Minimum execution time: 18_000_000 picoseconds.
		Weight::from_parts(18_000_000, 3600)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Certifiers` (r:1 w:1)
	fn remove_certifier() -> Weight {
		//  Measured:  `0`
		//  Estimated: `3600`
		// Minimum execution time: 18_000_000 picoseconds.
		Weight::from_parts(18_000_000, 3600)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Certifiers` (r:1 w:0)
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `DeviceIdentity::Attestations` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Item` (r:1 w:0)
	/// Storage: `Nfts::Collection` (r:1 w:1)
	/// Storage: `Nfts::Attribute` (r:1 w:1)
	fn attest() -> Weight {
		//  Measured:  `0`
		//  Estimated: `6000`
		// Minimum execution time: 60_000_000 picoseconds.
		Weight::from_parts(60_000_000, 6000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `DeviceIdentity::Attestations` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Item` (r:1 w:0)
	/// Storage: `Nfts::Collection` (r:1 w:1)
	/// Storage: `Nfts::Attribute` (r:1 w:1)
	fn revoke_attestation() -> Weight {
		//  Measured:  `0`
		//  Estimated: `6000`
		// Minimum execution time: 55_000_000 picoseconds.
		Weight::from_parts(55_000_000, 6000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `DeviceIdentity::Attestations` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Item` (r:1 w:0)
	/// Storage: `Nfts::Collection` (r:1 w:1)
	/// Storage: `Nfts::Attribute` (r:1 w:1)
	fn admin_revoke_attestation() -> Weight {
		//  Measured:  `0`
		//  Estimated: `6000`
		// Minimum execution time: 55_000_000 picoseconds.
		Weight::from_parts(55_000_000, 6000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: `DeviceIdentity::Regions` (r:1 w:1)
	fn create_region() -> Weight {
		//  Measured:  `0`
		//  Estimated: `3500`
		// Minimum execution time: 18_000_000 picoseconds.
		Weight::from_parts(18_000_000, 3500)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::DeviceByKey` (r:1 w:1)
	/// Storage: `DeviceIdentity::RegistrationNonce` (r:1 w:1)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Storage: `DeviceIdentity::Regions` (r:1 w:0)
	/// Storage: `DeviceIdentity::NextDeviceId` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Item` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:1)
	/// Storage: `Nfts::CollectionConfigOf` (r:1 w:0)
	/// Storage: `Nfts::ItemConfigOf` (r:1 w:1)
	/// Storage: `Nfts::Attribute` (r:9 w:8)
	/// Storage: `Nfts::Account` (r:0 w:1)
	/// Storage: `DeviceIdentity::Devices` (r:0 w:1)
	/// Storage: `DeviceIdentity::DevicesByOwner` (r:0 w:1)
	/// Storage: `DeviceIdentity::Counters` (r:0 w:1)
	fn register_device() -> Weight {
		//  Measured:  `0`
		//  Estimated: `24000`
		// Minimum execution time: 320_000_000 picoseconds.
		Weight::from_parts(320_000_000, 24000)
			.saturating_add(RocksDbWeight::get().reads(24_u64))
			.saturating_add(RocksDbWeight::get().writes(24_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Storage: `System::Account` (r:2 w:2)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Attribute` (r:2 w:2)
	/// Storage: `Nfts::Collection` (r:1 w:2)
	/// Storage: `Nfts::CollectionConfigOf` (r:1 w:0)
	/// Storage: `Nfts::ItemConfigOf` (r:1 w:0)
	/// Storage: `Nfts::Item` (r:1 w:1)
	/// Storage: `Nfts::Account` (r:0 w:2)
	/// Storage: `Nfts::ItemPriceOf` (r:0 w:1)
	/// Storage: `Nfts::PendingSwapOf` (r:0 w:1)
	/// Storage: `DeviceIdentity::DevicesByOwner` (r:0 w:2)
	fn transfer_device() -> Weight {
		//  Measured:  `0`
		//  Estimated: `14000`
		// Minimum execution time: 160_000_000 picoseconds.
		Weight::from_parts(160_000_000, 14000)
			.saturating_add(RocksDbWeight::get().reads(14_u64))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `DeviceIdentity::DeviceByKey` (r:1 w:1)
	/// Storage: `DeviceIdentity::RegistrationNonce` (r:1 w:1)
	/// Storage: `System::BlockHash` (r:1 w:0)
	fn rotate_key() -> Weight {
		//  Measured:  `0`
		//  Estimated: `5500`
		// Minimum execution time: 95_000_000 picoseconds.
		Weight::from_parts(95_000_000, 5500)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn authorize_gateway() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 24_000_000 picoseconds.
		Weight::from_parts(24_000_000, 4500)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn revoke_gateway() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 24_000_000 picoseconds.
		Weight::from_parts(24_000_000, 4500)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn suspend() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 4500)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn reactivate() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 4500)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn admin_suspend() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 4500)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	fn admin_reactivate() -> Weight {
		//  Measured:  `0`
		//  Estimated: `4500`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 4500)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Attribute` (r:9 w:8)
	/// Storage: `Nfts::Collection` (r:2 w:2)
	/// Storage: `Nfts::ItemConfigOf` (r:1 w:1)
	/// Storage: `Nfts::Item` (r:1 w:1)
	/// Storage: `Nfts::ItemMetadataOf` (r:1 w:0)
	/// Storage: `DeviceIdentity::Attestations` (r:0 w:8)
	/// Storage: `Nfts::Account` (r:0 w:1)
	/// Storage: `Nfts::ItemPriceOf` (r:0 w:1)
	/// Storage: `Nfts::PendingSwapOf` (r:0 w:1)
	/// Storage: `Nfts::ItemAttributesApprovalsOf` (r:0 w:1)
	/// Storage: `DeviceIdentity::DevicesByOwner` (r:0 w:1)
	fn decommission() -> Weight {
		//  Measured:  `0`
		//  Estimated: `22000`
		// Minimum execution time: 240_000_000 picoseconds.
		Weight::from_parts(240_000_000, 22000)
			.saturating_add(RocksDbWeight::get().reads(20_u64))
			.saturating_add(RocksDbWeight::get().writes(24_u64))
	}
	/// Storage: `DeviceIdentity::Certifiers` (r:1 w:1)
	fn add_certifier() -> Weight {
		//  Measured:  `0`
		//  Estimated: `3600`
		// Minimum execution time: 18_000_000 picoseconds.
		Weight::from_parts(18_000_000, 3600)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Certifiers` (r:1 w:1)
	fn remove_certifier() -> Weight {
		//  Measured:  `0`
		//  Estimated: `3600`
		// Minimum execution time: 18_000_000 picoseconds.
		Weight::from_parts(18_000_000, 3600)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `DeviceIdentity::Certifiers` (r:1 w:0)
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `DeviceIdentity::Attestations` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Item` (r:1 w:0)
	/// Storage: `Nfts::Collection` (r:1 w:1)
	/// Storage: `Nfts::Attribute` (r:1 w:1)
	fn attest() -> Weight {
		//  Measured:  `0`
		//  Estimated: `6000`
		// Minimum execution time: 60_000_000 picoseconds.
		Weight::from_parts(60_000_000, 6000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `DeviceIdentity::Attestations` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Item` (r:1 w:0)
	/// Storage: `Nfts::Collection` (r:1 w:1)
	/// Storage: `Nfts::Attribute` (r:1 w:1)
	fn revoke_attestation() -> Weight {
		//  Measured:  `0`
		//  Estimated: `6000`
		// Minimum execution time: 55_000_000 picoseconds.
		Weight::from_parts(55_000_000, 6000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: `DeviceIdentity::Devices` (r:1 w:1)
	/// Storage: `DeviceIdentity::Attestations` (r:1 w:1)
	/// Storage: `Nfts::Collection` (r:1 w:0)
	/// Storage: `Nfts::Item` (r:1 w:0)
	/// Storage: `Nfts::Collection` (r:1 w:1)
	/// Storage: `Nfts::Attribute` (r:1 w:1)
	fn admin_revoke_attestation() -> Weight {
		//  Measured:  `0`
		//  Estimated: `6000`
		// Minimum execution time: 55_000_000 picoseconds.
		Weight::from_parts(55_000_000, 6000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
}
