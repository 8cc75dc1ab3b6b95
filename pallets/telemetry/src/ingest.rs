//! Ingestion of a gateway's batch: verify each bundle on its own, write what passed.

use frame_support::{ensure, pallet_prelude::DispatchResult, traits::UnixTime};
use frame_system::pallet_prelude::BlockNumberFor;
use openvpp_primitives::{
	ocmf::{self, OcmfError},
	Bundle, DeviceId, DevicePublicKey, DeviceRegistry, DeviceView, OnReadingsAccepted,
	OperatingDelta, TimestampMs,
};
use sp_core::{Get, H256};
use sp_runtime::{traits::Zero, BoundedVec};

use crate::{
	history,
	types::{OcmfSubmission, OcmfVerdict, RejectReason, TelemetryLimits, TelemetryState},
	verify::{self, VerifiedBundle, VerifyContext},
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
		Self::ingest_batch(gateway, bundles.iter(), |gateway, bundle| {
			let outcome = Self::ingest_bundle(gateway, bundle, &ctx);
			(bundle.device, bundle.first_seq, outcome)
		});
		Ok(())
	}

	/// Verifies and ingests every OCMF record of `gateway`'s batch, each on its own like the
	/// bundles of [`Self::do_submit`].
	pub(crate) fn do_submit_ocmf(
		gateway: T::AccountId,
		records: BoundedVec<OcmfSubmission, T::MaxBundlesPerCall>,
	) -> DispatchResult {
		ensure!(!records.is_empty(), Error::<T>::NoBundles);
		let ctx = Self::verify_context();
		Self::ingest_batch(gateway, records.iter(), |gateway, submission| {
			let device = submission.device;
			let state = DeviceTelemetry::<T>::get(device);
			let next_seq = state.map_or(0, |s| s.last_seq.saturating_add(1));
			let outcome = Self::access(gateway, device).and_then(|view| {
				let verified =
					verify::verify_ocmf(&view, state.as_ref(), device, &submission.record, &ctx)
						.map_err(|reason| Self::note_device_fault(device, reason, 1))?;
				history::index_ocmf(device, verified.first_seq, &submission.record);
				Ok(Self::write_accepted(&view, device, verified.first_seq, verified.bundle))
			});
			(device, next_seq, outcome)
		});
		Ok(())
	}

	/// Runs `ingest` on every item, counts the outcomes against the gateway and emits the
	/// events. `ingest` returns the device, the first sequence number and the verdict.
	fn ingest_batch<'a, E: 'a>(
		gateway: T::AccountId,
		items: impl Iterator<Item = &'a E>,
		mut ingest: impl FnMut(&T::AccountId, &E) -> (DeviceId, u64, Result<u32, RejectReason>),
	) {
		let mut gateway_quality = GatewayQuality::<T>::get(&gateway);
		let mut accepted_bundles = 0u32;
		let mut accepted_readings = 0u32;
		let mut rejected_bundles = 0u32;
		for item in items {
			match ingest(&gateway, item) {
				(_, _, Ok(readings)) => {
					accepted_bundles = accepted_bundles.saturating_add(1);
					accepted_readings = accepted_readings.saturating_add(readings);
				}
				(device, first_seq, Err(reason)) => {
					rejected_bundles = rejected_bundles.saturating_add(1);
					gateway_quality.note_rejected(reason);
					Self::deposit_event(Event::BundleRejected { device, first_seq, reason });
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
		let verified = verify::verify_bundle(&view, state.as_ref(), bundle, ctx).map_err(|r| {
			Self::note_device_fault(
				device,
				r,
				u32::try_from(bundle.readings.len()).unwrap_or(u32::MAX),
			)
		})?;
		Ok(Self::write_accepted(&view, device, bundle.first_seq, verified))
	}

	/// Counts a refusal against the device when the device signed what failed; returns the
	/// reason.
	fn note_device_fault(device: DeviceId, reason: RejectReason, readings: u32) -> RejectReason {
		if reason.blames_device() {
			DeviceQuality::<T>::mutate(device, |q| q.note_rejected(reason));
			T::Devices::note_operation(
				device,
				OperatingDelta { readings_rejected: readings, ..Default::default() },
			);
		}
		reason
	}

	/// Writes what passed every check: state, counters, history, the registry's operating
	/// counters and the consumers. Returns the readings accepted.
	fn write_accepted(
		view: &DeviceView<T::AccountId>,
		device: DeviceId,
		first_seq: u64,
		verified: VerifiedBundle,
	) -> u32 {
		let accepted = verified.accepted;
		DeviceTelemetry::<T>::insert(device, verified.state);
		DeviceQuality::<T>::mutate(device, |q| {
			q.accepted_bundles = q.accepted_bundles.saturating_add(1);
			q.accepted_readings = q.accepted_readings.saturating_add(u64::from(accepted.readings));
		});
		history::index_readings(device, first_seq, &verified.readings);
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
		accepted.readings
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

	/// Checks an OCMF record as `submit_ocmf` from `gateway` would now, writing nothing (see
	/// [`Self::precheck`]).
	pub fn precheck_ocmf(
		gateway: &T::AccountId,
		device: DeviceId,
		record: &[u8],
		state: Option<TelemetryState>,
		ctx: &VerifyContext,
	) -> Result<TelemetryState, RejectReason> {
		let view = Self::access(gateway, device)?;
		let state = state.or_else(|| DeviceTelemetry::<T>::get(device));
		verify::verify_ocmf(&view, state.as_ref(), device, record, ctx).map(|v| v.bundle.state)
	}

	/// The chain's reading of an OCMF record signed by `key`, whatever its age and without a
	/// device: its meter identity and the readings it carries (runtime API `verify_ocmf`).
	pub fn verify_ocmf(record: &[u8], key: &DevicePublicKey) -> Result<OcmfVerdict, OcmfError> {
		let parsed = ocmf::verify(record, key)?;
		let readings = ocmf::to_readings(&parsed)?;
		let bytes = |s: Option<alloc::string::String>| s.map(|s| s.into_bytes());
		Ok(OcmfVerdict {
			entries: u32::try_from(parsed.readings.len()).unwrap_or(u32::MAX),
			meter_vendor: bytes(parsed.meter_vendor),
			meter_model: bytes(parsed.meter_model),
			meter_serial: bytes(parsed.meter_serial),
			gateway_serial: bytes(parsed.gateway_serial),
			pagination: parsed.pagination.into_bytes(),
			readings,
		})
	}

	/// The device's registry view, if it is active and `gateway` may submit for it.
	fn access(
		gateway: &T::AccountId,
		device: DeviceId,
	) -> Result<DeviceView<T::AccountId>, RejectReason> {
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
			max_valued_interval_ms: T::MaxValuedIntervalMs::get(),
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

impl<T: Config> openvpp_primitives::OnDeviceDecommissioned<T::AccountId> for Pallet<T> {
	/// Removes the device's state and counters: a decommissioned device submits nothing more
	/// (its history stays in block bodies and the offchain index).
	fn on_device_decommissioned(device: DeviceId, _owner: &T::AccountId) -> DispatchResult {
		DeviceTelemetry::<T>::remove(device);
		DeviceQuality::<T>::remove(device);
		Ok(())
	}

	fn on_device_decommissioned_weight() -> frame_support::weights::Weight {
		T::DbWeight::get().writes(2)
	}
}
