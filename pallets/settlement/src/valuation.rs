//! Valuation: the parameter calls, and how an accepted bundle becomes value points.
//!
//! `points = energy_wh × price_per_kwh / 1000 × region × time_of_use(hour) × green × quality ×
//! attestation`, in planck of nominal value, for the energy of each UTC hour of a bundle
//! ([`AcceptedReadings::hours`]: telemetry splits every reading interval by the hour it
//! happened in). Time of use is the multiplier of that hour; flexible consumption uses its
//! reciprocal. Points go to the epoch the energy happened in while that epoch is open for
//! points ([`Pallet::epoch_open_for_points`]); energy of a closed epoch is recorded in the
//! device's value but earns no points. Certificates are booked to the hour the energy
//! happened in, whatever its epoch.

use alloc::boxed::Box;
use frame_support::{
	ensure,
	traits::{fungible::Mutate, tokens::Preservation},
};
use openvpp_primitives::{
	AcceptedReadings, DeviceId, DeviceKind, DeviceRegistry, GridSupportFeed, OnReadingsAccepted,
	RegionId, RewardEligibility, TimestampMs, WattHours,
};
use sp_runtime::{
	traits::{One, UniqueSaturatedInto, Zero},
	DispatchError, DispatchResult, FixedPointNumber, FixedU128, Permill, Saturating,
};

use crate::{
	pallet::*, BalanceOf, Contribution, EpochIndex, HourIndex, Points, RegionMultiplier,
	ValuationParams, ValuationTable, HOURS_PER_DAY, HOUR_MS, MAX_CREDIT_SCORE, MAX_MULTIPLIER,
};

/// What the energy registers of a bundle contributed, by kind (see [`Contribution`]).
pub fn contributions(
	kind: DeviceKind,
	energy_in_wh: WattHours,
	energy_out_wh: WattHours,
) -> [(Contribution, WattHours); 2] {
	match kind {
		DeviceKind::SolarPv | DeviceKind::Wind => {
			[(Contribution::Generation, energy_out_wh), (Contribution::Generation, 0)]
		}
		DeviceKind::Battery | DeviceKind::Ev => [
			(Contribution::StorageDischarge, energy_out_wh),
			(Contribution::FlexibleConsumption, energy_in_wh),
		],
		DeviceKind::HeatPump => {
			[(Contribution::FlexibleConsumption, energy_in_wh), (Contribution::Generation, 0)]
		}
		DeviceKind::SmartMeter => [(Contribution::Generation, 0), (Contribution::Generation, 0)],
	}
}

/// UTC hour index of a timestamp.
pub fn hour_of(ms: TimestampMs) -> HourIndex {
	ms.checked_div(HOUR_MS).unwrap_or_default()
}

/// UTC hour of day (0..24) of a timestamp.
pub fn hour_of_day(ms: TimestampMs) -> usize {
	let hour = hour_of(ms).checked_rem(HOURS_PER_DAY as u64).unwrap_or_default();
	usize::try_from(hour).unwrap_or_default()
}

/// Quality multiplier for a credit score: `floor` at 0, rising linearly to 1.0 at 1000.
pub fn quality_multiplier(floor: Permill, score: u16) -> FixedU128 {
	let share = Permill::from_rational(u32::from(score.min(MAX_CREDIT_SCORE)), 1000u32);
	let rise = Permill::one().saturating_sub(floor).saturating_mul(share);
	FixedU128::from(floor.saturating_add(rise))
}

/// Everything that values one contribution of one bundle.
pub struct ValuationInput {
	/// Kind of the device.
	pub kind: DeviceKind,
	/// What the energy did.
	pub contribution: Contribution,
	/// Energy, Wh.
	pub energy_wh: WattHours,
	/// When (the bundle's last reading), ms.
	pub at_ms: TimestampMs,
	/// Region multiplier.
	pub region_multiplier: FixedU128,
	/// The device's credit score.
	pub credit_score: u16,
	/// Whether the device has a valid attestation.
	pub attested: bool,
}

