//! Manufacturer side of hardware trust: root keys and the device certificates they sign.
//!
//! `manufacturer keygen` makes a root key (governance registers its public half with
//! `deviceIdentity.createManufacturer` or `addRootKey`); `manufacturer certify` signs a
//! [`DeviceCertificate`] binding a device key to a model, serial and nameplate, as a maker does at
//! the factory or an installer at commissioning. Certified fleets (`--manufacturer`) use the same
//! code to certify their simulated charging points.

use codec::{Decode, Encode};
use openvpp_primitives::{
	certificate_message,
	keys::{DeviceKeyPair, KeyScheme},
	parse_meter_key_text, serial_hash, CertificateBody, DeviceCertificate, DevicePublicKey,
	ManufacturerId, ModelId, Nameplate, TimestampMs,
};
use openvpp_runtime::AccountId;
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;

use crate::{rpc::Rpc, CliResult};

/// How far back a certificate's validity starts, so that a node whose block time lags the
/// issuer's clock (slot-aligned timestamps, clock skew) already accepts it.
pub const VALIDITY_BACKDATE_MS: u64 = 5 * 60_000;
/// One day, ms.
const DAY_MS: u64 = 86_400_000;

/// A manufacturer's root key with its position in the manufacturer's root key list.
pub struct Issuer {
	/// The manufacturer the key belongs to.
	pub manufacturer: ManufacturerId,
	/// Index of the key in the manufacturer's root keys (`DeviceCertificate::root_key`).
	pub root_key: u8,
	/// The root key pair.
	pub key: DeviceKeyPair,
}

impl Issuer {
	/// Signs `body` (which must name this issuer's manufacturer) into a certificate.
	pub fn certify(&self, body: CertificateBody<AccountId>) -> DeviceCertificate<AccountId> {
		let signature = self.key.sign(&certificate_message(&body));
		DeviceCertificate { body, root_key: self.root_key, signature }
	}
}

/// A fresh random secret (`0x` ‖ 32 hex bytes) and the key it derives in `scheme`; for P-256
/// the secret is the scalar itself (retried in the negligible case that it is not below the
/// curve order).
pub fn fresh_key(scheme: KeyScheme) -> (String, DeviceKeyPair) {
	loop {
		let seed: [u8; 32] = rand::random();
		let secret = format!("0x{}", hex::encode(seed));
		if let Ok(key) = DeviceKeyPair::from_uri(scheme, &secret) {
			return (secret, key);
		}
	}
}

/// `{ "Sr25519": "0x…" }`: a public key as polkadot.js and chain specs write the enum.
pub fn key_json(key: &DevicePublicKey) -> Value {
	let variant = match key.scheme() {
		KeyScheme::Ed25519 => "Ed25519",
		KeyScheme::Sr25519 => "Sr25519",
		KeyScheme::Ecdsa => "Ecdsa",
		KeyScheme::P256 => "P256",
	};
	json!({ variant: format!("0x{}", hex::encode(key.as_bytes())) })
}

/// `manufacturer keygen`: prints a root key's public half and its secret.
pub fn keygen(scheme: KeyScheme, seed: Option<&str>, json_out: bool) -> CliResult {
	let (secret, key) = match seed {
		Some(uri) => (uri.to_string(), DeviceKeyPair::from_uri(scheme, uri)?),
		None => fresh_key(scheme),
	};
	let public = key.signer();
	let scale = format!("0x{}", hex::encode(public.encode()));
	let raw = format!("0x{}", hex::encode(public.as_bytes()));
	if json_out {
		println!(
			"{}",
			json!({
				"scheme": scheme.name(),
				"secretUri": secret,
				"publicKey": scale,
				"rawPublicKey": raw,
				"rootKey": key_json(&public),
			})
		);
	} else {
		println!("scheme:         {}", scheme.name());
		println!("secret URI:     {secret}");
		println!("public key:     {scale} (SCALE DevicePublicKey)");
		println!("raw public key: {raw}");
		println!("Keep the secret in the manufacturer's HSM; governance registers the public key with `deviceIdentity.createManufacturer` or `addRootKey`.");
	}
	Ok(())
}

/// A device key given as the hex of a SCALE `DevicePublicKey` or as a meter key in any form
/// [`parse_meter_key_text`] reads (DER, SEC1 or `X ‖ Y`, as hex, base64 or PEM).
pub fn parse_device_key(text: &str) -> Result<DevicePublicKey, String> {
	let trimmed = text.trim();
	let hex_part = trimmed.strip_prefix("0x").unwrap_or(trimmed);
	if let Ok(bytes) = hex::decode(hex_part) {
		let mut input = &bytes[..];
		if let Ok(key) = DevicePublicKey::decode(&mut input) {
			if input.is_empty() && key.is_valid_point() {
				return Ok(key);
			}
		}
	}
	parse_meter_key_text(trimmed).map_err(|e| {
		format!("--device-key is neither the hex of a SCALE DevicePublicKey nor a meter key: {e}")
	})
}

