//! Invariants checked by `try_state` (and at the end of every unit test).

use alloc::collections::btree_map::BTreeMap;
use frame_support::{ensure, traits::fungible::InspectHold};
use sp_runtime::{traits::Zero, Saturating, TryRuntimeError};

use crate::{pallet::*, BalanceOf, EnrollmentStatus, EventId, EventStatus};

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants:
	///
	/// - per event: `budget = paid + refunded + remaining`, `reserved ≤ remaining`, nothing
	///   remaining once cancelled or closed, and the region index lists exactly the open ones;
	/// - per event: the enrollments not withdrawn before the window number `participants` ≤
	///   `max_participants`, and the live ones' `max_payout` sum to `reserved`;
	/// - escrow: per operator, the funds held for `EventBudget` = [`Escrow`] = Σ `remaining` of
	///   its events;
	/// - each device's active enrollment points at an enrollment of its own.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut escrow: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut counts: BTreeMap<EventId, (u32, BalanceOf<T>)> = BTreeMap::new();
		for (id, _device, enrollment) in Enrollments::<T>::iter() {
			let entry = counts.entry(id).or_insert((0, Zero::zero()));
			entry.0 = entry.0.saturating_add(1);
			if enrollment.status == EnrollmentStatus::Enrolled {
				entry.1 = entry.1.saturating_add(enrollment.max_payout);
			}
			ensure!(
				enrollment.paid <= enrollment.max_payout,
				"an enrollment was paid more than its commitment is worth"
			);
		}
		let next_id = NextEventId::<T>::get();
		for (id, event) in Events::<T>::iter() {
			ensure!(id < next_id, "an event id was not allocated");
			ensure!(
				event.paid.saturating_add(event.refunded).saturating_add(event.remaining)
					== event.budget,
				"budget differs from paid + refunded + remaining"
			);
			ensure!(event.reserved <= event.remaining, "the escrow does not cover commitments");
			let open = event.status == EventStatus::Open;
			ensure!(open || event.remaining.is_zero(), "a finished event still holds escrow");
			ensure!(
				open == RegionEvents::<T>::contains_key(event.region, id),
				"the region index disagrees with the event's status"
			);
			let (participants, reserved) = counts.remove(&id).unwrap_or((0, Zero::zero()));
			ensure!(
				participants == event.participants && participants <= event.max_participants,
				"participant count differs from the enrollments"
			);
			ensure!(
				!open || reserved == event.reserved,
				"reserved differs from the live enrollments' payouts"
			);
			let held = escrow.entry(event.operator.clone()).or_insert(Zero::zero());
			*held = held.saturating_add(event.remaining);
		}
		ensure!(counts.is_empty(), "enrollments exist for unknown events");
		for (region, id, ()) in RegionEvents::<T>::iter() {
			ensure!(
				Events::<T>::get(id).is_some_and(|event| event.region == region),
				"the region index lists an unknown event"
			);
		}
		for (operator, booked) in Escrow::<T>::iter() {
			ensure!(
				escrow.get(&operator).is_some_and(|remaining| *remaining == booked),
				"an operator's escrow differs from its events' remaining"
			);
		}
		for (operator, remaining) in escrow {
			ensure!(Escrow::<T>::get(&operator) == remaining, "an operator's escrow is not booked");
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::EventBudget.into(), &operator)
					== remaining,
				"funds held differ from the operator's escrow"
			);
		}
		for (device, id) in ActiveEnrollment::<T>::iter() {
			ensure!(
				Enrollments::<T>::contains_key(id, device),
				"an active enrollment points at nothing"
			);
		}
		Ok(())
	}
}