/// Value points of one contribution under `params`.
pub fn value_points<Balance: Copy + Default + UniqueSaturatedInto<u128>>(
	params: &ValuationParams<Balance>,
	input: &ValuationInput,
) -> Points {
	let price: u128 = params
		.prices_per_kwh
		.get(crate::kind_index(input.kind))
		.and_then(|row| row.get(input.contribution.index()))
		.copied()
		.unwrap_or_default()
		.unique_saturated_into();
	if price == 0 || input.energy_wh == 0 {
		return 0;
	}
	let one = FixedU128::one();
	let hour_multiplier = params.time_of_use.get(hour_of_day(input.at_ms)).copied().unwrap_or(one);
	let time_of_use = if input.contribution == Contribution::FlexibleConsumption {
		hour_multiplier.reciprocal().unwrap_or(one)
	} else {
		hour_multiplier
	};
	let green =
		if input.contribution == Contribution::Generation && input.kind.is_renewable_generator() {
			params.green_premium
		} else {
			one
		};
	let attestation = if input.attested { params.attestation_multiplier } else { one };
	let multiplier = input
		.region_multiplier
		.saturating_mul(time_of_use)
		.saturating_mul(green)
		.saturating_mul(quality_multiplier(params.quality_floor, input.credit_score))
		.saturating_mul(attestation);
	// Planck per kWh × Wh = milli-planck.
	let nominal_milli = price.saturating_mul(u128::from(input.energy_wh));
	multiplier.saturating_mul_int(nominal_milli).checked_div(1000).unwrap_or_default()
}

fn ensure_multiplier<T: Config>(m: FixedU128) -> DispatchResult {
	ensure!(!m.is_zero() && m <= MAX_MULTIPLIER, Error::<T>::MultiplierOutOfRange);
	Ok(())
}

fn ensure_premium<T: Config>(m: FixedU128) -> DispatchResult {
	ensure!(m >= FixedU128::one() && m <= MAX_MULTIPLIER, Error::<T>::MultiplierOutOfRange);
	Ok(())
}

impl<T: Config> Pallet<T> {
	/// Applies `change` to the parameters of the next epoch (the pending set, or a copy of the
	/// active one) and returns that epoch.
	fn change_next_params(change: impl FnOnce(&mut ValuationParams<BalanceOf<T>>)) -> EpochIndex {
		let effective = CurrentEpoch::<T>::get().saturating_add(1);
		let mut params = match PendingParams::<T>::get() {
			Some((_, pending)) => pending,
			None => ActiveParams::<T>::get(),
		};
		change(&mut params);
		PendingParams::<T>::put((effective, params));
		effective
	}

	pub(crate) fn do_set_price(
		kind: DeviceKind,
		contribution: Contribution,
		price_per_kwh: BalanceOf<T>,
	) -> DispatchResult {
		let effective_epoch = Self::change_next_params(|p| {
			if let Some(price) = p
				.prices_per_kwh
				.get_mut(crate::kind_index(kind))
				.and_then(|row| row.get_mut(contribution.index()))
			{
				*price = price_per_kwh;
			}
		});
		Self::deposit_event(Event::PriceSet { kind, contribution, price_per_kwh, effective_epoch });
		Ok(())
	}

	pub(crate) fn do_set_region_multiplier(
		region: RegionId,
		multiplier: FixedU128,
	) -> DispatchResult {
		ensure_multiplier::<T>(multiplier)?;
		let current = CurrentEpoch::<T>::get();
		let effective_epoch = current.saturating_add(1);
		RegionMultipliers::<T>::mutate(region, |entry| {
			let active = entry.map(|r| r.at(current)).unwrap_or_else(FixedU128::one);
			*entry =
				Some(RegionMultiplier { active, pending: Some((effective_epoch, multiplier)) });
		});
		Self::deposit_event(Event::RegionMultiplierSet { region, multiplier, effective_epoch });
		Ok(())
	}

	pub(crate) fn do_set_time_of_use(
		multipliers: Box<[FixedU128; HOURS_PER_DAY]>,
	) -> DispatchResult {
		for m in multipliers.iter() {
			ensure_multiplier::<T>(*m)?;
		}
		let effective_epoch = Self::change_next_params(|p| p.time_of_use = *multipliers);
		Self::deposit_event(Event::TimeOfUseSet { multipliers, effective_epoch });
		Ok(())
	}