/// What `manufacturer certify` certifies.
pub struct CertifyArgs {
	/// Root key secret URI.
	pub root: String,
	/// Root key scheme.
	pub root_scheme: KeyScheme,
	/// Index of the root key in the manufacturer's list.
	pub root_key_index: u8,
	/// Manufacturer id.
	pub manufacturer: ManufacturerId,
	/// Model id.
	pub model: ModelId,
	/// Serial number as printed on the device (OCMF `MS`).
	pub serial: String,
	/// Device key text.
	pub device_key: String,
	/// Nameplate of the device.
	pub nameplate: Nameplate,
	/// Start of validity (default: now, backdated by [`VALIDITY_BACKDATE_MS`]).
	pub valid_from_ms: Option<TimestampMs>,
	/// Days of validity.
	pub valid_days: u64,
	/// Owner the certificate binds the device to (SS58 or secret URI).
	pub owner: Option<String>,
}

/// The validity window `[from, until)` of a certificate starting at `from_ms` (or now,
/// backdated) lasting `days`.
pub fn validity(
	from_ms: Option<TimestampMs>,
	days: u64,
) -> Result<(TimestampMs, TimestampMs), String> {
	if days == 0 {
		return Err("--valid-days must be at least 1".into());
	}
	let from = from_ms.unwrap_or_else(|| crate::now_ms().saturating_sub(VALIDITY_BACKDATE_MS));
	let until = days
		.checked_mul(DAY_MS)
		.and_then(|span| from.checked_add(span))
		.ok_or("--valid-from-ms plus --valid-days is beyond the end of time")?;
	Ok((from, until))
}

/// Builds and signs the certificate `args` describe.
pub fn certificate(args: &CertifyArgs) -> Result<DeviceCertificate<AccountId>, String> {
	if args.serial.trim().is_empty() {
		return Err("--serial must not be empty".into());
	}
	let np = args.nameplate;
	if np.capacity_wh == 0 && np.max_import_w == 0 && np.max_export_w == 0 {
		return Err(
			"give the device's nameplate: --capacity-wh, --max-import-w and/or --max-export-w"
				.into(),
		);
	}
	let key = DeviceKeyPair::from_uri(args.root_scheme, &args.root)
		.map_err(|e| format!("--root: {e}"))?;
	let device_key = parse_device_key(&args.device_key)?;
	let owner = args
		.owner
		.as_deref()
		.map(|who| crate::tx::account_of(who).map_err(|e| format!("--owner: {e}")))
		.transpose()?;
	let (valid_from_ms, valid_until_ms) = validity(args.valid_from_ms, args.valid_days)?;
	let issuer = Issuer { manufacturer: args.manufacturer, root_key: args.root_key_index, key };
	Ok(issuer.certify(CertificateBody {
		manufacturer: args.manufacturer,
		model: args.model,
		serial_hash: serial_hash(args.serial.as_bytes()),
		device_key,
		nameplate: args.nameplate,
		valid_from_ms,
		valid_until_ms,
		owner,
	}))
}

/// The fields of a certificate as JSON, with its SCALE hex.
pub fn certificate_json(certificate: &DeviceCertificate<AccountId>) -> Value {
	let body = &certificate.body;
	json!({
		"certificate": format!("0x{}", hex::encode(certificate.encode())),
		"manufacturer": body.manufacturer,
		"model": body.model,
		"serialHash": format!("{:?}", body.serial_hash),
		"deviceKey": format!("0x{}", hex::encode(body.device_key.encode())),
		"deviceKeyScheme": body.device_key.scheme().name(),
		"nameplate": {
			"capacityWh": body.nameplate.capacity_wh,
			"maxImportW": body.nameplate.max_import_w,
			"maxExportW": body.nameplate.max_export_w,
		},
		"validFromMs": body.valid_from_ms,
		"validUntilMs": body.valid_until_ms,
		"owner": body.owner.as_ref().map(|o| o.to_ss58check()),
		"rootKey": certificate.root_key,
		"signatureScheme": certificate.signature.scheme().name(),
		"message": format!("0x{}", hex::encode(certificate_message(body))),
	})
}

