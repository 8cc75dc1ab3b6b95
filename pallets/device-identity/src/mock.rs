//! Test runtime: real `pallet-balances`, `pallet-timestamp` and `pallet-nfts`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::arithmetic_side_effects)]

use crate as pallet_device_identity;
use core::cell::RefCell;
use frame_support::{
	construct_runtime, derive_impl, parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU128, ConstU32, ConstU64},
	PalletId,
};
use frame_system::{EnsureRoot, EnsureSigned};
use openvpp_primitives::{DeviceId, OnDeviceDecommissioned};
use pallet_nfts::{PalletFeature, PalletFeatures};
use sp_keyring::Sr25519Keyring;
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{
	traits::{AccountIdConversion, IdentityLookup, Verify},
	AccountId32, BuildStorage, DispatchError, DispatchResult, MultiSignature, Weight,
};

type Block = frame_system::mocking::MockBlock<Test>;

/// Account id (32 bytes, like the real runtime).
pub type AccountId = AccountId32;
/// Balance in planck (12 decimals, like VPP).
pub type Balance = u128;

/// One token.
pub const UNITS: Balance = 1_000_000_000_000;
/// Existential deposit (0.001 token).
pub const EXISTENTIAL_DEPOSIT: Balance = UNITS / 1_000;
/// Device deposit held per registration.
pub const DEVICE_DEPOSIT: Balance = 10 * UNITS;
/// Deposit held per key a rotation adds.
pub const KEY_DEPOSIT: Balance = UNITS / 10;
/// Part of the device deposit kept at decommissioning.
pub const RETAINED_DEPOSIT: Balance = UNITS / 2;
/// `pallet-nfts` deposit per item, reserved from the owner at mint.
pub const NFT_ITEM_DEPOSIT: Balance = UNITS / 100;
/// `pallet-nfts` deposit per collection, reserved from the pallet account.
pub const NFT_COLLECTION_DEPOSIT: Balance = UNITS;
/// Gateways per device.
pub const MAX_GATEWAYS: u32 = 3;
/// Metadata bytes per device.
pub const MAX_METADATA_LEN: u32 = 128;
/// Attestations per device.
pub const MAX_ATTESTATIONS: u32 = 2;
/// Starting balance of the funded test accounts.
pub const ENDOWMENT: Balance = 1_000 * UNITS;
/// Time of the first test block: 2025-06-01T10:00:00Z, ms.
pub const START_MS: u64 = 1_748_772_000_000;

/// Region Germany/Luxembourg.
pub const DE_LU: u16 = 1;
/// Region Netherlands.
pub const NL: u16 = 2;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Timestamp: pallet_timestamp,
		Nfts: pallet_nfts,
		DeviceIdentity: pallet_device_identity,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = ();
	type MinimumPeriod = ConstU64<3_000>;
	type WeightInfo = ();
}

parameter_types! {
	/// As in the runtime: no holder-written attributes, approvals, prices or swaps, which
	/// would be state on a credential nobody pays for.
	pub NftFeatures: PalletFeatures = PalletFeatures::from_disabled(
		PalletFeature::Trading | PalletFeature::Attributes | PalletFeature::Approvals |
			PalletFeature::Swaps,
	);
}

impl pallet_nfts::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type CollectionId = u32;
	type ItemId = u64;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type Locker = ();
	type CollectionDeposit = ConstU128<NFT_COLLECTION_DEPOSIT>;
	type ItemDeposit = ConstU128<NFT_ITEM_DEPOSIT>;
	type MetadataDepositBase = ConstU128<{ UNITS / 100 }>;
	type AttributeDepositBase = ConstU128<{ UNITS / 100 }>;
	type DepositPerByte = ConstU128<{ UNITS / 1_000 }>;
	type StringLimit = ConstU32<256>;
	type KeyLimit = ConstU32<64>;
	type ValueLimit = ConstU32<64>;
	type ApprovalsLimit = ConstU32<10>;
	type ItemAttributesApprovalsLimit = ConstU32<10>;
	type MaxTips = ConstU32<10>;
	type MaxDeadlineDuration = ConstU64<10_000>;
	type MaxAttributesPerCall = ConstU32<10>;
	type Features = NftFeatures;
	type OffchainSignature = MultiSignature;
	type OffchainPublic = <MultiSignature as Verify>::Signer;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type Helper = ();
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const DeviceIdentityPalletId: PalletId = PalletId(*b"ovpp/dev");
}