	pub(crate) fn do_set_multipliers(
		green_premium: FixedU128,
		attestation_multiplier: FixedU128,
		quality_floor: Permill,
	) -> DispatchResult {
		ensure_premium::<T>(green_premium)?;
		ensure_premium::<T>(attestation_multiplier)?;
		let effective_epoch = Self::change_next_params(|p| {
			p.green_premium = green_premium;
			p.attestation_multiplier = attestation_multiplier;
			p.quality_floor = quality_floor;
		});
		Self::deposit_event(Event::MultipliersSet {
			green_premium,
			attestation_multiplier,
			quality_floor,
			effective_epoch,
		});
		Ok(())
	}

	pub(crate) fn do_set_emission(emission_per_epoch: BalanceOf<T>) -> DispatchResult {
		let effective_epoch =
			Self::change_next_params(|p| p.emission_per_epoch = emission_per_epoch);
		Self::deposit_event(Event::EmissionSet { emission_per_epoch, effective_epoch });
		Ok(())
	}

	pub(crate) fn do_fund_pot(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		T::Currency::transfer(&who, &Self::pot_account(), amount, Preservation::Preserve)?;
		Self::deposit_event(Event::PotFunded { from: who, amount });
		Ok(())
	}

	/// The multiplier of `region` in the current epoch (1.0 unless governance set one).
	pub fn region_multiplier(region: RegionId) -> FixedU128 {
		Self::region_multiplier_at(region, CurrentEpoch::<T>::get())
	}

	/// The multiplier of `region` in `epoch` (the current one or the one before).
	pub fn region_multiplier_at(region: RegionId, epoch: EpochIndex) -> FixedU128 {
		RegionMultipliers::<T>::get(region).map(|r| r.at(epoch)).unwrap_or_else(FixedU128::one)
	}

	/// The valuation table for readers.
	pub fn valuation_table() -> ValuationTable<BalanceOf<T>> {
		let current = CurrentEpoch::<T>::get();
		ValuationTable {
			active: ActiveParams::<T>::get(),
			pending: PendingParams::<T>::get(),
			regions: RegionMultipliers::<T>::iter()
				.map(|(region, m)| (region, m.at(current)))
				.collect(),
		}
	}

	/// Adds energy per contribution (indexed by [`Contribution::index`]) and points to the
	/// device's lifetime value.
	fn book_value(device: DeviceId, energy_wh: &[WattHours], points: Points) {
		DeviceValues::<T>::mutate(device, |value| {
			for (total, wh) in value.energy_wh.iter_mut().zip(energy_wh) {
				*total = total.saturating_add(*wh);
			}
			value.lifetime_points = value.lifetime_points.saturating_add(points);
		});
	}

