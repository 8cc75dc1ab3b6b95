//! Benchmarks of the runtime's pallets and the helpers the OpenVPP pallets' benchmarks need
//! from it (real devices registered through device-identity, chain time).
//!
//! Benchmark setup is not runtime logic: a failure here is a broken benchmark, so it may
//! panic with a message.
#![allow(clippy::expect_used, clippy::panic)]

use alloc::vec::Vec;
use frame_support::traits::fungible::Mutate;
use openvpp_primitives::{
	possession_message, DeviceId, DeviceKind, Nameplate, RegionId, REGISTER_DOMAIN,
};
use sp_core::{crypto::KeyTypeId, H256};
use sp_runtime::{MultiSignature, MultiSigner};

use crate::{
	currency::UNITS, AccountId, Balances, DeviceIdentity, Runtime, RuntimeOrigin, Timestamp,
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
	}
}

/// Registers a device owned by `owner` whose sr25519 key `public` is in the keystore under
/// `key_type`, proving possession like a real device would.
fn register(
	owner: &AccountId,
	key_type: KeyTypeId,
	public: sp_core::sr25519::Public,
	kind: DeviceKind,
	region: RegionId,
) -> DeviceId {
	let _ = Balances::mint_into(owner, 1_000 * UNITS);
	ensure_region(region);
	let genesis: H256 = DeviceIdentity::genesis_hash();
	let nonce = DeviceIdentity::registration_nonce(owner.clone());
	let message = possession_message(REGISTER_DOMAIN, genesis, owner, nonce);
	let signature = sp_io::crypto::sr25519_sign(key_type, &public, &message)
		.expect("the benchmark keystore holds the device key");
	DeviceIdentity::register_device(
		RuntimeOrigin::signed(owner.clone()),
		kind,
		nameplate(kind),
		region,
		Vec::new(),
		MultiSigner::Sr25519(public),
		MultiSignature::Sr25519(signature),
	)
	.expect("the benchmark device registers");
	DeviceIdentity::device_by_key(MultiSigner::Sr25519(public)).expect("just registered")
}

impl pallet_telemetry::BenchmarkHelper<AccountId> for OpenVppBenchHelper {
	fn register_device(signer: MultiSigner, gateway: &AccountId) -> DeviceId {
		let MultiSigner::Sr25519(public) = signer else {
			panic!("telemetry benchmarks use sr25519 device keys")
		};
		// The gateway owns the device, which authorizes it.
		register(gateway, pallet_telemetry::BENCHMARK_KEY_TYPE, public, DeviceKind::Ev, 1)
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
		let id = register(owner, SETTLEMENT_BENCH_KEYS, public, kind, region);
		if attested {
			let certifier: AccountId = frame_benchmarking::account("certifier", 0, 0);
			if !pallet_device_identity::Certifiers::<Runtime>::contains_key(&certifier) {
				DeviceIdentity::add_certifier(
					RuntimeOrigin::root(),
					certifier.clone().into(),
					b"Benchmark lab".to_vec(),
				)
				.expect("the benchmark certifier can be added");
			}
			DeviceIdentity::attest(
				RuntimeOrigin::signed(certifier),
				id,
				pallet_device_identity::AttestationKind::Manufacturer,
				H256::repeat_byte(7),
			)
			.expect("the benchmark device can be attested");
		}
		id
	}
}

impl pallet_v2g::BenchmarkHelper<AccountId> for OpenVppBenchHelper {
	fn register_device(owner: &AccountId, kind: DeviceKind, region: RegionId) -> DeviceId {
		let public = sp_io::crypto::sr25519_generate(SETTLEMENT_BENCH_KEYS, None);
		register(owner, SETTLEMENT_BENCH_KEYS, public, kind, region)
	}

	fn set_time_ms(now_ms: openvpp_primitives::TimestampMs) {
		pallet_timestamp::Now::<Runtime>::put(now_ms);
	}
}