/// `manufacturer certify`: prints the SCALE hex of a new certificate (or its fields as JSON).
pub fn certify(args: &CertifyArgs, json_out: bool) -> CliResult {
	let certificate = certificate(args)?;
	if json_out {
		println!("{}", certificate_json(&certificate));
	} else {
		println!("0x{}", hex::encode(certificate.encode()));
	}
	Ok(())
}

/// A certified fleet's manufacturer and model, checked against the chain.
pub struct CertifiedFleet {
	/// The root key that certifies the fleet, at its index on chain.
	pub issuer: Issuer,
	/// The model of the fleet's devices.
	pub model: pallet_device_identity::ModelInfo,
}

impl CertifiedFleet {
	/// Looks up `manufacturer` and `model` on chain and finds `key` among the manufacturer's
	/// active root keys; every mismatch is an error naming the flag to fix.
	pub fn resolve(
		rpc: &Rpc,
		manufacturer: ManufacturerId,
		model: ModelId,
		key: DeviceKeyPair,
		nameplate: Nameplate,
	) -> Result<Self, String> {
		let info: Option<pallet_device_identity::ManufacturerInfo> = rpc
			.runtime_call("DeviceIdentityApi_manufacturer", manufacturer)
			.map_err(|e| e.to_string())?;
		let info = info.ok_or_else(|| format!("manufacturer {manufacturer} does not exist"))?;
		let public = key.signer();
		let (index, root) = info
			.root_keys
			.iter()
			.enumerate()
			.find(|(_, r)| r.key == public)
			.ok_or_else(|| {
				format!("--manufacturer-key is not a root key of manufacturer {manufacturer} (check --manufacturer-scheme)")
			})?;
		if root.status != pallet_device_identity::RootKeyStatus::Active {
			return Err(format!(
				"root key {index} of manufacturer {manufacturer} is {:?}: it signs no new certificates",
				root.status
			));
		}
		let root_key = u8::try_from(index).map_err(|_| "root key index beyond 255")?;
		let model_info: Option<pallet_device_identity::ModelInfo> =
			rpc.runtime_call("DeviceIdentityApi_model", model).map_err(|e| e.to_string())?;
		let model_info = model_info.ok_or_else(|| format!("model {model} does not exist"))?;
		if model_info.manufacturer != manufacturer {
			return Err(format!(
				"model {model} belongs to manufacturer {}, not {manufacturer}",
				model_info.manufacturer
			));
		}
		if model_info.key_scheme != KeyScheme::P256 {
			return Err(format!(
				"model {model} provisions {} keys; certified fleets are P-256 meters",
				model_info.key_scheme.name()
			));
		}
		if let Err(e) = nameplate.validate(model_info.kind) {
			return Err(format!(
				"model {model} is a {:?}; a charging point's nameplate {nameplate:?} is not one: {e:?}",
				model_info.kind
			));
		}
		let max = model_info.max_nameplate;
		if nameplate.capacity_wh > max.capacity_wh
			|| nameplate.max_import_w > max.max_import_w
			|| nameplate.max_export_w > max.max_export_w
		{
			return Err(format!(
				"a charging point's nameplate {nameplate:?} is above model {model}'s rating {max:?}"
			));
		}
		Ok(Self { issuer: Issuer { manufacturer, root_key, key }, model: model_info })
	}

	/// An owner-bound certificate for one device, valid for ten years from now.
	pub fn certificate_for(
		&self,
		owner: &AccountId,
		device_key: DevicePublicKey,
		serial: &str,
		nameplate: Nameplate,
	) -> Result<DeviceCertificate<AccountId>, String> {
		let (valid_from_ms, valid_until_ms) = validity(None, 3_650)?;
		Ok(self.issuer.certify(CertificateBody {
			manufacturer: self.issuer.manufacturer,
			model: self.model.id,
			serial_hash: serial_hash(serial.as_bytes()),
			device_key,
			nameplate,
			valid_from_ms,
			valid_until_ms,
			owner: Some(owner.clone()),
		}))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use openvpp_primitives::{DeviceSignature, P256Public};

	fn charger_args(device_key: String) -> CertifyArgs {
		CertifyArgs {
			root: "//e2e/maker".into(),
			root_scheme: KeyScheme::Sr25519,
			root_key_index: 1,
			manufacturer: 3,
			model: 7,
			serial: "EM340-000123".into(),
			device_key,
			nameplate: Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 0 },
			valid_from_ms: Some(1_767_225_600_000),
			valid_days: 3_650,
			owner: Some("//Alice".into()),
		}
	}

	fn meter_key() -> DeviceKeyPair {
		DeviceKeyPair::from_uri(KeyScheme::P256, "//openvpp/meter/1").unwrap()
	}

