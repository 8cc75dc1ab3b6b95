//! Benchmarks of the telemetry pallet (frame-benchmarking v2).
//!
//! `submit` is measured in its worst case: every bundle is from a distinct, registered device
//! that already has state, carries a valid signature (sr25519, the slower scheme to verify)
//! and physically consistent readings with SoC an hour apart, so every check runs, every
//! bundle is written and its energy is booked to one hour per reading. Components: `b` bundles; `r` readings in the first bundle while the other bundles
//! carry one each. The fitted per-reading slope is therefore the cost of one reading, and the
//! call charges `submit(bundles, total readings)`, which over-estimates by one reading per
//! bundle.
//!
//! `b` goes up to [`BENCHMARK_MAX_BUNDLES`], not to `MaxBundlesPerCall`: bundles are independent
//! (each is verified, written and handed on by itself), so the per-bundle slope extrapolates
//! linearly, while the per-reading slope, measured with `b` at its maximum, is small next to a
//! bundle's cost and drowns in the noise of 256 bundles.

use super::*;
use crate::pallet::{Call, Config, DeviceQuality, DeviceTelemetry, Pallet};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::Get;
use frame_system::RawOrigin;
use openvpp_primitives::{
	bundle_message, pack_readings, Bundle, DeviceRegistry, DeviceState, Nameplate, Reading,
	SOC_BASIS_POINTS,
};
use openvpp_primitives::{DevicePublicKey as MultiSigner, DeviceSignature as MultiSignature};
use sp_core::crypto::KeyTypeId;
use sp_runtime::{BoundedVec, Permill};

/// Key type of the device keys generated in the benchmark keystore.
const KEY_TYPE: KeyTypeId = crate::BENCHMARK_KEY_TYPE;
/// Chain time at which the benchmark registers its devices (June 2025), ms: their
/// commissioning time, after which all their readings lie.
const REGISTERED_MS: u64 = 1_750_000_000_000;
/// Most bundles the benchmark submits in one call (see the module documentation).
const BENCHMARK_MAX_BUNDLES: u32 = 16;
/// One reading per hour: every reading interval is in an hour of its own, so the consumers
/// book each bundle's energy to as many hours (certificate ledgers) as it has readings, the
/// worst case.
const INTERVAL_MS: u64 = 3_600_000;

/// Chain time at which a call whose longest trace has `readings` readings is submitted: one
/// second after that trace's last reading.
fn submitted_ms(readings: u32) -> u64 {
	REGISTERED_MS
		.saturating_add(u64::from(readings).saturating_mul(INTERVAL_MS))
		.saturating_add(1_000)
}

/// `count` readings, one an hour from an hour after `REGISTERED_MS`, alternately charging
/// and discharging at half the smaller nameplate power, with SoC that matches the energy.
fn trace(nameplate: &Nameplate, count: u32) -> Vec<Reading> {
	let power_w = match (nameplate.max_import_w, nameplate.max_export_w) {
		(0, export) => export,
		(import, 0) => import,
		(import, export) => import.min(export),
	};
	let step_wh = u64::from(power_w)
		.saturating_mul(INTERVAL_MS)
		.checked_div(verify::MS_PER_HOUR.saturating_mul(2))
		.unwrap_or(0);
	let start_ms = REGISTERED_MS;
	let soc = |stored_wh: u64| {
		let bp = stored_wh.saturating_mul(10_000).checked_div(nameplate.capacity_wh)?;
		let bp = u64::from(SOC_BASIS_POINTS / 2).saturating_add(bp);
		Some(Permill::from_parts(u32::try_from(bp.saturating_mul(100)).unwrap_or(1_000_000)))
	};
	let (mut energy_in_wh, mut energy_out_wh) = (1_000_000u64, 1_000_000u64);
	(1..=count)
		.map(|i| {
			let odd = i & 1 == 1;
			let charging = nameplate.max_export_w == 0 || (odd && nameplate.max_import_w > 0);
			if charging {
				energy_in_wh = energy_in_wh.saturating_add(step_wh);
			} else {
				energy_out_wh = energy_out_wh.saturating_add(step_wh);
			}
			Reading {
				timestamp_ms: start_ms.saturating_add(u64::from(i).saturating_mul(INTERVAL_MS)),
				energy_in_wh,
				energy_out_wh,
				soc: soc(energy_in_wh.saturating_sub(energy_out_wh)),
				state: if charging { DeviceState::Charging } else { DeviceState::Discharging },
			}
		})
		.collect()
}

