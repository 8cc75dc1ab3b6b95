//! Enrollment of EVs, batteries and heat pumps in events, and withdrawal.
//!
//! An enrollment is checked, each check with its own error and nothing written before all
//! pass, against:
//!
//! - the event: open, before its window, not full, and with uncommitted budget for the
//!   commitment (committed energy × price);
//! - the device: owned by the caller, active, of a kind the direction admits, in the event's
//!   region, not enrolled in another unsettled event;
//! - the nameplate: committed power ≤ maximum export (`Discharge`) or import (`Curtail`,
//!   `Absorb`);
//! - the state of charge (storage only): discharging, the committed energy must fit between
//!   the last reported SoC and the SoC floor (an EV at 20 % cannot promise three hours at
//!   11 kW); absorbing, between the last SoC and a full battery;
//! - an EV's departure: after the window start; before the window end it cuts the EV's window.

use frame_support::{ensure, traits::Get};
use openvpp_primitives::{
	DeviceId, DeviceKind, DeviceRegistry, DeviceStatus, DeviceView, ReliabilityFeed, TimestampMs,
	Watts,
};
use sp_runtime::{
	traits::{CheckedAdd, CheckedSub},
	DispatchResult, Permill, Saturating,
};

use crate::{
	pallet::*, types::energy_wh, Direction, Enrollment, EnrollmentStatus, EventOf, EventStatus,
};

impl<T: Config> Pallet<T> {
	/// Whether the device is enrolled in an event it can still deliver to or settle.
	pub fn has_live_enrollment(device: DeviceId, now: TimestampMs) -> bool {
		let Some(id) = ActiveEnrollment::<T>::get(device) else { return false };
		let Some(event) = Events::<T>::get(id) else { return false };
		event.status == EventStatus::Open
			&& now < event.window_end_ms.saturating_add(T::ClaimPeriodMs::get())
			&& Enrollments::<T>::get(id, device)
				.is_some_and(|e| e.status == EnrollmentStatus::Enrolled)
	}

	/// The end of the device's window: the event's, or an EV's departure if earlier.
	fn device_window_end(
		event: &EventOf<T>,
		view: &DeviceView<T::AccountId>,
		departure_ms: Option<TimestampMs>,
	) -> Result<TimestampMs, Error<T>> {
		let Some(departure) = departure_ms else { return Ok(event.window_end_ms) };
		ensure!(view.kind == DeviceKind::Ev, Error::<T>::DepartureOnlyForEvs);
		ensure!(departure > event.window_start_ms, Error::<T>::DepartureBeforeWindow);
		Ok(departure.min(event.window_end_ms))
	}

	/// Checks that the committed energy fits the device's last reported state of charge.
	fn check_soc(
		device: DeviceId,
		view: &DeviceView<T::AccountId>,
		direction: Direction,
		committed_wh: u64,
		soc_floor: Permill,
	) -> Result<(), Error<T>> {
		if !view.kind.is_storage() || direction == Direction::Curtail {
			return Ok(());
		}
		let soc = Profiles::<T>::get(device)
			.and_then(|profile| profile.last_soc)
			.ok_or(Error::<T>::SocUnknown)?;
		let capacity_wh = view.nameplate.capacity_wh;
		if direction == Direction::Discharge {
			let available_wh = soc.saturating_sub(soc_floor).mul_floor(capacity_wh);
			ensure!(committed_wh <= available_wh, Error::<T>::SocTooLow);
		} else {
			let room_wh = Permill::one().saturating_sub(soc).mul_floor(capacity_wh);
			ensure!(committed_wh <= room_wh, Error::<T>::SocTooHigh);
		}
		Ok(())
	}

