//! EV and storage profiles and event queries: the read side behind the runtime API.

use alloc::vec::Vec;
use openvpp_primitives::{DeviceId, DeviceKind, DeviceRegistry, DeviceState, RegionId};

use crate::{
	pallet::*, BalanceOf, DeviceProfile, Enrollment, EvProfile, EventId, EventOf,
	ParticipationHistory, StorageProfile, MAX_EVENTS_PER_QUERY,
};

impl<T: Config> Pallet<T> {
	/// Grid operators of a region.
	pub fn operators_of(region: RegionId) -> Vec<T::AccountId> {
		Operators::<T>::get(region).into_inner()
	}

	/// An event.
	pub fn event(id: EventId) -> Option<EventOf<T>> {
		Events::<T>::get(id)
	}

	/// Open events of a region (not cancelled or closed), at most `limit` (capped at
	/// [`MAX_EVENTS_PER_QUERY`]), continuing after `start_after` (the last id of the previous
	/// page). The order is the storage order, stable between pages.
	pub fn events_in_region(
		region: RegionId,
		start_after: Option<EventId>,
		limit: u32,
	) -> Vec<(EventId, EventOf<T>)> {
		let limit = usize::try_from(limit.min(MAX_EVENTS_PER_QUERY)).unwrap_or_default();
		let ids = match start_after {
			None => RegionEvents::<T>::iter_key_prefix(region),
			Some(after) => RegionEvents::<T>::iter_key_prefix_from(
				region,
				RegionEvents::<T>::hashed_key_for(region, after),
			),
		};
		ids.filter_map(|id| Events::<T>::get(id).map(|event| (id, event))).take(limit).collect()
	}

	/// A device's enrollment in an event.
	pub fn enrollment(id: EventId, device: DeviceId) -> Option<Enrollment<BalanceOf<T>>> {
		Enrollments::<T>::get(id, device)
	}

	/// The device's demand-response history.
	fn history(device: DeviceId, profile: &DeviceProfile) -> ParticipationHistory {
		let active_event = Self::has_live_enrollment(device, Self::now_ms())
			.then(|| ActiveEnrollment::<T>::get(device))
			.flatten();
		ParticipationHistory {
			events_joined: profile.events_joined,
			events_settled: profile.events_settled,
			events_delivered: profile.events_delivered,
			energy_delivered_wh: profile.regulation_energy_wh,
			reliability: profile.reliability(),
			active_event,
		}
	}

	/// Profile of an EV (`None` if the device is not an EV).
	pub fn ev_profile(device: DeviceId) -> Option<EvProfile> {
		let view = T::Devices::device(device)?;
		if view.kind != DeviceKind::Ev {
			return None;
		}
		let profile = Profiles::<T>::get(device).unwrap_or_default();
		Some(EvProfile {
			device,
			capacity_wh: view.nameplate.capacity_wh,
			max_import_w: view.nameplate.max_import_w,
			max_export_w: view.nameplate.max_export_w,
			soc: profile.last_soc,
			state: profile.last_state,
			charging: profile.last_state == Some(DeviceState::Charging),
			plugged_in: profile.last_state.is_some_and(|state| state != DeviceState::Offline),
			last_seen_ms: profile.last_seen_ms,
			history: Self::history(device, &profile),
		})
	}

	/// Profile of a storage device, battery or EV (`None` for other kinds).
	pub fn storage_profile(device: DeviceId) -> Option<StorageProfile> {
		let view = T::Devices::device(device)?;
		if !view.kind.is_storage() {
			return None;
		}
		let profile = Profiles::<T>::get(device).unwrap_or_default();
		let capacity_wh = view.nameplate.capacity_wh;
		let cycles_milli = u128::from(profile.discharge_throughput_wh)
			.saturating_mul(1_000)
			.checked_div(u128::from(capacity_wh))
			.unwrap_or(0);
		Some(StorageProfile {
			device,
			kind: view.kind,
			capacity_wh,
			soc: profile.last_soc,
			energy_stored_wh: profile.last_soc.map_or(0, |soc| soc.mul_floor(capacity_wh)),
			discharge_throughput_wh: profile.discharge_throughput_wh,
			equivalent_full_cycles_milli: u64::try_from(cycles_milli).unwrap_or(u64::MAX),
			best_response_ms: profile.best_response_ms,
			average_response_ms: profile.average_response_ms(),
			regulation_energy_wh: profile.regulation_energy_wh,
			history: Self::history(device, &profile),
		})
	}
}