/// A registered device with one accepted reading, and a signed bundle of `count` more.
fn device_with_bundle<T: Config>(
	gateway: &T::AccountId,
	genesis: sp_core::H256,
	count: u32,
) -> Result<Bundle<T::MaxReadingsPerBundle>, BenchmarkError> {
	let public = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
	let device = T::BenchmarkHelper::register_device(MultiSigner::Sr25519(public), gateway);
	let view = T::Devices::device(device).ok_or(BenchmarkError::Stop("device not registered"))?;
	let readings = trace(&view.nameplate, count.saturating_add(1));
	let (head, tail) = readings.split_first().ok_or(BenchmarkError::Stop("empty trace"))?;
	let epoch = verify::epoch_index(head.timestamp_ms, T::EpochDurationMs::get());
	DeviceTelemetry::<T>::insert(
		device,
		TelemetryState {
			last_seq: 0,
			last_timestamp_ms: head.timestamp_ms,
			last_energy_in_wh: head.energy_in_wh,
			last_energy_out_wh: head.energy_out_wh,
			last_soc: head.soc,
			last_state: head.state,
			epoch,
			epoch_energy_in_wh: 0,
			epoch_energy_out_wh: 0,
			epoch_readings: 1,
		},
	);
	DeviceQuality::<T>::insert(
		device,
		QualityCounters { accepted_bundles: 1, accepted_readings: 1, ..Default::default() },
	);
	let packed = pack_readings(tail).ok_or(BenchmarkError::Stop("trace not monotonic"))?;
	let message = bundle_message(genesis, device, 1, &packed);
	let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, &public, &message)
		.ok_or(BenchmarkError::Stop("no keystore"))?;
	Ok(Bundle {
		device,
		first_seq: 1,
		readings: BoundedVec::try_from(packed)
			.map_err(|_| BenchmarkError::Stop("too many readings"))?,
		signature: MultiSignature::Sr25519(signature),
	})
}

/// Most readings a benchmark OCMF record carries: as many `RD` entries as
/// [`ocmf::write_payload`] fits in [`ocmf::MAX_OCMF_LEN`] bytes with its signature.
const BENCHMARK_MAX_OCMF_READINGS: u32 = 30;

