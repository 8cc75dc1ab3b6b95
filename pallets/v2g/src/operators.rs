//! Grid operators per region, registered by the grid administration.
//!
//! An operator opens events in its region. Removing an operator stops it from opening new
//! events; the events it already opened run to their end and it can still cancel or reclaim
//! them, because their escrow is its own money.

use frame_support::ensure;
use openvpp_primitives::RegionId;
use sp_runtime::DispatchResult;

use crate::pallet::*;

impl<T: Config> Pallet<T> {
	/// Whether `who` is a grid operator of `region`.
	pub fn is_operator(region: RegionId, who: &T::AccountId) -> bool {
		Operators::<T>::get(region).contains(who)
	}

	pub(crate) fn do_add_operator(region: RegionId, operator: T::AccountId) -> DispatchResult {
		Operators::<T>::try_mutate(region, |operators| {
			ensure!(!operators.contains(&operator), Error::<T>::AlreadyOperator);
			operators.try_push(operator.clone()).map_err(|_| Error::<T>::TooManyOperators)?;
			Ok::<(), Error<T>>(())
		})?;
		Self::deposit_event(Event::OperatorAdded { region, operator });
		Ok(())
	}

	pub(crate) fn do_remove_operator(region: RegionId, operator: T::AccountId) -> DispatchResult {
		Operators::<T>::try_mutate_exists(region, |entry| {
			let operators = entry.as_mut().ok_or(Error::<T>::NotOperator)?;
			let position =
				operators.iter().position(|o| o == &operator).ok_or(Error::<T>::NotOperator)?;
			operators.swap_remove(position);
			if operators.is_empty() {
				*entry = None;
			}
			Ok::<(), Error<T>>(())
		})?;
		Self::deposit_event(Event::OperatorRemoved { region, operator });
		Ok(())
	}
}
