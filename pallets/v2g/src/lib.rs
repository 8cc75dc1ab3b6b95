//! # V2G
//!
//! Vehicle-to-grid and storage grid services: demand response with measured delivery and
//! escrowed payment.
//!
//! - **Grid operators** ([`operators`]): registered per region by [`Config::AdminOrigin`].
//! - **Events** ([`events`]): an operator opens a demand-response event for its region —
//!   [`Direction`], window, target power, price per kWh, most participants — and its budget is
//!   held from the operator's account for [`HoldReason::EventBudget`]. Cancelling before the
//!   window returns the budget; after the window and the claim period the operator reclaims
//!   what was not paid out.
//! - **Enrollment** ([`enrollment`]): owners of EVs and batteries (and heat pumps, for
//!   `Curtail` and `Absorb`) commit a power, a SoC floor and, for EVs, a departure time. The
//!   commitment is checked against the nameplate and the device's last reported SoC, and the
//!   event's remaining budget must cover it. A device is in at most one unsettled event at a
//!   time, which keeps the telemetry hook O(1).
//! - **Measurement** ([`measurement`]): every accepted telemetry bundle updates the device's
//!   [`DeviceProfile`] and, inside an enrolled window, the delivered energy against the
//!   device's baseline and its response time. O(1) per bundle.
//! - **Payment** ([`payment`]): after the window the owner (or the event's operator) settles an
//!   enrollment: the owner is paid `min(delivered, committed) × price` from the escrow, the
//!   delivered share goes to [`Config::Reliability`] (settlement's credit score) and the
//!   delivered energy to [`Config::GridSupport`].
//! - **Profiles** ([`profiles`]): EV and storage views for the runtime API ([`runtime_api`]).
//!
//! ## Escrow
//!
//! The budget stays in the operator's account, held for [`HoldReason::EventBudget`]. Payments
//! move held funds straight to the device owner (`transfer_on_hold`), refunds release them.
//! [`Escrow`] keeps, per operator, the sum of the `remaining` escrow of its events, so
//! `try_state` checks `held(operator) = Escrow(operator) = Σ remaining of its events` and,
//! per event, `budget = paid + refunded + remaining`.
//!
//! ## Windows cut at departure
//!
//! An EV's enrollment may carry a departure time. If it is before the event's window end, the
//! EV's own window ends at departure: it commits (and is measured and paid for) only the part
//! of the window it is plugged in. A departure at or before the window start is refused.
//!
//! ## Forfeits
//!
//! Enrollments can be settled from the window end until `ClaimPeriodMs` later. The event's
//! operator may settle them too (payment still goes to the owner), so a participant cannot
//! avoid the reliability report by not claiming. Enrollments not settled when the operator
//! reclaims the budget are forfeited: nothing is paid, nothing reported.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

pub mod enrollment;
pub mod events;
pub mod measurement;
pub mod operators;
pub mod payment;
pub mod profiles;
pub mod runtime_api;
// Native builds too: the runtime's live-state test checks a node's exported state with them.
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod try_state;
pub mod types;
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

/// Creates the devices and sets the time benchmarks need (the registry and the clock are other
/// pallets).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers an active device of `kind` in `region` owned by `owner`, with the nameplate of
	/// a typical device of the kind (an EV must be able to export), and returns its id.
	fn register_device(
		owner: &AccountId,
		kind: openvpp_primitives::DeviceKind,
		region: openvpp_primitives::RegionId,
	) -> openvpp_primitives::DeviceId;
	/// Sets chain time (what `Config::UnixTime` reports), ms since the Unix epoch.
	fn set_time_ms(now_ms: openvpp_primitives::TimestampMs);
	/// Puts `device` where the grid-support and reliability consumers take their heaviest
	/// path on its next delivery (in the runtime: points of closed epochs that settlement
	/// settles first). Nothing by default.
	fn prepare_heaviest_settlement(_device: openvpp_primitives::DeviceId) {}
}

/// Balance of the currency budgets are escrowed in.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

/// An event record of the runtime.
pub type EventOf<T> = DrEvent<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

