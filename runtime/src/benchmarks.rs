//! Benchmarks of the runtime's pallets and the helpers the OpenVPP pallets' benchmarks need
//! from it (real devices registered through device-identity, chain time).
//!
//! Benchmark setup is not runtime logic: a failure here is a broken benchmark, so it may
//! panic with a message.
#![allow(clippy::expect_used, clippy::panic)]

use alloc::vec::Vec;
use frame_support::traits::{fungible::Mutate, Get};
use openvpp_primitives::{
	possession_message, AcceptedReadings, DeviceId, DeviceKind, DeviceState, Nameplate,
	OnReadingsAccepted, RegionId, TimestampMs, REGISTER_DOMAIN,
};
use openvpp_primitives::{DevicePublicKey as MultiSigner, DeviceSignature as MultiSignature};
use sp_core::{crypto::KeyTypeId, H256};
use sp_runtime::{FixedU128, Permill};

use crate::{
	currency::{CENTS, UNITS},
	AccountId, Balances, DeviceIdentity, Runtime, RuntimeOrigin, V2g,
};

frame_benchmarking::define_benchmarks!(
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_device_identity, DeviceIdentity]
	[pallet_telemetry, Telemetry]
	[pallet_settlement, Settlement]
	[pallet_v2g, V2g]
);

/// Key type of the device keys the settlement benchmarks create.
const SETTLEMENT_BENCH_KEYS: KeyTypeId = KeyTypeId(*b"stlb");

/// Registers devices for the telemetry and settlement benchmarks.
pub struct OpenVppBenchHelper;

fn nameplate(kind: DeviceKind) -> Nameplate {
	match kind {
		DeviceKind::Ev => {
			Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 11_000 }
		}
		DeviceKind::Battery => {
			Nameplate { capacity_wh: 13_500, max_import_w: 5_000, max_export_w: 5_000 }
		}
		DeviceKind::SolarPv => Nameplate { capacity_wh: 0, max_import_w: 50, max_export_w: 5_000 },
		DeviceKind::Wind => {
			Nameplate { capacity_wh: 0, max_import_w: 1_000, max_export_w: 100_000 }
		}
		DeviceKind::SmartMeter => {
			Nameplate { capacity_wh: 0, max_import_w: 14_500, max_export_w: 5_000 }
		}
		DeviceKind::HeatPump => Nameplate { capacity_wh: 0, max_import_w: 3_000, max_export_w: 0 },
	}
}

fn ensure_region(region: RegionId) {
	if !pallet_device_identity::Regions::<Runtime>::contains_key(region) {
		DeviceIdentity::create_region(
			RuntimeOrigin::root(),
			region,
			b"Benchmark zone".to_vec(),
			b"BE".to_vec(),
			60,
		)
		.expect("the benchmark region can be created");
		// Unattested devices earn here (capped far above any benchmark device), so their
		// readings take settlement's valuation path.
		DeviceIdentity::set_region_policy(
			RuntimeOrigin::root(),
			region,
			openvpp_primitives::UnattestedPolicy::Capped { max_counted_w: 1_000_000 },
		)
		.expect("the benchmark region's policy can be set");
	}
}

/// Registers a device owned by `owner` whose sr25519 key `public` is in the keystore under
/// `key_type`, proving possession like a real device would; `certified`: hardware-attested,
/// with a certificate of the benchmark manufacturer ([`benchmark_model`]).
fn register(
	owner: &AccountId,
	key_type: KeyTypeId,
	public: sp_core::sr25519::Public,
	kind: DeviceKind,
	region: RegionId,
	certified: bool,
) -> DeviceId {
	let _ = Balances::mint_into(owner, 1_000 * UNITS);
	ensure_region(region);
	let genesis: H256 = DeviceIdentity::genesis_hash();
	let nonce = DeviceIdentity::registration_nonce(owner.clone());
	let message = possession_message(REGISTER_DOMAIN, genesis, owner, nonce);
	let proof = MultiSignature::Sr25519(
		sp_io::crypto::sr25519_sign(key_type, &public, &message)
			.expect("the benchmark keystore holds the device key"),
	);
	let signer = MultiSigner::Sr25519(public);
	let origin = RuntimeOrigin::signed(owner.clone());
	if certified {
		let model = benchmark_model(kind, openvpp_primitives::KeyScheme::Sr25519, nameplate(kind));
		let certificate =
			benchmark_certificate(model, public.as_ref(), signer.clone(), nameplate(kind), owner);
		DeviceIdentity::register_certified_device(
			origin,
			region,
			Default::default(),
			signer.clone(),
			certificate,
			Some(proof),
		)
		.expect("the benchmark device registers certified");
	} else {
		DeviceIdentity::register_device(
			origin,
			kind,
			nameplate(kind),
			region,
			Default::default(),
			signer.clone(),
			proof,
		)
		.expect("the benchmark device registers");
	}
	DeviceIdentity::device_by_key(signer).expect("just registered")
}

