//! The feeds offchain worker in the real runtime: it pulls a feed over (test) HTTP, submits
//! what is new and valid with the node's gateway key, never the same bundle twice, submits
//! again what a lost transaction never brought on chain, skips junk and bundles the chain
//! would refuse, and reads a poisoned feed only up to its caps while the other feeds go on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::sync::Arc;

use codec::{Decode, Encode};
use frame_support::{
	traits::{fungible::Mutate, Hooks},
	BoundedVec,
};
use openvpp_primitives::{
	feed::{self, FeedDocument, MeterValuesRequest, OPENVPP_FORMAT},
	keys::{DeviceKeyPair, KeyScheme},
	Bundle, DeviceId, DeviceKind, DeviceState, Nameplate, Reading,
};
use openvpp_runtime::{
	currency::UNITS, AccountId, Balances, DeviceIdentity, Feeds, Runtime, RuntimeCall,
	RuntimeOrigin, UncheckedExtrinsic,
};
use pallet_feeds::{keys, FeedStatus};
use parking_lot::RwLock;
use sp_core::{
	offchain::{
		testing::{
			OffchainState, PendingRequest, PoolState, TestOffchainExt, TestTransactionPoolExt,
		},
		OffchainDbExt, OffchainWorkerExt, StorageKind, TransactionPoolExt,
	},
	ConstU32,
};
use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};
use sp_runtime::{
	traits::{Checkable, Dispatchable, IdentifyAccount},
	MultiSigner,
};

const FEED: &str = "http://127.0.0.1:8080/feed";
const JUNK: &str = "http://127.0.0.1:8081/junk";
/// Chain time of the tests: 2026-01-01T12:00:00Z.
const NOW_MS: u64 = 1_767_268_800_000;

type Max = ConstU32<96>;

struct World {
	ext: sp_io::TestExternalities,
	offchain: Arc<RwLock<OffchainState>>,
	pool: Arc<RwLock<PoolState>>,
	gateway: AccountId,
	device: DeviceId,
	key: DeviceKeyPair,
	genesis: sp_core::H256,
}

fn world() -> World {
	let mut ext = common::dev_ext();
	let keystore = MemoryKeystore::new();
	let public = keystore
		.sr25519_generate_new(pallet_feeds::KEY_TYPE, Some("//FeedGateway"))
		.expect("the keystore makes keys");
	let gateway: AccountId = MultiSigner::from(public).into_account();
	let (offchain, offchain_state) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt::new(keystore));

	let key = DeviceKeyPair::from_uri(KeyScheme::Sr25519, "//feeds/battery").unwrap();
	let (device, genesis) = ext.execute_with(|| {
		// Commissioned before the readings of the tests start.
		pallet_timestamp::Now::<Runtime>::put(NOW_MS - 5 * 3_600_000);
		let owner = sp_keyring::Sr25519Keyring::Alice.to_account_id();
		Balances::mint_into(&gateway, 100 * UNITS).unwrap();
		let nonce = DeviceIdentity::registration_nonce(owner.clone());
		let proof = key.possession_proof(DeviceIdentity::genesis_hash(), &owner, nonce);
		DeviceIdentity::register_device(
			RuntimeOrigin::signed(owner.clone()),
			DeviceKind::Battery,
			Nameplate { capacity_wh: 13_500, max_import_w: 5_000, max_export_w: 5_000 },
			1,
			b"feed test battery".to_vec().try_into().unwrap(),
			key.signer(),
			proof,
		)
		.unwrap();
		let device = pallet_device_identity::NextDeviceId::<Runtime>::get() - 1;
		DeviceIdentity::authorize_gateway(
			RuntimeOrigin::signed(owner),
			device,
			gateway.clone().into(),
		)
		.unwrap();
		pallet_timestamp::Now::<Runtime>::put(NOW_MS);
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			keys::FEEDS,
			&vec![FEED.as_bytes().to_vec(), JUNK.as_bytes().to_vec()].encode(),
		);
		(device, DeviceIdentity::genesis_hash())
	});
	World { ext, offchain: offchain_state, pool: pool_state, gateway, device, key, genesis }
}

