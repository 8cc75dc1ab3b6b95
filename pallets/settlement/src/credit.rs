//! Credit score: 0..=1000 per device, kept up to date in O(1).
//!
//! `score = regularity / 2 + (attested ? 200 : 0) + reliability × 300`, so
//!
//! - reporting regularity weighs up to 500: +50 for every epoch with an accepted bundle, −100
//!   for every epoch missed in between (a device reporting every hour reaches 1000 after 20
//!   hours; a gap costs twice what a report earns);
//! - a valid attestation adds 200;
//! - demand-response reliability weighs up to 300: a moving average (weight 1/4 for the newest)
//!   of the share of its commitment the device delivered, reported by v2g; 1.0 until then.
//!
//! Each input only moves the score in the direction one would expect. Rejected bundles are not
//! reported to settlement (telemetry counts them against the device in the registry); they
//! lower the score through missing epochs. The score scales the quality multiplier
//! (see [`crate::ValuationParams::quality_floor`]).

use openvpp_primitives::{DeviceId, DeviceRegistry, ReliabilityFeed};
use sp_runtime::{DispatchResult, Permill};

use crate::{pallet::*, CreditState, EpochIndex, MAX_CREDIT_SCORE};

/// Regularity earned by reporting in an epoch.
pub const REGULARITY_PER_REPORT: u16 = 50;
/// Regularity lost per epoch missed.
pub const REGULARITY_PER_MISS: u16 = 100;
/// Weight of regularity in the score, out of 1000.
pub const REGULARITY_WEIGHT: u16 = 500;
/// Score added by a valid attestation.
pub const ATTESTATION_POINTS: u16 = 200;
/// Weight of demand-response reliability in the score, out of 1000.
pub const RELIABILITY_WEIGHT: u16 = 300;

impl CreditState {
	/// Records an accepted bundle in `epoch`; only the first one of an epoch counts.
	pub fn note_report(&mut self, epoch: EpochIndex) {
		let missed = match self.last_report_epoch {
			Some(last) if last >= epoch => return,
			Some(last) => epoch.saturating_sub(last).saturating_sub(1),
			None => 0,
		};
		let missed = u16::try_from(missed).unwrap_or(u16::MAX);
		self.regularity = self
			.regularity
			.saturating_sub(missed.saturating_mul(REGULARITY_PER_MISS))
			.saturating_add(REGULARITY_PER_REPORT)
			.min(MAX_CREDIT_SCORE);
		self.last_report_epoch = Some(epoch);
	}

	/// Records a demand-response delivery (share of the commitment delivered).
	pub fn note_delivery(&mut self, delivered: Permill) {
		let old = u64::from(self.reliability.deconstruct());
		let new = u64::from(delivered.deconstruct());
		let average = old.saturating_mul(3).saturating_add(new).checked_div(4).unwrap_or_default();
		self.reliability = Permill::from_parts(u32::try_from(average).unwrap_or(u32::MAX));
		self.deliveries = self.deliveries.saturating_add(1);
	}

	/// The score, 0..=1000.
	pub fn score(&self, attested: bool) -> u16 {
		let regularity = u32::from(self.regularity.min(MAX_CREDIT_SCORE))
			.saturating_mul(u32::from(REGULARITY_WEIGHT))
			.checked_div(u32::from(MAX_CREDIT_SCORE))
			.unwrap_or_default();
		let attestation = if attested { u32::from(ATTESTATION_POINTS) } else { 0 };
		let reliability = self.reliability.mul_floor(u32::from(RELIABILITY_WEIGHT));
		let score = regularity.saturating_add(attestation).saturating_add(reliability);
		u16::try_from(score).unwrap_or(MAX_CREDIT_SCORE).min(MAX_CREDIT_SCORE)
	}
}

impl<T: Config> Pallet<T> {
	/// Records an accepted bundle of `device` in `epoch` and returns its credit inputs.
	pub(crate) fn note_report(device: DeviceId, epoch: EpochIndex) -> CreditState {
		Credit::<T>::mutate(device, |credit| {
			credit.note_report(epoch);
			*credit
		})
	}

	/// The device's credit score, if the device exists.
	pub fn credit_score(device: DeviceId) -> Option<u16> {
		let view = T::Devices::device(device)?;
		Some(Credit::<T>::get(device).score(view.attestations > 0 || view.hardware_attested))
	}

	pub(crate) fn do_note_delivery(device: DeviceId, delivered: Permill) -> DispatchResult {
		frame_support::ensure!(T::Devices::device(device).is_some(), Error::<T>::UnknownDevice);
		Credit::<T>::mutate(device, |credit| credit.note_delivery(delivered));
		Self::deposit_event(Event::DeliveryNoted { device, delivered });
		Ok(())
	}
}

impl<T: Config> ReliabilityFeed for Pallet<T> {
	fn note_delivery(device: DeviceId, delivered: Permill) -> DispatchResult {
		Self::do_note_delivery(device, delivered)
	}
}
