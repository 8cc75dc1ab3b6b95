//! OCMF records: independent vectors (Python `cryptography`), published third-party records,
//! and one crafted record per way a record can be refused.
#![cfg(feature = "ocmf")]
#![allow(
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]

mod common;

use openvpp_primitives::{
	ocmf::{self, OcmfError, Register, SignatureAlgorithm, TimeSync, MAX_OCMF_LEN},
	p256_compress, parse_meter_key_text, DevicePublicKey, DeviceState, Reading,
};
use serde_json::Value;

fn key_of(vectors: &Value, name: &str) -> DevicePublicKey {
	parse_meter_key_text(vectors["keys"][name]["spki_der_hex"].as_str().unwrap()).unwrap()
}

fn expected_readings(expected: &Value) -> Vec<Reading> {
	expected
		.as_array()
		.unwrap()
		.iter()
		.map(|r| Reading {
			timestamp_ms: r["timestamp_ms"].as_u64().unwrap(),
			energy_in_wh: r["energy_in_wh"].as_u64().unwrap(),
			energy_out_wh: r["energy_out_wh"].as_u64().unwrap(),
			soc: None,
			state: match r["state"].as_str().unwrap() {
				"Idle" => DeviceState::Idle,
				"Charging" => DeviceState::Charging,
				"Discharging" => DeviceState::Discharging,
				other => panic!("{other}"),
			},
		})
		.collect()
}

