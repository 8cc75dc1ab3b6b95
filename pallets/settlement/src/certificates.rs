//! Granular (hourly) green certificates in the spirit of EnergyTag.
//!
//! - Accepted telemetry feeds each renewable generator's and storage device's generation per
//!   hour ([`GenerationByHour`]) and each smart meter's consumption per hour
//!   ([`ConsumptionByHour`]). Both are rings of `CertificateWindowHours` slots per device, so
//!   the ledgers stay bounded; an hour can be certified or matched while it is in the window.
//!   A bundle's energy is booked to the UTC hour of its last reading (gateways submit at least
//!   hourly); a late bundle for an hour whose slot was reused is not booked.
//! - The owner issues certificates for at most the uncertified Wh of an hour: no Wh is
//!   certified twice.
//! - Certificates change hands by offer and acceptance: the holder offers a record, or a part
//!   of one (split into a new record of the holder's), to a recipient; the offered record stays
//!   with the holder, counted against the holder's `MaxCertificatesPerOwner` and locked, until
//!   the recipient accepts it (it then counts against the recipient's limit), rejects it, or the
//!   holder cancels the offer (a split-off part then goes back into the record it came from).
//!   Nobody can fill another account's holdings, or block it from issuing its own
//!   certificates, without its consent.
//! - Retiring a certificate matches it against the consumption a smart meter owned by the
//!   caller measured in the same region and hour, and leaves a [`Retirement`] record.
//!
//! Every certificate record holds `CertificateDeposit` from whoever created it, returned when
//! the record is used up. Retirement records are permanent proofs and take no deposit: they are
//! bounded per (consumer, hour) by `MaxRetirementsPerHour` and by metered consumption.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use openvpp_primitives::{DeviceId, DeviceKind, DeviceRegistry, DeviceStatus, WattHours};
use sp_runtime::DispatchResult;

use crate::{
	pallet::*, BalanceOf, Certificate, CertificateId, CertificateOffer, HourIndex,
	HourlyConsumption, HourlyGeneration, Provenance, Retirement, MAX_QUERY_HOURS,
};

impl<T: Config> Pallet<T> {
	/// Ring slot of `hour` in the hourly ledgers.
	pub fn slot_of(hour: HourIndex) -> u32 {
		let window = u64::from(T::CertificateWindowHours::get());
		u32::try_from(hour.checked_rem(window).unwrap_or_default()).unwrap_or_default()
	}

	/// Books generation of `device` in `hour`. O(1).
	pub(crate) fn note_generation(device: DeviceId, hour: HourIndex, energy_wh: WattHours) {
		if energy_wh == 0 {
			return;
		}
		GenerationByHour::<T>::mutate(device, Self::slot_of(hour), |slot| match slot {
			Some(record) if record.hour == hour => {
				record.renewable_wh = record.renewable_wh.saturating_add(energy_wh)
			}
			Some(record) if record.hour > hour => {}
			_ => *slot = Some(HourlyGeneration { hour, renewable_wh: energy_wh, certified_wh: 0 }),
		});
	}

	/// Books consumption of smart meter `meter` in `hour`. O(1).
	pub(crate) fn note_consumption(meter: DeviceId, hour: HourIndex, energy_wh: WattHours) {
		if energy_wh == 0 {
			return;
		}
		ConsumptionByHour::<T>::mutate(meter, Self::slot_of(hour), |slot| match slot {
			Some(record) if record.hour == hour => {
				record.consumed_wh = record.consumed_wh.saturating_add(energy_wh)
			}
			Some(record) if record.hour > hour => {}
			_ => *slot = Some(HourlyConsumption { hour, consumed_wh: energy_wh, matched_wh: 0 }),
		});
	}

	/// Generation of `device` in `hour`, if still in the window.
	pub fn generation_in(device: DeviceId, hour: HourIndex) -> Option<HourlyGeneration> {
		GenerationByHour::<T>::get(device, Self::slot_of(hour)).filter(|r| r.hour == hour)
	}

	/// Consumption of `meter` in `hour`, if still in the window.
	pub fn consumption_in(meter: DeviceId, hour: HourIndex) -> Option<HourlyConsumption> {
		ConsumptionByHour::<T>::get(meter, Self::slot_of(hour)).filter(|r| r.hour == hour)
	}

