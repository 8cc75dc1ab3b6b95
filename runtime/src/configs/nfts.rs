//! pallet-nfts, which holds each device's identity credential.
//!
//! Only the device-identity pallet creates the credential collection (through the
//! non-fungibles traits); nobody can create collections through extrinsics.
//!
//! A credential's holder could otherwise add state to it that nobody pays for: attributes in
//! its own namespace (and delegates' namespaces), transfer approvals, a sale price, swap
//! offers; `pallet-nfts` keeps a burned item's holder attributes for good. Those features are
//! off. The device-identity pallet writes its system attributes through the non-fungibles
//! traits, which they do not gate, and which take no deposit: its device deposit pays for
//! them. Should the features ever be turned on, attributes and metadata take a deposit at the
//! chain's price of state.

use frame_support::{
	parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU32},
};
use frame_system::{EnsureNever, EnsureRoot};
use pallet_nfts::{PalletFeature, PalletFeatures};
use sp_runtime::traits::Verify;

use crate::{
	currency::{MILLI_UNITS, UNITS},
	AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeEvent, Signature, System,
};

parameter_types! {
	/// No holder-written attributes, transfer approvals, prices or swaps on credentials.
	pub NftsPalletFeatures: PalletFeatures = PalletFeatures::from_disabled(
		PalletFeature::Trading | PalletFeature::Attributes | PalletFeature::Approvals |
			PalletFeature::Swaps,
	);
	pub const NftsMaxDeadlineDuration: BlockNumber = 12 * 30 * crate::DAYS;
	/// Credentials (collection, items) are paid for by the device deposit, so the NFT itself
	/// takes none.
	pub const NftsZeroDeposit: Balance = 0;
	/// Base deposit of an attribute or metadata entry not written by the device-identity
	/// pallet (1 VPP, as a preimage).
	pub const NftsEntryDeposit: Balance = UNITS;
	/// Deposit per byte of such an entry's key and value (0.001 VPP, as a preimage byte).
	pub const NftsByteDeposit: Balance = MILLI_UNITS;
}

impl pallet_nfts::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type CollectionId = u32;
	type ItemId = openvpp_primitives::DeviceId;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureNever<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type Locker = ();
	type CollectionDeposit = NftsZeroDeposit;
	type ItemDeposit = NftsZeroDeposit;
	type MetadataDepositBase = NftsEntryDeposit;
	type AttributeDepositBase = NftsEntryDeposit;
	type DepositPerByte = NftsByteDeposit;
	type StringLimit = ConstU32<256>;
	type KeyLimit = ConstU32<64>;
	type ValueLimit = ConstU32<256>;
	type ApprovalsLimit = ConstU32<20>;
	type ItemAttributesApprovalsLimit = ConstU32<30>;
	type MaxTips = ConstU32<10>;
	type MaxDeadlineDuration = NftsMaxDeadlineDuration;
	type MaxAttributesPerCall = ConstU32<10>;
	type Features = NftsPalletFeatures;
	type OffchainSignature = Signature;
	type OffchainPublic = <Signature as Verify>::Signer;
	#[cfg(feature = "runtime-benchmarks")]
	type Helper = ();
	type WeightInfo = pallet_nfts::weights::SubstrateWeight<Runtime>;
	type BlockNumberProvider = System;
}

#[cfg(test)]
mod tests {
	//! A credential holder's own writes through `pallet-nfts`, on this runtime.
	#![allow(clippy::expect_used, clippy::unwrap_used)]

	use crate::{
		currency::UNITS, DeviceIdentity, Nfts, Runtime, RuntimeGenesisConfig, RuntimeOrigin,
	};
	use frame_support::{assert_noop, assert_ok, traits::Get, BoundedVec};
	use openvpp_primitives::{
		keys::{DeviceKeyPair, KeyScheme},
		DeviceKind, Nameplate,
	};
	use pallet_nfts::AttributeNamespace;
	use sp_keyring::Sr25519Keyring;
	use sp_runtime::BuildStorage;

	/// A chain with a funded owner and one region; returns the owner's EV on it.
	fn with_alices_ev(test: impl FnOnce(crate::AccountId, u64)) {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let mut config = RuntimeGenesisConfig::default();
		config.balances.balances = vec![(alice.clone(), 1_000 * UNITS)];
		config.device_identity.regions = vec![(1, "Germany-Luxembourg".into(), "DE-LU".into(), 60)];
		let mut ext: sp_io::TestExternalities = config.build_storage().unwrap().into();
		ext.execute_with(|| {
			frame_system::Pallet::<Runtime>::set_block_number(1);
			let key = DeviceKeyPair::from_uri(KeyScheme::Sr25519, "//Alice/ev/wvw-id4").unwrap();
			let nonce = DeviceIdentity::registration_nonce(alice.clone());
			assert_ok!(DeviceIdentity::register_device(
				RuntimeOrigin::signed(alice.clone()),
				DeviceKind::Ev,
				Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 11_000 },
				1,
				Default::default(),
				key.signer(),
				key.possession_proof(DeviceIdentity::genesis_hash(), &alice, nonce),
			));
			test(alice, 0);
		});
	}

	#[test]
	fn holder_cannot_store_free_attributes_on_its_credential() {
		with_alices_ev(|alice, id| {
			let collection = <Runtime as pallet_device_identity::Config>::CollectionId::get();
			let owner = RuntimeOrigin::signed(alice.clone());
			let key: BoundedVec<u8, _> = b"garage-note".to_vec().try_into().unwrap();
			let value: BoundedVec<u8, _> = vec![b'x'; 256].try_into().unwrap();
			let bob = Sr25519Keyring::Bob.to_account_id();
			let disabled = || pallet_nfts::Error::<Runtime>::MethodDisabled;

			assert_noop!(
				Nfts::set_attribute(
					owner.clone(),
					collection,
					Some(id),
					AttributeNamespace::ItemOwner,
					key,
					value
				),
				disabled()
			);
			assert_noop!(
				Nfts::approve_item_attributes(owner.clone(), collection, id, bob.clone().into()),
				disabled()
			);
			assert_noop!(
				Nfts::approve_transfer(owner.clone(), collection, id, bob.into(), None),
				disabled()
			);
			assert_noop!(
				Nfts::set_price(owner.clone(), collection, id, Some(UNITS), None),
				disabled()
			);
			assert_noop!(
				Nfts::create_swap(owner, collection, id, collection, None, None, 100),
				disabled()
			);
		});
	}
}