fn record_named(vectors: &Value, name: &str) -> String {
	vectors["records"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()["record"]
		.as_str()
		.unwrap()
		.to_owned()
}

#[test]
fn every_generated_vector_verifies_and_maps_to_the_meter_registers() {
	let vectors = common::generated();
	let records = vectors["records"].as_array().unwrap();
	assert!(records.len() >= 12);
	for v in records {
		let name = v["name"].as_str().unwrap();
		let record = v["record"].as_str().unwrap().as_bytes();
		let key = key_of(&vectors, v["key"].as_str().unwrap());
		let parsed = ocmf::verify(record, &key).unwrap_or_else(|e| panic!("{name}: {e}"));
		let readings = ocmf::to_readings(&parsed).unwrap();
		assert_eq!(readings, expected_readings(&v["expected"]), "{name}");
	}
}

#[test]
fn the_ac_session_keeps_meter_identity_and_inherits_omitted_fields() {
	let vectors = common::generated();
	let record = record_named(&vectors, "p256_der_hex");
	let parsed = ocmf::parse(record.as_bytes()).unwrap();
	assert_eq!(parsed.format_version.as_deref(), Some("1.0"));
	assert_eq!(parsed.meter_vendor.as_deref(), Some("Phoenix Contact"));
	assert_eq!(parsed.meter_model.as_deref(), Some("EEM-350-D-MCB"));
	assert_eq!(parsed.meter_serial.as_deref(), Some("BQ27400330016"));
	assert_eq!(parsed.pagination, "T1187");
	assert_eq!(parsed.signature_algorithm, SignatureAlgorithm::EcdsaP256Sha256);
	let (payload, _) = ocmf::split(record.as_bytes()).unwrap();
	assert_eq!(parsed.payload_len as usize, payload.len());
	let txs: Vec<u8> = parsed.readings.iter().map(|r| r.tx.unwrap()).collect();
	assert_eq!(txs, b"BCTCE");
	// Only the first reading gives RI/RU/ST; the others inherit them.
	for r in &parsed.readings {
		assert_eq!((r.obis.as_str(), r.unit.as_str()), ("1-b:1.8.0", "kWh"));
		assert_eq!(
			(r.register, r.sync, r.meter_ok()),
			(Register::Import, TimeSync::Synchronized, true)
		);
	}
	let first = &parsed.readings[0];
	assert_eq!((first.value.as_str(), first.value_wh), ("1234.567", Some(1_234_567)));
	let last = parsed.readings.last().unwrap();
	assert_eq!((last.value.as_str(), last.value_wh), ("1246.012", Some(1_246_012)));
	// 11.445 kWh in 1 h 39 min: 6.9 kW average on a 7.4 kW charger.
	let readings = ocmf::to_readings(&parsed).unwrap();
	let delivered = readings.last().unwrap().energy_in_wh - readings[0].energy_in_wh;
	assert_eq!(delivered, 11_445);
}

#[test]
fn a_changed_payload_byte_or_register_digit_is_a_bad_signature() {
	let vectors = common::generated();
	let key = key_of(&vectors, "p256");
	let record = record_named(&vectors, "p256_der_hex");
	assert!(ocmf::verify(record.as_bytes(), &key).is_ok());

	// One digit of the end register: 1246.012 → 1246.013 kWh. Still a well-formed record
	// worth 1 Wh more, but not the one the meter signed.
	let forged = record.replacen("1246.012", "1246.013", 1);
	let parsed = ocmf::parse(forged.as_bytes()).unwrap();
	assert_eq!(parsed.readings.last().unwrap().value_wh, Some(1_246_013));
	assert_eq!(ocmf::verify(forged.as_bytes(), &key), Err(OcmfError::BadSignature));

	// One letter of the meter serial.
	let forged = record.replacen("BQ27400330016", "BQ27400330017", 1);
	assert_eq!(ocmf::verify(forged.as_bytes(), &key), Err(OcmfError::BadSignature));

	// Whitespace added to the payload: valid JSON, same values, different bytes.
	let forged = record.replacen("\"RD\":[", "\"RD\": [", 1);
	assert!(ocmf::parse(forged.as_bytes()).is_ok());
	assert_eq!(ocmf::verify(forged.as_bytes(), &key), Err(OcmfError::BadSignature));
}

#[test]
fn no_single_bit_flip_in_the_payload_leaves_a_valid_record() {
	let vectors = common::generated();
	for (name, key) in [("p256_der_hex", "p256"), ("secp256k1_high_s", "secp256k1")] {
		let key = key_of(&vectors, key);
		let record = record_named(&vectors, name).into_bytes();
		let payload_len = ocmf::split(&record).unwrap().0.len();
		for at in 5..5 + payload_len {
			let mut forged = record.clone();
			forged[at] ^= 0x01;
			assert!(ocmf::verify(&forged, &key).is_err(), "{name}: byte {at}");
		}
	}
}

#[test]
fn a_signature_of_another_key_is_a_bad_signature() {
	let vectors = common::generated();
	let p256 = key_of(&vectors, "p256");
	let other = key_of(&vectors, "p256_other");
	let by_other = record_named(&vectors, "p256_signed_by_other_key");
	assert!(ocmf::verify(by_other.as_bytes(), &other).is_ok());
	assert_eq!(ocmf::verify(by_other.as_bytes(), &p256), Err(OcmfError::BadSignature));
	let by_p256 = record_named(&vectors, "p256_der_hex");
	assert_eq!(ocmf::verify(by_p256.as_bytes(), &other), Err(OcmfError::BadSignature));
}

#[test]
fn high_s_and_low_s_both_verify_on_both_curves() {
	let vectors = common::generated();
	let p256 = key_of(&vectors, "p256");
	for name in ["p256_low_s", "p256_high_s"] {
		assert!(ocmf::verify(record_named(&vectors, name).as_bytes(), &p256).is_ok(), "{name}");
	}
	let k1 = key_of(&vectors, "secp256k1");
	assert!(matches!(k1, DevicePublicKey::Ecdsa(_)));
	for name in ["secp256k1_der_hex", "secp256k1_high_s"] {
		assert!(ocmf::verify(record_named(&vectors, name).as_bytes(), &k1).is_ok(), "{name}");
	}
}

// ---- Published third-party records ----

fn verify_published(name: &str) -> Result<ocmf::OcmfRecord, OcmfError> {
	let p = common::published(name);
	let key = parse_meter_key_text(&p.key).unwrap_or_else(|e| panic!("{name} key: {e}"));
	ocmf::verify(p.record.as_bytes(), &key)
}

#[test]
fn published_records_verify_as_is_with_their_published_keys() {
	let published = common::third_party();
	assert!(published.len() >= 10);
	for p in &published {
		let result = verify_published(&p.name);
		if p.name.ends_with("_fail") || p.name.ends_with("_tampered") {
			assert_eq!(result, Err(OcmfError::BadSignature), "{} ({})", p.name, p.source);
		} else {
			assert!(result.is_ok(), "{} ({}): {:?}", p.name, p.source, result);
		}
	}
}

#[test]
fn published_dzg_secp256k1_records_map_to_the_meter_register() {
	// SAFE-eV/transparenzsoftware OCMF_Test_Data_00.xml: DZG DVH4013, "RV":"       9.038" kWh
	// at begin and end (a 30 s session that drew no energy), high-S secp256k1 signatures.
	let begin = verify_published("dzg_secp256k1_begin").unwrap();
	assert_eq!(begin.signature_algorithm, SignatureAlgorithm::EcdsaSecp256k1Sha256);
	assert_eq!(begin.meter_serial.as_deref(), Some("1DZG0033016824"));
	assert_eq!(begin.readings[0].value, "9.038");
	let end = verify_published("dzg_secp256k1_end").unwrap();
	// The end record also carries the session duration (OBIS 0.8.6, "sec"): kept, not mapped.
	assert_eq!(end.readings[1].register, Register::Other);
	assert_eq!((end.readings[1].unit.as_str(), end.readings[1].value.as_str()), ("sec", "30"));
	let mut readings = ocmf::to_readings(&begin).unwrap();
	readings.extend(ocmf::to_readings(&end).unwrap());
	assert_eq!(
		readings,
		vec![
			// 2021-10-26T10:20:52+0200 and 10:21:22+0200.
			Reading {
				timestamp_ms: 1_635_236_452_000,
				energy_in_wh: 9038,
				energy_out_wh: 0,
				soc: None,
				state: DeviceState::Idle,
			},
			Reading {
				timestamp_ms: 1_635_236_482_000,
				energy_in_wh: 9038,
				energy_out_wh: 0,
				soc: None,
				state: DeviceState::Idle,
			},
		]
	);
}

#[test]
fn published_ebee_record_maps_to_7753_wh() {
	// SAFE-eV/transparenzsoftware test_ocmf_ebee_01.xml: "RV":7753 "RU":"Wh", no SA.
	let record = verify_published("ebee_begin").unwrap();
	assert_eq!(record.signature_algorithm, SignatureAlgorithm::EcdsaP256Sha256);
	let readings = ocmf::to_readings(&record).unwrap();
	assert_eq!(readings.len(), 1);
	assert_eq!((readings[0].energy_in_wh, readings[0].timestamp_ms), (7753, 1_629_878_464_000));
}

#[test]
fn published_registers_listed_one_after_the_other_merge_by_time() {
	// SAFE-eV/transparenzsoftware Ocmf_Example_OBIS_98.8.0_2.8.0.xml: 98.8.0 begin and end,
	// then 2.8.0 begin (1.0 kWh) and end (2.0 kWh).
	let record = verify_published("obis_98_export").unwrap();
	let readings = ocmf::to_readings(&record).unwrap();
	let got: Vec<_> = readings.iter().map(|r| (r.energy_in_wh, r.energy_out_wh, r.state)).collect();
	assert_eq!(got, vec![(0, 1000, DeviceState::Idle), (0, 2000, DeviceState::Discharging)]);
	assert_eq!(readings[1].timestamp_ms - readings[0].timestamp_ms, 14_000);
}

#[test]
fn a_published_relative_end_time_counts_from_its_informative_begin() {
	// KEBA KCP30: begin "I", end "R" (21 s later, exact duration on an informative clock).
	let keba = verify_published("keba_kcp30").unwrap();
	assert_eq!(keba.readings[0].value_wh, Some(259), "0.2596 kWh floors to 259 Wh");
	let readings = ocmf::to_readings(&keba).unwrap();
	let got: Vec<_> = readings.iter().map(|r| (r.timestamp_ms, r.energy_in_wh)).collect();
	assert_eq!(got, vec![(1_565_690_595_000, 259), (1_565_690_616_000, 259)]);
}

#[test]
fn published_records_the_chain_must_not_take_are_refused_for_the_right_reason() {
	// LEM DCBM: TM/TX inherited by the export entries; every time relative ("R"), with no
	// wall-clock reading to anchor it.
	let lem = verify_published("lem_dcbm").unwrap();
	let got: Vec<_> =
		lem.readings.iter().map(|r| (r.timestamp_ms, r.tx, r.register, r.value_wh)).collect();
	let (b, e) = (1_633_518_836_000, 1_633_518_913_000);
	assert_eq!(
		got,
		vec![
			(b, Some(b'B'), Register::Import, Some(57_584)),
			(b, Some(b'B'), Register::Export, Some(4_405)),
			(e, Some(b'E'), Register::Import, Some(58_685)),
			(e, Some(b'E'), Register::Export, Some(4_405)),
		]
	);
	assert_eq!(ocmf::to_readings(&lem), Err(OcmfError::UnsynchronizedTime));
	// Enercharge: values with exponents, in Wh.
	let enercharge = verify_published("enercharge_exponent").unwrap();
	let wh: Vec<_> = enercharge.readings.iter().map(|r| r.value_wh.unwrap()).collect();
	assert_eq!(wh, vec![16_068_480, 16_068_480, 16_086_276, 16_086_276]);
	// BAUER and Isabellenhütte: the meter itself reports an error.
	for name in ["bauer_error_state", "isa_raw_rs"] {
		let record = verify_published(name).unwrap();
		assert_eq!(ocmf::to_readings(&record), Err(OcmfError::MeterError), "{name}");
	}
}

// ---- One crafted record per error ----

const GOOD_READING: &str = concat!(
	r#"{"TM":"2024-05-14T18:02:11,000+0200 S","TX":"B","RV":1234.567,"#,
	r#""RI":"1-b:1.8.0","RU":"kWh","RT":"AC","EF":"","ST":"G"}"#
);

fn payload(rd: &str) -> String {
	format!(
		concat!(
			r#"{{"FV":"1.0","GI":"OPENVPP ACW-22 Wallbox","GS":"OVW2204001187","PG":"T7","#,
			r#""MV":"Phoenix Contact","MM":"EEM-350-D-MCB","MS":"BQ27400330016","RD":[{}]}}"#
		),
		rd
	)
}

fn signing_key() -> (p256::ecdsa::SigningKey, DevicePublicKey) {
	let sk = p256::ecdsa::SigningKey::from_bytes(&[0x4f; 32].into()).unwrap();
	let point = sk.verifying_key().to_encoded_point(false);
	(sk, DevicePublicKey::P256(p256_compress(point.as_bytes()).unwrap()))
}

/// A record signed over `payload` (r ‖ s hex) with `sig_fields` before `SD`.
fn signed(payload: &str, sig_fields: &str) -> String {
	use p256::ecdsa::signature::Signer;
	let (sk, _) = signing_key();
	let sig: p256::ecdsa::Signature = sk.sign(payload.as_bytes());
	format!("OCMF|{payload}|{{{sig_fields}\"SD\":\"{}\"}}", hex::encode(sig.to_bytes()))
}

fn with_readings(rd: &str) -> String {
	signed(&payload(rd), r#""SA":"ECDSA-secp256r1-SHA256","#)
}

fn error_of(record: &str) -> OcmfError {
	let (_, key) = signing_key();
	match ocmf::verify(record.as_bytes(), &key) {
		Err(e) => e,
		Ok(parsed) => ocmf::to_readings(&parsed).expect_err(record),
	}
}

/// Every variant, so that a new one fails to compile here until it has a test.
fn all_errors() -> Vec<OcmfError> {
	use OcmfError::*;
	let all = vec![
		TooLong,
		NotOcmf,
		BadJson,
		MissingField,
		BadTime,
		BadValue,
		UnsupportedAlgorithm,
		UnsupportedEncoding,
		KeyMismatch,
		MalformedSignature,
		BadSignature,
		UnsynchronizedTime,
		MeterError,
		UnitMismatch,
		DuplicateTimestamp,
		TimeNotIncreasing,
		RegisterNotMonotonic,
		NoEnergyReadings,
	];
	for e in &all {
		match e {
			TooLong | NotOcmf | BadJson | MissingField | BadTime | BadValue
			| UnsupportedAlgorithm | UnsupportedEncoding | KeyMismatch | MalformedSignature
			| BadSignature | UnsynchronizedTime | MeterError | UnitMismatch
			| DuplicateTimestamp | TimeNotIncreasing | RegisterNotMonotonic | NoEnergyReadings => {}
		}
	}
	all
}

#[test]
fn each_error_has_a_crafted_record_that_triggers_it() {
	let good = with_readings(GOOD_READING);
	assert_eq!(
		ocmf::to_readings(&ocmf::verify(good.as_bytes(), &signing_key().1).unwrap()).unwrap().len(),
		1
	);
	let e_reading = r#"{"TM":"2024-05-14T19:41:27,000+0200 S","TX":"E","RV":1246.012}"#;
	let oversized = {
		let padding = "x".repeat(MAX_OCMF_LEN as usize);
		with_readings(GOOD_READING).replacen("OVW2204001187", &padding, 1)
	};
	let p = payload(GOOD_READING);
	let cases: Vec<(OcmfError, String)> = vec![
		(OcmfError::TooLong, oversized),
		(OcmfError::NotOcmf, good.replacen("OCMF|", "OCMX|", 1)),
		(OcmfError::NotOcmf, format!("OCMF|{p}")),
		(OcmfError::NotOcmf, format!("{good}|{{}}")),
		(OcmfError::NotOcmf, format!(" {good}")),
		(OcmfError::BadJson, format!("OCMF|{}|{{\"SD\":\"00\"}}", &p[..p.len() - 1])),
		(
			OcmfError::BadJson,
			with_readings(GOOD_READING).replacen("\"BQ27400330016\"", "27400330016", 1),
		),
		(
			OcmfError::BadJson,
			with_readings(&GOOD_READING.replacen(
				"\"RV\":1234.567",
				"\"RV\":1234.567,\"RV\":1.0",
				1,
			)),
		),
		(
			OcmfError::BadJson,
			with_readings(&GOOD_READING.replacen("\"TX\":\"B\"", "\"TX\":\"Begin\"", 1)),
		),
		(OcmfError::MissingField, signed(&p.replacen("\"PG\":\"T7\",", "", 1), "")),
		(OcmfError::MissingField, with_readings("")),
		(OcmfError::MissingField, with_readings(&GOOD_READING.replacen(",\"RU\":\"kWh\"", "", 1))),
		(OcmfError::MissingField, with_readings(&GOOD_READING.replacen(",\"ST\":\"G\"", "", 1))),
		(OcmfError::MissingField, with_readings(&GOOD_READING.replacen("\"RV\":1234.567,", "", 1))),
		(OcmfError::MissingField, format!("OCMF|{p}|{{\"SA\":\"ECDSA-secp256r1-SHA256\"}}")),
		(
			OcmfError::BadTime,
			with_readings(&GOOD_READING.replacen("T18:02:11,000+0200 S", " 18:02:11", 1)),
		),
		(OcmfError::BadTime, with_readings(&GOOD_READING.replacen("2024-05-14", "2024-02-30", 1))),
		(OcmfError::BadValue, with_readings(&GOOD_READING.replacen("1234.567", "-1234.567", 1))),
		(OcmfError::BadValue, with_readings(&GOOD_READING.replacen("1234.567", "\"1234,567\"", 1))),
		(OcmfError::BadValue, with_readings(&GOOD_READING.replacen("1234.567", "true", 1))),
		(OcmfError::BadValue, with_readings(&GOOD_READING.replacen("1234.567", "1e30", 1))),
		(OcmfError::UnsupportedAlgorithm, signed(&p, r#""SA":"ECDSA-brainpool256r1-SHA256","#)),
		(OcmfError::UnsupportedAlgorithm, signed(&p, r#""SA":"ECDSA-secp384r1-SHA256","#)),
		(OcmfError::UnsupportedAlgorithm, signed(&p, r#""SA":"ECDSA-secp192r1-SHA256","#)),
		(OcmfError::UnsupportedEncoding, signed(&p, r#""SE":"base32","#)),
		(OcmfError::UnsupportedEncoding, signed(&p, r#""SM":"application/pkcs7-signature","#)),
		(OcmfError::KeyMismatch, signed(&p, r#""SA":"ECDSA-secp256k1-SHA256","#)),
		(OcmfError::MalformedSignature, format!("OCMF|{p}|{{\"SD\":\"30440220zz\"}}")),
		(OcmfError::MalformedSignature, format!("OCMF|{p}|{{\"SD\":\"{}\"}}", "11".repeat(63))),
		(OcmfError::MalformedSignature, format!("OCMF|{p}|{{\"SD\":\"{}\"}}", "00".repeat(64))),
		(
			OcmfError::MalformedSignature,
			format!("OCMF|{p}|{{\"SE\":\"base64\",\"SD\":\"MEQC!!\"}}"),
		),
		(OcmfError::BadSignature, signed(&p, "").replacen("T7", "T8", 1)),
		(
			OcmfError::UnsynchronizedTime,
			with_readings(&GOOD_READING.replacen("+0200 S", "+0200 R", 1)),
		),
		(
			OcmfError::UnsynchronizedTime,
			with_readings(&GOOD_READING.replacen("+0200 S", "+0200 U", 1)),
		),
		(
			OcmfError::MeterError,
			with_readings(&GOOD_READING.replacen("\"ST\":\"G\"", "\"ST\":\"E\"", 1)),
		),
		(
			OcmfError::MeterError,
			with_readings(&GOOD_READING.replacen("\"EF\":\"\"", "\"EF\":\"E\"", 1)),
		),
		(
			OcmfError::MeterError,
			with_readings(&format!("{GOOD_READING},{}", e_reading.replacen("\"E\"", "\"X\"", 1))),
		),
		(
			OcmfError::UnitMismatch,
			with_readings(&GOOD_READING.replacen("\"RU\":\"kWh\"", "\"RU\":\"W\"", 1)),
		),
		(
			OcmfError::DuplicateTimestamp,
			with_readings(&format!("{GOOD_READING},{{\"RV\":1234.568}}")),
		),
		(
			OcmfError::TimeNotIncreasing,
			with_readings(&format!(
				"{GOOD_READING},{}",
				e_reading.replacen("19:41:27", "17:41:27", 1)
			)),
		),
		(
			OcmfError::RegisterNotMonotonic,
			with_readings(&format!(
				"{GOOD_READING},{}",
				e_reading.replacen("1246.012", "1234.566", 1)
			)),
		),
		(
			OcmfError::NoEnergyReadings,
			with_readings(&GOOD_READING.replacen(
				"1-b:1.8.0\",\"RU\":\"kWh",
				"1-b:1.7.0\",\"RU\":\"kW",
				1,
			)),
		),
	];
	for (want, record) in &cases {
		assert_eq!(error_of(record), *want, "{record}");
	}
	for e in all_errors() {
		assert!(cases.iter().any(|(want, _)| *want == e), "no test triggers {e:?}");
		assert!(!e.as_str().is_empty());
	}
}

#[test]
fn a_key_of_another_scheme_is_a_key_mismatch() {
	let vectors = common::generated();
	let p256_record = record_named(&vectors, "p256_der_hex");
	let k1_record = record_named(&vectors, "secp256k1_der_hex");
	let k1 = key_of(&vectors, "secp256k1");
	let p256 = key_of(&vectors, "p256");
	let sr = DevicePublicKey::Sr25519(sp_core::sr25519::Public::from_raw([7; 32]));
	assert_eq!(ocmf::verify(p256_record.as_bytes(), &k1), Err(OcmfError::KeyMismatch));
	assert_eq!(ocmf::verify(k1_record.as_bytes(), &p256), Err(OcmfError::KeyMismatch));
	assert_eq!(ocmf::verify(p256_record.as_bytes(), &sr), Err(OcmfError::KeyMismatch));
}

#[test]
fn a_record_of_exactly_the_maximum_length_is_read_and_one_byte_more_is_not() {
	let good = with_readings(GOOD_READING);
	let short_by = MAX_OCMF_LEN as usize - good.len();
	let padded = |extra: usize| {
		let gi = format!("OPENVPP ACW-22 Wallbox{}", " ".repeat(short_by + extra));
		let p = payload(GOOD_READING).replacen("OPENVPP ACW-22 Wallbox", &gi, 1);
		with_readings(GOOD_READING).replacen(&payload(GOOD_READING), &p, 1)
	};
	assert_eq!(padded(0).len(), MAX_OCMF_LEN as usize);
	assert!(ocmf::parse(padded(0).as_bytes()).is_ok());
	assert_eq!(ocmf::parse(padded(1).as_bytes()), Err(OcmfError::TooLong));
}

#[test]
fn hostile_inputs_are_refused_without_panicking() {
	let brackets = format!("OCMF|{}|{{}}", "[".repeat(4000));
	assert_eq!(ocmf::parse(brackets.as_bytes()), Err(OcmfError::BadJson));
	// Nesting inside a vendor extension (X…) is skipped by serde_json without recursion, so
	// it is harmless and the record is read; nesting where a reading is expected is refused.
	let nest = |at: &str| {
		let deep = format!("{}1{}", "[".repeat(1000), "]".repeat(1000));
		format!("OCMF|{{\"PG\":\"T1\",\"{at}\":{deep}}}|{{\"SD\":\"00\"}}")
	};
	assert!(ocmf::parse(nest("XA").as_bytes()).is_err_and(|e| e == OcmfError::MissingField));
	assert_eq!(ocmf::parse(nest("RD").as_bytes()), Err(OcmfError::BadJson));
	let objects = format!("OCMF|{}|{{}}", "{\"a\":".repeat(800));
	assert_eq!(ocmf::parse(objects.as_bytes()), Err(OcmfError::BadJson));
	let not_utf8: &[u8] = b"OCMF|{\"PG\":\"T\xff\"}|{}";
	assert_eq!(ocmf::parse(not_utf8), Err(OcmfError::BadJson));
	// Thousands of empty readings inheriting everything: bounded by MAX_OCMF_LEN, no blow-up.
	let many = with_readings(&format!("{GOOD_READING}{}", ",{}".repeat(1100)));
	let parsed = ocmf::parse(many.as_bytes()).unwrap();
	assert_eq!(parsed.readings.len(), 1101);
	assert_eq!(ocmf::to_readings(&parsed).unwrap().len(), 1);
	// Every prefix of a real record.
	let vectors = common::generated();
	let record = record_named(&vectors, "p256_v2g_import_export");
	for end in 0..record.len() {
		assert!(ocmf::parse(&record.as_bytes()[..end]).is_err());
	}
	for garbage in [&b""[..], b"OCMF|", b"OCMF||", b"OCMF|{}|{}", b"OCMF|null|null", b"|||"] {
		assert!(ocmf::parse(garbage).is_err());
	}
}

#[test]
fn errors_encode_for_events() {
	use codec::{Decode, Encode, MaxEncodedLen};
	assert_eq!(OcmfError::max_encoded_len(), 1);
	for e in all_errors() {
		assert_eq!(OcmfError::decode(&mut &e.encode()[..]).unwrap(), e);
	}
	assert_eq!(OcmfError::BadSignature.to_string(), "signature does not verify");
}