/// Key type of the benchmark manufacturer's root key.
const MAKER_BENCH_KEYS: KeyTypeId = KeyTypeId(*b"mfrb");

/// The benchmark's manufacturer, its model of `kind` whose devices sign with `scheme` and are
/// rated `max_nameplate` (both made on first use), and the manufacturer's ed25519 root key,
/// held in the benchmark keystore.
fn benchmark_model(
	kind: DeviceKind,
	scheme: openvpp_primitives::KeyScheme,
	max_nameplate: Nameplate,
) -> (openvpp_primitives::ManufacturerId, openvpp_primitives::ModelId, sp_core::ed25519::Public) {
	use openvpp_primitives::AccuracyClass;
	const NAME: &[u8] = b"Benchmark devices";
	let root =
		sp_io::crypto::ed25519_generate(MAKER_BENCH_KEYS, Some(b"//benchmark-maker".to_vec()));
	let existing = pallet_device_identity::Manufacturers::<Runtime>::iter()
		.find(|(_, maker)| maker.name.as_slice() == NAME)
		.map(|(id, _)| id);
	let manufacturer = existing.unwrap_or_else(|| {
		let id = pallet_device_identity::NextManufacturerId::<Runtime>::get();
		DeviceIdentity::create_manufacturer(
			RuntimeOrigin::root(),
			NAME.to_vec(),
			alloc::vec![MultiSigner::Ed25519(root)],
		)
		.expect("the benchmark manufacturer can be created");
		id
	});
	let model = pallet_device_identity::Models::<Runtime>::iter()
		.find(|(_, model)| {
			model.manufacturer == manufacturer && model.kind == kind && model.key_scheme == scheme
		})
		.map(|(id, _)| id)
		.unwrap_or_else(|| {
			let id = pallet_device_identity::NextModelId::<Runtime>::get();
			DeviceIdentity::create_model(
				RuntimeOrigin::root(),
				manufacturer,
				b"Benchmark model".to_vec(),
				kind,
				max_nameplate,
				AccuracyClass::MidB,
				scheme,
				true,
			)
			.expect("the benchmark model can be created");
			id
		});
	(manufacturer, model, root)
}

/// A certificate of `root` (the benchmark manufacturer's key) for `device_key` of `model`, serial
/// `serial`, valid from an hour before now for 1,000 days and naming `owner`.
fn benchmark_certificate(
	(manufacturer, model, root): (
		openvpp_primitives::ManufacturerId,
		openvpp_primitives::ModelId,
		sp_core::ed25519::Public,
	),
	serial: &[u8],
	device_key: MultiSigner,
	nameplate: Nameplate,
	owner: &AccountId,
) -> openvpp_primitives::DeviceCertificate<AccountId> {
	use openvpp_primitives::{certificate_message, serial_hash, CertificateBody};
	let now = pallet_timestamp::Now::<Runtime>::get();
	let body = CertificateBody {
		manufacturer,
		model,
		serial_hash: serial_hash(serial),
		device_key,
		nameplate,
		valid_from_ms: now.saturating_sub(HOUR_MS),
		valid_until_ms: now.saturating_add(1_000 * 24 * HOUR_MS),
		owner: Some(owner.clone()),
	};
	let signature =
		sp_io::crypto::ed25519_sign(MAKER_BENCH_KEYS, &root, &certificate_message(&body))
			.expect("the benchmark keystore holds the manufacturer key");
	openvpp_primitives::DeviceCertificate {
		body,
		root_key: 0,
		signature: MultiSignature::Ed25519(signature),
	}
}

/// First region of the telemetry benchmark's devices.
const TELEMETRY_REGION: RegionId = 1;