	/// Creates a certificate record held by `owner`, its deposit held from `depositor`.
	fn create_certificate(
		owner: &T::AccountId,
		depositor: &T::AccountId,
		amount_wh: WattHours,
		provenance: Provenance,
	) -> Result<CertificateId, sp_runtime::DispatchError> {
		let count = CertificateCount::<T>::get(owner);
		ensure!(count < T::MaxCertificatesPerOwner::get(), Error::<T>::TooManyCertificates);
		let id = NextCertificateId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let deposit = T::CertificateDeposit::get();
		T::Currency::hold(&HoldReason::CertificateDeposit.into(), depositor, deposit)?;
		NextCertificateId::<T>::put(next);
		CertificateCount::<T>::insert(owner, count.saturating_add(1));
		CertificatesByOwner::<T>::insert(owner, id, ());
		Certificates::<T>::insert(
			id,
			Certificate {
				owner: owner.clone(),
				amount_wh,
				provenance,
				depositor: depositor.clone(),
				deposit,
			},
		);
		Ok(id)
	}

	/// Removes a used-up certificate record and returns its deposit.
	fn remove_certificate(
		id: CertificateId,
		certificate: &Certificate<T::AccountId, BalanceOf<T>>,
	) -> DispatchResult {
		T::Currency::release(
			&HoldReason::CertificateDeposit.into(),
			&certificate.depositor,
			certificate.deposit,
			Precision::BestEffort,
		)?;
		Certificates::<T>::remove(id);
		CertificatesByOwner::<T>::remove(&certificate.owner, id);
		CertificateCount::<T>::mutate(&certificate.owner, |c| *c = c.saturating_sub(1));
		Ok(())
	}

	pub(crate) fn do_issue_certificates(
		who: T::AccountId,
		device: DeviceId,
		hour: HourIndex,
		amount_wh: WattHours,
	) -> DispatchResult {
		ensure!(amount_wh > 0, Error::<T>::ZeroAmount);
		let view = T::Devices::device(device).ok_or(Error::<T>::UnknownDevice)?;
		ensure!(view.owner == who, Error::<T>::NotDeviceOwner);
		// A device suspended for suspected fraud earns nothing until it is reactivated: neither
		// rewards (see `do_claim`) nor certificates from its generation.
		ensure!(view.status != DeviceStatus::SuspendedByAdmin, Error::<T>::DeviceSuspended);
		ensure!(
			view.kind.is_renewable_generator() || view.kind.is_storage(),
			Error::<T>::NotAGenerator
		);
		// Checked now, not only when the energy was booked: a revoked root key stops issuance.
		ensure!(view.eligibility.certificates_allowed(), Error::<T>::NotHardwareAttested);
		let mut generation =
			Self::generation_in(device, hour).ok_or(Error::<T>::NoGenerationInHour)?;
		let uncertified = generation.renewable_wh.saturating_sub(generation.certified_wh);
		ensure!(uncertified > 0, Error::<T>::GenerationAlreadyCertified);
		ensure!(amount_wh <= uncertified, Error::<T>::ExceedsUncertifiedGeneration);

		let provenance = Provenance {
			device,
			kind: view.kind,
			region: view.region,
			hour,
			attested: view.hardware_attested,
			from_storage: view.kind.is_storage(),
		};
		let id = Self::create_certificate(&who, &who, amount_wh, provenance)?;
		generation.certified_wh = generation.certified_wh.saturating_add(amount_wh);
		GenerationByHour::<T>::insert(device, Self::slot_of(hour), generation);
		CertificateSupply::<T>::mutate(view.region, hour, |supply| {
			supply.issued_wh = supply.issued_wh.saturating_add(amount_wh)
		});
		Self::deposit_event(Event::CertificatesIssued { id, device, hour, owner: who, amount_wh });
		Ok(())
	}

	/// Offers `amount_wh` of certificate `id` to `to`. A part is split off into a new record of
	/// the sender's (its deposit and its place under the sender's limit); the offered record
	/// stays the sender's, locked, until `to` accepts or rejects it or the sender cancels.
	pub(crate) fn do_offer_certificate(
		who: T::AccountId,
		id: CertificateId,
		to: T::AccountId,
		amount_wh: WattHours,
	) -> DispatchResult {
		ensure!(amount_wh > 0, Error::<T>::ZeroAmount);
		let mut certificate = Certificates::<T>::get(id).ok_or(Error::<T>::UnknownCertificate)?;
		ensure!(certificate.owner == who, Error::<T>::NotCertificateOwner);
		ensure!(to != who, Error::<T>::TransferToSelf);
		ensure!(!CertificateOffers::<T>::contains_key(id), Error::<T>::CertificateOnOffer);
		ensure!(amount_wh <= certificate.amount_wh, Error::<T>::ExceedsHolding);

		let (offered, split_from) = if amount_wh == certificate.amount_wh {
			(id, None)
		} else {
			let part = Self::create_certificate(&who, &who, amount_wh, certificate.provenance)?;
			certificate.amount_wh = certificate.amount_wh.saturating_sub(amount_wh);
			Certificates::<T>::insert(id, certificate);
			(part, Some(id))
		};
		CertificateOffers::<T>::insert(offered, CertificateOffer { to: to.clone(), split_from });
		OffersByRecipient::<T>::insert(&to, offered, ());
		Self::deposit_event(Event::CertificateOffered {
			id: offered,
			split_from,
			from: who,
			to,
			amount_wh,
		});
		Ok(())
	}

