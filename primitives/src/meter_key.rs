//! Meter public keys in the forms meters and their makers publish them.
//!
//! Certified meters (German Eichrecht) print their key on the device label, in the
//! Transparenzsoftware's XML, or in the operator's key register, as one of:
//!
//! - DER `SubjectPublicKeyInfo` (`30 59 30 13 06 07 2A 86 48 CE 3D 02 01 …`), with the curve
//!   named by its OID: prime256v1 (P-256) or secp256k1;
//! - a SEC1 point, compressed (33 bytes) or uncompressed (65 bytes, `04 ‖ X ‖ Y`);
//! - the bare 64-byte `X ‖ Y` (Isabellenhütte and others);
//!
//! and as text: hex (with or without `0x`, spaces and `:` ignored), base64, or PEM. Points
//! without a curve OID are taken as P-256, the OCMF default. Every result is the compressed
//! [`DevicePublicKey`] the chain registers, checked to lie on its curve.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use p256::pkcs8::{spki::SubjectPublicKeyInfoRef, ObjectIdentifier};
use scale_info::TypeInfo;

use crate::{p256_compress, DevicePublicKey, COMPRESSED_POINT_LEN};

/// `id-ecPublicKey` (RFC 5480).
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `prime256v1` / `secp256r1` / NIST P-256.
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// `secp256k1`.
const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");

/// Length of a SEC1 uncompressed point of a 256-bit curve.
const UNCOMPRESSED_POINT_LEN: usize = 65;
/// Length of bare `X ‖ Y` coordinates of a 256-bit curve.
const XY_LEN: usize = 64;

/// Why bytes or text are not a meter key the chain accepts.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum MeterKeyError {
	/// Neither a DER `SubjectPublicKeyInfo`, nor a SEC1 point, nor 64 bytes of `X ‖ Y`.
	UnrecognizedFormat,
	/// A `SubjectPublicKeyInfo` of another algorithm (RSA) or curve (brainpool, P-384, …).
	UnsupportedCurve,
	/// The coordinates are not a point of the curve.
	NotOnCurve,
	/// The text is neither hex, nor base64, nor a PEM `PUBLIC KEY` block.
	BadEncoding,
}

impl MeterKeyError {
	/// A short English description, for CLIs and logs.
	pub fn as_str(&self) -> &'static str {
		match self {
			Self::UnrecognizedFormat => "not a DER SubjectPublicKeyInfo, SEC1 point or X||Y",
			Self::UnsupportedCurve => "not a P-256 or secp256k1 EC key",
			Self::NotOnCurve => "the point is not on the curve",
			Self::BadEncoding => "not hex, base64 or a PEM PUBLIC KEY block",
		}
	}
}

impl core::fmt::Display for MeterKeyError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(self.as_str())
	}
}

/// Reads a meter public key from DER `SubjectPublicKeyInfo`, a SEC1 point or bare `X ‖ Y`.
///
/// A `SubjectPublicKeyInfo` names its curve (P-256 → [`DevicePublicKey::P256`], secp256k1 →
/// [`DevicePublicKey::Ecdsa`]); SEC1 points and `X ‖ Y` are P-256. Always returns the
/// compressed point.
pub fn parse_meter_key(bytes: &[u8]) -> Result<DevicePublicKey, MeterKeyError> {
	if bytes.first() == Some(&0x30) {
		if let Ok(spki) = SubjectPublicKeyInfoRef::try_from(bytes) {
			return from_spki(&spki);
		}
	}
	match (bytes.len(), bytes.first()) {
		(COMPRESSED_POINT_LEN, Some(0x02 | 0x03)) | (UNCOMPRESSED_POINT_LEN, Some(0x04)) => {
			p256_point(bytes)
		}
		(XY_LEN, _) => {
			let mut sec1 = Vec::with_capacity(UNCOMPRESSED_POINT_LEN);
			sec1.push(0x04);
			sec1.extend_from_slice(bytes);
			p256_point(&sec1)
		}
		_ => Err(MeterKeyError::UnrecognizedFormat),
	}
}

/// Reads a meter public key from text: hex (optionally `0x`-prefixed; whitespace and `:` are
/// ignored), base64, or a PEM `-----BEGIN PUBLIC KEY-----` block; then as [`parse_meter_key`].
pub fn parse_meter_key_text(text: &str) -> Result<DevicePublicKey, MeterKeyError> {
	let text = text.trim();
	if let Some(rest) = text.strip_prefix("-----BEGIN PUBLIC KEY-----") {
		let body = rest
			.trim_end()
			.strip_suffix("-----END PUBLIC KEY-----")
			.ok_or(MeterKeyError::BadEncoding)?;
		let der = base64_decode(body).ok_or(MeterKeyError::BadEncoding)?;
		return parse_meter_key(&der);
	}
	if text.starts_with("-----BEGIN") {
		return Err(MeterKeyError::UnrecognizedFormat);
	}
	let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
	let hex: Vec<u8> = compact.iter().copied().filter(|b| *b != b':').collect();
	let hex = hex.strip_prefix(b"0x").or_else(|| hex.strip_prefix(b"0X")).unwrap_or(&hex);
	let from_base64 = || base64_decode_bytes(&compact).map(|der| parse_meter_key(&der));
	match hex_decode(hex) {
		// A hex string is also valid base64 in rare cases: take whichever gives a key.
		Some(bytes) => match parse_meter_key(&bytes) {
			Ok(key) => Ok(key),
			Err(err) => from_base64().and_then(Result::ok).ok_or(err),
		},
		None => from_base64().ok_or(MeterKeyError::BadEncoding)?,
	}
}

