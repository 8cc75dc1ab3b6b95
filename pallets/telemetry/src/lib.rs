//! # Telemetry pallet
//!
//! Ingests readings that devices signed and gateways batch: `submit` carries many bundles,
//! each checked on its own (device, gateway, signature, sequence, time, registers, physics,
//! state of charge: see [`verify`]). Accepted bundles update a small per-device state in O(1)
//! ([`TelemetryState`], [`QualityCounters`]), are handed to consumers through
//! [`OnReadingsAccepted`](openvpp_primitives::OnReadingsAccepted) and their raw readings go to
//! the offchain index ([`history`]), never to state. Rejected bundles change only counters:
//! physics and sequence failures count against the device, access and signature failures
//! against the gateway, which pays for the whole extrinsic either way.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod history;
mod ingest;
pub mod runtime_api;
pub mod types;
pub mod verify;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use history::history_key;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// Fewest bytes an OCMF `RD` entry can take (`{"TM":"2026-12-02T10:00:00,000+0000 S"}` with
/// every other field inherited): what bounds the readings of a record by its length.
pub const MIN_OCMF_READING_BYTES: u32 = 40;

/// Key type under which the `submit` benchmark keeps its device keys in the benchmark
/// keystore: a [`BenchmarkHelper`] that must prove possession of a device key can sign with
/// `sp_io::crypto::sr25519_sign(BENCHMARK_KEY_TYPE, ..)`.
#[cfg(feature = "runtime-benchmarks")]
pub const BENCHMARK_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"tlmb");

/// Sets up what the `submit` benchmark needs from the runtime's device registry.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers an active storage device (EV or battery, with nameplate power in both
	/// directions) whose readings `signer` signs and `gateway` may submit; returns its id.
	/// `signer` is an sr25519 key held in the keystore under [`BENCHMARK_KEY_TYPE`].
	fn register_device(
		signer: openvpp_primitives::DevicePublicKey,
		gateway: &AccountId,
	) -> openvpp_primitives::DeviceId;
	/// Registers an active EV charger meter like [`Self::register_device`], signing with the
	/// P-256 key of scalar `secret` (as a meter that signs OCMF records), hardware-attested by
	/// a manufacturer certificate for serial number `serial` (as OCMF meters are).
	fn register_p256_device(
		secret: [u8; 32],
		serial: &[u8],
		gateway: &AccountId,
	) -> openvpp_primitives::DeviceId;
	/// Sets chain time (what `Config::UnixTime` reports), ms since the Unix epoch.
	fn set_time_ms(now_ms: openvpp_primitives::TimestampMs);
}

