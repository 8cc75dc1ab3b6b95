//! Meter public keys in every form meters publish them.
#![allow(
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]

mod common;

use openvpp_primitives::{
	parse_meter_key, parse_meter_key_text, DevicePublicKey, KeyScheme, MeterKeyError,
};

fn hex(text: &str) -> Vec<u8> {
	(0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn the_same_p256_key_in_every_form_gives_one_compressed_key() {
	let vectors = common::generated();
	for name in ["p256", "p256_other"] {
		let forms = &vectors["keys"][name];
		let s = |field: &str| forms[field].as_str().unwrap().to_owned();
		let compressed = hex(&s("sec1_compressed_hex"));
		let expected = parse_meter_key(&compressed).unwrap();
		let DevicePublicKey::P256(k) = &expected else { panic!("{name} is P-256") };
		assert_eq!(k.0.to_vec(), compressed);
		let from_bytes = [
			hex(&s("spki_der_hex")),
			hex(&s("sec1_uncompressed_hex")),
			hex(&s("xy_hex")),
			compressed.clone(),
		];
		for bytes in &from_bytes {
			assert_eq!(
				parse_meter_key(bytes),
				Ok(expected.clone()),
				"{name}: {} bytes",
				bytes.len()
			);
		}
		let spaced: String = s("spki_der_hex")
			.to_uppercase()
			.as_bytes()
			.chunks(4)
			.map(|c| std::str::from_utf8(c).unwrap())
			.collect::<Vec<_>>()
			.join(" ");
		let texts = [
			s("spki_der_hex"),
			s("spki_der_hex").to_uppercase(),
			format!("0x{}", s("spki_der_hex")),
			spaced,
			s("spki_der_base64"),
			s("pem"),
			s("sec1_compressed_hex"),
			format!("0x{}", s("sec1_uncompressed_hex")),
			s("xy_hex"),
		];
		for text in &texts {
			assert_eq!(parse_meter_key_text(text), Ok(expected.clone()), "{name}: {text}");
		}
	}
}

#[test]
fn a_secp256k1_spki_gives_an_ecdsa_key() {
	let vectors = common::generated();
	let forms = &vectors["keys"]["secp256k1"];
	let key = parse_meter_key_text(forms["spki_der_hex"].as_str().unwrap()).unwrap();
	assert_eq!(key.scheme(), KeyScheme::Ecdsa);
	assert_eq!(key.as_bytes(), hex(forms["sec1_compressed_hex"].as_str().unwrap()));
	assert_eq!(parse_meter_key_text(forms["pem"].as_str().unwrap()), Ok(key.clone()));
	assert_eq!(parse_meter_key_text(forms["spki_der_base64"].as_str().unwrap()), Ok(key));
}

#[test]
fn published_keys_parse_in_the_form_they_were_published() {
	for p in common::third_party() {
		let key = parse_meter_key_text(&p.key).unwrap_or_else(|e| panic!("{}: {e}", p.name));
		assert!(key.is_valid_point(), "{}", p.name);
		let expected = if p.name.contains("secp256k1") || p.name == "obis_98_export" {
			KeyScheme::Ecdsa
		} else {
			KeyScheme::P256
		};
		assert_eq!(key.scheme(), expected, "{}", p.name);
	}
}

#[test]
fn other_curves_and_algorithms_are_unsupported() {
	let vectors = common::generated();
	let p384 = hex(vectors["p384_spki_der_hex"].as_str().unwrap());
	assert_eq!(parse_meter_key(&p384), Err(MeterKeyError::UnsupportedCurve));
	// secp192k1, as published with SAFE-eV/transparenzsoftware
	// src/test/resources/xml/test_ocmf_transaction_two_values.xml.
	let secp192k1 =
		"30 46 30 10 06 07 2A 86 48 CE 3D 02 01 06 05 2B 81 04 00 1F 03 32 00 04 C2 00 \
	                 65 42 21 8B B2 7F 5E 0B 94 5C 5F 9D 15 88 67 B6 66 B3 BB 44 14 AB C6 56 94 89 \
	                 A8 F7 98 50 20 C7 7F 0F 32 A4 B4 E1 83 A3 05 61 27 C3 48 69";
	assert_eq!(parse_meter_key_text(secp192k1), Err(MeterKeyError::UnsupportedCurve));
	// An Ed25519 SubjectPublicKeyInfo (RFC 8410 example).
	let ed25519 =
		"302a300506032b657003210019bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";
	assert_eq!(parse_meter_key_text(ed25519), Err(MeterKeyError::UnsupportedCurve));
}

#[test]
fn points_off_the_curve_are_refused() {
	let vectors = common::generated();
	let forms = &vectors["keys"]["p256"];
	let mut uncompressed = hex(forms["sec1_uncompressed_hex"].as_str().unwrap());
	*uncompressed.last_mut().unwrap() ^= 1;
	assert_eq!(parse_meter_key(&uncompressed), Err(MeterKeyError::NotOnCurve));
	assert_eq!(parse_meter_key(&uncompressed[1..]), Err(MeterKeyError::NotOnCurve));
	let mut spki = hex(forms["spki_der_hex"].as_str().unwrap());
	*spki.last_mut().unwrap() ^= 1;
	assert_eq!(parse_meter_key(&spki), Err(MeterKeyError::NotOnCurve));
	// About half of all x have no point: find one.
	let off = (0u8..=255)
		.map(|x| {
			let mut c = vec![0x02];
			c.extend([x; 32]);
			c
		})
		.find(|c| parse_meter_key(c).is_err())
		.unwrap();
	assert_eq!(parse_meter_key(&off), Err(MeterKeyError::NotOnCurve));
}

#[test]
fn other_lengths_and_texts_are_not_keys() {
	for bytes in [&[0x02; 32][..], &[0x04; 66], &[0x05; 33], &[0x30; 10], &[], &[0x04; 64 + 2]] {
		assert_eq!(parse_meter_key(bytes), Err(MeterKeyError::UnrecognizedFormat), "{bytes:?}");
	}
	assert_eq!(parse_meter_key_text("not a key!"), Err(MeterKeyError::BadEncoding));
	assert_eq!(
		parse_meter_key_text("-----BEGIN PUBLIC KEY-----\nMFkw!!\n-----END PUBLIC KEY-----"),
		Err(MeterKeyError::BadEncoding)
	);
	assert_eq!(
		parse_meter_key_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"),
		Err(MeterKeyError::UnrecognizedFormat)
	);
	assert_eq!(parse_meter_key_text("0x1234"), Err(MeterKeyError::UnrecognizedFormat));
	assert!(!MeterKeyError::NotOnCurve.to_string().is_empty());
}
