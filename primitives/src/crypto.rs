//! Device keys and signatures: the schemes devices sign with, verified the same way in the
//! runtime, the node and the gateway.
//!
//! | scheme | key | signature | signed bytes |
//! | --- | --- | --- | --- |
//! | ed25519 | 32 bytes | 64 bytes | the 32-byte message |
//! | sr25519 | 32 bytes | 64 bytes | the 32-byte message (Substrate signing context) |
//! | ECDSA secp256k1 | 33 bytes SEC1 compressed | 65 bytes `r‖s‖v` | blake2-256 of the message (Substrate's `ecdsa`) |
//! | ECDSA P-256 (ES256) | 33 bytes SEC1 compressed | 64 bytes `r‖s`, any `s` | SHA-256 of the message |
//!
//! P-256 is what secure elements (ATECC608, TPM 2.0, smart-meter security modules) and
//! certified meters sign with; there is no host function for it, so the runtime verifies it in
//! Wasm with RustCrypto's `p256` (about 40× the cost of sr25519: weights charge per scheme).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{ecdsa, ed25519, sr25519};

/// RustCrypto's P-256, re-exported so that benchmarks and clients sign with the same crate.
pub use p256;

/// Length of a SEC1-compressed point of a 256-bit curve.
pub const COMPRESSED_POINT_LEN: usize = 33;

/// A P-256 public key, SEC1 compressed (`02`/`03` ‖ X).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct P256Public(pub [u8; COMPRESSED_POINT_LEN]);

/// A P-256 ECDSA signature as `r ‖ s`, 32 bytes each, big-endian. High `s` is valid.
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
pub struct P256Signature(pub [u8; 64]);

/// A device's public key, in any scheme the chain verifies.
///
/// The variants and their indices mirror `sp_runtime::MultiSigner` where they overlap, so
/// wallets and tools that build `{ Sr25519: .. }` keep working.
#[derive(
	Clone,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DevicePublicKey {
	/// Ed25519.
	#[codec(index = 0)]
	Ed25519(ed25519::Public),
	/// Sr25519 (Schnorrkel/Ristretto, the Substrate default).
	#[codec(index = 1)]
	Sr25519(sr25519::Public),
	/// ECDSA over secp256k1, SEC1 compressed (Substrate's `ecdsa`; some meters use the curve).
	#[codec(index = 2)]
	Ecdsa(ecdsa::Public),
	/// ECDSA over NIST P-256 (secp256r1), SEC1 compressed.
	#[codec(index = 3)]
	P256(P256Public),
}

/// A device's signature, in the scheme of its key.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum DeviceSignature {
	/// Ed25519.
	#[codec(index = 0)]
	Ed25519(ed25519::Signature),
	/// Sr25519.
	#[codec(index = 1)]
	Sr25519(sr25519::Signature),
	/// ECDSA secp256k1, recoverable `r ‖ s ‖ v` over blake2-256 of the message.
	#[codec(index = 2)]
	Ecdsa(ecdsa::Signature),
	/// ECDSA P-256 `r ‖ s` over SHA-256 of the message.
	#[codec(index = 3)]
	P256(P256Signature),
}

/// The signature scheme of a key or signature: what the weight of a verification depends on.
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum KeyScheme {
	/// Ed25519.
	Ed25519,
	/// Sr25519.
	Sr25519,
	/// ECDSA secp256k1.
	Ecdsa,
	/// ECDSA P-256.
	P256,
}

impl KeyScheme {
	/// Every scheme, for benchmarks and tables.
	pub const ALL: [KeyScheme; 4] =
		[KeyScheme::Ed25519, KeyScheme::Sr25519, KeyScheme::Ecdsa, KeyScheme::P256];

	/// Lower-case name as the gateway's `--scheme` takes it.
	pub fn name(&self) -> &'static str {
		match self {
			KeyScheme::Ed25519 => "ed25519",
			KeyScheme::Sr25519 => "sr25519",
			KeyScheme::Ecdsa => "ecdsa",
			KeyScheme::P256 => "p256",
		}
	}
}

impl DevicePublicKey {
	/// The scheme of the key.
	pub fn scheme(&self) -> KeyScheme {
		match self {
			Self::Ed25519(_) => KeyScheme::Ed25519,
			Self::Sr25519(_) => KeyScheme::Sr25519,
			Self::Ecdsa(_) => KeyScheme::Ecdsa,
			Self::P256(_) => KeyScheme::P256,
		}
	}

