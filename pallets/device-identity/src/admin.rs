//! Grid regions and certifiers, managed by the admin origin.

use alloc::vec::Vec;
use frame_support::{ensure, BoundedVec};
use openvpp_primitives::RegionId;
use sp_runtime::DispatchResult;

use crate::{
	Certifier, Certifiers, Config, Error, Event, Pallet, Region, Regions, MAX_UTC_OFFSET_MINUTES,
	MIN_UTC_OFFSET_MINUTES,
};

/// Whether `code` looks like a bidding-zone code: ASCII uppercase letters, digits and `-`,
/// starting with a letter.
fn is_zone_code(code: &[u8]) -> bool {
	code.first().is_some_and(u8::is_ascii_uppercase)
		&& code.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'-')
}

impl<T: Config> Pallet<T> {
	/// Registers a grid region.
	pub(crate) fn do_create_region(
		id: RegionId,
		name: Vec<u8>,
		zone_code: Vec<u8>,
		utc_offset_minutes: i16,
	) -> DispatchResult {
		ensure!(!Regions::<T>::contains_key(id), Error::<T>::RegionExists);
		let name = BoundedVec::try_from(name).map_err(|_| Error::<T>::RegionNameTooLong)?;
		ensure!(is_zone_code(&zone_code), Error::<T>::InvalidZoneCode);
		let zone_code = BoundedVec::try_from(zone_code).map_err(|_| Error::<T>::InvalidZoneCode)?;
		ensure!(
			(MIN_UTC_OFFSET_MINUTES..=MAX_UTC_OFFSET_MINUTES).contains(&utc_offset_minutes),
			Error::<T>::InvalidUtcOffset
		);
		// A new region is attested-only until governance allows unattested devices a cap.
		let unattested = Default::default();
		Regions::<T>::insert(
			id,
			Region { name, zone_code: zone_code.clone(), utc_offset_minutes, unattested },
		);
		Self::deposit_event(Event::RegionCreated { region: id, zone_code });
		Ok(())
	}

	/// Registers a certifier.
	pub(crate) fn do_add_certifier(who: T::AccountId, name: Vec<u8>) -> DispatchResult {
		ensure!(!Certifiers::<T>::contains_key(&who), Error::<T>::CertifierExists);
		let name = BoundedVec::try_from(name).map_err(|_| Error::<T>::CertifierNameTooLong)?;
		Certifiers::<T>::insert(&who, Certifier { name, since_ms: Self::now_ms() });
		Self::deposit_event(Event::CertifierAdded { certifier: who });
		Ok(())
	}

	/// Removes a certifier; its attestations stay until revoked.
	pub(crate) fn do_remove_certifier(who: T::AccountId) -> DispatchResult {
		ensure!(Certifiers::<T>::contains_key(&who), Error::<T>::NotCertifier);
		Certifiers::<T>::remove(&who);
		Self::deposit_event(Event::CertifierRemoved { certifier: who });
		Ok(())
	}
}
