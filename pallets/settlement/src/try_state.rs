//! Invariants checked by `try_state` (and at the end of every unit test).

use alloc::collections::btree_map::BTreeMap;
use frame_support::{ensure, traits::fungible::Inspect};
use openvpp_primitives::RegionId;
use sp_runtime::{Saturating, TryRuntimeError};

use crate::{pallet::*, BalanceOf, HourIndex};

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants:
	///
	/// - rewards paid ≤ rewards emitted, and the pot holds what is still owed;
	/// - settled, unclaimed rewards ≤ what is owed;
	/// - no Wh certified twice: certified ≤ generated, matched ≤ consumed, per hour;
	/// - certificate supply = issued − retired per (region, hour) bucket;
	/// - holder indexes and counts agree with the certificate records.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let emitted = TotalEmitted::<T>::get();
		let paid = TotalPaid::<T>::get();
		ensure!(paid <= emitted, "paid more reward than was emitted");
		let outstanding = emitted.saturating_sub(paid);
		ensure!(
			T::Currency::balance(&Self::pot_account()) >= outstanding,
			"the pot does not cover the rewards owed"
		);
		let pending = PendingRewards::<T>::iter_values()
			.fold(BalanceOf::<T>::default(), |sum, r| sum.saturating_add(r));
		ensure!(pending <= outstanding, "pending rewards exceed what is owed");

		for record in GenerationByHour::<T>::iter_values() {
			ensure!(record.certified_wh <= record.renewable_wh, "a Wh was certified twice");
		}
		for record in ConsumptionByHour::<T>::iter_values() {
			ensure!(record.matched_wh <= record.consumed_wh, "a Wh was matched twice");
		}

		let mut supply: BTreeMap<(RegionId, HourIndex), u64> = BTreeMap::new();
		let mut held: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (id, certificate) in Certificates::<T>::iter() {
			ensure!(certificate.amount_wh > 0, "an empty certificate record was kept");
			ensure!(
				CertificatesByOwner::<T>::contains_key(&certificate.owner, id),
				"a certificate is missing from its holder's index"
			);
			let key = (certificate.provenance.region, certificate.provenance.hour);
			let entry = supply.entry(key).or_default();
			*entry = entry.saturating_add(certificate.amount_wh);
			let count = held.entry(certificate.owner.clone()).or_default();
			*count = count.saturating_add(1);
		}
		for (region, hour, bucket) in CertificateSupply::<T>::iter() {
			let live = supply.remove(&(region, hour)).unwrap_or_default();
			ensure!(
				bucket.retired_wh <= bucket.issued_wh
					&& live == bucket.issued_wh.saturating_sub(bucket.retired_wh),
				"certificate supply differs from issued minus retired"
			);
		}
		ensure!(supply.is_empty(), "certificates exist outside any supply bucket");
		for (owner, count) in CertificateCount::<T>::iter() {
			ensure!(
				held.remove(&owner).unwrap_or_default() == count,
				"a holder's certificate count is wrong"
			);
		}
		ensure!(held.is_empty(), "a holder has certificates but no count");
		Ok(())
	}
}