/// A region of its own for the next telemetry benchmark device: bundles of one call then read
/// and write distinct region records, events and hourly ledgers, never a cached one.
fn fresh_telemetry_region() -> RegionId {
	let next = pallet_device_identity::NextDeviceId::<Runtime>::get();
	let region = TELEMETRY_REGION.saturating_add(RegionId::try_from(next % 10_000).unwrap_or(0));
	ensure_region(region);
	region
}
const HOUR_MS: TimestampMs = 3_600_000;

/// Gives `device` points in two closed settlement epochs (both of its point records), so that
/// settlement settles them (the heaviest path) before booking the device's next points.
fn unsettled_points(device: DeviceId) {
	use pallet_settlement::{
		CurrentEpoch, DeviceEpochPoints, DeviceGracePoints, EpochPoints, Epochs,
	};
	let mut current = CurrentEpoch::<Runtime>::get();
	if current < 3 {
		current = 3;
		CurrentEpoch::<Runtime>::put(current);
	}
	for (back, record) in [(2u64, true), (3, false)] {
		let closed = current.saturating_sub(back);
		Epochs::<Runtime>::mutate(closed, |info| {
			let info = info.get_or_insert_with(Default::default);
			info.total_points = info.total_points.saturating_add(1_000_000);
			info.rate.get_or_insert(FixedU128::from_rational(1, 1_000));
		});
		let points = EpochPoints { epoch: closed, points: 1_000_000 };
		if record {
			DeviceEpochPoints::<Runtime>::insert(device, points);
		} else {
			DeviceGracePoints::<Runtime>::insert(device, points);
		}
	}
}

/// Enrolls `device`, an EV of `owner` in `region`, in an open event of that region whose window
/// spans the two hours before and after the current chain time, so that v2g measures its next
/// accepted bundle against the enrollment (the heavier path). Events are opened (and joined)
/// before their window, so chain time is moved back for that and then restored; a region's
/// event is reused while it has room. An EV that can export joins a discharge event (full, so
/// it has energy to give), a charging point an absorb event (empty).
fn enroll_in_live_event(owner: &AccountId, device: DeviceId, region: RegionId) {
	let exports = pallet_device_identity::Devices::<Runtime>::get(device)
		.is_some_and(|record| record.nameplate.max_export_w > 0);
	let (direction, soc) = if exports {
		(pallet_v2g::Direction::Discharge, Permill::one())
	} else {
		(pallet_v2g::Direction::Absorb, Permill::zero())
	};
	let now = pallet_timestamp::Now::<Runtime>::get();
	let (start, end) = (now.saturating_sub(2 * HOUR_MS), now.saturating_add(2 * HOUR_MS));
	pallet_timestamp::Now::<Runtime>::put(start.saturating_sub(HOUR_MS));
	let operator: AccountId = frame_benchmarking::account("operator", 0, 0);
	pallet_v2g::Operators::<Runtime>::mutate(region, |operators| {
		if !operators.contains(&operator) {
			operators.try_push(operator.clone()).expect("room for the benchmark operator");
		}
	});
	let last = pallet_v2g::NextEventId::<Runtime>::get().checked_sub(1);
	let reusable = last.filter(|id| {
		pallet_v2g::Events::<Runtime>::get(id).is_some_and(|event| {
			event.region == region
				&& event.direction == direction
				&& event.window_start_ms == start
				&& event.participants < event.max_participants
		})
	});
	let event = match reusable {
		Some(id) => id,
		None => {
			let _ = Balances::mint_into(&operator, 100_000 * UNITS);
			let id = pallet_v2g::NextEventId::<Runtime>::get();
			V2g::open_event(
				RuntimeOrigin::signed(operator),
				region,
				direction,
				start,
				end,
				10_000_000,
				CENTS,
				<Runtime as pallet_v2g::Config>::MaxParticipants::get(),
				10_000 * UNITS,
			)
			.expect("the benchmark event opens");
			id
		}
	};
	// v2g needs the EV's state of charge before it may commit energy.
	<V2g as OnReadingsAccepted<AccountId>>::on_readings_accepted(
		owner,
		&AcceptedReadings {
			device,
			kind: DeviceKind::Ev,
			region,
			from_ms: start.saturating_sub(2 * HOUR_MS),
			to_ms: start.saturating_sub(HOUR_MS),
			energy_in_wh: 0,
			energy_out_wh: 0,
			readings: 1,
			last_soc: Some(soc),
			last_state: DeviceState::Idle,
			peak_power_w: 0,
			hours: Vec::new(),
		},
	);
	V2g::enroll(RuntimeOrigin::signed(owner.clone()), event, device, 5_000, Permill::zero(), None)
		.expect("the benchmark device enrolls");
	pallet_timestamp::Now::<Runtime>::put(now);
}