// FRAME's pallet macro expands to `expect` calls (metadata and error encoding); nothing
// hand-written in this module uses `expect`.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, UnixTime},
	};
	use frame_system::pallet_prelude::*;
	use openvpp_primitives::{DeviceId, DeviceRegistry, RegionId, TimestampMs, WattHours, Watts};
	use sp_runtime::{traits::StaticLookup, Permill};

	/// Version of the storage layout.
	pub(crate) const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Hold reasons of the runtime (event budgets).
		type RuntimeHoldReason: From<HoldReason>;
		/// Currency budgets are escrowed and participants paid in.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The device registry (device-identity).
		type Devices: DeviceRegistry<Self::AccountId>;
		/// Chain time.
		type UnixTime: UnixTime;
		/// Origin that registers grid operators (the grid administration).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Where delivered shares go (settlement's credit score).
		type Reliability: ReliabilityFeed;
		/// Where delivered demand-response energy goes (settlement's grid-support value).
		type GridSupport: GridSupportFeed;
		/// Most enrollments one event accepts.
		#[pallet::constant]
		type MaxParticipants: Get<u32>;
		/// Most grid operators one region has.
		#[pallet::constant]
		type MaxOperatorsPerRegion: Get<u32>;
		/// Time after a window's end during which enrollments are settled, ms (e.g. 7 days).
		#[pallet::constant]
		type ClaimPeriodMs: Get<u64>;
		/// Time after a device's window end during which its telemetry may still land, ms:
		/// until it is over only the owner may settle (an operator settling before the last
		/// readings arrive would underpay the participant and keep the escrow); after it
		/// anyone may.
		#[pallet::constant]
		type TelemetryGraceMs: Get<u64>;
		/// Delivered share below which settlement emits [`Event::UnderDelivered`] (e.g. 80 %).
		#[pallet::constant]
		type UnderDeliveryThreshold: Get<Permill>;
		/// Shortest time between opening an event and its window start, ms: owners need time to
		/// enroll.
		#[pallet::constant]
		type MinLeadTimeMs: Get<u64>;
		/// Longest event window, ms.
		#[pallet::constant]
		type MaxWindowMs: Get<u64>;
		/// Time constant of the baseline's moving average, ms: a bundle covering `d` ms moves
		/// the baseline by `min(1, d / BaselineWindowMs)` of the way to its average power.
		#[pallet::constant]
		type BaselineWindowMs: Get<u64>;
		/// Weights of the calls and the telemetry hook.
		type WeightInfo: WeightInfo;
		/// Creates devices and sets time for benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Reasons this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Budget of a demand-response event, held from its operator until paid or returned.
		EventBudget,
	}

	/// Grid operators per region.
	#[pallet::storage]
	pub type Operators<T: Config> = StorageMap<
		_,
		Twox64Concat,
		RegionId,
		BoundedVec<T::AccountId, T::MaxOperatorsPerRegion>,
		ValueQuery,
	>;

	/// Id of the next event.
	#[pallet::storage]
	pub type NextEventId<T: Config> = StorageValue<_, EventId, ValueQuery>;

	/// Demand-response events (kept after closing as the public record of what was paid).
	#[pallet::storage]
	pub type Events<T: Config> = StorageMap<_, Twox64Concat, EventId, EventOf<T>, OptionQuery>;

	/// Open events by region (removed when cancelled or closed).
	#[pallet::storage]
	pub type RegionEvents<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RegionId, Twox64Concat, EventId, (), OptionQuery>;

	/// Enrollments per event and device (at most `MaxParticipants` per event).
	#[pallet::storage]
	pub type Enrollments<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		EventId,
		Twox64Concat,
		DeviceId,
		Enrollment<BalanceOf<T>>,
		OptionQuery,
	>;

	/// The event a device is enrolled in and has not settled. An entry whose event was
	/// cancelled or closed is stale and is replaced by the device's next enrollment.
	#[pallet::storage]
	pub type ActiveEnrollment<T: Config> =
		StorageMap<_, Twox64Concat, DeviceId, EventId, OptionQuery>;

	/// Per EV, battery and heat pump: last state, baseline and participation history.
	#[pallet::storage]
	pub type Profiles<T: Config> =
		StorageMap<_, Twox64Concat, DeviceId, DeviceProfile, OptionQuery>;

	/// Escrow held per operator: the sum of `remaining` over its events.
	#[pallet::storage]
	pub type Escrow<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A grid operator was registered for a region.
		OperatorAdded {
			/// Region.
			region: RegionId,
			/// Operator.
			operator: T::AccountId,
		},
		/// A grid operator was removed from a region (its open events run on).
		OperatorRemoved {
			/// Region.
			region: RegionId,
			/// Operator.
			operator: T::AccountId,
		},
		/// A demand-response event was opened and its budget escrowed.
		EventOpened {
			/// The event.
			event: EventId,
			/// Operator.
			operator: T::AccountId,
			/// Region.
			region: RegionId,
			/// Direction.
			direction: Direction,
			/// Window start, ms.
			window_start_ms: TimestampMs,
			/// Window end, ms.
			window_end_ms: TimestampMs,
			/// Target power, W.
			target_power_w: u64,
			/// Planck per kWh.
			price_per_kwh: BalanceOf<T>,
			/// Escrowed budget.
			budget: BalanceOf<T>,
		},
		/// An event was cancelled before its window and its budget returned.
		EventCancelled {
			/// The event.
			event: EventId,
			/// Returned to the operator.
			refunded: BalanceOf<T>,
		},
		/// A device enrolled in an event.
		Enrolled {
			/// The event.
			event: EventId,
			/// The device.
			device: DeviceId,
			/// Power promised, W.
			committed_power_w: Watts,
			/// Energy promised, Wh.
			committed_wh: WattHours,
			/// End of the device's window, ms.
			window_end_ms: TimestampMs,
		},
		/// A device withdrew; `late` if the window had started (counted as no delivery).
		Withdrawn {
			/// The event.
			event: EventId,
			/// The device.
			device: DeviceId,
			/// Whether the window had started.
			late: bool,
		},
		/// An enrollment was settled and the owner paid.
		PaymentClaimed {
			/// The event.
			event: EventId,
			/// The device.
			device: DeviceId,
			/// Owner paid.
			owner: T::AccountId,
			/// Energy measured in the window, Wh.
			delivered_wh: WattHours,
			/// Energy promised, Wh.
			committed_wh: WattHours,
			/// Amount paid.
			amount: BalanceOf<T>,
		},
		/// A participant delivered less than the under-delivery threshold.
		UnderDelivered {
			/// The event.
			event: EventId,
			/// The device.
			device: DeviceId,
			/// Share of its commitment delivered.
			delivered: Permill,
		},
		/// The operator took back what was left of an event's budget.
		BudgetReclaimed {
			/// The event.
			event: EventId,
			/// Returned to the operator.
			refunded: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already an operator of the region.
		AlreadyOperator,
		/// The region has the most operators allowed.
		TooManyOperators,
		/// The caller is not a grid operator of the region.
		NotOperator,
		/// The window starts sooner than `MinLeadTimeMs` from now.
		LeadTimeTooShort,
		/// The window ends before or when it starts.
		EmptyWindow,
		/// The window is longer than `MaxWindowMs`.
		WindowTooLong,
		/// A target or committed power of zero.
		ZeroPower,
		/// A price or budget of zero.
		ZeroAmount,
		/// No participants, or more than `MaxParticipants`.
		ParticipantsOutOfRange,
		/// No event with this id.
		UnknownEvent,
		/// The caller did not open the event.
		NotEventOperator,
		/// The event was cancelled or closed.
		EventNotOpen,
		/// The event's window has started.
		EventAlreadyStarted,
		/// No device with this id.
		UnknownDevice,
		/// The caller does not own the device.
		NotDeviceOwner,
		/// The device is suspended or decommissioned.
		DeviceNotActive,
		/// Devices of this kind cannot take part in events of this direction.
		WrongDeviceKind,
		/// The device is in another region than the event.
		WrongRegion,
		/// The event has its most participants.
		EventFull,
		/// The device is enrolled in another event that is not settled.
		AlreadyEnrolled,
		/// The committed power is above the device's nameplate in the event's direction.
		ExceedsNameplate,
		/// The device has not reported a state of charge yet.
		SocUnknown,
		/// The committed energy does not fit between the last SoC and the SoC floor.
		SocTooLow,
		/// The committed energy does not fit between the last SoC and a full battery.
		SocTooHigh,
		/// Only EVs declare a departure time.
		DepartureOnlyForEvs,
		/// The EV leaves before the window starts.
		DepartureBeforeWindow,
		/// Power × window is less than one Wh.
		CommitmentTooSmall,
		/// The event's uncommitted budget does not cover the commitment.
		BudgetExhausted,
		/// The device is not enrolled in the event (or withdrew, or settled).
		NotEnrolled,
		/// The window is over: settle instead of withdrawing.
		WindowOver,
		/// The window has not ended yet.
		WindowNotOver,
		/// The claim period is over.
		ClaimPeriodOver,
		/// The claim period has not ended yet.
		ClaimPeriodNotOver,
		/// Only the device's owner settles before the telemetry grace after its window is over.
		TelemetryGraceNotOver,
		/// The device is suspended by the admin: its payouts are frozen.
		DeviceSuspended,
		/// The device is enrolled in an event that is not settled: it cannot be decommissioned.
		EnrolledInEvent,
		/// Escrow bookkeeping would overflow or does not cover a payment.
		EscrowInconsistent,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxParticipants::get() > 0, "an event must take a participant");
			assert!(T::MaxOperatorsPerRegion::get() > 0, "a region must take an operator");
			assert!(T::MaxWindowMs::get() > 0, "windows must have a length");
			assert!(T::ClaimPeriodMs::get() > 0, "participants must have time to claim");
			assert!(
				T::TelemetryGraceMs::get() < T::ClaimPeriodMs::get(),
				"the telemetry grace must end within the claim period"
			);
			assert!(T::BaselineWindowMs::get() > 0, "the baseline must average over time");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers `operator` as a grid operator of `region`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_operator())]
		pub fn add_operator(
			origin: OriginFor<T>,
			region: RegionId,
			operator: <T::Lookup as StaticLookup>::Source,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let operator = T::Lookup::lookup(operator)?;
			Self::do_add_operator(region, operator)
		}

		/// Removes `operator` from `region`; the events it opened run to their end.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_operator())]
		pub fn remove_operator(
			origin: OriginFor<T>,
			region: RegionId,
			operator: <T::Lookup as StaticLookup>::Source,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let operator = T::Lookup::lookup(operator)?;
			Self::do_remove_operator(region, operator)
		}

		/// Opens a demand-response event in `region`; `budget` is held from the caller, an
		/// operator of the region.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::open_event())]
		pub fn open_event(
			origin: OriginFor<T>,
			region: RegionId,
			direction: Direction,
			window_start_ms: TimestampMs,
			window_end_ms: TimestampMs,
			target_power_w: u64,
			#[pallet::compact] price_per_kwh: BalanceOf<T>,
			max_participants: u32,
			#[pallet::compact] budget: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_open_event(
				who,
				region,
				direction,
				(window_start_ms, window_end_ms),
				target_power_w,
				price_per_kwh,
				max_participants,
				budget,
			)
		}

		/// Cancels an event before its window and returns its budget to the caller, its
		/// operator.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::cancel_event())]
		pub fn cancel_event(origin: OriginFor<T>, event: EventId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_event(who, event)
		}

		/// Enrolls the caller's `device` in `event`, promising `committed_power_w` while keeping
		/// at least `soc_floor`; an EV may declare when it leaves.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::enroll())]
		pub fn enroll(
			origin: OriginFor<T>,
			event: EventId,
			device: DeviceId,
			committed_power_w: Watts,
			soc_floor: Permill,
			departure_ms: Option<TimestampMs>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_enroll(who, event, device, committed_power_w, soc_floor, departure_ms)
		}

		/// Withdraws the caller's `device` from `event`: free before the window, counted as
		/// delivering nothing once it started.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(origin: OriginFor<T>, event: EventId, device: DeviceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw(who, event, device)
		}

		/// Settles `device`'s enrollment in `event` after the window: pays its owner from the
		/// escrow and reports its delivery. Callable by the owner once the window is over, by
		/// anyone (the operator among them) once the telemetry grace after it is over too.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::claim_payment())]
		pub fn claim_payment(
			origin: OriginFor<T>,
			event: EventId,
			device: DeviceId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_payment(who, event, device)
		}

		/// Returns what is left of an event's budget to the caller, its operator, once the claim
		/// period is over; unsettled enrollments are forfeited.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::reclaim())]
		pub fn reclaim(origin: OriginFor<T>, event: EventId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reclaim(who, event)
		}
	}

	impl<T: Config> Pallet<T> {
		/// Chain time, ms.
		pub fn now_ms() -> TimestampMs {
			u64::try_from(T::UnixTime::now().as_millis()).unwrap_or(u64::MAX)
		}
	}
}