/// Four 15-minute readings of a battery charging at 2 kW, from `first` on.
fn readings(first: u32) -> Vec<Reading> {
	(0..4u32)
		.map(|i| {
			let n = u64::from(first + i);
			Reading {
				timestamp_ms: NOW_MS - 3_600_000 * 4 + n * 900_000,
				energy_in_wh: 500 * n,
				energy_out_wh: 0,
				// 500 Wh into 13.5 kWh: 3.7037 % per reading.
				soc: Some(sp_runtime::Permill::from_parts(200_000 + 37_037 * (first + i))),
				state: DeviceState::Charging,
			}
		})
		.collect()
}

fn bundle(w: &World, first_seq: u64, key: &DeviceKeyPair) -> Bundle<Max> {
	key.signed_bundle(w.genesis, w.device, first_seq, &readings(first_seq as u32)).unwrap()
}

fn expect_get(w: &World, url: &str, body: Vec<u8>) {
	expect_get_with_headers(w, url, body, Vec::new());
}

fn expect_get_with_headers(w: &World, url: &str, body: Vec<u8>, headers: Vec<(String, String)>) {
	w.offchain.write().expect_request(PendingRequest {
		method: "GET".into(),
		uri: url.into(),
		headers: vec![("Accept".into(), "application/json".into())],
		response: Some(body),
		response_headers: headers,
		sent: true,
		..Default::default()
	});
}

/// Configures the node's feeds, in this order.
fn set_feeds(w: &mut World, urls: &[&str]) {
	let urls: Vec<Vec<u8>> = urls.iter().map(|u| u.as_bytes().to_vec()).collect();
	w.ext.execute_with(|| {
		sp_io::offchain::local_storage_set(StorageKind::PERSISTENT, keys::FEEDS, &urls.encode())
	});
}

fn openvpp_doc(bundles: &[Bundle<Max>]) -> Vec<u8> {
	serde_json::to_vec(&FeedDocument {
		format: OPENVPP_FORMAT.into(),
		bundles: bundles.iter().map(|b| feed::bundle_to_json(b).unwrap()).collect(),
	})
	.unwrap()
}

fn run_worker(w: &mut World, block: u32) {
	w.ext.execute_with(|| {
		frame_system::Pallet::<Runtime>::set_block_number(block);
		// As on a node: the parent's hash is known (transactions are mortal from it).
		let parent = block - 1;
		frame_system::BlockHash::<Runtime>::insert(
			parent,
			sp_core::H256::repeat_byte(parent as u8),
		);
		// A node discards what an offchain worker writes to chain state (e.g. the nonce the
		// signer bumps); so does the test.
		frame_support::storage::with_transaction(|| {
			<Feeds as Hooks<u32>>::offchain_worker(block);
			sp_runtime::TransactionOutcome::Rollback(Ok::<(), sp_runtime::DispatchError>(()))
		})
		.unwrap();
	});
}

/// Takes the pool's transactions, checks each is signed by the gateway, and dispatches it.
fn include_pool(w: &mut World) -> Vec<Vec<Bundle<Max>>> {
	let txs: Vec<Vec<u8>> = std::mem::take(&mut w.pool.write().transactions);
	let gateway = w.gateway.clone();
	w.ext.execute_with(|| {
		txs.iter()
			.map(|raw| {
				let xt = UncheckedExtrinsic::decode(&mut &raw[..]).unwrap();
				let checked =
					xt.check(&frame_system::ChainContext::<Runtime>::default()).expect("valid");
				let signer = match &checked.format {
					sp_runtime::generic::ExtrinsicFormat::Signed(who, _) => who.clone(),
					other => panic!("unsigned submission: {other:?}"),
				};
				assert_eq!(signer, gateway);
				let RuntimeCall::Telemetry(pallet_telemetry::Call::submit { bundles }) =
					checked.function.clone()
				else {
					panic!("not telemetry.submit");
				};
				frame_system::Pallet::<Runtime>::inc_account_nonce(&gateway);
				checked.function.dispatch(RuntimeOrigin::signed(gateway.clone())).unwrap();
				let bundles: Vec<Bundle<_>> = bundles.into_inner();
				bundles
					.into_iter()
					.map(|b| Bundle::<Max> {
						device: b.device,
						first_seq: b.first_seq,
						readings: BoundedVec::truncate_from(b.readings.into_inner()),
						signature: b.signature,
					})
					.collect()
			})
			.collect()
	})
}

fn status(w: &mut World, url: &str) -> FeedStatus {
	w.ext.execute_with(|| {
		let raw = sp_io::offchain::local_storage_get(
			StorageKind::PERSISTENT,
			&keys::status(url.as_bytes()),
		)
		.expect("the worker records every feed");
		FeedStatus::decode(&mut &raw[..]).unwrap()
	})
}