impl pallet_telemetry::BenchmarkHelper<AccountId> for OpenVppBenchHelper {
	fn register_device(signer: MultiSigner, gateway: &AccountId) -> DeviceId {
		let MultiSigner::Sr25519(public) = signer else {
			panic!("telemetry benchmarks use sr25519 device keys")
		};
		// The gateway owns the device, which authorizes it.
		let region = fresh_telemetry_region();
		let device = register(
			gateway,
			pallet_telemetry::BENCHMARK_KEY_TYPE,
			public,
			DeviceKind::Ev,
			region,
			false,
		);
		// The runtime's consumers of accepted readings take their heaviest paths.
		unsettled_points(device);
		enroll_in_live_event(gateway, device, region);
		device
	}

	fn register_p256_device(secret: [u8; 32], serial: &[u8], gateway: &AccountId) -> DeviceId {
		use openvpp_primitives::crypto::p256::ecdsa::{signature::Signer, Signature, SigningKey};
		let key = SigningKey::from_slice(&secret).expect("the benchmark scalar is valid");
		let point = key.verifying_key().to_encoded_point(true);
		let public = MultiSigner::P256(
			openvpp_primitives::p256_compress(point.as_bytes()).expect("a valid point"),
		);
		let _ = Balances::mint_into(gateway, 1_000 * UNITS);
		let region = fresh_telemetry_region();
		// A hardware-attested meter, as OCMF meters are: its certificate's manufacturer key is
		// checked whenever its readings are (and it needs no state of charge).
		let nameplate = Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 0 };
		let model = benchmark_model(DeviceKind::Ev, openvpp_primitives::KeyScheme::P256, nameplate);
		let certificate = benchmark_certificate(model, serial, public.clone(), nameplate, gateway);
		let nonce = DeviceIdentity::registration_nonce(gateway.clone());
		let message =
			possession_message(REGISTER_DOMAIN, DeviceIdentity::genesis_hash(), gateway, nonce);
		let signature: Signature = key.sign(&message);
		DeviceIdentity::register_certified_device(
			RuntimeOrigin::signed(gateway.clone()),
			region,
			Default::default(),
			public.clone(),
			certificate,
			Some(MultiSignature::P256(openvpp_primitives::P256Signature(
				signature.to_bytes().into(),
			))),
		)
		.expect("the benchmark meter registers");
		let device = DeviceIdentity::device_by_key(public).expect("just registered");
		unsettled_points(device);
		enroll_in_live_event(gateway, device, region);
		device
	}

	fn set_time_ms(now_ms: openvpp_primitives::TimestampMs) {
		pallet_timestamp::Now::<Runtime>::put(now_ms);
	}
}

impl pallet_settlement::BenchmarkHelper<AccountId> for OpenVppBenchHelper {
	fn register_device(
		owner: &AccountId,
		kind: DeviceKind,
		region: RegionId,
		attested: bool,
	) -> DeviceId {
		let public = sp_io::crypto::sr25519_generate(SETTLEMENT_BENCH_KEYS, None);
		register(owner, SETTLEMENT_BENCH_KEYS, public, kind, region, attested)
	}

	fn set_time_ms(now_ms: openvpp_primitives::TimestampMs) {
		pallet_timestamp::Now::<Runtime>::put(now_ms);
	}
}

impl pallet_v2g::BenchmarkHelper<AccountId> for OpenVppBenchHelper {
	fn register_device(owner: &AccountId, kind: DeviceKind, region: RegionId) -> DeviceId {
		let public = sp_io::crypto::sr25519_generate(SETTLEMENT_BENCH_KEYS, None);
		register(owner, SETTLEMENT_BENCH_KEYS, public, kind, region, false)
	}

	fn set_time_ms(now_ms: openvpp_primitives::TimestampMs) {
		pallet_timestamp::Now::<Runtime>::put(now_ms);
	}

	fn prepare_heaviest_settlement(device: DeviceId) {
		unsettled_points(device);
	}
}
