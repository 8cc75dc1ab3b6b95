//! # Settlement
//!
//! Values what OpenVPP devices contribute to the grid and settles rewards on chain.
//!
//! - **Valuation** ([`valuation`]): every accepted telemetry bundle becomes value points:
//!   energy × price(kind, contribution) × region × time of use × green premium × quality
//!   (credit score) × attestation. Parameters are set by [`Config::AdminOrigin`] and apply from
//!   the next epoch.
//! - **Epochs** ([`epochs`]): one hour of chain time each. Closing an epoch is O(1): it fixes
//!   `rate = emission / total points`. Nothing ever iterates over devices.
//! - **Rewards** ([`rewards`]): a device's points for its last active epoch are settled lazily
//!   the next time it reports or is claimed; [`Pallet::claim`] pays the owner from the pot, O(1)
//!   per device.
//! - **Credit score** ([`credit`]): 0..=1000 from reporting regularity, attestation and
//!   demand-response reliability (fed by v2g through [`ReliabilityFeed`]).
//! - **Green certificates** ([`certificates`]): hourly, per device and region, with provenance;
//!   offered in whole or in part to a recipient who accepts (nobody can push certificates onto
//!   an account) and retired against a smart meter's consumption in the same region and hour
//!   (24/7 matching), leaving a public [`Retirement`] record.
//!
//! Telemetry calls [`OnReadingsAccepted`] (implemented by [`Pallet`]) once per accepted
//! bundle; v2g calls [`ReliabilityFeed`] and [`GridSupportFeed`].
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

pub mod certificates;
pub mod credit;
pub mod epochs;
pub mod rewards;
pub mod runtime_api;
// Native builds too: the runtime's live-state test checks a node's exported state with them.
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod try_state;
pub mod types;
pub mod valuation;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use openvpp_primitives::{GridSupportFeed, OnReadingsAccepted, ReliabilityFeed};
pub use types::*;
pub use weights::WeightInfo;

/// Creates the devices benchmarks need (the registry is another pallet).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers an active device of `kind` in `region` owned by `owner`, attested or not.
	fn register_device(
		owner: &AccountId,
		kind: openvpp_primitives::DeviceKind,
		region: openvpp_primitives::RegionId,
		attested: bool,
	) -> openvpp_primitives::DeviceId;
	/// Sets chain time (what `Config::UnixTime` reports), ms since the Unix epoch.
	fn set_time_ms(now_ms: openvpp_primitives::TimestampMs);
}

/// Size of the fleet the device-count component `d` of the epoch-close and claim benchmarks
/// goes up to. Neither depends on how many devices exist (nothing iterates over devices, which
/// the benchmarks show with `d` from 1 to this), so both are charged at this size: should the
/// fitted slope over `d` not be exactly zero, the charge is still the cost measured at the
/// largest fleet benchmarked.
pub const BENCHMARKED_FLEET: u32 = 100_000;

/// Balance of the currency rewards are paid in.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

