//! pallet-nfts, which holds each device's identity credential.
//!
//! Only the device-identity pallet creates the credential collection (through the
//! non-fungibles traits); nobody can create collections through extrinsics.

use frame_support::{
	parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU32},
};
use frame_system::{EnsureNever, EnsureRoot};
use pallet_nfts::PalletFeatures;
use sp_runtime::traits::Verify;

use crate::{AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeEvent, Signature, System};

parameter_types! {
	pub NftsPalletFeatures: PalletFeatures = PalletFeatures::all_enabled();
	pub const NftsMaxDeadlineDuration: BlockNumber = 12 * 30 * crate::DAYS;
	/// Credentials are paid for by the device deposit, so the NFT itself takes none.
	pub const NftsZeroDeposit: Balance = 0;
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
	type MetadataDepositBase = NftsZeroDeposit;
	type AttributeDepositBase = NftsZeroDeposit;
	type DepositPerByte = NftsZeroDeposit;
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
