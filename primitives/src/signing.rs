//! Domain-separated payloads devices sign, and helpers to build and sign them.
//!
//! Every payload starts with a domain tag and names the chain by its genesis hash, so a
//! signature cannot be replayed on another chain or for another purpose.

use crate::{DeviceId, DevicePublicKey, DeviceSignature, PackedReading};
use codec::Encode;
use sp_core::H256;

/// Domain tag of a device's proof of possession at registration.
pub const REGISTER_DOMAIN: &[u8; 20] = b"openvpp/register/v1\0";
/// Domain tag of a device's proof of possession when its key is rotated.
pub const ROTATE_DOMAIN: &[u8; 20] = b"openvpp/rotatekey/v1";
/// Domain tag of a telemetry bundle.
pub const BUNDLE_DOMAIN: &[u8; 20] = b"openvpp/telemetry/v1";

/// What a device key signs to prove its holder consents to being registered by `owner`.
#[derive(Encode)]
pub struct PossessionPayload<'a, AccountId: Encode> {
	/// [`REGISTER_DOMAIN`] or [`ROTATE_DOMAIN`].
	pub domain: &'a [u8; 20],
	/// Genesis hash of the chain.
	pub genesis: H256,
	/// Account that will own the device.
	pub owner: &'a AccountId,
	/// The owner's current registration nonce (one proof, one use).
	pub nonce: u32,
}

/// What a device signs for a bundle of readings.
#[derive(Encode)]
pub struct BundlePayload<'a> {
	/// [`BUNDLE_DOMAIN`].
	pub domain: &'a [u8; 20],
	/// Genesis hash of the chain.
	pub genesis: H256,
	/// Device id.
	pub device: DeviceId,
	/// Sequence number of the first reading.
	pub first_seq: u64,
	/// The packed readings.
	pub readings: &'a [PackedReading],
}

/// The 32-byte message actually signed: blake2-256 of the encoded payload, so signing and
/// verifying cost the same whatever the payload's size.
pub fn signing_message<P: Encode>(payload: &P) -> [u8; 32] {
	sp_io::hashing::blake2_256(&payload.encode())
}

/// Message a device signs to prove possession of its key.
pub fn possession_message<AccountId: Encode>(
	domain: &[u8; 20],
	genesis: H256,
	owner: &AccountId,
	nonce: u32,
) -> [u8; 32] {
	signing_message(&PossessionPayload { domain, genesis, owner, nonce })
}

/// Message a device signs for a bundle.
pub fn bundle_message(
	genesis: H256,
	device: DeviceId,
	first_seq: u64,
	readings: &[PackedReading],
) -> [u8; 32] {
	signing_message(&BundlePayload { domain: BUNDLE_DOMAIN, genesis, device, first_seq, readings })
}

/// Checks `signature` over `message` against the device key.
pub fn verify_device_signature(
	signer: &DevicePublicKey,
	message: &[u8; 32],
	signature: &DeviceSignature,
) -> bool {
	signature.verify(&message[..], signer)
}

/// Device keys as a gateway holds them (std only).
#[cfg(feature = "std")]
pub mod keys {
	use super::*;
	pub use crate::KeyScheme;
	use crate::P256Signature;
	use alloc::string::String;
	use sp_core::{ecdsa, ed25519, sr25519, Pair};

	/// A device key pair of any supported scheme.
	#[derive(Clone)]
	#[allow(clippy::large_enum_variant)]
	pub enum DeviceKeyPair {
		/// Schnorrkel/Ristretto (the Substrate default).
		Sr25519(sr25519::Pair),
		/// Ed25519.
		Ed25519(ed25519::Pair),
		/// ECDSA secp256k1 (Substrate's `ecdsa`).
		Ecdsa(ecdsa::Pair),
		/// ECDSA P-256, as in secure elements and certified meters.
		P256(p256::ecdsa::SigningKey),
	}

	impl DeviceKeyPair {
		/// Derives a key from a secret URI (`//Alice/device/1`, a mnemonic, a hex seed).
		///
		/// A P-256 key from a URI is the scalar `blake2-256("openvpp/p256" ‖ uri)`, so test
		/// fleets are reproducible; a `0x`-prefixed 32-byte hex secret is taken as the scalar
		/// itself (the form secure-element provisioning tools export).
		pub fn from_uri(scheme: KeyScheme, uri: &str) -> Result<Self, String> {
			match scheme {
				KeyScheme::Sr25519 => sr25519::Pair::from_string(uri, None)
					.map(Self::Sr25519)
					.map_err(|e| alloc::format!("invalid sr25519 secret: {e:?}")),
				KeyScheme::Ed25519 => ed25519::Pair::from_string(uri, None)
					.map(Self::Ed25519)
					.map_err(|e| alloc::format!("invalid ed25519 secret: {e:?}")),
				KeyScheme::Ecdsa => ecdsa::Pair::from_string(uri, None)
					.map(Self::Ecdsa)
					.map_err(|e| alloc::format!("invalid ecdsa secret: {e:?}")),
				KeyScheme::P256 => p256_from_uri(uri).map(Self::P256),
			}
		}

		/// The scheme of the key.
		pub fn scheme(&self) -> KeyScheme {
			self.signer().scheme()
		}