fn last_seq(w: &mut World) -> Option<u64> {
	let device = w.device;
	w.ext.execute_with(|| {
		pallet_telemetry::DeviceTelemetry::<Runtime>::get(device).map(|s| s.last_seq)
	})
}

#[test]
fn feed_bundles_reach_the_chain_once() {
	let mut w = world();
	let key = w.key.clone();
	let (b0, b4) = (bundle(&w, 0, &key), bundle(&w, 4, &key));
	// The feed lists them out of order; the junk feed beside it does not matter.
	expect_get(&w, FEED, openvpp_doc(&[b4.clone(), b0.clone()]));
	expect_get(&w, JUNK, b"<html>502 Bad Gateway</html>".to_vec());
	run_worker(&mut w, 2);

	let submitted = include_pool(&mut w);
	assert_eq!(submitted, vec![vec![b0.clone(), b4.clone()]]);
	assert_eq!(last_seq(&mut w), Some(7));
	let good = status(&mut w, FEED);
	assert_eq!((good.submitted, good.skipped, good.failures), (2, 0, 0));
	assert!(good.last_error.is_empty());
	let junk = status(&mut w, JUNK);
	assert_eq!((junk.submitted, junk.failures), (0, 1));
	assert!(String::from_utf8_lossy(&junk.last_error).contains("not an OpenVPP or OCPP feed"));

	// The feed still serves the same window plus one new bundle: only the new one goes out.
	let b8 = bundle(&w, 8, &key);
	expect_get(&w, FEED, openvpp_doc(&[b0, b4, b8.clone()]));
	expect_get(&w, JUNK, b"[1,2,3]".to_vec());
	run_worker(&mut w, 3);
	assert_eq!(include_pool(&mut w), vec![vec![b8.clone()]]);
	assert_eq!(last_seq(&mut w), Some(11));

	// Nothing new: nothing submitted.
	expect_get(&w, FEED, openvpp_doc(&[b8]));
	expect_get(&w, JUNK, Vec::new());
	run_worker(&mut w, 4);
	assert!(w.pool.read().transactions.is_empty());
	assert_eq!(status(&mut w, JUNK).failures, 3);
}

#[test]
fn the_worker_waits_for_its_submission_instead_of_resubmitting() {
	let mut w = world();
	let key = w.key.clone();
	let b0 = bundle(&w, 0, &key);
	expect_get(&w, FEED, openvpp_doc(&[b0.clone()]));
	expect_get(&w, JUNK, b"{}".to_vec());
	run_worker(&mut w, 2);
	assert_eq!(w.pool.read().transactions.len(), 1);

	// Not yet included: the next runs fetch nothing (an unexpected request would panic) and
	// submit nothing.
	run_worker(&mut w, 3);
	run_worker(&mut w, 4);
	assert_eq!(w.pool.read().transactions.len(), 1);
	// Included: the feed's window still lists the bundle, but the chain has it.
	assert_eq!(include_pool(&mut w), vec![vec![b0.clone()]]);
	expect_get(&w, FEED, openvpp_doc(&[b0]));
	expect_get(&w, JUNK, b"{}".to_vec());
	run_worker(&mut w, 5);
	assert!(w.pool.read().transactions.is_empty());
}

#[test]
fn dropped_submission_is_retried_and_the_feed_does_not_stall() {
	let mut w = world();
	let key = w.key.clone();
	let b0 = bundle(&w, 0, &key);
	expect_get(&w, FEED, openvpp_doc(&[b0.clone()]));
	expect_get(&w, JUNK, b"{}".to_vec());
	run_worker(&mut w, 2);
	// The pool drops the transaction: it never lands.
	assert_eq!(std::mem::take(&mut w.pool.write().transactions).len(), 1);
	assert_eq!(last_seq(&mut w), None);

	// Presumed dropped after `PendingTimeoutBlocks`: what is not on chain goes out again,
	// with the device's next bundle behind it, not refused as a sequence gap.
	let b4 = bundle(&w, 4, &key);
	expect_get(&w, FEED, openvpp_doc(&[b0.clone(), b4.clone()]));
	expect_get(&w, JUNK, b"{}".to_vec());
	run_worker(&mut w, 12);
	assert_eq!(include_pool(&mut w), vec![vec![b0, b4.clone()]]);
	assert_eq!(last_seq(&mut w), Some(7));
	assert_eq!(status(&mut w, FEED).skipped, 0);

	// And the feed goes on.
	let b8 = bundle(&w, 8, &key);
	expect_get(&w, FEED, openvpp_doc(&[b4, b8.clone()]));
	expect_get(&w, JUNK, b"{}".to_vec());
	run_worker(&mut w, 13);
	assert_eq!(include_pool(&mut w), vec![vec![b8]]);
	assert_eq!(last_seq(&mut w), Some(11));
}

