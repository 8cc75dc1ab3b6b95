//! `openvpp-gateway feed serve`: an HTTP feed of a simulated fleet's signed readings, in
//! OpenVPP bundle JSON, as OCPP 2.0.1 `MeterValuesRequest`s carrying bundles, or as the OCPP
//! `MeterValuesRequest`s with OCMF records that Eichrecht chargers send, for a node's offchain
//! worker to pull (`openvpp-node --telemetry-feed http://HOST:PORT/feed`).
//!
//! The feed serves a sliding window of each device's latest bundles or records (like a meter
//! backend that keeps recent data until it ages out): the node submits what is new and skips
//! the rest.

use std::{
	collections::VecDeque,
	io::{BufRead, BufReader, Write},
	net::{TcpListener, TcpStream},
	sync::{Arc, Mutex},
	time::Duration,
};

use openvpp_primitives::{
	feed::{self, FeedDocument, MeterValuesRequest, OPENVPP_FORMAT},
	p256::elliptic_curve::sec1::ToEncodedPoint,
	Bundle, DevicePublicKey, KeyScheme,
};
use openvpp_runtime::{AccountId, RuntimeCall};
use serde_json::json;

use crate::{
	fleet::{FleetMember, MaxReadings, SignedRecord},
	rpc::Rpc,
	tx::{account_of, sign, ChainContext, Signer},
	CliResult,
};

/// Wire format of the feed.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FeedFormat {
	/// OpenVPP bundle JSON (`openvpp.bundles.v1`).
	Openvpp,
	/// OCPP 2.0.1 `MeterValuesRequest` array with the bundle as the signed meter value.
	Ocpp,
	/// OCPP 2.0.1 `MeterValuesRequest` array with OCMF records of certified P-256 meters, as
	/// Eichrecht chargers send them (needs `--manufacturer`, `--model`, `--manufacturer-key`).
	Ocmf,
}

impl FeedFormat {
	/// What the format is, for people.
	fn describe(&self) -> &'static str {
		match self {
			FeedFormat::Openvpp => "OpenVPP bundle JSON",
			FeedFormat::Ocpp => "OCPP 2.0.1 MeterValuesRequest",
			FeedFormat::Ocmf => "OCPP 2.0.1 MeterValuesRequest with OCMF records",
		}
	}
}

/// Options of `feed serve`.
pub struct ServeArgs {
	/// Address to listen on.
	pub listen: String,
	/// Wire format.
	pub format: FeedFormat,
	/// Gateway account to authorize for the fleet's devices.
	pub authorize: Option<String>,
	/// A new bundle (or record) per device every this many ms.
	pub period_ms: u64,
	/// Readings per bundle (bundle formats).
	pub readings: u32,
	/// Bundles (or records) per device the feed keeps serving.
	pub window: usize,
}

/// What a device signed for the feed.
enum Signed {
	/// A device-signed bundle.
	Bundle(Bundle<MaxReadings>),
	/// A meter-signed OCMF record.
	Ocmf(SignedRecord),
}

/// What each device has served recently, oldest first.
type Window = Vec<(FleetMember, VecDeque<Signed>)>;

/// Raw public key of a device key.
fn public_bytes(key: &openvpp_primitives::keys::DeviceKeyPair) -> Vec<u8> {
	key.signer().as_bytes().to_vec()
}

/// OCPP `signingMethod` of a bundle signed with a key of `scheme` (informational).
fn signing_method(scheme: KeyScheme) -> &'static str {
	match scheme {
		KeyScheme::Sr25519 => "SR25519",
		KeyScheme::Ed25519 => "ED25519",
		KeyScheme::Ecdsa => "ECDSA-secp256k1",
		KeyScheme::P256 => feed::OCMF_SIGNING_METHOD,
	}
}

/// DER `SubjectPublicKeyInfo` of a P-256 key (`id-ecPublicKey`, `prime256v1`, uncompressed
/// point): how Eichrecht chargers publish their meters' keys.
pub fn p256_spki_der(compressed: &[u8]) -> Result<Vec<u8>, String> {
	/// SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (65 bytes) }.
	const PREFIX: [u8; 26] = [
		0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
		0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
	];
	let key = openvpp_primitives::p256::PublicKey::from_sec1_bytes(compressed)
		.map_err(|_| "not a P-256 public key")?;
	let mut der = PREFIX.to_vec();
	der.extend_from_slice(key.to_encoded_point(false).as_bytes());
	Ok(der)
}

