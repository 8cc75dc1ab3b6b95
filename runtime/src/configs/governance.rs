//! OpenGov: preimages, scheduler, referenda with conviction voting, treasury, and the custom
//! origins of the OpenVPP tracks.

use frame_support::{
	parameter_types,
	traits::{
		fungible::HoldConsideration,
		tokens::{pay::PayFromAccount, UnityAssetBalanceConversion},
		ConstU32, EitherOf, EqualPrivilegeOnly, LinearStoragePrice,
	},
	PalletId,
};
use frame_system::{EnsureRoot, EnsureRootWithSuccess};
use sp_runtime::{traits::IdentityLookup, Perbill, Permill};

use crate::{
	currency::{MILLI_UNITS, UNITS},
	governance::{pallet_custom_origins, tracks::TracksInfo},
	AccountId, Balance, Balances, BlockNumber, OriginCaller, Preimage, Referenda, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Scheduler, System, Treasury, DAYS,
	HOURS,
};

impl pallet_custom_origins::Config for Runtime {}

parameter_types! {
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
	pub const PreimageBaseDeposit: Balance = UNITS;
	pub const PreimageByteDeposit: Balance = MILLI_UNITS;
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

parameter_types! {
	pub MaximumSchedulerWeight: frame_support::weights::Weight =
		Perbill::from_percent(80) * crate::configs::system::RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const VoteLockingPeriod: BlockNumber = 7 * DAYS;
}

impl pallet_conviction_voting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_conviction_voting::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type Polls = Referenda;
	type MaxTurnout =
		frame_support::traits::tokens::currency::ActiveIssuanceOf<Balances, AccountId>;
	type MaxVotes = ConstU32<512>;
	type VoteLockingPeriod = VoteLockingPeriod;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}

parameter_types! {
	pub const SubmissionDeposit: Balance = 10 * UNITS;
	pub const UndecidingTimeout: BlockNumber = 14 * DAYS;
	pub const AlarmInterval: BlockNumber = 1;
}

impl pallet_referenda::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_referenda::weights::SubstrateWeight<Runtime>;
	type Scheduler = Scheduler;
	type Currency = Balances;
	type SubmitOrigin = frame_system::EnsureSigned<AccountId>;
	type CancelOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Slash = Treasury;
	type Votes = pallet_conviction_voting::VotesOf<Runtime>;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	type MaxQueued = ConstU32<100>;
	type UndecidingTimeout = UndecidingTimeout;
	type AlarmInterval = AlarmInterval;
	type Tracks = TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const TreasuryPalletId: PalletId = PalletId(*b"ovpp/try");
	pub TreasuryAccount: AccountId = Treasury::account_id();
	pub const SpendPeriod: BlockNumber = 24 * HOURS;
	pub const PayoutPeriod: BlockNumber = 30 * DAYS;
	/// Most the Treasurer track may spend in one referendum.
	pub const TreasurerMaxSpend: Balance = 1_000_000 * UNITS;
	pub const RootMaxSpend: Balance = Balance::MAX;
	pub const NoBurn: Permill = Permill::zero();
}

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = EitherOf<
		EnsureRootWithSuccess<AccountId, RootMaxSpend>,
		pallet_custom_origins::Treasurer<TreasurerMaxSpend>,
	>;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = SpendPeriod;
	type Burn = NoBurn;
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = ConstU32<100>;
	type SpendOrigin = EitherOf<
		EnsureRootWithSuccess<AccountId, RootMaxSpend>,
		pallet_custom_origins::Treasurer<TreasurerMaxSpend>,
	>;
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = IdentityLookup<AccountId>;
	type Paymaster = PayFromAccount<Balances, TreasuryAccount>;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = PayoutPeriod;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
	type BlockNumberProvider = System;
}

/// Origin of grid administration: the GridAdmin track or Root.
pub type GridAdminOrigin = EitherOf<EnsureRoot<AccountId>, pallet_custom_origins::GridAdmin>;
/// Origin of valuation parameters: the ValuationAdmin track or Root.
pub type ValuationAdminOrigin =
	EitherOf<EnsureRoot<AccountId>, pallet_custom_origins::ValuationAdmin>;