		/// The public key as the chain stores it.
		pub fn signer(&self) -> DevicePublicKey {
			match self {
				Self::Sr25519(p) => DevicePublicKey::Sr25519(p.public()),
				Self::Ed25519(p) => DevicePublicKey::Ed25519(p.public()),
				Self::Ecdsa(p) => DevicePublicKey::Ecdsa(p.public()),
				Self::P256(k) => {
					let point = k.verifying_key().to_encoded_point(true);
					let mut bytes = [0u8; crate::COMPRESSED_POINT_LEN];
					bytes.copy_from_slice(point.as_bytes());
					DevicePublicKey::P256(crate::P256Public(bytes))
				}
			}
		}

		/// Signs a 32-byte message.
		pub fn sign(&self, message: &[u8; 32]) -> DeviceSignature {
			match self {
				Self::Sr25519(p) => DeviceSignature::Sr25519(p.sign(&message[..])),
				Self::Ed25519(p) => DeviceSignature::Ed25519(p.sign(&message[..])),
				Self::Ecdsa(p) => DeviceSignature::Ecdsa(p.sign(&message[..])),
				Self::P256(k) => {
					use p256::ecdsa::signature::Signer;
					let signature: p256::ecdsa::Signature = k.sign(&message[..]);
					DeviceSignature::P256(P256Signature(signature.to_bytes().into()))
				}
			}
		}

		/// Proof of possession for registering the device to `owner`.
		pub fn possession_proof<AccountId: Encode>(
			&self,
			genesis: H256,
			owner: &AccountId,
			nonce: u32,
		) -> DeviceSignature {
			self.sign(&possession_message(REGISTER_DOMAIN, genesis, owner, nonce))
		}

		/// Proof of possession for rotating a device's key to this one.
		pub fn rotation_proof<AccountId: Encode>(
			&self,
			genesis: H256,
			owner: &AccountId,
			nonce: u32,
		) -> DeviceSignature {
			self.sign(&possession_message(ROTATE_DOMAIN, genesis, owner, nonce))
		}

		/// Signs a bundle of packed readings.
		pub fn sign_bundle(
			&self,
			genesis: H256,
			device: DeviceId,
			first_seq: u64,
			readings: &[PackedReading],
		) -> DeviceSignature {
			self.sign(&bundle_message(genesis, device, first_seq, readings))
		}

		/// Packs `readings` (oldest first), signs them and returns the bundle a gateway submits.
		pub fn signed_bundle<MaxReadings: sp_core::Get<u32>>(
			&self,
			genesis: H256,
			device: DeviceId,
			first_seq: u64,
			readings: &[crate::Reading],
		) -> Result<crate::Bundle<MaxReadings>, BundleBuildError> {
			sign_bundle(self, genesis, device, first_seq, readings)
		}
	}

	/// Why [`sign_bundle`] cannot build a bundle.
	#[derive(Clone, Copy, PartialEq, Eq, Debug)]
	pub enum BundleBuildError {
		/// Time or a register goes backwards, which the wire format cannot express.
		NotMonotonic,
		/// More readings than one bundle may carry.
		TooManyReadings,
	}

	/// Packs `readings` (oldest first) into a bundle of `device` starting at `first_seq`, signed
	/// by `key` for the chain with `genesis`: what the gateway submits and the tests replay.
	pub fn sign_bundle<MaxReadings: sp_core::Get<u32>>(
		key: &DeviceKeyPair,
		genesis: H256,
		device: DeviceId,
		first_seq: u64,
		readings: &[crate::Reading],
	) -> Result<crate::Bundle<MaxReadings>, BundleBuildError> {
		let packed = crate::pack_readings(readings).ok_or(BundleBuildError::NotMonotonic)?;
		let signature = key.sign_bundle(genesis, device, first_seq, &packed);
		let readings = sp_runtime::BoundedVec::try_from(packed)
			.map_err(|_| BundleBuildError::TooManyReadings)?;
		Ok(crate::Bundle { device, first_seq, readings, signature })
	}

	/// A P-256 signing key from a secret URI or a `0x` hex scalar (see
	/// [`DeviceKeyPair::from_uri`]).
	pub fn p256_from_uri(uri: &str) -> Result<p256::ecdsa::SigningKey, String> {
		let scalar: [u8; 32] = match uri.strip_prefix("0x") {
			Some(hex) if hex.len() == 64 => {
				let mut out = [0u8; 32];
				for (b, pair) in out.iter_mut().zip(hex.as_bytes().chunks(2)) {
					let pair = core::str::from_utf8(pair).map_err(|_| "invalid hex secret")?;
					*b = u8::from_str_radix(pair, 16).map_err(|_| "invalid hex secret")?;
				}
				out
			}
			_ => sp_io::hashing::blake2_256(&[b"openvpp/p256".as_slice(), uri.as_bytes()].concat()),
		};
		p256::ecdsa::SigningKey::from_bytes(&scalar.into())
			.map_err(|_| String::from("the secret is not a valid P-256 scalar"))
	}

	/// Encoded length of a value, for sizing reports.
	pub fn encoded_len<T: Encode>(value: &T) -> usize {
		value.encode().len()
	}
}
