//! Demand-response events: opening with an escrowed budget, cancelling, reclaiming.
//!
//! The budget is held in the operator's account for [`HoldReason::EventBudget`]; [`Escrow`]
//! tracks the held sum per operator. Every change of an event's `remaining` goes together with
//! the same change of the hold and of [`Escrow`].

use frame_support::{
	ensure,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
};
use openvpp_primitives::{RegionId, TimestampMs};
use sp_runtime::{
	traits::{CheckedAdd, CheckedSub, Zero},
	DispatchResult,
};

use crate::{pallet::*, BalanceOf, DrEvent, EventId, EventOf, EventStatus};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_open_event(
		operator: T::AccountId,
		region: RegionId,
		direction: crate::Direction,
		(window_start_ms, window_end_ms): (TimestampMs, TimestampMs),
		target_power_w: u64,
		price_per_kwh: BalanceOf<T>,
		max_participants: u32,
		budget: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(Self::is_operator(region, &operator), Error::<T>::NotOperator);
		let now = Self::now_ms();
		ensure!(
			window_start_ms >= now.saturating_add(T::MinLeadTimeMs::get()),
			Error::<T>::LeadTimeTooShort
		);
		ensure!(window_end_ms > window_start_ms, Error::<T>::EmptyWindow);
		ensure!(
			window_end_ms.saturating_sub(window_start_ms) <= T::MaxWindowMs::get(),
			Error::<T>::WindowTooLong
		);
		ensure!(target_power_w > 0, Error::<T>::ZeroPower);
		ensure!(!price_per_kwh.is_zero() && !budget.is_zero(), Error::<T>::ZeroAmount);
		ensure!(
			max_participants > 0 && max_participants <= T::MaxParticipants::get(),
			Error::<T>::ParticipantsOutOfRange
		);
		let id = NextEventId::<T>::get();
		let next_id = id.checked_add(1).ok_or(Error::<T>::EscrowInconsistent)?;
		let escrow = Escrow::<T>::get(&operator)
			.checked_add(&budget)
			.ok_or(Error::<T>::EscrowInconsistent)?;

		T::Currency::hold(&HoldReason::EventBudget.into(), &operator, budget)?;
		Escrow::<T>::insert(&operator, escrow);
		NextEventId::<T>::put(next_id);
		Events::<T>::insert(
			id,
			DrEvent {
				operator: operator.clone(),
				region,
				direction,
				window_start_ms,
				window_end_ms,
				target_power_w,
				price_per_kwh,
				max_participants,
				participants: 0,
				committed_power_w: 0,
				budget,
				remaining: budget,
				reserved: Zero::zero(),
				paid: Zero::zero(),
				refunded: Zero::zero(),
				delivered_wh: 0,
				status: EventStatus::Open,
			},
		);
		RegionEvents::<T>::insert(region, id, ());
		Self::deposit_event(Event::EventOpened {
			event: id,
			operator,
			region,
			direction,
			window_start_ms,
			window_end_ms,
			target_power_w,
			price_per_kwh,
			budget,
		});
		Ok(())
	}

	/// The event, if `who` opened it and it is still open.
	fn own_open_event(who: &T::AccountId, id: EventId) -> Result<EventOf<T>, Error<T>> {
		let event = Events::<T>::get(id).ok_or(Error::<T>::UnknownEvent)?;
		ensure!(&event.operator == who, Error::<T>::NotEventOperator);
		ensure!(event.status == EventStatus::Open, Error::<T>::EventNotOpen);
		Ok(event)
	}

	pub(crate) fn do_cancel_event(who: T::AccountId, id: EventId) -> DispatchResult {
		let mut event = Self::own_open_event(&who, id)?;
		ensure!(Self::now_ms() < event.window_start_ms, Error::<T>::EventAlreadyStarted);
		let refunded = Self::refund_remaining(&mut event)?;
		event.status = EventStatus::Cancelled;
		RegionEvents::<T>::remove(event.region, id);
		Events::<T>::insert(id, event);
		Self::deposit_event(Event::EventCancelled { event: id, refunded });
		Ok(())
	}

	pub(crate) fn do_reclaim(who: T::AccountId, id: EventId) -> DispatchResult {
		let mut event = Self::own_open_event(&who, id)?;
		ensure!(
			Self::now_ms() >= event.window_end_ms.saturating_add(T::ClaimPeriodMs::get()),
			Error::<T>::ClaimPeriodNotOver
		);
		let refunded = Self::refund_remaining(&mut event)?;
		event.status = EventStatus::Closed;
		RegionEvents::<T>::remove(event.region, id);
		Events::<T>::insert(id, event);
		Self::deposit_event(Event::BudgetReclaimed { event: id, refunded });
		Ok(())
	}

	/// Releases the event's remaining escrow to its operator and books it as refunded.
	fn refund_remaining(event: &mut EventOf<T>) -> Result<BalanceOf<T>, sp_runtime::DispatchError> {
		let amount = event.remaining;
		let escrow = Escrow::<T>::get(&event.operator)
			.checked_sub(&amount)
			.ok_or(Error::<T>::EscrowInconsistent)?;
		let refunded = event.refunded.checked_add(&amount).ok_or(Error::<T>::EscrowInconsistent)?;
		if !amount.is_zero() {
			T::Currency::release(
				&HoldReason::EventBudget.into(),
				&event.operator,
				amount,
				Precision::Exact,
			)?;
		}
		Self::set_escrow(&event.operator, escrow);
		event.refunded = refunded;
		event.remaining = Zero::zero();
		event.reserved = Zero::zero();
		Ok(amount)
	}

	/// Stores an operator's escrow sum, removing the entry at zero.
	pub(crate) fn set_escrow(operator: &T::AccountId, escrow: BalanceOf<T>) {
		if escrow.is_zero() {
			Escrow::<T>::remove(operator);
		} else {
			Escrow::<T>::insert(operator, escrow);
		}
	}

	/// Moves `amount` of the event's escrow to `to` and books it as paid.
	pub(crate) fn pay_from_escrow(
		event: &mut EventOf<T>,
		to: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		let remaining =
			event.remaining.checked_sub(&amount).ok_or(Error::<T>::EscrowInconsistent)?;
		let paid = event.paid.checked_add(&amount).ok_or(Error::<T>::EscrowInconsistent)?;
		let escrow = Escrow::<T>::get(&event.operator)
			.checked_sub(&amount)
			.ok_or(Error::<T>::EscrowInconsistent)?;
		T::Currency::transfer_on_hold(
			&HoldReason::EventBudget.into(),
			&event.operator,
			to,
			amount,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Polite,
		)?;
		Self::set_escrow(&event.operator, escrow);
		event.remaining = remaining;
		event.paid = paid;
		Ok(())
	}
}