// FRAME's pallet macro expands to `expect` calls (metadata, storage info, error encoding);
// nothing hand-written in this module uses `expect`: the logic lives in the feature modules.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::UnixTime};
	use frame_system::pallet_prelude::*;
	use openvpp_primitives::{Bundle, DeviceId, DeviceRegistry, OnReadingsAccepted};
	use sp_runtime::Permill;

	/// Storage layout version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The device registry: existence, status, keys, gateways, nameplates.
		type Devices: DeviceRegistry<Self::AccountId>;
		/// Chain time, against which reading timestamps and epochs are judged.
		type UnixTime: UnixTime;
		/// Consumers of accepted readings (settlement, v2g ...); `()` for none.
		type OnAccepted: OnReadingsAccepted<Self::AccountId>;
		/// Bundles one `submit` may carry.
		#[pallet::constant]
		type MaxBundlesPerCall: Get<u32>;
		/// Readings one bundle may carry.
		#[pallet::constant]
		type MaxReadingsPerBundle: Get<u32>;
		/// How far ahead of chain time a reading may be stamped, ms (clock skew).
		#[pallet::constant]
		type MaxFutureDriftMs: Get<u64>;
		/// How far behind chain time the oldest reading of a bundle may be, ms.
		#[pallet::constant]
		type MaxReadingAgeMs: Get<u64>;
		/// Longest interval between two readings whose energy counts for value, ms (at least
		/// one minute): the energy of a longer silence is recorded, never valued.
		#[pallet::constant]
		type MaxValuedIntervalMs: Get<u64>;
		/// Length of an accumulation epoch in chain time, ms (at least one minute).
		#[pallet::constant]
		type EpochDurationMs: Get<u64>;
		/// Energy allowed above nameplate power × elapsed time (e.g. 2 %).
		#[pallet::constant]
		type NameplateTolerance: Get<Permill>;
		/// SoC consistency: allowed deviation as a share of the energy that flowed in the
		/// interval, for charging and conversion losses (e.g. 10 %).
		#[pallet::constant]
		type SocEnergyTolerance: Get<Permill>;
		/// SoC consistency: allowed deviation as a share of capacity, for SoC estimation error
		/// and self-discharge (e.g. 1 %).
		#[pallet::constant]
		type SocCapacityTolerance: Get<Permill>;
		/// Weights of the calls.
		type WeightInfo: WeightInfo;
		/// Cost of one device signature by scheme (`submit` is benchmarked with sr25519).
		type SignatureWeight: openvpp_primitives::SignatureWeight;
		/// Registers devices for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::BenchmarkHelper<Self::AccountId>;
	}

	/// Per device: last accepted reading and current-epoch accumulators.
	#[pallet::storage]
	pub type DeviceTelemetry<T: Config> =
		StorageMap<_, Twox64Concat, DeviceId, TelemetryState, OptionQuery>;

	/// Per device: accepted totals and rejections by cause.
	#[pallet::storage]
	pub type DeviceQuality<T: Config> =
		StorageMap<_, Twox64Concat, DeviceId, QualityCounters, ValueQuery>;

	/// Per gateway: accepted totals and its own failures.
	#[pallet::storage]
	pub type GatewayQuality<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, GatewayCounters, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A gateway's batch was processed.
		Submitted {
			/// The submitting gateway.
			gateway: T::AccountId,
			/// Bundles accepted.
			accepted_bundles: u32,
			/// Readings in the accepted bundles.
			accepted_readings: u32,
			/// Bundles refused (each has a `BundleRejected`).
			rejected_bundles: u32,
		},
		/// A bundle was refused; nothing of it was written.
		BundleRejected {
			/// The device it claimed to be from.
			device: DeviceId,
			/// Its first sequence number.
			first_seq: u64,
			/// The first check it failed.
			reason: RejectReason,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// `submit` was called without bundles.
		NoBundles,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxBundlesPerCall::get() > 0, "MaxBundlesPerCall must be positive");
			assert!(T::MaxReadingsPerBundle::get() > 0, "MaxReadingsPerBundle must be positive");
			assert!(
				T::EpochDurationMs::get() >= 60_000,
				"EpochDurationMs below a minute would overflow the u32 epoch index"
			);
			assert!(
				T::MaxReadingAgeMs::get() > T::MaxFutureDriftMs::get(),
				"MaxReadingAgeMs must exceed MaxFutureDriftMs"
			);
			assert!(
				T::MaxValuedIntervalMs::get() >= 60_000,
				"MaxValuedIntervalMs must allow at least a minute between readings"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Submits bundles of device-signed readings. Signed by the gateway, which pays for
		/// every bundle, accepted or not.
		///
		/// Each bundle is verified on its own; a refused one emits `BundleRejected` and leaves
		/// everything but counters unchanged. The call succeeds even if every bundle is refused.
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::submit_weight(bundles))]
		pub fn submit(
			origin: OriginFor<T>,
			bundles: BoundedVec<Bundle<T::MaxReadingsPerBundle>, T::MaxBundlesPerCall>,
		) -> DispatchResult {
			let gateway = ensure_signed(origin)?;
			Self::do_submit(gateway, bundles)
		}

		/// Submits OCMF records (the signed meter data of Eichrecht EV-charger meters), each
		/// for the device whose registered key is its meter's public key. Signed by the
		/// gateway, which pays for every record, accepted or not.
		///
		/// Each record is verified on its own (see [`verify::verify_ocmf`]) and, if genuine and
		/// new, its readings go through the same checks and consumers as a bundle's; its raw
		/// text goes to the offchain index ([`history::ocmf_key`]). A refused one emits
		/// `BundleRejected` and leaves everything but counters unchanged.
		#[pallet::call_index(1)]
		#[pallet::weight(Pallet::<T>::submit_ocmf_weight(records))]
		pub fn submit_ocmf(
			origin: OriginFor<T>,
			records: BoundedVec<OcmfSubmission, T::MaxBundlesPerCall>,
		) -> DispatchResult {
			let gateway = ensure_signed(origin)?;
			Self::do_submit_ocmf(gateway, records)
		}
	}

	impl<T: Config> Pallet<T> {
		/// Weight of `submit` for these bundles: `WeightInfo::submit(bundles, total readings)`.
		///
		/// The benchmark fits one slope per bundle (each carrying one reading) and one per
		/// further reading, so charging the total readings over-estimates by one reading's cost
		/// per bundle, never under-estimates. Bundles are benchmarked with sr25519 signatures;
		/// each bundle signed with another scheme is charged the difference (a P-256 bundle
		/// costs ~2 ms more in Wasm).
		pub fn submit_weight(bundles: &[Bundle<T::MaxReadingsPerBundle>]) -> Weight {
			use openvpp_primitives::{KeyScheme, SignatureWeight};
			let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
			let readings =
				bundles.iter().fold(0u32, |total, b| total.saturating_add(count(b.readings.len())));
			let sr25519 = T::SignatureWeight::verify(KeyScheme::Sr25519);
			let schemes = bundles.iter().fold(Weight::zero(), |total, b| {
				let cost = T::SignatureWeight::verify(b.signature.scheme());
				total.saturating_add(cost.saturating_sub(sr25519))
			});
			T::WeightInfo::submit(count(bundles.len()), readings).saturating_add(schemes)
		}

		/// Weight of `submit_ocmf` for these records: `WeightInfo::submit_ocmf(records,
		/// readings)`, where the readings are bounded by the records' length (an `RD` entry
		/// takes at least [`MIN_OCMF_READING_BYTES`]). The benchmark signs with P-256, whose
		/// Wasm verification is the dearest of the OCMF curves.
		pub fn submit_ocmf_weight(records: &[OcmfSubmission]) -> Weight {
			let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
			let readings = records.iter().fold(0u32, |total, r| {
				total.saturating_add(count(r.record.len()) / MIN_OCMF_READING_BYTES)
			});
			T::WeightInfo::submit_ocmf(count(records.len()), readings.max(1))
		}

		/// A device's telemetry state (runtime API).
		pub fn telemetry_state(device: DeviceId) -> Option<TelemetryState> {
			DeviceTelemetry::<T>::get(device)
		}

		/// A device's quality counters, if it ever had a bundle accepted or refused on its
		/// own account (runtime API).
		pub fn quality(device: DeviceId) -> Option<QualityCounters> {
			DeviceQuality::<T>::try_get(device).ok()
		}

		/// A gateway's counters, if it ever submitted (runtime API).
		pub fn gateway_quality(gateway: &T::AccountId) -> Option<GatewayCounters> {
			GatewayQuality::<T>::try_get(gateway).ok()
		}

		/// Checks the pallet's invariants: every device with state has quality counters whose
		/// accepted readings match its sequence (no gaps are ever accepted), and epoch
		/// accumulators are empty without readings.
		#[cfg(any(feature = "try-runtime", feature = "std"))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			for (device, state) in DeviceTelemetry::<T>::iter() {
				let quality = DeviceQuality::<T>::try_get(device)
					.map_err(|_| "device with telemetry state but no quality counters")?;
				ensure!(
					quality.accepted_readings == state.last_seq.saturating_add(1),
					"accepted readings differ from the sequence numbers consumed"
				);
				ensure!(
					quality.accepted_readings >= u64::from(state.epoch_readings),
					"more readings in the epoch than accepted in total"
				);
				ensure!(
					state.epoch_readings > 0
						|| (state.epoch_energy_in_wh == 0 && state.epoch_energy_out_wh == 0),
					"epoch energy without epoch readings"
				);
			}
			Ok(())
		}
	}
}
