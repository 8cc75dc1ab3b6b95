//! Settlement of enrollments after the window: payment from escrow and delivery reports.
//!
//! From the end of the device's window until `ClaimPeriodMs` after the event's window end, the
//! owner settles an enrollment; once `TelemetryGraceMs` after the device's window is over too,
//! anyone may (the event's operator among them, so that a participant cannot dodge the
//! reliability report by not claiming). The grace lets the window's last readings land: an
//! operator settling in the first block after the window would otherwise underpay the
//! participant and keep the unpaid escrow. A device suspended by the admin is not settled
//! while suspended: its payment stays in the escrow. Settling:
//!
//! - the owner (the device's owner at settlement) is paid
//!   `min(delivered, committed) × price` from the escrow;
//! - the delivered share `min(delivered, committed) / committed` goes to
//!   [`Config::Reliability`] (always: settlement decides what it does to the credit score);
//!   below `UnderDeliveryThreshold` [`Event::UnderDelivered`] is emitted too;
//! - the delivered energy (capped at the commitment), if any, goes to [`Config::GridSupport`];
//! - the device's profile records the delivery and the response time.

use frame_support::{ensure, traits::Get};
use openvpp_primitives::{
	DeviceId, DeviceRegistry, DeviceStatus, GridSupportFeed, ReliabilityFeed, WattHours,
};
use sp_runtime::{
	traits::{CheckedSub, UniqueSaturatedFrom, UniqueSaturatedInto},
	DispatchResult, Permill,
};

use crate::{pallet::*, BalanceOf, EnrollmentStatus, EventId, EventStatus};

/// Wh per kWh.
const WH_PER_KWH: u128 = 1_000;

impl<T: Config> Pallet<T> {
	/// Value of `energy_wh` at `price_per_kwh`, rounded down.
	pub fn value_of(energy_wh: WattHours, price_per_kwh: BalanceOf<T>) -> BalanceOf<T> {
		let price: u128 = price_per_kwh.unique_saturated_into();
		let value =
			price.saturating_mul(u128::from(energy_wh)).checked_div(WH_PER_KWH).unwrap_or(0);
		BalanceOf::<T>::unique_saturated_from(value)
	}

	pub(crate) fn do_claim_payment(
		who: T::AccountId,
		id: EventId,
		device: DeviceId,
	) -> DispatchResult {
		let mut event = Events::<T>::get(id).ok_or(Error::<T>::UnknownEvent)?;
		match event.status {
			EventStatus::Open => {}
			EventStatus::Cancelled => return Err(Error::<T>::EventNotOpen.into()),
			EventStatus::Closed => return Err(Error::<T>::ClaimPeriodOver.into()),
		}
		let mut enrollment = Enrollments::<T>::get(id, device)
			.filter(|e| e.status == EnrollmentStatus::Enrolled)
			.ok_or(Error::<T>::NotEnrolled)?;
		let view = T::Devices::device(device).ok_or(Error::<T>::UnknownDevice)?;
		ensure!(view.status != DeviceStatus::SuspendedByAdmin, Error::<T>::DeviceSuspended);
		let now = Self::now_ms();
		ensure!(now >= enrollment.window_end_ms, Error::<T>::WindowNotOver);
		let grace_end_ms = enrollment.window_end_ms.saturating_add(T::TelemetryGraceMs::get());
		ensure!(who == view.owner || now >= grace_end_ms, Error::<T>::TelemetryGraceNotOver);
		ensure!(
			now < event.window_end_ms.saturating_add(T::ClaimPeriodMs::get()),
			Error::<T>::ClaimPeriodOver
		);

		let delivered_wh = enrollment.delivered_wh.min(enrollment.committed_wh);
		let share = Permill::from_rational(delivered_wh, enrollment.committed_wh);
		let amount = Self::value_of(delivered_wh, event.price_per_kwh).min(enrollment.max_payout);
		event.reserved = event
			.reserved
			.checked_sub(&enrollment.max_payout)
			.ok_or(Error::<T>::EscrowInconsistent)?;

		T::Reliability::note_delivery(device, share)?;
		if delivered_wh > 0 {
			T::GridSupport::note_grid_support(device, delivered_wh, enrollment.window_end_ms)?;
		}
		Self::pay_from_escrow(&mut event, &view.owner, amount)?;

		event.delivered_wh = event.delivered_wh.saturating_add(delivered_wh);
		let committed_wh = enrollment.committed_wh;
		let measured_wh = enrollment.delivered_wh;
		let response_ms = enrollment.response_ms;
		enrollment.paid = amount;
		enrollment.status = EnrollmentStatus::Settled;
		Events::<T>::insert(id, event);
		Enrollments::<T>::insert(id, device, enrollment);
		if ActiveEnrollment::<T>::get(device) == Some(id) {
			ActiveEnrollment::<T>::remove(device);
		}
		let delivered_enough = share >= T::UnderDeliveryThreshold::get();
		Profiles::<T>::mutate(device, |profile| {
			let profile = profile.get_or_insert_with(Default::default);
			profile.events_settled = profile.events_settled.saturating_add(1);
			profile.delivered_share_sum_ppm =
				profile.delivered_share_sum_ppm.saturating_add(u64::from(share.deconstruct()));
			if delivered_enough {
				profile.events_delivered = profile.events_delivered.saturating_add(1);
			}
			profile.regulation_energy_wh =
				profile.regulation_energy_wh.saturating_add(delivered_wh);
			if let Some(response) = response_ms {
				profile.best_response_ms =
					Some(profile.best_response_ms.map_or(response, |best| best.min(response)));
				profile.response_sum_ms = profile.response_sum_ms.saturating_add(response);
				profile.responses = profile.responses.saturating_add(1);
			}
		});

		Self::deposit_event(Event::PaymentClaimed {
			event: id,
			device,
			owner: view.owner,
			delivered_wh: measured_wh,
			committed_wh,
			amount,
		});
		if !delivered_enough {
			Self::deposit_event(Event::UnderDelivered { event: id, device, delivered: share });
		}
		Ok(())
	}
}