	/// Turns an accepted bundle into points, credit and hourly certificate ledgers: O(1) per
	/// hour the bundle's energy happened in.
	///
	/// What counts is what the device's eligibility allows (its hardware attestation under its
	/// region's policy): all of it, at most the region's cap over each hour's part, or nothing.
	/// Only fully eligible (hardware-attested) devices feed the certificate ledger.
	pub(crate) fn note_accepted(accepted: &AcceptedReadings) {
		let current = CurrentEpoch::<T>::get();
		let view = T::Devices::device(accepted.device);
		let attested = view.as_ref().is_some_and(|v| v.attestations > 0 || v.hardware_attested);
		let eligibility = view.map_or(RewardEligibility::None, |v| v.eligibility);
		let credit = Self::note_report(accepted.device, current);
		let credit_score = credit.score(attested);
		let params = ActiveParams::<T>::get();
		// Only generation that may become certificates feeds the generation ledger; metered
		// consumption is booked for every meter (it can only be matched, never minted).
		let generates = accepted.kind.is_renewable_generator() || accepted.kind.is_storage();
		let certifies = generates && eligibility.certificates_allowed();

		// Energy per contribution, points per epoch (at most the two open ones): written once
		// per bundle; only the certificate ledgers are written per hour.
		let mut energy_wh = [0 as WattHours; Contribution::ALL.len()];
		let mut epoch_points: [(EpochIndex, Points); 2] = [(0, 0); 2];
		for part in &accepted.hours {
			// A part's last moment decides its epoch (with hour-long epochs, its hour); a
			// reading stamped within the clock drift ahead of chain time counts as now.
			let epoch = Self::epoch_of(part.to_ms.saturating_sub(1)).min(current);
			let valued = Self::epoch_open_for_points(epoch);
			let elapsed_ms = part.to_ms.saturating_sub(part.from_ms);
			let region_multiplier = Self::region_multiplier_at(accepted.region, epoch);
			let mut points: Points = 0;
			for (contribution, wh) in
				contributions(accepted.kind, part.energy_in_wh, part.energy_out_wh)
			{
				let counted_wh = eligibility.counted_wh(wh, elapsed_ms);
				if counted_wh == 0 {
					continue;
				}
				if let Some(total) = energy_wh.get_mut(contribution.index()) {
					*total = total.saturating_add(counted_wh);
				}
				if valued {
					let input = ValuationInput {
						kind: accepted.kind,
						contribution,
						energy_wh: counted_wh,
						at_ms: part.from_ms,
						region_multiplier,
						credit_score,
						attested,
					};
					points = points.saturating_add(value_points(&params, &input));
				}
			}
			if points > 0 {
				let slot = epoch_points.iter_mut().find(|(e, p)| *e == epoch || *p == 0);
				if let Some((e, p)) = slot {
					*e = epoch;
					*p = p.saturating_add(points);
				}
			}
			if certifies {
				Self::note_generation(accepted.device, part.hour, part.energy_out_wh);
			}
			if accepted.kind == DeviceKind::SmartMeter {
				Self::note_consumption(accepted.device, part.hour, part.energy_in_wh);
			}
		}
		let lifetime_points =
			epoch_points.iter().fold(0 as Points, |sum, (_, p)| sum.saturating_add(*p));
		if lifetime_points > 0 || energy_wh.iter().any(|wh| *wh > 0) {
			Self::book_value(accepted.device, &energy_wh, lifetime_points);
		}
		for (epoch, points) in epoch_points {
			Self::add_points(accepted.device, epoch, points);
		}
	}

	/// Values grid-support energy a device delivered (reported by v2g). O(1).
	pub(crate) fn note_grid_support_energy(
		device: DeviceId,
		energy_wh: WattHours,
		at_ms: TimestampMs,
	) -> DispatchResult {
		let view = T::Devices::device(device).ok_or(Error::<T>::UnknownDevice)?;
		let attested = view.attestations > 0 || view.hardware_attested;
		// At most one hour of the region's cap per report for an unattested device.
		let energy_wh = view.eligibility.counted_wh(energy_wh, HOUR_MS);
		if energy_wh == 0 {
			return Ok(());
		}
		let epoch = CurrentEpoch::<T>::get();
		let credit_score = Credit::<T>::get(device).score(attested);
		let params = ActiveParams::<T>::get();
		let input = ValuationInput {
			kind: view.kind,
			contribution: Contribution::GridSupport,
			energy_wh,
			at_ms,
			region_multiplier: Self::region_multiplier(view.region),
			credit_score,
			attested,
		};
		let points = value_points(&params, &input);
		let mut energy = [0 as WattHours; Contribution::ALL.len()];
		if let Some(total) = energy.get_mut(Contribution::GridSupport.index()) {
			*total = energy_wh;
		}
		Self::book_value(device, &energy, points);
		Self::add_points(device, epoch, points);
		Ok(())
	}
}

impl<T: Config> OnReadingsAccepted<T::AccountId> for Pallet<T> {
	fn on_readings_accepted(_owner: &T::AccountId, accepted: &AcceptedReadings) {
		Self::note_accepted(accepted);
	}
}

impl<T: Config> GridSupportFeed for Pallet<T> {
	fn note_grid_support(
		device: DeviceId,
		energy_wh: WattHours,
		at_ms: TimestampMs,
	) -> Result<(), DispatchError> {
		Self::note_grid_support_energy(device, energy_wh, at_ms)
	}
}