#[test]
fn bundles_the_chain_would_refuse_are_not_paid_for() {
	let mut w = world();
	let key = w.key.clone();
	let impostor = DeviceKeyPair::from_uri(KeyScheme::Sr25519, "//impostor").unwrap();
	let forged = bundle(&w, 0, &impostor);
	let good = bundle(&w, 0, &key);
	// A gap: seq 8 while the chain expects 4 after the good bundle.
	let gapped = bundle(&w, 8, &key);
	expect_get(&w, FEED, openvpp_doc(&[forged, good.clone(), gapped]));
	expect_get(&w, JUNK, b"null".to_vec());
	run_worker(&mut w, 2);
	assert_eq!(include_pool(&mut w), vec![vec![good]]);
	let s = status(&mut w, FEED);
	assert_eq!((s.submitted, s.skipped), (1, 2));
	// The gateway's record on chain shows no signature failure: it never sent the forgery.
	let gateway = w.gateway.clone();
	let quality = w.ext.execute_with(|| pallet_telemetry::GatewayQuality::<Runtime>::get(gateway));
	assert_eq!(quality.bundles_accepted, 1);
	assert_eq!(quality.bad_signature, 0);
}

#[test]
fn ocpp_meter_values_are_read_like_bundles() {
	let mut w = world();
	let key = w.key.clone();
	let b0 = bundle(&w, 0, &key);
	let mut mv = feed::bundle_to_meter_value(&b0, "SR25519", &[0u8; 32]).unwrap();
	let request = MeterValuesRequest { evse_id: 1, meter_value: vec![mv.clone()] };
	expect_get(&w, FEED, serde_json::to_vec(&request).unwrap());
	// The same bundle behind a plain register that lies is refused.
	mv.sampled_value[0].value += 100.0;
	let lying = MeterValuesRequest { evse_id: 1, meter_value: vec![mv] };
	expect_get(&w, JUNK, serde_json::to_vec(&vec![lying]).unwrap());
	run_worker(&mut w, 2);
	assert_eq!(include_pool(&mut w), vec![vec![b0]]);
	assert_eq!(status(&mut w, JUNK).skipped, 1);
}

/// Scalar of the wallbox meter's P-256 key.
const METER_SCALAR: &str = "0x2121212121212121212121212121212121212121212121212121212121212121";