/// The meter key a charger publishes beside its records: DER SPKI of a P-256 key, else the raw
/// key bytes.
fn published_meter_key(key: &DevicePublicKey) -> Vec<u8> {
	match key {
		DevicePublicKey::P256(k) => p256_spki_der(&k.0).unwrap_or_else(|_| k.0.to_vec()),
		other => other.as_bytes().to_vec(),
	}
}

/// Authorizes `gateway` for every fleet device that does not have it yet, in one batch.
fn authorize(
	rpc: &Rpc,
	ctx: &ChainContext,
	owner: &Signer,
	fleet: &[FleetMember],
	gateway: &AccountId,
) -> Result<(), String> {
	let has_gateway = |id| -> Result<bool, String> {
		let info: Option<pallet_device_identity::DeviceInfo<AccountId>> =
			rpc.runtime_call("DeviceIdentityApi_device", id).map_err(|e| e.to_string())?;
		Ok(info.is_some_and(|i| i.gateways.contains(gateway)))
	};
	let mut missing = Vec::new();
	for member in fleet {
		if !has_gateway(member.id)? {
			missing.push(member.id);
		}
	}
	if missing.is_empty() {
		return Ok(());
	}
	let calls = missing
		.iter()
		.map(|id| {
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::authorize_gateway {
				id: *id,
				gateway: gateway.clone().into(),
			})
		})
		.collect();
	let call = RuntimeCall::Utility(pallet_utility::Call::batch_all { calls });
	let nonce = rpc.next_nonce(&owner.address()).map_err(|e| e.to_string())?;
	rpc.submit(&sign(ctx, owner, nonce, call)).map_err(|e| e.to_string())?;
	let Some(last) = missing.last().copied() else { return Ok(()) };
	for _ in 0..60 {
		std::thread::sleep(Duration::from_millis(500));
		if has_gateway(last)? {
			return Ok(());
		}
	}
	Err("the gateway authorization was submitted but did not take effect within 30 s".into())
}

/// The response body for the current window.
fn render(window: &Window, format: FeedFormat) -> Result<Vec<u8>, String> {
	let bundles = window.iter().flat_map(|(_, q)| q.iter()).filter_map(|s| match s {
		Signed::Bundle(b) => Some(b),
		Signed::Ocmf(_) => None,
	});
	let body = match format {
		FeedFormat::Openvpp => serde_json::to_vec(&FeedDocument {
			format: OPENVPP_FORMAT.into(),
			bundles: bundles.filter_map(feed::bundle_to_json).collect(),
		}),
		FeedFormat::Ocpp | FeedFormat::Ocmf => {
			let requests: Vec<MeterValuesRequest> = window
				.iter()
				.enumerate()
				.map(|(evse, (member, queue))| {
					let signer = member.key.signer();
					let (method, raw) =
						(signing_method(signer.scheme()), public_bytes(&member.key));
					let meter_key = published_meter_key(&signer);
					MeterValuesRequest {
						evse_id: evse as i64 + 1,
						meter_value: queue
							.iter()
							.filter_map(|s| match s {
								Signed::Bundle(b) => feed::bundle_to_meter_value(b, method, &raw),
								Signed::Ocmf(r) => Some(feed::ocmf_meter_value(
									&r.record,
									&meter_key,
									r.import_wh,
									r.timestamp_ms,
								)),
							})
							.collect(),
					}
				})
				.collect();
			serde_json::to_vec(&requests)
		}
	};
	body.map_err(|e| e.to_string())
}

/// What `member` signs for the feed at `now_ms`: an OCMF record of one new sample, or a bundle
/// covering the time since its last reading.
fn next_signed(
	member: &mut FleetMember,
	format: FeedFormat,
	genesis: sp_core::H256,
	now_ms: u64,
	readings: u32,
	period_ms: u64,
) -> Result<Signed, String> {
	match format {
		FeedFormat::Ocmf => member.next_ocmf_record(now_ms, period_ms).map(Signed::Ocmf),
		FeedFormat::Openvpp | FeedFormat::Ocpp => {
			member.next_bundle(genesis, now_ms, readings, 15_000).map(Signed::Bundle)
		}
	}
}

/// Signs the next entry of every device and drops what falls out of the window.
fn produce(
	window: &mut Window,
	format: FeedFormat,
	genesis: sp_core::H256,
	now_ms: u64,
	readings: u32,
	period_ms: u64,
	keep: usize,
) {
	for (member, queue) in window.iter_mut() {
		match next_signed(member, format, genesis, now_ms, readings, period_ms) {
			Ok(signed) => {
				queue.push_back(signed);
				while queue.len() > keep {
					queue.pop_front();
				}
			}
			Err(e) => eprintln!("device {}: {e}", member.id),
		}
	}
}

fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) {
	let head = format!(
		"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
		body.len()
	);
	// A client that went away is not the feed's problem.
	let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
}

fn serve_one(mut stream: TcpStream, window: &Mutex<Window>, format: FeedFormat) {
	let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
	let mut reader = BufReader::new(match stream.try_clone() {
		Ok(s) => s,
		Err(_) => return,
	});
	let mut request_line = String::new();
	if reader.read_line(&mut request_line).is_err() {
		return;
	}
	// Drain the headers.
	let mut line = String::new();
	while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
		line.clear();
	}
	let mut parts = request_line.split_whitespace();
	let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
	match (method, path) {
		("GET", "/health") => respond(&mut stream, "200 OK", "text/plain", b"ok"),
		("GET", "/feed") => {
			let body = match window.lock() {
				Ok(w) => render(&w, format),
				Err(_) => Err("feed state poisoned".into()),
			};
			match body {
				Ok(body) => respond(&mut stream, "200 OK", "application/json", &body),
				Err(e) => {
					respond(&mut stream, "500 Internal Server Error", "text/plain", e.as_bytes())
				}
			}
		}
		("GET", _) => respond(&mut stream, "404 Not Found", "text/plain", b"GET /feed or /health"),
		_ => respond(&mut stream, "405 Method Not Allowed", "text/plain", b"GET only"),
	}
}