	/// `who` takes the certificate record `id` offered to it; it then counts against `who`'s
	/// limit.
	pub(crate) fn do_accept_certificate(who: T::AccountId, id: CertificateId) -> DispatchResult {
		let offer = CertificateOffers::<T>::get(id).ok_or(Error::<T>::CertificateNotOffered)?;
		ensure!(offer.to == who, Error::<T>::NotOfferRecipient);
		let mut certificate = Certificates::<T>::get(id).ok_or(Error::<T>::UnknownCertificate)?;
		let count = CertificateCount::<T>::get(&who);
		ensure!(count < T::MaxCertificatesPerOwner::get(), Error::<T>::TooManyCertificates);

		let from = certificate.owner.clone();
		let amount_wh = certificate.amount_wh;
		CertificateOffers::<T>::remove(id);
		OffersByRecipient::<T>::remove(&who, id);
		CertificatesByOwner::<T>::remove(&from, id);
		CertificateCount::<T>::mutate(&from, |c| *c = c.saturating_sub(1));
		CertificatesByOwner::<T>::insert(&who, id, ());
		CertificateCount::<T>::insert(&who, count.saturating_add(1));
		certificate.owner = who.clone();
		Certificates::<T>::insert(id, certificate);
		Self::deposit_event(Event::CertificateTransferred { id, from, to: who, amount_wh });
		Ok(())
	}

	/// The recipient `who` turns down the offer of certificate `id`.
	pub(crate) fn do_reject_certificate(who: T::AccountId, id: CertificateId) -> DispatchResult {
		let offer = CertificateOffers::<T>::get(id).ok_or(Error::<T>::CertificateNotOffered)?;
		ensure!(offer.to == who, Error::<T>::NotOfferRecipient);
		let certificate = Certificates::<T>::get(id).ok_or(Error::<T>::UnknownCertificate)?;
		let from = certificate.owner.clone();
		let merged_into = Self::withdraw_offer(id, &offer, &certificate)?;
		Self::deposit_event(Event::CertificateOfferRejected { id, from, to: who, merged_into });
		Ok(())
	}

	/// The sender `who` takes back its offer of certificate `id`.
	pub(crate) fn do_cancel_certificate_offer(
		who: T::AccountId,
		id: CertificateId,
	) -> DispatchResult {
		let certificate = Certificates::<T>::get(id).ok_or(Error::<T>::UnknownCertificate)?;
		ensure!(certificate.owner == who, Error::<T>::NotCertificateOwner);
		let offer = CertificateOffers::<T>::get(id).ok_or(Error::<T>::CertificateNotOffered)?;
		let merged_into = Self::withdraw_offer(id, &offer, &certificate)?;
		Self::deposit_event(Event::CertificateOfferCancelled {
			id,
			from: who,
			to: offer.to,
			merged_into,
		});
		Ok(())
	}

	/// Closes the offer of record `id` (held by the sender). A part split off for the offer goes
	/// back into the record it came from, if the sender still holds that record and it is not
	/// on offer itself (the part's record is removed and its deposit returned); the record it
	/// went into is returned. Otherwise the record simply stays with the sender.
	fn withdraw_offer(
		id: CertificateId,
		offer: &CertificateOffer<T::AccountId>,
		certificate: &Certificate<T::AccountId, BalanceOf<T>>,
	) -> Result<Option<CertificateId>, sp_runtime::DispatchError> {
		let parent = offer.split_from.and_then(|parent_id| {
			Certificates::<T>::get(parent_id)
				.filter(|parent| {
					parent.owner == certificate.owner
						&& parent.provenance == certificate.provenance
						&& !CertificateOffers::<T>::contains_key(parent_id)
				})
				.map(|parent| (parent_id, parent))
		});
		let merged_into = match parent {
			Some((parent_id, mut parent)) => {
				parent.amount_wh = parent.amount_wh.saturating_add(certificate.amount_wh);
				Self::remove_certificate(id, certificate)?;
				Certificates::<T>::insert(parent_id, parent);
				Some(parent_id)
			}
			None => None,
		};
		CertificateOffers::<T>::remove(id);
		OffersByRecipient::<T>::remove(&offer.to, id);
		Ok(merged_into)
	}