	/// The raw public key bytes (32 or 33).
	pub fn as_bytes(&self) -> &[u8] {
		match self {
			Self::Ed25519(k) => k.as_ref(),
			Self::Sr25519(k) => k.as_ref(),
			Self::Ecdsa(k) => k.as_ref(),
			Self::P256(k) => &k.0[..],
		}
	}

	/// Whether the key is a valid point of its curve (ed25519 and sr25519 keys are checked
	/// when they verify).
	pub fn is_valid_point(&self) -> bool {
		match self {
			Self::P256(k) => p256::PublicKey::from_sec1_bytes(&k.0).is_ok(),
			Self::Ecdsa(k) => k256::PublicKey::from_sec1_bytes(k.as_ref()).is_ok(),
			Self::Ed25519(_) | Self::Sr25519(_) => true,
		}
	}
}

impl From<sr25519::Public> for DevicePublicKey {
	fn from(k: sr25519::Public) -> Self {
		Self::Sr25519(k)
	}
}

impl From<ed25519::Public> for DevicePublicKey {
	fn from(k: ed25519::Public) -> Self {
		Self::Ed25519(k)
	}
}

impl DeviceSignature {
	/// The scheme of the signature.
	pub fn scheme(&self) -> KeyScheme {
		match self {
			Self::Ed25519(_) => KeyScheme::Ed25519,
			Self::Sr25519(_) => KeyScheme::Sr25519,
			Self::Ecdsa(_) => KeyScheme::Ecdsa,
			Self::P256(_) => KeyScheme::P256,
		}
	}

	/// Whether this is `key`'s signature over `message`. A signature of another scheme than
	/// the key's is never valid.
	pub fn verify(&self, message: &[u8], key: &DevicePublicKey) -> bool {
		match (self, key) {
			(Self::Ed25519(sig), DevicePublicKey::Ed25519(pk)) => {
				sp_io::crypto::ed25519_verify(sig, message, pk)
			}
			(Self::Sr25519(sig), DevicePublicKey::Sr25519(pk)) => {
				sp_io::crypto::sr25519_verify(sig, message, pk)
			}
			(Self::Ecdsa(sig), DevicePublicKey::Ecdsa(pk)) => {
				let digest = sp_io::hashing::blake2_256(message);
				sp_io::crypto::secp256k1_ecdsa_recover_compressed(&sig.0, &digest)
					.is_ok_and(|recovered| recovered == pk.0)
			}
			(Self::P256(sig), DevicePublicKey::P256(pk)) => p256_verify(&pk.0, message, &sig.0),
			_ => false,
		}
	}
}

/// Verifies an ECDSA P-256 signature `r ‖ s` (any `s`) over SHA-256 of `message`.
pub fn p256_verify(public_sec1: &[u8], message: &[u8], signature_rs: &[u8; 64]) -> bool {
	use p256::ecdsa::{signature::Verifier, Signature, VerifyingKey};
	let Ok(key) = VerifyingKey::from_sec1_bytes(public_sec1) else { return false };
	let Ok(signature) = Signature::from_slice(signature_rs) else { return false };
	key.verify(message, &signature).is_ok()
}

/// Compresses a SEC1 P-256 point (compressed or uncompressed) to its 33-byte form; `None` if
/// it is not a point of the curve.
pub fn p256_compress(sec1: &[u8]) -> Option<P256Public> {
	use p256::elliptic_curve::sec1::ToEncodedPoint;
	let key = p256::PublicKey::from_sec1_bytes(sec1).ok()?;
	let point = key.to_encoded_point(true);
	let bytes: [u8; COMPRESSED_POINT_LEN] = point.as_bytes().try_into().ok()?;
	Some(P256Public(bytes))
}

#[cfg(feature = "serde")]
mod serde_impls {
	//! P-256 keys as `0x`-prefixed hex in JSON (chain specs, feeds).
	use super::{P256Public, COMPRESSED_POINT_LEN};
	use alloc::string::String;