/// Runs the feed until interrupted.
pub fn serve(
	url: &str,
	args: &ServeArgs,
	fleet_args: &crate::FleetArgs,
	json_out: bool,
) -> CliResult {
	crate::check_readings_per_bundle(args.readings)?;
	if args.period_ms < 1_000 {
		return Err("--period-ms must be at least 1000".into());
	}
	if args.format == FeedFormat::Ocmf && fleet_args.certified.manufacturer.is_none() {
		return Err("--format ocmf serves certified charging points: give --manufacturer, --model and --manufacturer-key".into());
	}
	let rpc = Rpc::new(url);
	let ctx = ChainContext::fetch(&rpc).map_err(|e| e.to_string())?;
	let owner = Signer::from_uri(&fleet_args.owner)?;
	let listener = TcpListener::bind(&args.listen)
		.map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
	let fleet =
		crate::prepare_fleet(&rpc, &ctx, &owner, fleet_args, &indicatif::ProgressBar::hidden())?;
	if let Some(who) = &args.authorize {
		let gateway = account_of(who).map_err(|e| format!("--authorize: {e}"))?;
		authorize(&rpc, &ctx, &owner, &fleet, &gateway)?;
	}
	let ids: Vec<u64> = fleet.iter().map(|m| m.id).collect();
	let window: Arc<Mutex<Window>> =
		Arc::new(Mutex::new(fleet.into_iter().map(|m| (m, VecDeque::new())).collect()));

	// Each period every device signs a new bundle covering the time since its last reading
	// (or its meter a new OCMF record).
	let producer = {
		let window = window.clone();
		let (format, readings, period, keep) =
			(args.format, args.readings, args.period_ms, args.window.max(1));
		std::thread::spawn(move || loop {
			if let Ok(mut w) = window.lock() {
				produce(&mut w, format, ctx.genesis, crate::now_ms(), readings, period, keep);
			}
			std::thread::sleep(Duration::from_millis(period));
		})
	};
	let local = listener.local_addr().map_err(|e| e.to_string())?;
	if json_out {
		println!("{}", json!({ "listening": format!("http://{local}/feed"), "devices": ids }));
	} else {
		println!(
			"serving {} devices at http://{local}/feed ({}); add it to a node with --telemetry-feed or openvpp_addFeed",
			ids.len(),
			args.format.describe()
		);
	}
	for stream in listener.incoming() {
		match stream {
			Ok(stream) => serve_one(stream, &window, args.format),
			Err(e) => eprintln!("connection failed: {e}"),
		}
		if producer.is_finished() {
			return Err("the reading producer stopped".into());
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::fleet::{OcmfMeter, SimDevice, CHARGE_POWER_W};
	use openvpp_primitives::{
		keys::{DeviceKeyPair, KeyScheme},
		ocmf, DeviceState,
	};

	/// 2026-01-01T00:00:00Z.
	const START_MS: u64 = 1_767_225_600_000;
	const PERIOD_MS: u64 = 3_000;
	const HOUR_MS: u64 = 3_600_000;
	const KEY_SEED: &str = "//openvpp/test/chargers";

	fn model() -> pallet_device_identity::ModelInfo {
		pallet_device_identity::ModelInfo {
			id: 7,
			manufacturer: 3,
			name: b"EM340 wallbox".to_vec(),
			kind: openvpp_primitives::DeviceKind::Ev,
			max_nameplate: openvpp_primitives::Nameplate {
				capacity_wh: 120_000,
				max_import_w: 22_000,
				max_export_w: 0,
			},
			accuracy_class: openvpp_primitives::AccuracyClass::MidB,
			key_scheme: KeyScheme::P256,
			proof_of_possession: false,
		}
	}

	fn charger(i: u64) -> FleetMember {
		let key = DeviceKeyPair::from_uri(KeyScheme::P256, &format!("{KEY_SEED}/{i}")).unwrap();
		let identity = crate::meter_identity(KEY_SEED, i, &model());
		FleetMember {
			id: 100 + i,
			key,
			sim: SimDevice::charging_point(42 + i),
			next_seq: 0,
			last_ms: 0,
			commissioned_ms: 0,
			meter: Some(OcmfMeter::new(identity, 42 + i)),
		}
	}

	/// The feed's window after `times` rounds of the producer.
	fn window_after(times: &[u64], keep: usize) -> Window {
		let mut window: Window = (0..2).map(|i| (charger(i), VecDeque::new())).collect();
		for now in times {
			produce(&mut window, FeedFormat::Ocmf, Default::default(), *now, 4, PERIOD_MS, keep);
		}
		window
	}

	/// Parses a rendered OCMF feed as the node does and verifies every record with the key it
	/// names; returns each record's readings, per key.
	fn readings_of(body: &[u8]) -> Vec<(DevicePublicKey, String, openvpp_primitives::Reading)> {
		let parsed = feed::parse_feed::<MaxReadings>(body).unwrap();
		assert!(parsed.skipped.is_empty(), "{:?}", parsed.skipped);
		assert!(parsed.bundles.is_empty());
		parsed
			.ocmf
			.iter()
			.map(|entry| {
				let record = ocmf::verify(&entry.record, &entry.public_key).unwrap();
				let readings = ocmf::to_readings(&record).unwrap();
				assert_eq!(readings.len(), 1, "one sample per record");
				(entry.public_key.clone(), record.meter_serial.unwrap(), readings[0])
			})
			.collect()
	}

	#[test]
	fn an_ocmf_feed_parses_verifies_and_never_charges_above_11_kw() {
		// Twelve periods, one of them late (the producer was held up for a minute).
		let mut times: Vec<u64> = (0..12).map(|n| START_MS + n * PERIOD_MS).collect();
		times[7] += 60_000;
		for t in times.iter_mut().skip(8) {
			*t += 60_000;
		}
		let window = window_after(&times, 16);
		let body = render(&window, FeedFormat::Ocmf).unwrap();
		let readings = readings_of(&body);
		assert_eq!(readings.len(), 2 * 12);

		for (member, _) in &window {
			let key = member.key.signer();
			let serial = crate::meter_serial(KEY_SEED, member.id - 100);
			let mine: Vec<_> = readings.iter().filter(|(k, ..)| *k == key).collect();
			assert_eq!(mine.len(), 12, "every record names its meter's key");
			assert!(mine.iter().all(|(_, ms, _)| *ms == serial), "MS is the certified serial");
			for pair in mine.windows(2) {
				let (a, b) = (&pair[0].2, &pair[1].2);
				let elapsed_ms = b.timestamp_ms - a.timestamp_ms;
				let charged_wh = b.energy_in_wh - a.energy_in_wh;
				assert!(elapsed_ms > 0, "time goes forward");
				assert!(charged_wh > 0, "a charging car moves the register");
				assert!(
					charged_wh * HOUR_MS <= 11_000 * elapsed_ms,
					"{charged_wh} Wh in {elapsed_ms} ms"
				);
				assert_eq!(b.energy_out_wh, 0);
			}
			// Over the run the register moved by 7.4 kW over the charging time (the late
			// period counts one period: the car did not charge while nobody sampled).
			let (first, last) = (&mine[0].2, &mine[11].2);
			let charged_ms = 11 * PERIOD_MS;
			let expected_wh = CHARGE_POWER_W * charged_ms / HOUR_MS;
			assert!(last.energy_in_wh - first.energy_in_wh <= expected_wh + 1);
			assert!(last.energy_in_wh - first.energy_in_wh + 1 >= expected_wh);
			assert_eq!(first.timestamp_ms, START_MS);
		}
	}

	#[test]
	fn the_first_record_begins_the_transaction_and_the_window_keeps_the_latest() {
		let times: Vec<u64> = (0..10).map(|n| START_MS + n * PERIOD_MS).collect();
		let all = window_after(&times, 16);
		let records: Vec<&SignedRecord> = all[0]
			.1
			.iter()
			.map(|s| match s {
				Signed::Ocmf(r) => r,
				Signed::Bundle(_) => panic!("a bundle in an OCMF feed"),
			})
			.collect();
		let tx = |r: &SignedRecord| ocmf::parse(r.record.as_bytes()).unwrap().readings[0].tx;
		assert_eq!(tx(records[0]), Some(b'B'));
		assert!(records[1..].iter().all(|r| tx(r) == Some(b'T')));
		let pages: Vec<String> =
			records.iter().map(|r| ocmf::parse(r.record.as_bytes()).unwrap().pagination).collect();
		assert_eq!(pages[0], "T1");
		assert_eq!(pages[9], "T10");

		let kept = window_after(&times, 4);
		let stamps: Vec<u64> = kept[0]
			.1
			.iter()
			.map(|s| match s {
				Signed::Ocmf(r) => r.timestamp_ms,
				Signed::Bundle(_) => 0,
			})
			.collect();
		assert_eq!(stamps, times[6..].to_vec());
	}

	#[test]
	fn a_restarted_charger_continues_from_the_chain_state() {
		let mut member = charger(0);
		let state = pallet_telemetry::TelemetryState {
			last_seq: 41,
			last_timestamp_ms: START_MS,
			last_energy_in_wh: 2_345_678,
			last_energy_out_wh: 0,
			last_soc: None,
			last_state: DeviceState::Charging,
			epoch: 0,
			epoch_energy_in_wh: 0,
			epoch_energy_out_wh: 0,
			epoch_readings: 0,
		};
		member.resume_from(Some(&state));
		// An hour later the gateway is back; the car charged only while sampled.
		let record = member.next_ocmf_record(START_MS + HOUR_MS, PERIOD_MS).unwrap();
		let parsed = ocmf::verify(record.record.as_bytes(), &member.key.signer()).unwrap();
		let reading = &ocmf::to_readings(&parsed).unwrap()[0];
		assert_eq!(reading.timestamp_ms, START_MS + HOUR_MS);
		assert_eq!(reading.energy_in_wh, 2_345_678 + CHARGE_POWER_W * PERIOD_MS / HOUR_MS);
		assert_eq!(parsed.pagination, "T43");
		// A clock behind the chain's last reading still stamps after it.
		let mut behind = charger(0);
		behind.resume_from(Some(&state));
		let record = behind.next_ocmf_record(START_MS - 60_000, PERIOD_MS).unwrap();
		assert_eq!(record.timestamp_ms, START_MS + 1);
		assert!(record.import_wh >= 2_345_678);
	}

	#[test]
	fn a_tampered_record_does_not_verify() {
		let window = window_after(&[START_MS, START_MS + PERIOD_MS], 4);
		let Signed::Ocmf(record) = &window[0].1[1] else { panic!("not a record") };
		let key = window[0].0.key.signer();
		assert!(ocmf::verify(record.record.as_bytes(), &key).is_ok());
		let tampered = record.record.replacen("\"TX\":\"T\"", "\"TX\":\"E\"", 1);
		assert_ne!(tampered, record.record);
		assert_eq!(
			ocmf::verify(tampered.as_bytes(), &key).map(|_| ()),
			Err(ocmf::OcmfError::BadSignature)
		);
		let other = window[1].0.key.signer();
		assert_eq!(
			ocmf::verify(record.record.as_bytes(), &other).map(|_| ()),
			Err(ocmf::OcmfError::BadSignature)
		);
	}

	#[test]
	fn the_published_meter_key_is_der_spki_of_the_device_key() {
		let key = charger(1).key.signer();
		let der = published_meter_key(&key);
		assert_eq!(der.len(), 91);
		assert_eq!(openvpp_primitives::parse_meter_key(&der), Ok(key));
	}
}