// FRAME's pallet macro expands to `expect` calls (metadata and error encoding); nothing
// hand-written in this module uses `expect`.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, UnixTime},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use openvpp_primitives::{DeviceId, DeviceKind, DeviceRegistry, RegionId, WattHours};
	use sp_runtime::{
		traits::{StaticLookup, Zero},
		FixedU128, Permill,
	};

	/// Version of the storage layout.
	pub(crate) const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Hold reasons of the runtime (certificate deposits).
		type RuntimeHoldReason: From<HoldReason>;
		/// Currency rewards are paid in and deposits are held in.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The device registry (device-identity).
		type Devices: DeviceRegistry<Self::AccountId>;
		/// Chain time.
		type UnixTime: UnixTime;
		/// Origin that sets valuation parameters (the valuation governance track).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Id of the reward pot account.
		#[pallet::constant]
		type PalletId: Get<PalletId>;
		/// Length of an epoch, ms (one hour: 3_600_000).
		#[pallet::constant]
		type EpochDurationMs: Get<u64>;
		/// Most devices one `claim` settles.
		#[pallet::constant]
		type MaxDevicesPerClaim: Get<u32>;
		/// Most certificate records one account holds.
		#[pallet::constant]
		type MaxCertificatesPerOwner: Get<u32>;
		/// Most retirement records of one consumer in one hour.
		#[pallet::constant]
		type MaxRetirementsPerHour: Get<u32>;
		/// Hours a device's hourly generation and consumption stay available for certificates;
		/// older hours are overwritten in a ring, which bounds the ledger per device.
		#[pallet::constant]
		type CertificateWindowHours: Get<u32>;
		/// Deposit held per certificate record, returned when the record is used up.
		#[pallet::constant]
		type CertificateDeposit: Get<BalanceOf<Self>>;
		/// Weights of the calls and hooks.
		type WeightInfo: WeightInfo;
		/// Creates devices for benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Reasons this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Deposit for a certificate record.
		CertificateDeposit,
	}

	/// Epoch length chosen at genesis, ms, when it differs from `Config::EpochDurationMs`
	/// (development chains run minute-long epochs). Never changed afterwards: epoch indices
	/// are chain time divided by it.
	#[pallet::storage]
	pub type EpochDurationOverride<T: Config> = StorageValue<_, u64, OptionQuery>;

	/// Valuation parameters in force.
	#[pallet::storage]
	pub type ActiveParams<T: Config> = StorageValue<_, ValuationParams<BalanceOf<T>>, ValueQuery>;

	/// Valuation parameters waiting to take effect at the start of the given epoch.
	#[pallet::storage]
	pub type PendingParams<T: Config> =
		StorageValue<_, (EpochIndex, ValuationParams<BalanceOf<T>>), OptionQuery>;

	/// Region multipliers (absent: 1.0).
	#[pallet::storage]
	pub type RegionMultipliers<T: Config> =
		StorageMap<_, Twox64Concat, RegionId, RegionMultiplier, OptionQuery>;

	/// The open epoch.
	#[pallet::storage]
	pub type CurrentEpoch<T: Config> = StorageValue<_, EpochIndex, ValueQuery>;

	/// Last closed epoch.
	#[pallet::storage]
	pub type LastClosedEpoch<T: Config> = StorageValue<_, EpochIndex, OptionQuery>;

	/// Points of epochs that had any, and their rate once closed. Kept, because a device may
	/// settle an old epoch at any later time (one small entry per hour with activity).
	#[pallet::storage]
	pub type Epochs<T: Config> =
		StorageMap<_, Twox64Concat, EpochIndex, EpochInfo<BalanceOf<T>>, OptionQuery>;

	/// Reward emitted over all closed epochs.
	#[pallet::storage]
	pub type TotalEmitted<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Reward paid out by claims.
	#[pallet::storage]
	pub type TotalPaid<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// A device's points in an epoch still open for points (removed once settled).
	#[pallet::storage]
	pub type DeviceEpochPoints<T: Config> =
		StorageMap<_, Twox64Concat, DeviceId, EpochPoints, OptionQuery>;

	/// A device's points in the other epoch open for points (an epoch stays open for one more
	/// epoch after chain time leaves it, for telemetry that lands late; removed once settled).
	#[pallet::storage]
	pub type DeviceGracePoints<T: Config> =
		StorageMap<_, Twox64Concat, DeviceId, EpochPoints, OptionQuery>;

	/// Settled, unclaimed reward per device.
	#[pallet::storage]
	pub type PendingRewards<T: Config> =
		StorageMap<_, Twox64Concat, DeviceId, BalanceOf<T>, ValueQuery>;

	/// Lifetime value and energy by contribution per device.
	#[pallet::storage]
	pub type DeviceValues<T: Config> =
		StorageMap<_, Twox64Concat, DeviceId, DeviceValue<BalanceOf<T>>, ValueQuery>;

	/// Inputs of each device's credit score.
	#[pallet::storage]
	pub type Credit<T: Config> = StorageMap<_, Twox64Concat, DeviceId, CreditState, ValueQuery>;

	/// Hourly generation of renewable generators and storage discharge, in a ring of
	/// `CertificateWindowHours` slots per device (slot = hour mod window).
	#[pallet::storage]
	pub type GenerationByHour<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		DeviceId,
		Twox64Concat,
		u32,
		HourlyGeneration,
		OptionQuery,
	>;

	/// Hourly consumption of smart meters, in the same ring layout.
	#[pallet::storage]
	pub type ConsumptionByHour<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		DeviceId,
		Twox64Concat,
		u32,
		HourlyConsumption,
		OptionQuery,
	>;

	/// Certificate records.
	#[pallet::storage]
	pub type Certificates<T: Config> = StorageMap<
		_,
		Twox64Concat,
		CertificateId,
		Certificate<T::AccountId, BalanceOf<T>>,
		OptionQuery,
	>;

	/// Id of the next certificate record.
	#[pallet::storage]
	pub type NextCertificateId<T: Config> = StorageValue<_, CertificateId, ValueQuery>;

	/// Certificates by holder.
	#[pallet::storage]
	pub type CertificatesByOwner<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		CertificateId,
		(),
		OptionQuery,
	>;

	/// Number of certificate records an account holds (at most `MaxCertificatesPerOwner`),
	/// including those it offers to others and that are not yet accepted.
	#[pallet::storage]
	pub type CertificateCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Open offers, by the offered record (which its holder keeps until the recipient accepts).
	#[pallet::storage]
	pub type CertificateOffers<T: Config> =
		StorageMap<_, Twox64Concat, CertificateId, CertificateOffer<T::AccountId>, OptionQuery>;

	/// Open offers by recipient. Not counted against the recipient's limit: every entry is a
	/// record its sender holds, counts and paid the deposit for.
	#[pallet::storage]
	pub type OffersByRecipient<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		CertificateId,
		(),
		OptionQuery,
	>;

	/// Issued and retired Wh per (region, hour) bucket.
	#[pallet::storage]
	pub type CertificateSupply<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		RegionId,
		Twox64Concat,
		HourIndex,
		SupplyBucket,
		ValueQuery,
	>;

	/// Retirement records per consumer and hour: public proof of hourly-matched consumption.
	/// Kept forever as proofs; bounded per (consumer, hour) and by the consumer's metered
	/// consumption.
	#[pallet::storage]
	pub type Retirements<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		HourIndex,
		BoundedVec<Retirement, T::MaxRetirementsPerHour>,
		ValueQuery,
	>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Balance minted into the reward pot.
		pub pot_balance: BalanceOf<T>,
		/// Reference price of a kWh of renewable generation, planck; the table is derived from
		/// it by [`ValuationParams::standard`]. Zero leaves the neutral table (no prices).
		pub reference_price_per_kwh: BalanceOf<T>,
		/// Reward emitted per epoch.
		pub emission_per_epoch: BalanceOf<T>,
		/// Epoch length, ms (at least a minute); 0 keeps `Config::EpochDurationMs`.
		pub epoch_duration_ms: u64,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if !self.pot_balance.is_zero() {
				let minted = <T::Currency as fungible::Mutate<T::AccountId>>::mint_into(
					&Pallet::<T>::pot_account(),
					self.pot_balance,
				);
				assert!(minted.is_ok(), "the reward pot must be fundable at genesis");
			}
			let params = if self.reference_price_per_kwh.is_zero() {
				ValuationParams {
					emission_per_epoch: self.emission_per_epoch,
					..Default::default()
				}
			} else {
				ValuationParams::standard(self.reference_price_per_kwh, self.emission_per_epoch)
			};
			ActiveParams::<T>::put(params);
			if self.epoch_duration_ms != 0 {
				assert!(self.epoch_duration_ms >= 60_000, "epochs last at least a minute");
				EpochDurationOverride::<T>::put(self.epoch_duration_ms);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A price per kWh was set; it applies from `effective_epoch`.
		PriceSet {
			/// Device kind.
			kind: DeviceKind,
			/// Contribution.
			contribution: Contribution,
			/// Planck per kWh.
			price_per_kwh: BalanceOf<T>,
			/// First epoch it applies to.
			effective_epoch: EpochIndex,
		},
		/// A region multiplier was set.
		RegionMultiplierSet {
			/// Region.
			region: RegionId,
			/// New multiplier.
			multiplier: FixedU128,
			/// First epoch it applies to.
			effective_epoch: EpochIndex,
		},
		/// The time-of-use table was replaced.
		TimeOfUseSet {
			/// Multipliers per UTC hour.
			multipliers: Box<[FixedU128; HOURS_PER_DAY]>,
			/// First epoch it applies to.
			effective_epoch: EpochIndex,
		},
		/// The green, attestation and quality multipliers were set.
		MultipliersSet {
			/// Green premium.
			green_premium: FixedU128,
			/// Attestation multiplier.
			attestation_multiplier: FixedU128,
			/// Quality multiplier at score 0.
			quality_floor: Permill,
			/// First epoch it applies to.
			effective_epoch: EpochIndex,
		},
		/// The emission per epoch was set.
		EmissionSet {
			/// Reward per epoch.
			emission_per_epoch: BalanceOf<T>,
			/// First epoch it applies to.
			effective_epoch: EpochIndex,
		},
		/// Pending valuation parameters took effect.
		ValuationActivated {
			/// The epoch they apply to.
			epoch: EpochIndex,
		},
		/// The reward pot was funded.
		PotFunded {
			/// Who paid.
			from: T::AccountId,
			/// Amount.
			amount: BalanceOf<T>,
		},
		/// An epoch closed and its rate is fixed.
		EpochClosed {
			/// The epoch.
			epoch: EpochIndex,
			/// Its total points.
			total_points: Points,
			/// Reward emitted for it.
			emitted: BalanceOf<T>,
			/// Reward per point.
			rate: FixedU128,
		},
		/// A device's points of a closed epoch became reward.
		ValueSettled {
			/// Device.
			device: DeviceId,
			/// Epoch of the points.
			epoch: EpochIndex,
			/// Points.
			points: Points,
			/// Reward they earned.
			reward: BalanceOf<T>,
		},
		/// An owner claimed rewards.
		RewardsClaimed {
			/// Owner paid.
			owner: T::AccountId,
			/// Devices claimed for.
			devices: u32,
			/// Amount paid.
			amount: BalanceOf<T>,
		},
		/// A device's demand-response delivery was recorded.
		DeliveryNoted {
			/// Device.
			device: DeviceId,
			/// Share of its commitment it delivered.
			delivered: Permill,
		},
		/// Certificates were issued.
		CertificatesIssued {
			/// New certificate record.
			id: CertificateId,
			/// Producing device.
			device: DeviceId,
			/// Hour of production.
			hour: HourIndex,
			/// Holder.
			owner: T::AccountId,
			/// Energy, Wh.
			amount_wh: WattHours,
		},
		/// A certificate record was offered to another account; its holder keeps it until the
		/// recipient accepts.
		CertificateOffered {
			/// The offered record.
			id: CertificateId,
			/// Record it was split off from, when only a part was offered.
			split_from: Option<CertificateId>,
			/// Holder offering it.
			from: T::AccountId,
			/// Recipient.
			to: T::AccountId,
			/// Energy, Wh.
			amount_wh: WattHours,
		},
		/// The recipient accepted an offered certificate record: it changed hands.
		CertificateTransferred {
			/// The record.
			id: CertificateId,
			/// Previous holder.
			from: T::AccountId,
			/// New holder.
			to: T::AccountId,
			/// Energy, Wh.
			amount_wh: WattHours,
		},
		/// The recipient turned an offer down; the record stays with its holder.
		CertificateOfferRejected {
			/// The offered record.
			id: CertificateId,
			/// Holder, who keeps it.
			from: T::AccountId,
			/// Recipient who rejected it.
			to: T::AccountId,
			/// Record the offered part went back into (then `id` no longer exists).
			merged_into: Option<CertificateId>,
		},
		/// The holder took an offer back.
		CertificateOfferCancelled {
			/// The offered record.
			id: CertificateId,
			/// Holder, who keeps it.
			from: T::AccountId,
			/// Recipient it had been offered to.
			to: T::AccountId,
			/// Record the offered part went back into (then `id` no longer exists).
			merged_into: Option<CertificateId>,
		},
		/// Certificates were retired against metered consumption.
		CertificateRetired {
			/// Certificate retired from.
			id: CertificateId,
			/// Consumer.
			consumer: T::AccountId,
			/// Smart meter.
			meter: DeviceId,
			/// Hour matched.
			hour: HourIndex,
			/// Energy, Wh.
			amount_wh: WattHours,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No device with this id.
		UnknownDevice,
		/// The caller does not own the device.
		NotDeviceOwner,
		/// The same device appears twice in a claim.
		DuplicateDevice,
		/// None of the devices has a reward to claim.
		NothingToClaim,
		/// The grid administration suspended the device (e.g. suspected fraud): its rewards
		/// and certificate issuance are frozen until it is reactivated.
		DeviceSuspended,
		/// A multiplier outside (0, 10], or a premium below 1.0.
		MultiplierOutOfRange,
		/// An amount of zero.
		ZeroAmount,
		/// Certificates are only issued for renewable generators and storage.
		NotAGenerator,
		/// The device has no recorded generation in that hour (none, or older than the window).
		NoGenerationInHour,
		/// Every Wh of that hour is already certified.
		GenerationAlreadyCertified,
		/// More than the hour's uncertified generation.
		ExceedsUncertifiedGeneration,
		/// No certificate with this id.
		UnknownCertificate,
		/// The caller does not hold the certificate.
		NotCertificateOwner,
		/// More than the certificate holds.
		ExceedsHolding,
		/// Transfer to the holder itself.
		TransferToSelf,
		/// The account holds the most certificate records allowed.
		TooManyCertificates,
		/// The meter is not a smart meter.
		NotASmartMeter,
		/// The caller does not own the meter.
		NotMeterOwner,
		/// Meter and certificate are in different regions.
		RegionMismatch,
		/// The meter measured no consumption in the certificate's hour.
		NoConsumptionInHour,
		/// More than the meter's unmatched consumption in that hour.
		ExceedsConsumption,
		/// The consumer has the most retirement records allowed for that hour.
		TooManyRetirements,
		/// A counter would overflow.
		Overflow,
		/// Green certificates are issued only for hardware-attested devices whose certificate
		/// is valid now.
		NotHardwareAttested,
		/// The certificate record is offered to another account: the offer must be cancelled
		/// (or rejected) before the holder moves or retires it.
		CertificateOnOffer,
		/// The certificate record is not offered to anyone.
		CertificateNotOffered,
		/// The certificate record is offered to another account, not to the caller.
		NotOfferRecipient,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			Self::do_on_initialize()
		}

		fn integrity_test() {
			assert!(T::EpochDurationMs::get() > 0, "epochs must have a length");
			assert!(T::MaxDevicesPerClaim::get() > 0, "a claim must take a device");
			assert!(T::CertificateWindowHours::get() > 0, "the certificate window must be open");
			assert!(T::MaxCertificatesPerOwner::get() > 0, "holders must hold a certificate");
			assert!(T::MaxRetirementsPerHour::get() > 0, "consumers must retire a certificate");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets the price per kWh of `contribution` by devices of `kind`, from the next epoch.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_price())]
		pub fn set_price(
			origin: OriginFor<T>,
			kind: DeviceKind,
			contribution: Contribution,
			#[pallet::compact] price_per_kwh: BalanceOf<T>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_price(kind, contribution, price_per_kwh)
		}

		/// Sets a region's multiplier, from the next epoch.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_region_multiplier())]
		pub fn set_region_multiplier(
			origin: OriginFor<T>,
			region: RegionId,
			multiplier: FixedU128,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_region_multiplier(region, multiplier)
		}

		/// Replaces the time-of-use multipliers (one per UTC hour), from the next epoch.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_time_of_use())]
		pub fn set_time_of_use(
			origin: OriginFor<T>,
			multipliers: Box<[FixedU128; HOURS_PER_DAY]>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_time_of_use(multipliers)
		}

		/// Sets the green premium, the attestation multiplier and the quality floor, from the
		/// next epoch.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_multipliers())]
		pub fn set_multipliers(
			origin: OriginFor<T>,
			green_premium: FixedU128,
			attestation_multiplier: FixedU128,
			quality_floor: Permill,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_multipliers(green_premium, attestation_multiplier, quality_floor)
		}

		/// Sets the reward emitted per epoch, from the next epoch.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_emission())]
		pub fn set_emission(
			origin: OriginFor<T>,
			#[pallet::compact] emission_per_epoch: BalanceOf<T>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_emission(emission_per_epoch)
		}

		/// Moves `amount` from the caller (e.g. the treasury) into the reward pot.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::fund_pot())]
		pub fn fund_pot(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_fund_pot(who, amount)
		}

		/// Settles the caller's `devices` and pays their rewards from the pot.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::claim(devices.len() as u32, BENCHMARKED_FLEET))]
		pub fn claim(
			origin: OriginFor<T>,
			devices: BoundedVec<DeviceId, T::MaxDevicesPerClaim>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(who, devices)
		}

		/// Issues certificates for `amount_wh` of a device's generation in `hour`; the caller
		/// owns the device and pays the record's deposit.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::issue_certificates())]
		pub fn issue_certificates(
			origin: OriginFor<T>,
			device: DeviceId,
			hour: HourIndex,
			amount_wh: WattHours,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_issue_certificates(who, device, hour, amount_wh)
		}

		/// Offers `amount_wh` of certificate `id` to `to`, who takes it with
		/// [`Pallet::accept_certificate`]. A part is split into a new record whose deposit the
		/// sender pays; until accepted, the offered record stays the sender's (counted against
		/// the sender's limit) and locked.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::offer_certificate())]
		pub fn offer_certificate(
			origin: OriginFor<T>,
			id: CertificateId,
			to: <T::Lookup as StaticLookup>::Source,
			amount_wh: WattHours,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let to = T::Lookup::lookup(to)?;
			Self::do_offer_certificate(who, id, to, amount_wh)
		}

		/// Retires `amount_wh` of certificate `id` against the consumption `meter` (owned by the
		/// caller) measured in the certificate's region and hour.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::retire())]
		pub fn retire(
			origin: OriginFor<T>,
			id: CertificateId,
			amount_wh: WattHours,
			meter: DeviceId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire(who, id, amount_wh, meter)
		}

		/// Accepts the certificate record `id` offered to the caller: it becomes the caller's
		/// (and counts against the caller's limit).
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::accept_certificate())]
		pub fn accept_certificate(origin: OriginFor<T>, id: CertificateId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_accept_certificate(who, id)
		}

		/// Rejects the certificate record `id` offered to the caller; it stays with its holder
		/// (a split-off part goes back into its record).
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::reject_certificate())]
		pub fn reject_certificate(origin: OriginFor<T>, id: CertificateId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reject_certificate(who, id)
		}

		/// Cancels the caller's offer of certificate record `id` (a split-off part goes back
		/// into its record).
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::cancel_certificate_offer())]
		pub fn cancel_certificate_offer(origin: OriginFor<T>, id: CertificateId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_certificate_offer(who, id)
		}
	}
}