fn from_spki(spki: &SubjectPublicKeyInfoRef<'_>) -> Result<DevicePublicKey, MeterKeyError> {
	if spki.algorithm.oid != ID_EC_PUBLIC_KEY {
		return Err(MeterKeyError::UnsupportedCurve);
	}
	let curve = spki.algorithm.parameters_oid().map_err(|_| MeterKeyError::UnsupportedCurve)?;
	let point = spki.subject_public_key.as_bytes().ok_or(MeterKeyError::UnrecognizedFormat)?;
	if curve == OID_P256 {
		p256_point(point)
	} else if curve == OID_SECP256K1 {
		secp256k1_point(point)
	} else {
		Err(MeterKeyError::UnsupportedCurve)
	}
}

fn p256_point(sec1: &[u8]) -> Result<DevicePublicKey, MeterKeyError> {
	p256_compress(sec1).map(DevicePublicKey::P256).ok_or(MeterKeyError::NotOnCurve)
}

fn secp256k1_point(sec1: &[u8]) -> Result<DevicePublicKey, MeterKeyError> {
	use k256::elliptic_curve::sec1::ToEncodedPoint;
	let key = k256::PublicKey::from_sec1_bytes(sec1).map_err(|_| MeterKeyError::NotOnCurve)?;
	let point = key.to_encoded_point(true);
	let bytes: [u8; COMPRESSED_POINT_LEN] =
		point.as_bytes().try_into().map_err(|_| MeterKeyError::NotOnCurve)?;
	Ok(DevicePublicKey::Ecdsa(sp_core::ecdsa::Public::from_raw(bytes)))
}

fn hex_nibble(c: u8) -> Option<u8> {
	match c {
		b'0'..=b'9' => Some(c.wrapping_sub(b'0')),
		b'a'..=b'f' => Some(c.wrapping_sub(b'a').wrapping_add(10)),
		b'A'..=b'F' => Some(c.wrapping_sub(b'A').wrapping_add(10)),
		_ => None,
	}
}

/// Decodes hex of either case; `None` for an odd length or a non-hex character.
fn hex_decode(text: &[u8]) -> Option<Vec<u8>> {
	let pairs = text.chunks_exact(2);
	if !pairs.remainder().is_empty() || text.is_empty() {
		return None;
	}
	pairs
		.map(|pair| match pair {
			[hi, lo] => Some(hex_nibble(*hi)?.wrapping_shl(4) | hex_nibble(*lo)?),
			_ => None,
		})
		.collect()
}

fn base64_value(c: u8) -> Option<u32> {
	let v = match c {
		b'A'..=b'Z' => c.wrapping_sub(b'A'),
		b'a'..=b'z' => c.wrapping_sub(b'a').wrapping_add(26),
		b'0'..=b'9' => c.wrapping_sub(b'0').wrapping_add(52),
		b'+' => 62,
		b'/' => 63,
		_ => return None,
	};
	Some(u32::from(v))
}

/// Decodes standard base64 (padding optional, whitespace ignored).
fn base64_decode(text: &str) -> Option<Vec<u8>> {
	let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
	base64_decode_bytes(&compact)
}

fn base64_decode_bytes(text: &[u8]) -> Option<Vec<u8>> {
	let mut body = text;
	let mut padding = 0u8;
	while let Some(rest) = body.strip_suffix(b"=") {
		body = rest;
		padding = padding.checked_add(1)?;
	}
	// A group of 4 symbols holds 3 bytes; a final group of 1 symbol is impossible.
	if padding > 2 || body.is_empty() || body.len() & 3 == 1 {
		return None;
	}
	let mut out = Vec::with_capacity(body.len());
	let mut acc: u32 = 0;
	let mut bits: u32 = 0;
	for c in body {
		acc = acc.wrapping_shl(6) | base64_value(*c)?;
		bits = bits.checked_add(6)?;
		if bits >= 8 {
			bits = bits.checked_sub(8)?;
			out.push(u8::try_from(acc.wrapping_shr(bits) & 0xff).ok()?);
			acc &= 1u32.wrapping_shl(bits).wrapping_sub(1);
		}
	}
	// Leftover bits must be the zero padding of the last symbol.
	if acc != 0 {
		return None;
	}
	Some(out)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn base64_and_hex_decoders_match_known_values() {
		assert_eq!(base64_decode("TWFu").unwrap(), b"Man");
		assert_eq!(base64_decode("TWE=").unwrap(), b"Ma");
		assert_eq!(base64_decode("TWE").unwrap(), b"Ma");
		assert_eq!(base64_decode("TQ==").unwrap(), b"M");
		assert!(base64_decode("T").is_none());
		assert!(base64_decode("TWF=u").is_none());
		assert!(base64_decode("TR==").is_none(), "non-zero trailing bits");
		assert_eq!(hex_decode(b"00fFa0").unwrap(), [0x00, 0xff, 0xa0]);
		assert!(hex_decode(b"0f0").is_none());
		assert!(hex_decode(b"zz").is_none());
	}
}