	pub(crate) fn do_enroll(
		who: T::AccountId,
		id: crate::EventId,
		device: DeviceId,
		committed_power_w: Watts,
		soc_floor: Permill,
		departure_ms: Option<TimestampMs>,
	) -> DispatchResult {
		let mut event = Events::<T>::get(id).ok_or(Error::<T>::UnknownEvent)?;
		ensure!(event.status == EventStatus::Open, Error::<T>::EventNotOpen);
		let now = Self::now_ms();
		ensure!(now < event.window_start_ms, Error::<T>::EventAlreadyStarted);
		let view = T::Devices::device(device).ok_or(Error::<T>::UnknownDevice)?;
		ensure!(view.owner == who, Error::<T>::NotDeviceOwner);
		ensure!(view.status == DeviceStatus::Active, Error::<T>::DeviceNotActive);
		ensure!(event.direction.admits(view.kind), Error::<T>::WrongDeviceKind);
		ensure!(view.region == event.region, Error::<T>::WrongRegion);
		ensure!(!Self::has_live_enrollment(device, now), Error::<T>::AlreadyEnrolled);
		ensure!(event.participants < event.max_participants, Error::<T>::EventFull);
		ensure!(committed_power_w > 0, Error::<T>::ZeroPower);
		let nameplate_w = match event.direction {
			Direction::Discharge => view.nameplate.max_export_w,
			Direction::Curtail | Direction::Absorb => view.nameplate.max_import_w,
		};
		ensure!(committed_power_w <= nameplate_w, Error::<T>::ExceedsNameplate);
		let window_end_ms = Self::device_window_end(&event, &view, departure_ms)?;
		let committed_wh = energy_wh(
			u64::from(committed_power_w),
			window_end_ms.saturating_sub(event.window_start_ms),
		);
		ensure!(committed_wh > 0, Error::<T>::CommitmentTooSmall);
		Self::check_soc(device, &view, event.direction, committed_wh, soc_floor)?;
		let max_payout = Self::value_of(committed_wh, event.price_per_kwh);
		let reserved =
			event.reserved.checked_add(&max_payout).ok_or(Error::<T>::BudgetExhausted)?;
		ensure!(reserved <= event.remaining, Error::<T>::BudgetExhausted);

		event.reserved = reserved;
		event.participants = event.participants.saturating_add(1);
		event.committed_power_w =
			event.committed_power_w.saturating_add(u64::from(committed_power_w));
		Events::<T>::insert(id, event);
		Enrollments::<T>::insert(
			id,
			device,
			Enrollment {
				committed_power_w,
				soc_floor,
				departure_ms,
				window_end_ms,
				committed_wh,
				max_payout,
				baseline_w: 0,
				delivered_wh: 0,
				response_ms: None,
				paid: Default::default(),
				status: EnrollmentStatus::Enrolled,
			},
		);
		ActiveEnrollment::<T>::insert(device, id);
		Profiles::<T>::mutate(device, |profile| {
			let profile = profile.get_or_insert_with(Default::default);
			profile.events_joined = profile.events_joined.saturating_add(1);
		});
		Self::deposit_event(Event::Enrolled {
			event: id,
			device,
			committed_power_w,
			committed_wh,
			window_end_ms,
		});
		Ok(())
	}

	pub(crate) fn do_withdraw(
		who: T::AccountId,
		id: crate::EventId,
		device: DeviceId,
	) -> DispatchResult {
		let mut event = Events::<T>::get(id).ok_or(Error::<T>::UnknownEvent)?;
		ensure!(event.status == EventStatus::Open, Error::<T>::EventNotOpen);
		let view = T::Devices::device(device).ok_or(Error::<T>::UnknownDevice)?;
		ensure!(view.owner == who, Error::<T>::NotDeviceOwner);
		let mut enrollment = Enrollments::<T>::get(id, device)
			.filter(|e| e.status == EnrollmentStatus::Enrolled)
			.ok_or(Error::<T>::NotEnrolled)?;
		let now = Self::now_ms();
		ensure!(now < enrollment.window_end_ms, Error::<T>::WindowOver);
		event.reserved = event
			.reserved
			.checked_sub(&enrollment.max_payout)
			.ok_or(Error::<T>::EscrowInconsistent)?;
		let late = now >= event.window_start_ms;

		if late {
			T::Reliability::note_delivery(device, Permill::zero())?;
			enrollment.status = EnrollmentStatus::Withdrawn;
			Enrollments::<T>::insert(id, device, enrollment);
			Profiles::<T>::mutate(device, |profile| {
				let profile = profile.get_or_insert_with(Default::default);
				profile.events_settled = profile.events_settled.saturating_add(1);
			});
		} else {
			event.participants = event.participants.saturating_sub(1);
			event.committed_power_w =
				event.committed_power_w.saturating_sub(u64::from(enrollment.committed_power_w));
			Enrollments::<T>::remove(id, device);
			Profiles::<T>::mutate(device, |profile| {
				if let Some(profile) = profile {
					profile.events_joined = profile.events_joined.saturating_sub(1);
				}
			});
		}
		Events::<T>::insert(id, event);
		ActiveEnrollment::<T>::remove(device);
		Self::deposit_event(Event::Withdrawn { event: id, device, late });
		if late {
			Self::deposit_event(Event::UnderDelivered {
				event: id,
				device,
				delivered: Permill::zero(),
			});
		}
		Ok(())
	}
}