	#[test]
	fn a_certificate_decodes_and_its_signature_verifies_against_the_root_key() {
		let meter = meter_key();
		let scale = format!("0x{}", hex::encode(meter.signer().encode()));
		let issued = certificate(&charger_args(scale)).unwrap();
		let decoded = DeviceCertificate::<AccountId>::decode(&mut &issued.encode()[..]).unwrap();
		assert_eq!(decoded, issued);

		let body = &decoded.body;
		assert_eq!((body.manufacturer, body.model, decoded.root_key), (3, 7, 1));
		assert_eq!(body.serial_hash, serial_hash(b"EM340-000123"));
		assert_eq!(body.device_key, meter.signer());
		assert_eq!(body.valid_from_ms, 1_767_225_600_000);
		assert_eq!(body.valid_until_ms, 1_767_225_600_000 + 3_650 * DAY_MS);
		let alice = crate::tx::account_of("//Alice").unwrap();
		assert_eq!(body.owner.as_ref(), Some(&alice));

		let root = DeviceKeyPair::from_uri(KeyScheme::Sr25519, "//e2e/maker").unwrap().signer();
		assert!(matches!(decoded.signature, DeviceSignature::Sr25519(_)));
		assert!(decoded.signature.verify(&certificate_message(body), &root));
		// Any change to the body breaks it, and another key does not verify it.
		let mut forged = body.clone();
		forged.nameplate.max_import_w = 22_000;
		assert!(!decoded.signature.verify(&certificate_message(&forged), &root));
		let other = DeviceKeyPair::from_uri(KeyScheme::Sr25519, "//e2e/other").unwrap().signer();
		assert!(!decoded.signature.verify(&certificate_message(body), &other));
	}

	#[test]
	fn a_p256_root_signs_certificates_too() {
		let mut args = charger_args(hex::encode(meter_key().signer().as_bytes()));
		args.root_scheme = KeyScheme::P256;
		let issued = certificate(&args).unwrap();
		let root = DeviceKeyPair::from_uri(KeyScheme::P256, "//e2e/maker").unwrap().signer();
		assert!(matches!(issued.signature, DeviceSignature::P256(_)));
		assert!(issued.signature.verify(&certificate_message(&issued.body), &root));
	}

	#[test]
	fn device_keys_are_read_in_every_published_form() {
		let key = meter_key().signer();
		let DevicePublicKey::P256(P256Public(compressed)) = key else { panic!("not P-256") };
		let scale = format!("0x{}", hex::encode(key.encode()));
		let sec1 = hex::encode(compressed);
		let spki = crate::feed::p256_spki_der(&compressed).unwrap();
		let der_hex = hex::encode(&spki);
		// Base64, as a charger publishes it beside its records.
		let der_b64 = openvpp_primitives::feed::ocmf_meter_value("", &spki, 0, 0).sampled_value[0]
			.signed_meter_value
			.clone()
			.unwrap()
			.public_key;
		for text in [scale, sec1, der_hex, der_b64] {
			assert_eq!(parse_device_key(&text), Ok(key.clone()), "{text}");
		}
		let sr = DeviceKeyPair::from_uri(KeyScheme::Sr25519, "//Bob").unwrap().signer();
		assert_eq!(parse_device_key(&hex::encode(sr.encode())), Ok(sr));
		for bad in [
			"",
			"0x1234",
			"not a key",
			"0x03ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		] {
			assert!(parse_device_key(bad).is_err(), "{bad}");
		}
	}

	#[test]
	fn bad_input_is_refused_with_the_flag_named() {
		let key = hex::encode(meter_key().signer().as_bytes());
		let mut args = charger_args(key.clone());
		args.valid_days = 0;
		assert!(certificate(&args).unwrap_err().contains("--valid-days"));
		let mut args = charger_args(key.clone());
		args.valid_from_ms = Some(u64::MAX - 1);
		assert!(certificate(&args).unwrap_err().contains("--valid-from-ms"));
		let mut args = charger_args(key.clone());
		args.owner = Some("5NotAnAddress".into());
		assert!(certificate(&args).unwrap_err().contains("--owner"));
		let mut args = charger_args(key.clone());
		args.nameplate = Nameplate { capacity_wh: 0, max_import_w: 0, max_export_w: 0 };
		assert!(certificate(&args).unwrap_err().contains("nameplate"));
		let mut args = charger_args(key);
		args.serial = " ".into();
		assert!(certificate(&args).unwrap_err().contains("--serial"));
		let args = charger_args("zz".into());
		assert!(certificate(&args).unwrap_err().contains("--device-key"));
	}
}