impl pallet_device_identity::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Nfts = Nfts;
	type CollectionId = ConstU32<0>;
	type PalletId = DeviceIdentityPalletId;
	type AdminOrigin = EnsureRoot<AccountId>;
	type UnixTime = Timestamp;
	type DeviceDeposit = ConstU128<DEVICE_DEPOSIT>;
	type KeyDeposit = ConstU128<KEY_DEPOSIT>;
	type RetainedDeposit = ConstU128<RETAINED_DEPOSIT>;
	type OnDecommissioned = DecommissionLog;
	type MaxGateways = ConstU32<MAX_GATEWAYS>;
	type MaxMetadataLen = ConstU32<MAX_METADATA_LEN>;
	type MaxAttestations = ConstU32<MAX_ATTESTATIONS>;
	type MaxRegionNameLen = ConstU32<32>;
	type MaxCertifierNameLen = ConstU32<48>;
	type MaxRootKeys = ConstU32<4>;
	type WeightInfo = ();
}

thread_local! {
	static DECOMMISSIONED: RefCell<Vec<(DeviceId, AccountId)>> = const { RefCell::new(Vec::new()) };
	static REFUSE_DECOMMISSIONING: RefCell<bool> = const { RefCell::new(false) };
}

/// Stands for the pallets that keep per-device state: records each decommissioning it is told
/// of, or refuses them all (a pallet that cannot remove its state yet).
pub struct DecommissionLog;

impl DecommissionLog {
	/// Devices decommissioned so far, with their last owner.
	pub fn seen() -> Vec<(DeviceId, AccountId)> {
		DECOMMISSIONED.with(|log| log.borrow().clone())
	}

	/// Makes every later decommissioning fail in the hook.
	pub fn refuse() {
		REFUSE_DECOMMISSIONING.with(|refuse| *refuse.borrow_mut() = true);
	}
}

impl OnDeviceDecommissioned<AccountId> for DecommissionLog {
	fn on_device_decommissioned(device: DeviceId, owner: &AccountId) -> DispatchResult {
		if REFUSE_DECOMMISSIONING.with(|refuse| *refuse.borrow()) {
			return Err(DispatchError::Other("device still enrolled"));
		}
		DECOMMISSIONED.with(|log| log.borrow_mut().push((device, owner.clone())));
		Ok(())
	}

	fn on_device_decommissioned_weight() -> Weight {
		Weight::from_parts(25_000_000, 3_000)
	}
}

/// Account of a well-known dev key.
pub fn account(who: Sr25519Keyring) -> AccountId {
	who.to_account_id()
}

/// Alice: owns a fleet.
pub fn alice() -> AccountId {
	account(Sr25519Keyring::Alice)
}
/// Bob: a second owner.
pub fn bob() -> AccountId {
	account(Sr25519Keyring::Bob)
}
/// Charlie: a gateway operator.
pub fn charlie() -> AccountId {
	account(Sr25519Keyring::Charlie)
}
/// Dave: a certifier (an installer).
pub fn dave() -> AccountId {
	account(Sr25519Keyring::Dave)
}
/// Eve: holds less than a device deposit.
pub fn eve() -> AccountId {
	account(Sr25519Keyring::Eve)
}
/// Ferdie: has no account at all.
pub fn ferdie() -> AccountId {
	account(Sr25519Keyring::Ferdie)
}

/// The pallet's account (owner of the credential collection).
pub fn pallet_account() -> AccountId {
	DeviceIdentityPalletId::get().into_account_truncating()
}

/// Builds the test chain: funded accounts, two regions, the credential collection.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(alice(), ENDOWMENT),
			(bob(), ENDOWMENT),
			(charlie(), ENDOWMENT),
			(dave(), ENDOWMENT),
			(eve(), 5 * UNITS),
			(pallet_account(), 10 * UNITS),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_device_identity::GenesisConfig::<Test> {
		regions: vec![
			(DE_LU, "Germany-Luxembourg".into(), "DE-LU".into(), 60),
			(NL, "Netherlands".into(), "NL".into(), 60),
		],
		certifiers: vec![],
		devices: vec![],
		region_policies: vec![(
			DE_LU,
			openvpp_primitives::UnattestedPolicy::Capped { max_counted_w: 10_000 },
		)],
		manufacturers: vec![],
		models: vec![],
	}
	.assimilate_storage(&mut storage)
	.unwrap();

	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(START_MS);
	});
	ext
}