/// Registers an 11 kW wallbox whose certified meter (serial `EM340-0001`) signs OCMF with the
/// P-256 key of [`METER_SCALAR`], the gateway authorized; returns its id and the meter's
/// signing key. The chain takes an EV charge point's registers without a state of charge only
/// from manufacturer-certified hardware.
fn wallbox(w: &mut World) -> (DeviceId, openvpp_primitives::crypto::p256::ecdsa::SigningKey) {
	use openvpp_primitives::{
		certificate_message, serial_hash, AccuracyClass, CertificateBody, DeviceCertificate,
	};
	let key = DeviceKeyPair::from_uri(KeyScheme::P256, METER_SCALAR).unwrap();
	let maker = DeviceKeyPair::from_uri(KeyScheme::Ed25519, "//feeds//meter-maker").unwrap();
	let gateway = w.gateway.clone();
	let device = w.ext.execute_with(|| {
		// Commissioned before the session the tests read.
		let now = pallet_timestamp::Now::<Runtime>::get();
		pallet_timestamp::Now::<Runtime>::put(NOW_MS - 5 * 3_600_000);
		let owner = sp_keyring::Sr25519Keyring::Alice.to_account_id();
		let manufacturer = pallet_device_identity::NextManufacturerId::<Runtime>::get();
		DeviceIdentity::create_manufacturer(
			RuntimeOrigin::root(),
			b"Feed test meters".to_vec(),
			vec![maker.signer()],
		)
		.unwrap();
		let model = pallet_device_identity::NextModelId::<Runtime>::get();
		DeviceIdentity::create_model(
			RuntimeOrigin::root(),
			manufacturer,
			b"EM340".to_vec(),
			DeviceKind::Ev,
			Nameplate { capacity_wh: 100_000, max_import_w: 22_000, max_export_w: 0 },
			AccuracyClass::MidB,
			KeyScheme::P256,
			false,
		)
		.unwrap();
		let body = CertificateBody {
			manufacturer,
			model,
			serial_hash: serial_hash(b"EM340-0001"),
			device_key: key.signer(),
			nameplate: Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 0 },
			valid_from_ms: NOW_MS - 24 * 3_600_000,
			valid_until_ms: NOW_MS + 365 * 24 * 3_600_000,
			owner: Some(owner.clone()),
		};
		let signature = maker.sign(&certificate_message(&body));
		DeviceIdentity::register_certified_device(
			RuntimeOrigin::signed(owner.clone()),
			1,
			b"feed test wallbox".to_vec().try_into().unwrap(),
			key.signer(),
			DeviceCertificate { body, root_key: 0, signature },
			None,
		)
		.unwrap();
		let device = pallet_device_identity::NextDeviceId::<Runtime>::get() - 1;
		DeviceIdentity::authorize_gateway(RuntimeOrigin::signed(owner), device, gateway.into())
			.unwrap();
		pallet_timestamp::Now::<Runtime>::put(now);
		device
	});
	let scalar: [u8; 32] = [0x21; 32];
	(device, openvpp_primitives::crypto::p256::ecdsa::SigningKey::from_slice(&scalar).unwrap())
}

/// A charging session's OCMF record up to quarter `last` (7.4 kW from an hour before
/// `NOW_MS`), signed by `key`.
fn session_record(key: &openvpp_primitives::crypto::p256::ecdsa::SigningKey, last: u64) -> String {
	use openvpp_primitives::ocmf::{self, MeterIdentity, MeterSample};
	let identity = MeterIdentity {
		gateway_id: "WALLBOX-1".into(),
		gateway_serial: "WB-1".into(),
		vendor: "OpenVPP".into(),
		model: "EM340".into(),
		serial: "EM340-0001".into(),
	};
	let samples: Vec<MeterSample> = (0..=last)
		.map(|q| MeterSample {
			timestamp_ms: NOW_MS - 3_600_000 + q * 900_000,
			tx: if q == 0 { b'B' } else { b'T' },
			import_wh: 80_000 + q * 1_850,
		})
		.collect();
	ocmf::sign_record_p256(&ocmf::write_payload(&identity, "T1", &samples), key)
}

/// What the chain's gateway put in the pool: each transaction's OCMF records (dispatched).
fn include_ocmf(w: &mut World) -> Vec<Vec<(DeviceId, String)>> {
	let txs: Vec<Vec<u8>> = std::mem::take(&mut w.pool.write().transactions);
	let gateway = w.gateway.clone();
	w.ext.execute_with(|| {
		txs.iter()
			.map(|raw| {
				let xt = UncheckedExtrinsic::decode(&mut &raw[..]).unwrap();
				let checked =
					xt.check(&frame_system::ChainContext::<Runtime>::default()).expect("valid");
				let RuntimeCall::Telemetry(pallet_telemetry::Call::submit_ocmf { records }) =
					checked.function.clone()
				else {
					panic!("not telemetry.submit_ocmf");
				};
				frame_system::Pallet::<Runtime>::inc_account_nonce(&gateway);
				checked.function.dispatch(RuntimeOrigin::signed(gateway.clone())).unwrap();
				records
					.into_iter()
					.map(|r| (r.device, String::from_utf8(r.record.into_inner()).unwrap()))
					.collect()
			})
			.collect()
	})
}