	impl serde::Serialize for P256Public {
		fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
			let mut out = String::from("0x");
			for b in self.0.iter() {
				out.push_str(&alloc::format!("{b:02x}"));
			}
			s.serialize_str(&out)
		}
	}

	impl<'de> serde::Deserialize<'de> for P256Public {
		fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
			use serde::de::Error;
			let text = String::deserialize(d)?;
			let hex = text.strip_prefix("0x").unwrap_or(&text);
			if hex.len() != COMPRESSED_POINT_LEN.saturating_mul(2) || !hex.is_ascii() {
				return Err(D::Error::custom("a P-256 key is 33 bytes of hex"));
			}
			let mut bytes = [0u8; COMPRESSED_POINT_LEN];
			for (i, b) in bytes.iter_mut().enumerate() {
				let at = i.saturating_mul(2);
				let pair = hex.get(at..at.saturating_add(2)).ok_or(D::Error::custom("short"))?;
				*b = u8::from_str_radix(pair, 16).map_err(D::Error::custom)?;
			}
			Ok(P256Public(bytes))
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use p256::ecdsa::{signature::Signer, Signature, SigningKey};

	fn p256_pair(seed: u8) -> (SigningKey, DevicePublicKey) {
		let signing = SigningKey::from_bytes(&[seed; 32].into()).unwrap();
		let compressed =
			p256_compress(signing.verifying_key().to_encoded_point(false).as_bytes()).unwrap();
		(signing, DevicePublicKey::P256(compressed))
	}

	fn sign(signing: &SigningKey, message: &[u8]) -> DeviceSignature {
		let sig: Signature = signing.sign(message);
		DeviceSignature::P256(P256Signature(sig.to_bytes().into()))
	}

	#[test]
	fn p256_signature_verifies_and_one_changed_byte_does_not() {
		let (signing, key) = p256_pair(7);
		let message = [0x42u8; 32];
		let sig = sign(&signing, &message);
		assert!(sig.verify(&message, &key));
		let mut other = message;
		other[31] ^= 1;
		assert!(!sig.verify(&other, &key));
		let DeviceSignature::P256(P256Signature(mut rs)) = sig else { unreachable!() };
		rs[10] ^= 0x80;
		assert!(!DeviceSignature::P256(P256Signature(rs)).verify(&message, &key));
	}

	#[test]
	fn p256_high_s_is_accepted() {
		use p256::elliptic_curve::ops::Neg;
		let (signing, key) = p256_pair(9);
		let message = b"high s";
		let sig: Signature = signing.sign(message);
		let (r, s) = sig.split_scalars();
		let flipped = Signature::from_scalars(r, s.as_ref().neg()).unwrap();
		// One of the two is high-S; both verify.
		for sig in [sig, flipped] {
			let rs = DeviceSignature::P256(P256Signature(sig.to_bytes().into()));
			assert!(rs.verify(message, &key));
		}
	}

	#[test]
	fn a_point_off_the_curve_and_a_wrong_scheme_never_verify() {
		let (signing, key) = p256_pair(3);
		let message = [1u8; 32];
		let sig = sign(&signing, &message);
		let DevicePublicKey::P256(P256Public(mut bytes)) = key.clone() else { unreachable!() };
		bytes[5] ^= 0xff;
		let bad = DevicePublicKey::P256(P256Public(bytes));
		if !bad.is_valid_point() {
			assert!(!sig.verify(&message, &bad));
		}
		let sr = DevicePublicKey::Sr25519(sr25519::Public::from_raw([1; 32]));
		assert!(!sig.verify(&message, &sr));
		assert_eq!(key.scheme(), KeyScheme::P256);
	}

	#[test]
	fn p256_key_json_round_trips_as_hex() {
		let (_, key) = p256_pair(5);
		let json = serde_json::to_string(&key).unwrap();
		assert!(json.starts_with("{\"P256\":\"0x0"));
		let back: DevicePublicKey = serde_json::from_str(&json).unwrap();
		assert_eq!(back, key);
	}

	#[test]
	fn encodings_match_multisigner_for_the_shared_schemes() {
		let pk = sr25519::Public::from_raw([9; 32]);
		assert_eq!(
			DevicePublicKey::Sr25519(pk).encode(),
			sp_runtime::MultiSigner::Sr25519(pk).encode()
		);
		let pk = ed25519::Public::from_raw([8; 32]);
		assert_eq!(
			DevicePublicKey::Ed25519(pk).encode(),
			sp_runtime::MultiSigner::Ed25519(pk).encode()
		);
	}
}