/// A registered P-256 meter with one accepted reading, and a record of `count` more readings
/// it signed (a charging session at 11 kW, one reading an hour from `REGISTERED_MS`).
fn meter_with_record<T: Config>(
	gateway: &T::AccountId,
	index: u32,
	count: u32,
) -> Result<OcmfSubmission, BenchmarkError> {
	use openvpp_primitives::{
		crypto::p256::ecdsa::SigningKey,
		ocmf::{self, MeterIdentity, MeterSample},
	};
	let mut secret = [0x42u8; 32];
	for (to, from) in secret.iter_mut().zip(index.to_be_bytes()) {
		*to ^= from;
	}
	let key = SigningKey::from_slice(&secret).map_err(|_| BenchmarkError::Stop("bad scalar"))?;
	let serial = alloc::format!("EM-{index:08}");
	let device = T::BenchmarkHelper::register_p256_device(secret, serial.as_bytes(), gateway);
	let step_wh = INTERVAL_MS.saturating_mul(11_000) / verify::MS_PER_HOUR;
	let start_ms = REGISTERED_MS.saturating_add(1_000);
	let sample = |i: u32| MeterSample {
		timestamp_ms: start_ms.saturating_add(u64::from(i).saturating_mul(INTERVAL_MS)),
		tx: if i == 0 { b'B' } else { b'T' },
		import_wh: 1_000_000u64.saturating_add(u64::from(i).saturating_mul(step_wh)),
	};
	let head = sample(0);
	DeviceTelemetry::<T>::insert(
		device,
		TelemetryState {
			last_seq: 0,
			last_timestamp_ms: head.timestamp_ms,
			last_energy_in_wh: head.import_wh,
			last_energy_out_wh: 0,
			last_soc: None,
			last_state: DeviceState::Idle,
			epoch: verify::epoch_index(head.timestamp_ms, T::EpochDurationMs::get()),
			epoch_energy_in_wh: 0,
			epoch_energy_out_wh: 0,
			epoch_readings: 1,
		},
	);
	DeviceQuality::<T>::insert(
		device,
		QualityCounters { accepted_bundles: 1, accepted_readings: 1, ..Default::default() },
	);
	let identity = MeterIdentity {
		gateway_id: "BENCH-WALLBOX".into(),
		gateway_serial: "WB-0000001".into(),
		vendor: "OpenVPP".into(),
		model: "EM-OCMF-1".into(),
		serial,
	};
	let samples: Vec<MeterSample> = (1..=count).map(sample).collect();
	let payload = ocmf::write_payload(&identity, "T1", &samples);
	let record = ocmf::sign_record_p256(&payload, &key).into_bytes();
	Ok(OcmfSubmission {
		device,
		record: record.try_into().map_err(|_| BenchmarkError::Stop("record too long"))?,
	})
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit(
		b: Linear<1, { T::MaxBundlesPerCall::get().min(BENCHMARK_MAX_BUNDLES) }>,
		r: Linear<1, { T::MaxReadingsPerBundle::get() }>,
	) -> Result<(), BenchmarkError> {
		let gateway: T::AccountId = whitelisted_caller();
		T::BenchmarkHelper::set_time_ms(REGISTERED_MS);
		let genesis = Pallet::<T>::genesis_hash();
		let mut bundles = Vec::new();
		for i in 0..b {
			bundles.push(device_with_bundle::<T>(&gateway, genesis, if i == 0 { r } else { 1 })?);
		}
		// The first device's trace has `r + 1` readings, its head already on chain.
		T::BenchmarkHelper::set_time_ms(submitted_ms(r.saturating_add(1)));
		let devices: Vec<_> = bundles.iter().map(|bundle| bundle.device).collect();
		let bundles =
			BoundedVec::try_from(bundles).map_err(|_| BenchmarkError::Stop("too many bundles"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(gateway), bundles);

		for (i, device) in devices.into_iter().enumerate() {
			let expected_seq = if i == 0 { u64::from(r) } else { 1 };
			let state = DeviceTelemetry::<T>::get(device);
			assert_eq!(state.map(|s| s.last_seq), Some(expected_seq), "bundle {i} not accepted");
		}
		Ok(())
	}

	/// `n` records of distinct P-256 meters; `r` readings in the first, one in the others.
	#[benchmark]
	fn submit_ocmf(
		n: Linear<1, { T::MaxBundlesPerCall::get().min(BENCHMARK_MAX_BUNDLES) }>,
		r: Linear<1, BENCHMARK_MAX_OCMF_READINGS>,
	) -> Result<(), BenchmarkError> {
		let gateway: T::AccountId = whitelisted_caller();
		T::BenchmarkHelper::set_time_ms(REGISTERED_MS);
		let mut records = Vec::new();
		for i in 0..n {
			records.push(meter_with_record::<T>(&gateway, i, if i == 0 { r } else { 1 })?);
		}
		T::BenchmarkHelper::set_time_ms(submitted_ms(r.saturating_add(1)));
		let devices: Vec<_> = records.iter().map(|record| record.device).collect();
		let records =
			BoundedVec::try_from(records).map_err(|_| BenchmarkError::Stop("too many records"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(gateway), records);

		for (i, device) in devices.into_iter().enumerate() {
			let expected_seq = if i == 0 { u64::from(r) } else { 1 };
			let state = DeviceTelemetry::<T>::get(device);
			assert_eq!(
				state.map(|s| s.last_seq),
				Some(expected_seq),
				"record {i} not accepted: {:?}",
				DeviceQuality::<T>::get(device)
			);
		}
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