#[test]
fn ocmf_records_of_a_charger_reach_the_chain_once() {
	let mut w = world();
	let (device, key) = wallbox(&mut w);
	let public = {
		let point = key.verifying_key().to_encoded_point(true);
		point.as_bytes().to_vec()
	};
	let first = session_record(&key, 1);
	let end = session_record(&key, 3);
	let meter_value = |record: &str| feed::ocmf_meter_value(record, &public, 0, NOW_MS);
	// The charger lists the end record before the first; an impostor's record for the same
	// meter key sits on the other feed.
	let impostor =
		openvpp_primitives::crypto::p256::ecdsa::SigningKey::from_slice(&[0x22; 32]).unwrap();
	let charger = MeterValuesRequest {
		evse_id: 1,
		meter_value: vec![meter_value(&end), meter_value(&first)],
	};
	let forged = MeterValuesRequest {
		evse_id: 1,
		meter_value: vec![meter_value(&session_record(&impostor, 2))],
	};
	expect_get(&w, FEED, serde_json::to_vec(&vec![charger.clone()]).unwrap());
	expect_get(&w, JUNK, serde_json::to_vec(&forged).unwrap());
	run_worker(&mut w, 2);

	assert_eq!(include_ocmf(&mut w), vec![vec![(device, first), (device, end)]]);
	let state =
		w.ext.execute_with(|| pallet_telemetry::DeviceTelemetry::<Runtime>::get(device)).unwrap();
	assert_eq!((state.last_seq, state.last_energy_in_wh), (3, 80_000 + 3 * 1_850));
	assert_eq!(status(&mut w, FEED).submitted, 2);
	assert_eq!(status(&mut w, JUNK).skipped, 1, "the forgery is not paid for");

	// The charger keeps serving the same records: nothing goes out again.
	expect_get(&w, FEED, serde_json::to_vec(&vec![charger]).unwrap());
	expect_get(&w, JUNK, b"[]".to_vec());
	run_worker(&mut w, 3);
	assert!(w.pool.read().transactions.is_empty());
	let gateway = w.gateway.clone();
	let quality = w.ext.execute_with(|| pallet_telemetry::GatewayQuality::<Runtime>::get(gateway));
	assert_eq!((quality.bundles_accepted, quality.bad_signature), (2, 0));
}

#[test]
fn a_node_without_a_gateway_key_does_not_pull() {
	let mut ext = common::dev_ext();
	let (offchain, _state) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| {
		pallet_timestamp::Now::<Runtime>::put(NOW_MS);
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			keys::FEEDS,
			&vec![FEED.as_bytes().to_vec()].encode(),
		);
		// Any request would panic: there is no expectation.
		<Feeds as Hooks<u32>>::offchain_worker(2);
	});
	assert!(pool_state.read().transactions.is_empty());
}

#[test]
fn dropped_ocmf_submission_is_retried_from_the_chains_last_reading() {
	let mut w = world();
	let (device, key) = wallbox(&mut w);
	let public = key.verifying_key().to_encoded_point(true).as_bytes().to_vec();
	let meter_value = |record: &str| feed::ocmf_meter_value(record, &public, 0, NOW_MS);
	let first = session_record(&key, 1);
	let charger = |records: &[&String]| {
		let meter_value = records.iter().map(|r| meter_value(r)).collect();
		serde_json::to_vec(&vec![MeterValuesRequest { evse_id: 1, meter_value }]).unwrap()
	};
	expect_get(&w, FEED, charger(&[&first]));
	expect_get(&w, JUNK, b"[]".to_vec());
	run_worker(&mut w, 2);
	// The pool drops it.
	assert_eq!(std::mem::take(&mut w.pool.write().transactions).len(), 1);

	// Presumed lost: the chain has no reading of the charger yet, so the first record goes out
	// again, with the session's end record behind it.
	let end = session_record(&key, 3);
	expect_get(&w, FEED, charger(&[&first, &end]));
	expect_get(&w, JUNK, b"[]".to_vec());
	run_worker(&mut w, 12);
	assert_eq!(include_ocmf(&mut w), vec![vec![(device, first), (device, end)]]);
	let state =
		w.ext.execute_with(|| pallet_telemetry::DeviceTelemetry::<Runtime>::get(device)).unwrap();
	assert_eq!((state.last_seq, state.last_energy_in_wh), (3, 80_000 + 3 * 1_850));
}

const POISON: &str = "http://127.0.0.1:8082/poison";

/// How much of each poisoned response the worker read, for the ones it left unfinished.
fn unfinished_reads(w: &World) -> Vec<usize> {
	w.offchain.read().requests.values().filter(|r| r.uri == POISON).map(|r| r.read).collect()
}

