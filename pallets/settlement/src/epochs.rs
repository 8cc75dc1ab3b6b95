//! Epochs: one hour of chain time each, closed in O(1).
//!
//! Energy earns points in the epoch it happened in. An epoch stays open for points while chain
//! time is in it and for one more epoch (its *grace* epoch), so telemetry that lands a little
//! late (a gateway that batches every 15 minutes, a feed polled each minute) still counts where
//! it belongs; energy of an epoch already closed is recorded but earns nothing. Holding data
//! back therefore never moves it into an epoch with less competition.
//!
//! `on_initialize` compares the epoch chain time is in with the current epoch. When chain time
//! has moved on, it closes every epoch whose grace is over (at most two: the previous epoch,
//! and the current one too when a whole epoch passed without a block): `rate = emission /
//! total points` (rounded down), where the emission is capped by what the pot holds beyond
//! rewards already owed, so every emitted planck is backed. Only what the rounded rate pays out
//! counts as emitted; the rest stays in the pot. Pending valuation parameters then take
//! effect. No device is visited.
//!
//! `on_initialize` runs before the block's timestamp inherent, so it sees the previous block's
//! time: an epoch closes in the first block whose parent is past its grace epoch.
//! [`Pallet::epoch_open_for_points`] decides from storage, so no point lands in a closed epoch.

use frame_support::{
	traits::{
		fungible::Inspect,
		tokens::{Fortitude, Preservation},
		Get, UnixTime,
	},
	weights::Weight,
};
use sp_runtime::{
	traits::{AccountIdConversion, UniqueSaturatedInto, Zero},
	FixedPointNumber, FixedU128, Saturating,
};

use crate::{pallet::*, BalanceOf, EpochIndex, EpochInfo, EpochStatus, WeightInfo};

impl<T: Config> Pallet<T> {
	/// Account of the reward pot.
	pub fn pot_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Chain time, ms.
	pub fn now_ms() -> u64 {
		u64::try_from(T::UnixTime::now().as_millis()).unwrap_or(u64::MAX)
	}

	/// Length of an epoch, ms: the genesis choice, else `Config::EpochDurationMs`.
	pub fn epoch_duration_ms() -> u64 {
		crate::EpochDurationOverride::<T>::get().unwrap_or_else(T::EpochDurationMs::get)
	}

	/// Epoch that `ms` falls in.
	pub fn epoch_of(ms: u64) -> EpochIndex {
		ms.checked_div(Self::epoch_duration_ms()).unwrap_or_default()
	}

	/// Rewards owed but not yet paid (emitted − paid).
	pub fn outstanding() -> BalanceOf<T> {
		TotalEmitted::<T>::get().saturating_sub(TotalPaid::<T>::get())
	}

	pub(crate) fn do_on_initialize() -> Weight {
		let now_ms = Self::now_ms();
		if now_ms == 0 {
			return T::WeightInfo::on_initialize_idle();
		}
		let epoch = Self::epoch_of(now_ms);
		if epoch <= CurrentEpoch::<T>::get() {
			return T::WeightInfo::on_initialize_idle();
		}
		let closed = Self::advance_epoch(epoch);
		T::WeightInfo::on_initialize_close_epoch(crate::BENCHMARKED_FLEET)
			.saturating_mul(u64::from(closed.max(1)))
	}

	/// Whether points may still be added to `epoch`: it is the current epoch or the one before
	/// (in its grace epoch), and not closed.
	pub fn epoch_open_for_points(epoch: EpochIndex) -> bool {
		let current = CurrentEpoch::<T>::get();
		epoch <= current
			&& epoch.saturating_add(1) >= current
			&& LastClosedEpoch::<T>::get().is_none_or(|closed| epoch > closed)
	}

	/// Opens `next`, closes every epoch whose grace epoch is over (those before `next - 1`
	/// that are not closed: at most the two that were open) and activates parameters due by
	/// then. O(1); returns how many epochs it closed.
	pub(crate) fn advance_epoch(next: EpochIndex) -> u32 {
		let current = CurrentEpoch::<T>::get();
		let mut closed = 0u32;
		for epoch in [current.checked_sub(1), Some(current)].into_iter().flatten() {
			let already = LastClosedEpoch::<T>::get().is_some_and(|last| epoch <= last);
			if !already && epoch.saturating_add(1) < next {
				Self::close_epoch(epoch);
				closed = closed.saturating_add(1);
			}
		}
		CurrentEpoch::<T>::put(next);
		if let Some((effective, params)) = PendingParams::<T>::get() {
			if effective <= next {
				ActiveParams::<T>::put(params);
				PendingParams::<T>::kill();
				Self::deposit_event(Event::ValuationActivated { epoch: next });
			}
		}
		closed
	}

	fn close_epoch(epoch: EpochIndex) {
		let mut info = Epochs::<T>::get(epoch).unwrap_or_default();
		let mut rate = FixedU128::zero();
		if info.total_points > 0 {
			let pot = Self::pot_account();
			let spendable =
				T::Currency::reducible_balance(&pot, Preservation::Preserve, Fortitude::Polite);
			let available = spendable.saturating_sub(Self::outstanding());
			let emission = ActiveParams::<T>::get().emission_per_epoch.min(available);
			let emission: u128 = emission.unique_saturated_into();
			rate =
				FixedU128::checked_from_rational(emission, info.total_points).unwrap_or_default();
			let emitted: BalanceOf<T> =
				rate.saturating_mul_int(info.total_points).unique_saturated_into();
			info.emitted = emitted;
			info.rate = Some(rate);
			Epochs::<T>::insert(epoch, info);
			TotalEmitted::<T>::mutate(|total| *total = total.saturating_add(emitted));
		}
		LastClosedEpoch::<T>::put(epoch);
		Self::deposit_event(Event::EpochClosed {
			epoch,
			total_points: info.total_points,
			emitted: info.emitted,
			rate,
		});
	}

	/// Epoch state for readers.
	pub fn epoch_status() -> EpochStatus<BalanceOf<T>> {
		let current_epoch = CurrentEpoch::<T>::get();
		let last_closed = LastClosedEpoch::<T>::get().map(|e| {
			(
				e,
				Epochs::<T>::get(e)
					.unwrap_or(EpochInfo { rate: Some(Zero::zero()), ..Default::default() }),
			)
		});
		EpochStatus {
			current_epoch,
			current_points: Epochs::<T>::get(current_epoch).map(|i| i.total_points).unwrap_or(0),
			epoch_duration_ms: Self::epoch_duration_ms(),
			last_closed,
			total_emitted: TotalEmitted::<T>::get(),
			total_paid: TotalPaid::<T>::get(),
			pot_balance: T::Currency::balance(&Self::pot_account()),
		}
	}
}
