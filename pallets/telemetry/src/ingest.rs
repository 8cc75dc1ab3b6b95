//! Ingestion of a gateway's batch: verify each bundle on its own, write what passed.

use frame_support::{ensure, pallet_prelude::DispatchResult, traits::UnixTime};
use frame_system::pallet_prelude::BlockNumberFor;
use openvpp_primitives::{Bundle, DeviceRegistry, OnReadingsAccepted, OperatingDelta, TimestampMs};
use sp_core::{Get, H256};
use sp_runtime::{traits::Zero, BoundedVec};

use crate::{
	history,
	types::{RejectReason, TelemetryLimits, TelemetryState},
	verify::{self, VerifyContext},
	Config, DeviceQuality, DeviceTelemetry, Error, Event, GatewayQuality, Pallet,
};

impl<T: Config> Pallet<T> {
	/// Verifies and ingests every bundle of `gateway`'s batch.
	///
	/// A rejected bundle changes only counters and never affects the others: each bundle is
	/// verified in full before anything of it is written, and bundles of the same device later
	/// in the batch see the state the accepted ones left.
	pub(crate) fn do_submit(
		gateway: T::AccountId,
		bundles: BoundedVec<Bundle<T::MaxReadingsPerBundle>, T::MaxBundlesPerCall>,
	) -> DispatchResult {
		ensure!(!bundles.is_empty(), Error::<T>::NoBundles);
		let ctx = Self::verify_context();
		let mut gateway_quality = GatewayQuality::<T>::get(&gateway);
		let mut accepted_bundles = 0u32;
		let mut accepted_readings = 0u32;
		let mut rejected_bundles = 0u32;
		for bundle in bundles.iter() {
			match Self::ingest_bundle(&gateway, bundle, &ctx) {
				Ok(readings) => {
					accepted_bundles = accepted_bundles.saturating_add(1);
					accepted_readings = accepted_readings.saturating_add(readings);
				}
				Err(reason) => {
					rejected_bundles = rejected_bundles.saturating_add(1);
					gateway_quality.note_rejected(reason);
					Self::deposit_event(Event::BundleRejected {
						device: bundle.device,
						first_seq: bundle.first_seq,
						reason,
					});
				}
			}
		}
		gateway_quality.bundles_accepted =
			gateway_quality.bundles_accepted.saturating_add(u64::from(accepted_bundles));
		gateway_quality.readings_accepted =
			gateway_quality.readings_accepted.saturating_add(u64::from(accepted_readings));
		GatewayQuality::<T>::insert(&gateway, gateway_quality);
		Self::deposit_event(Event::Submitted {
			gateway,
			accepted_bundles,
			accepted_readings,
			rejected_bundles,
		});
		Ok(())
	}

	/// Verifies one bundle and, if it passes, writes it; returns the readings accepted.
	fn ingest_bundle(
		gateway: &T::AccountId,
		bundle: &Bundle<T::MaxReadingsPerBundle>,
		ctx: &VerifyContext,
	) -> Result<u32, RejectReason> {
		let device = bundle.device;
		let view = Self::access(gateway, device)?;
		let state = DeviceTelemetry::<T>::get(device);
		let verified = match verify::verify_bundle(&view, state.as_ref(), bundle, ctx) {
			Ok(verified) => verified,
			Err(reason) => {
				if reason.blames_device() {
					DeviceQuality::<T>::mutate(device, |q| q.note_rejected(reason));
					let readings_rejected =
						u32::try_from(bundle.readings.len()).unwrap_or(u32::MAX);
					T::Devices::note_operation(
						device,
						OperatingDelta { readings_rejected, ..Default::default() },
					);
				}
				return Err(reason);
			}
		};

		// Everything checked: write.
		let accepted = verified.accepted;
		DeviceTelemetry::<T>::insert(device, verified.state);
		DeviceQuality::<T>::mutate(device, |q| {
			q.accepted_bundles = q.accepted_bundles.saturating_add(1);
			q.accepted_readings = q.accepted_readings.saturating_add(u64::from(accepted.readings));
		});
		history::index_readings(device, bundle.first_seq, &verified.readings);
		T::Devices::note_operation(
			device,
			OperatingDelta {
				energy_in_wh: accepted.energy_in_wh,
				energy_out_wh: accepted.energy_out_wh,
				readings_accepted: accepted.readings,
				readings_rejected: 0,
			},
		);
		T::OnAccepted::on_readings_accepted(&view.owner, &accepted);
		Ok(accepted.readings)
	}

	/// Checks `bundle` as `submit` from `gateway` would now, writing nothing: what an offchain
	/// worker asks before paying to submit it. `state` is the device's state to check against
	/// (`None`: what is stored), so that consecutive bundles of one device can be checked before
	/// any is on chain; returns the state the bundle leads to.
	pub fn precheck(
		gateway: &T::AccountId,
		bundle: &Bundle<T::MaxReadingsPerBundle>,
		state: Option<TelemetryState>,
		ctx: &VerifyContext,
	) -> Result<TelemetryState, RejectReason> {
		let view = Self::access(gateway, bundle.device)?;
		let state = state.or_else(|| DeviceTelemetry::<T>::get(bundle.device));
		verify::verify_bundle(&view, state.as_ref(), bundle, ctx).map(|v| v.state)
	}

	/// The device's registry view, if it is active and `gateway` may submit for it.
	fn access(
		gateway: &T::AccountId,
		device: openvpp_primitives::DeviceId,
	) -> Result<openvpp_primitives::DeviceView<T::AccountId>, RejectReason> {
		let view = T::Devices::device(device);
		verify::check_access(view.as_ref(), || T::Devices::is_gateway_authorized(device, gateway))?;
		view.ok_or(RejectReason::UnknownDevice)
	}

	/// Chain time, ms since the Unix epoch.
	pub fn now_ms() -> TimestampMs {
		u64::try_from(T::UnixTime::now().as_millis()).unwrap_or(u64::MAX)
	}

	/// Genesis hash of the chain, as device signatures name it.
	pub fn genesis_hash() -> H256 {
		let hash = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		let mut bytes = [0u8; 32];
		for (to, from) in bytes.iter_mut().zip(hash.as_ref().iter()) {
			*to = *from;
		}
		H256(bytes)
	}

	/// The limits and tolerances in force.
	pub fn limits() -> TelemetryLimits {
		TelemetryLimits {
			max_bundles_per_call: T::MaxBundlesPerCall::get(),
			max_readings_per_bundle: T::MaxReadingsPerBundle::get(),
			max_future_drift_ms: T::MaxFutureDriftMs::get(),
			max_reading_age_ms: T::MaxReadingAgeMs::get(),
			epoch_duration_ms: T::EpochDurationMs::get(),
			nameplate_tolerance: T::NameplateTolerance::get(),
			soc_energy_tolerance: T::SocEnergyTolerance::get(),
			soc_capacity_tolerance: T::SocCapacityTolerance::get(),
		}
	}

	/// What verification compares bundles against right now.
	pub fn verify_context() -> VerifyContext {
		VerifyContext {
			now_ms: Self::now_ms(),
			genesis: Self::genesis_hash(),
			limits: Self::limits(),
		}
	}
}
