//! Measurement from accepted telemetry, O(1) per bundle.
//!
//! Telemetry hands over each accepted bundle of an EV, battery or heat pump as
//! [`AcceptedReadings`]: the interval `[from_ms, to_ms]` since the device's previous reading and
//! the energy in and out over it. For the device, v2g:
//!
//! 1. keeps its last SoC and state, and its discharge throughput (for equivalent cycles);
//! 2. if it is enrolled and the interval overlaps its window, adds the delivered energy: the
//!    energy in the event's direction over the overlap (pro-rated, assuming even power inside
//!    the interval) against the baseline × overlap — export above the baseline export for
//!    `Discharge`, import above the baseline import for `Absorb`, the baseline import minus the
//!    import for `Curtail` — never below zero per bundle;
//! 3. records the response time, from the window start to the last reading of the first bundle
//!    whose power in the event's direction reaches 90 % of the committed power (average over the
//!    bundle, or its peak interval if it carried no energy the other way; for `Curtail`, the
//!    baseline import minus the average import); the resolution is the reading interval;
//! 4. otherwise (the interval touches no event window) moves the baseline — a time-weighted
//!    moving average of import and export power over about `BaselineWindowMs` — towards the
//!    interval's average power, so the baseline is the device's behaviour before the event.
//!
//! Reads: profile, active enrollment, and for an enrolled device its event and enrollment.

use frame_support::traits::Get;
use openvpp_primitives::{AcceptedReadings, DeviceId, DeviceKind, OnReadingsAccepted, Watts};
use sp_runtime::Permill;

use crate::{
	pallet::*,
	types::{average_power_w, energy_wh, pro_rata},
	DeviceProfile, Direction, EnrollmentStatus, EventStatus, RESPONSE_THRESHOLD,
};

/// Moves `old` by `weight` of the way towards `new`.
fn smooth(old: Watts, new: Watts, weight: Permill) -> Watts {
	if new >= old {
		old.saturating_add(weight.mul_floor(new.saturating_sub(old)))
	} else {
		old.saturating_sub(weight.mul_floor(old.saturating_sub(new)))
	}
}

/// Power as a `Watts` value, saturating.
fn watts(power_w: u64) -> Watts {
	Watts::try_from(power_w).unwrap_or(Watts::MAX)
}

impl<T: Config> Pallet<T> {
	/// Takes in one accepted bundle. O(1): at most four reads and two writes.
	pub fn note_accepted(accepted: &AcceptedReadings) {
		if !matches!(accepted.kind, DeviceKind::Ev | DeviceKind::Battery | DeviceKind::HeatPump) {
			return;
		}
		let mut profile = Profiles::<T>::get(accepted.device).unwrap_or_default();
		if accepted.last_soc.is_some() {
			profile.last_soc = accepted.last_soc;
		}
		profile.last_state = Some(accepted.last_state);
		profile.last_seen_ms = profile.last_seen_ms.max(accepted.to_ms);
		if accepted.kind.is_storage() {
			profile.discharge_throughput_wh =
				profile.discharge_throughput_wh.saturating_add(accepted.energy_out_wh);
		}
		let duration_ms = accepted.to_ms.saturating_sub(accepted.from_ms);
		let in_event = Self::measure(accepted, duration_ms, &profile);
		if !in_event && duration_ms > 0 {
			Self::update_baseline(&mut profile, accepted, duration_ms);
		}
		Profiles::<T>::insert(accepted.device, profile);
	}

