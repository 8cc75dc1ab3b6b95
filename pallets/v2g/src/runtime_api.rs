//! Runtime API: the read side of v2g (events, enrollments, EV and storage profiles).

use alloc::vec::Vec;
use openvpp_primitives::{DeviceId, RegionId};

use crate::{DrEvent, Enrollment, EvProfile, EventId, StorageProfile};

sp_api::decl_runtime_apis! {
	/// Demand-response events, enrollments and device profiles.
	pub trait V2gApi<AccountId, Balance>
	where
		AccountId: codec::Codec,
		Balance: codec::Codec,
	{
		/// An event.
		fn event(id: EventId) -> Option<DrEvent<AccountId, Balance>>;
		/// Open events of a region, at most `limit` (≤ 100), after `start_after` (paging).
		fn events_in_region(region: RegionId, start_after: Option<EventId>, limit: u32) -> Vec<(EventId, DrEvent<AccountId, Balance>)>;
		/// A device's enrollment in an event.
		fn enrollment(event: EventId, device: DeviceId) -> Option<Enrollment<Balance>>;
		/// Grid operators of a region.
		fn operators(region: RegionId) -> Vec<AccountId>;
		/// EV profile: capacity, SoC, charging, plugged in, participation history.
		fn ev_profile(device: DeviceId) -> Option<EvProfile>;
		/// Storage profile: energy stored, equivalent full cycles, response, regulation energy.
		fn storage_profile(device: DeviceId) -> Option<StorageProfile>;
	}
}