	pub(crate) fn do_retire(
		who: T::AccountId,
		id: CertificateId,
		amount_wh: WattHours,
		meter: DeviceId,
	) -> DispatchResult {
		ensure!(amount_wh > 0, Error::<T>::ZeroAmount);
		let mut certificate = Certificates::<T>::get(id).ok_or(Error::<T>::UnknownCertificate)?;
		ensure!(certificate.owner == who, Error::<T>::NotCertificateOwner);
		ensure!(!CertificateOffers::<T>::contains_key(id), Error::<T>::CertificateOnOffer);
		ensure!(amount_wh <= certificate.amount_wh, Error::<T>::ExceedsHolding);
		let meter_view = T::Devices::device(meter).ok_or(Error::<T>::UnknownDevice)?;
		ensure!(meter_view.kind == DeviceKind::SmartMeter, Error::<T>::NotASmartMeter);
		ensure!(meter_view.owner == who, Error::<T>::NotMeterOwner);
		let provenance = certificate.provenance;
		ensure!(meter_view.region == provenance.region, Error::<T>::RegionMismatch);
		let hour = provenance.hour;
		let mut consumption =
			Self::consumption_in(meter, hour).ok_or(Error::<T>::NoConsumptionInHour)?;
		let unmatched = consumption.consumed_wh.saturating_sub(consumption.matched_wh);
		ensure!(amount_wh <= unmatched, Error::<T>::ExceedsConsumption);
		let mut records = Retirements::<T>::get(&who, hour);
		records
			.try_push(Retirement { meter, certificate: id, provenance, amount_wh })
			.map_err(|_| Error::<T>::TooManyRetirements)?;

		certificate.amount_wh = certificate.amount_wh.saturating_sub(amount_wh);
		if certificate.amount_wh == 0 {
			Self::remove_certificate(id, &certificate)?;
		} else {
			Certificates::<T>::insert(id, certificate);
		}
		consumption.matched_wh = consumption.matched_wh.saturating_add(amount_wh);
		ConsumptionByHour::<T>::insert(meter, Self::slot_of(hour), consumption);
		Retirements::<T>::insert(&who, hour, records);
		CertificateSupply::<T>::mutate(provenance.region, hour, |supply| {
			supply.retired_wh = supply.retired_wh.saturating_add(amount_wh)
		});
		Self::deposit_event(Event::CertificateRetired {
			id,
			consumer: who,
			meter,
			hour,
			amount_wh,
		});
		Ok(())
	}

	/// Certificates `owner` holds (at most `MaxCertificatesPerOwner`).
	pub fn certificates_of(
		owner: &T::AccountId,
	) -> Vec<(CertificateId, Certificate<T::AccountId, BalanceOf<T>>)> {
		CertificatesByOwner::<T>::iter_key_prefix(owner)
			.filter_map(|id| Certificates::<T>::get(id).map(|c| (id, c)))
			.collect()
	}

	/// Certificate records offered to `recipient` and not yet accepted, rejected or cancelled,
	/// at most `max` of them. Offers come from any number of senders, each bounded only by its
	/// own limit, so a reader bounds what it reads.
	pub fn certificate_offers_to(
		recipient: &T::AccountId,
		max: u32,
	) -> Vec<(CertificateId, Certificate<T::AccountId, BalanceOf<T>>)> {
		OffersByRecipient::<T>::iter_key_prefix(recipient)
			.filter_map(|id| Certificates::<T>::get(id).map(|c| (id, c)))
			.take(usize::try_from(max).unwrap_or(usize::MAX))
			.collect()
	}

	/// Retirements of `consumer` in hours `from_hour..=to_hour` (at most [`MAX_QUERY_HOURS`]
	/// hours from `from_hour`).
	pub fn retirements_of(
		consumer: &T::AccountId,
		from_hour: HourIndex,
		to_hour: HourIndex,
	) -> Vec<(HourIndex, Retirement)> {
		let last = to_hour.min(from_hour.saturating_add(MAX_QUERY_HOURS.saturating_sub(1)));
		let mut out = Vec::new();
		let mut hour = from_hour;
		while hour <= last {
			for record in Retirements::<T>::get(consumer, hour) {
				out.push((hour, record));
			}
			match hour.checked_add(1) {
				Some(next) => hour = next,
				None => break,
			}
		}
		out
	}

	/// Balance held for certificate deposits of `who`.
	pub fn certificate_deposits_of(who: &T::AccountId) -> BalanceOf<T> {
		use frame_support::traits::fungible::InspectHold;
		T::Currency::balance_on_hold(&HoldReason::CertificateDeposit.into(), who)
	}
}