	/// Adds the bundle's delivery to the device's enrollment; returns whether the bundle
	/// overlaps the window of the event the device is enrolled in.
	fn measure(accepted: &AcceptedReadings, duration_ms: u64, profile: &DeviceProfile) -> bool {
		let Some(id) = ActiveEnrollment::<T>::get(accepted.device) else { return false };
		let Some(event) = Events::<T>::get(id) else { return false };
		if event.status != EventStatus::Open
			|| accepted.from_ms >= event.window_end_ms
			|| accepted.to_ms <= event.window_start_ms
		{
			return false;
		}
		let Some(mut enrollment) = Enrollments::<T>::get(id, accepted.device) else {
			return true;
		};
		let overlap_ms = accepted
			.to_ms
			.min(enrollment.window_end_ms)
			.saturating_sub(accepted.from_ms.max(event.window_start_ms));
		if enrollment.status != EnrollmentStatus::Enrolled || overlap_ms == 0 || duration_ms == 0 {
			return true;
		}

		let (energy_wh_in_direction, other_way_wh, baseline_w) = match event.direction {
			Direction::Discharge => {
				(accepted.energy_out_wh, accepted.energy_in_wh, profile.baseline_out_w)
			}
			Direction::Absorb | Direction::Curtail => {
				(accepted.energy_in_wh, accepted.energy_out_wh, profile.baseline_in_w)
			}
		};
		let measured_wh = pro_rata(energy_wh_in_direction, overlap_ms, duration_ms);
		let baseline_wh = energy_wh(u64::from(baseline_w), overlap_ms);
		let delivered_wh = match event.direction {
			Direction::Curtail => baseline_wh.saturating_sub(measured_wh),
			Direction::Discharge | Direction::Absorb => measured_wh.saturating_sub(baseline_wh),
		};
		enrollment.delivered_wh = enrollment.delivered_wh.saturating_add(delivered_wh);
		enrollment.baseline_w = baseline_w;

		if enrollment.response_ms.is_none() {
			let average_w = average_power_w(energy_wh_in_direction, duration_ms);
			let power_w = match event.direction {
				Direction::Curtail => u64::from(baseline_w).saturating_sub(average_w),
				Direction::Discharge | Direction::Absorb if other_way_wh == 0 => {
					average_w.max(u64::from(accepted.peak_power_w))
				}
				Direction::Discharge | Direction::Absorb => average_w,
			};
			let threshold_w = RESPONSE_THRESHOLD.mul_ceil(u64::from(enrollment.committed_power_w));
			if power_w >= threshold_w {
				enrollment.response_ms = Some(accepted.to_ms.saturating_sub(event.window_start_ms));
			}
		}
		Enrollments::<T>::insert(id, accepted.device, enrollment);
		true
	}

	/// Moves the baseline towards the bundle's average power.
	fn update_baseline(profile: &mut DeviceProfile, accepted: &AcceptedReadings, duration_ms: u64) {
		let out_w = watts(average_power_w(accepted.energy_out_wh, duration_ms));
		let in_w = watts(average_power_w(accepted.energy_in_wh, duration_ms));
		if !profile.baseline_seeded {
			profile.baseline_out_w = out_w;
			profile.baseline_in_w = in_w;
			profile.baseline_seeded = true;
			return;
		}
		let window_ms = T::BaselineWindowMs::get();
		let weight = Permill::from_rational(duration_ms.min(window_ms), window_ms);
		profile.baseline_out_w = smooth(profile.baseline_out_w, out_w, weight);
		profile.baseline_in_w = smooth(profile.baseline_in_w, in_w, weight);
	}
}

impl<T: Config> OnReadingsAccepted<T::AccountId> for Pallet<T> {
	fn on_readings_accepted(_owner: &T::AccountId, accepted: &AcceptedReadings) {
		Self::note_accepted(accepted);
	}
}

impl<T: Config> openvpp_primitives::OnDeviceDecommissioned<T::AccountId> for Pallet<T> {
	/// Removes the device's profile; a device still enrolled in an event that is not settled
	/// cannot be decommissioned (settle or withdraw first).
	fn on_device_decommissioned(
		device: DeviceId,
		_owner: &T::AccountId,
	) -> sp_runtime::DispatchResult {
		frame_support::ensure!(
			!ActiveEnrollment::<T>::contains_key(device),
			Error::<T>::EnrolledInEvent
		);
		Profiles::<T>::remove(device);
		Ok(())
	}

	fn on_device_decommissioned_weight() -> frame_support::weights::Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}
}
