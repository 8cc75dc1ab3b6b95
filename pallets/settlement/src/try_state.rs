//! Invariants checked by `try_state` (and at the end of every unit test).

use alloc::collections::btree_map::BTreeMap;
use frame_support::{
	ensure,
	traits::fungible::{Inspect, InspectHold},
};
use openvpp_primitives::RegionId;
use sp_runtime::{Saturating, TryRuntimeError};

use crate::{pallet::*, BalanceOf, EpochIndex, HourIndex, Points};

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants:
	///
	/// - rewards paid ≤ rewards emitted, and the pot holds what is still owed;
	/// - settled, unclaimed rewards ≤ what is owed;
	/// - the devices' unsettled points of an open epoch add up to its total (of a closed one,
	///   to at most it);
	/// - no Wh certified twice: certified ≤ generated, matched ≤ consumed, per hour;
	/// - certificate supply = issued − retired per (region, hour) bucket;
	/// - holder indexes and counts agree with the certificate records;
	/// - what each depositor has on hold for certificates is the sum of its records' deposits;
	/// - every open offer is of a live record, to another account, and in its recipient's index.
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

		// Points: every unsettled record is of an epoch that exists; for an epoch still open
		// the devices' points add up to its total exactly, for a closed one to at most it
		// (the rest was settled).
		let mut points: BTreeMap<EpochIndex, Points> = BTreeMap::new();
		for record in
			DeviceEpochPoints::<T>::iter_values().chain(DeviceGracePoints::<T>::iter_values())
		{
			let sum = points.entry(record.epoch).or_default();
			*sum = sum.saturating_add(record.points);
		}
		for (epoch, sum) in points.iter() {
			let total = Epochs::<T>::get(epoch).map(|info| info.total_points).unwrap_or_default();
			ensure!(*sum <= total, "devices hold more points than their epoch's total");
		}
		let current = CurrentEpoch::<T>::get();
		for epoch in [current.checked_sub(1), Some(current)].into_iter().flatten() {
			if Self::epoch_open_for_points(epoch) {
				let total =
					Epochs::<T>::get(epoch).map(|info| info.total_points).unwrap_or_default();
				ensure!(
					points.get(&epoch).copied().unwrap_or_default() == total,
					"an open epoch's total differs from the sum of its devices' points"
				);
			}
		}

		for record in GenerationByHour::<T>::iter_values() {
			ensure!(record.certified_wh <= record.renewable_wh, "a Wh was certified twice");
		}
		for record in ConsumptionByHour::<T>::iter_values() {
			ensure!(record.matched_wh <= record.consumed_wh, "a Wh was matched twice");
		}

		let mut supply: BTreeMap<(RegionId, HourIndex), u64> = BTreeMap::new();
		let mut held: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, certificate) in Certificates::<T>::iter() {
			let deposit = deposits.entry(certificate.depositor.clone()).or_default();
			*deposit = deposit.saturating_add(certificate.deposit);
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
		for (depositor, deposit) in deposits {
			let on_hold =
				T::Currency::balance_on_hold(&HoldReason::CertificateDeposit.into(), &depositor);
			ensure!(on_hold == deposit, "certificate holds differ from the records' deposits");
		}

		// Offers: of a live record, to someone other than its holder, indexed by recipient.
		for (id, offer) in CertificateOffers::<T>::iter() {
			let certificate = Certificates::<T>::get(id).ok_or("an offer of no certificate")?;
			ensure!(certificate.owner != offer.to, "a certificate is offered to its holder");
			ensure!(
				OffersByRecipient::<T>::contains_key(&offer.to, id),
				"an offer is missing from its recipient's index"
			);
		}
		for (to, id, ()) in OffersByRecipient::<T>::iter() {
			ensure!(
				CertificateOffers::<T>::get(id).is_some_and(|offer| offer.to == to),
				"a recipient's index lists an offer that is not open to it"
			);
		}
		Ok(())
	}
}