#[test]
fn poisoned_feed_does_not_stop_the_other_feeds() {
	let mut w = world();
	// The poisoned feed comes first; the worker must go on to the next.
	set_feeds(&mut w, &[POISON, FEED]);
	let key = w.key.clone();
	let max = feed::MAX_FEED_BYTES;

	// 8 MiB, the old body cap: reading stops just past 1 MiB, the rest is never read.
	let b0 = bundle(&w, 0, &key);
	expect_get(&w, POISON, vec![b'['; 8 * 1024 * 1024]);
	expect_get(&w, FEED, openvpp_doc(&[b0.clone()]));
	run_worker(&mut w, 2);
	let read = unfinished_reads(&w);
	assert_eq!(read.len(), 1);
	assert!(read[0] > max && read[0] <= max + 16 * 1024, "{} bytes read", read[0]);
	assert_eq!(include_pool(&mut w), vec![vec![b0]]);
	let poison = status(&mut w, POISON);
	assert_eq!((poison.failures, poison.submitted), (1, 0));
	assert!(
		String::from_utf8_lossy(&poison.last_error).contains("larger than 1048576 bytes"),
		"{}",
		String::from_utf8_lossy(&poison.last_error)
	);

	// A body that says how long it is is refused before a byte of it is read.
	let b4 = bundle(&w, 4, &key);
	let two_mib = 2 * 1024 * 1024;
	expect_get_with_headers(
		&w,
		POISON,
		vec![b' '; two_mib],
		vec![("content-length".into(), two_mib.to_string())],
	);
	expect_get(&w, FEED, openvpp_doc(&[b4.clone()]));
	run_worker(&mut w, 3);
	let mut read = unfinished_reads(&w);
	read.sort();
	assert_eq!(read[0], 0, "the declared body is not read");
	assert_eq!(include_pool(&mut w), vec![vec![b4]]);

	// A megabyte of nesting: refused by the parser at the first level it does not expect, the
	// feed beside it goes on.
	let b8 = bundle(&w, 8, &key);
	expect_get(&w, POISON, vec![b'['; max]);
	expect_get(&w, FEED, openvpp_doc(&[b8.clone()]));
	run_worker(&mut w, 4);
	assert_eq!(include_pool(&mut w), vec![vec![b8]]);
	let poison = status(&mut w, POISON);
	assert_eq!(poison.failures, 3);
	let why = String::from_utf8_lossy(&poison.last_error).into_owned();
	assert!(why.starts_with("not an OpenVPP or OCPP feed: invalid type"), "{why}");
	assert!(poison.last_error.len() < 300, "the error quotes little of the body");
}

/// A feed of `MAX_FEED_ENTRIES` well-formed but empty bundles.
fn flood() -> Vec<u8> {
	let entry = r#"{"device":1,"firstSeq":0,"readings":[],"signature":""}"#;
	let entries = vec![entry; feed::MAX_FEED_ENTRIES].join(",");
	format!(r#"{{"format":"{OPENVPP_FORMAT}","bundles":[{entries}]}}"#).into_bytes()
}

#[test]
fn flooding_feeds_do_not_starve_the_feeds_after_them() {
	const FLOODS: [&str; 4] = [
		"http://127.0.0.1:8090/flood",
		"http://127.0.0.1:8091/flood",
		"http://127.0.0.1:8092/flood",
		"http://127.0.0.1:8093/flood",
	];
	let mut w = world();
	set_feeds(&mut w, &[FLOODS[0], FLOODS[1], FLOODS[2], FLOODS[3], FEED]);
	let key = w.key.clone();
	// Four full feeds spend the run's entry budget: the fifth is not pulled this run (a
	// request without an expectation would fail the test).
	assert_eq!(pallet_feeds::MAX_ENTRIES_PER_RUN, 4 * feed::MAX_FEED_ENTRIES);
	for url in FLOODS {
		expect_get(&w, url, flood());
	}
	run_worker(&mut w, 2);
	assert!(w.pool.read().transactions.is_empty());
	assert_eq!(status(&mut w, FLOODS[3]).skipped, feed::MAX_FEED_ENTRIES as u64);

	// The next run starts with it; the floods after it get what budget is left.
	let b0 = bundle(&w, 0, &key);
	expect_get(&w, FEED, openvpp_doc(&[b0.clone()]));
	for url in FLOODS {
		expect_get(&w, url, flood());
	}
	run_worker(&mut w, 3);
	assert_eq!(include_pool(&mut w), vec![vec![b0]]);
	assert_eq!(status(&mut w, FEED).submitted, 1);
	// The last flood had one entry less of budget: it was cut there.
	assert_eq!(status(&mut w, FLOODS[3]).skipped, 2 * feed::MAX_FEED_ENTRIES as u64);
}
