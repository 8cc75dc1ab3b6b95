//! Benchmarks of every call, each at the worst case it can hit: full metadata, full gateway
//! lists, attestation changes that rewrite the NFT attribute, a full attestation set to clear,
//! certified devices whose hardware attributes go, transfers that stop a device until its key
//! is rotated.
//!
//! Device keys are sr25519 keys generated in the benchmark's keystore (the node's
//! `benchmark pallet` command provides one); sr25519 verification is the dearer scheme.

use super::*;
use crate::Pallet as DeviceIdentity;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use openvpp_primitives::{
	certificate_message, possession_message, AccuracyClass, CertificateBody, DeviceCertificate,
	DeviceId, DeviceKind, DevicePublicKey, DeviceSignature, DeviceStatus, KeyScheme, Nameplate,
	P256Signature, RegionId, UnattestedPolicy, REGISTER_DOMAIN, ROTATE_DOMAIN,
};
use sp_core::{crypto::KeyTypeId, H256};
use sp_runtime::{
	traits::{Saturating, StaticLookup},
	SaturatedConversion,
};

/// Keystore slot of the benchmark's device keys.
const KEY_TYPE: KeyTypeId = KeyTypeId(*b"ovpd");
/// Region the benchmark devices are registered in.
const REGION: RegionId = 1;

fn new_key() -> DevicePublicKey {
	DevicePublicKey::Sr25519(sp_io::crypto::sr25519_generate(KEY_TYPE, None))
}

fn sign(signer: &DevicePublicKey, message: &[u8; 32]) -> Result<DeviceSignature, BenchmarkError> {
	match signer {
		DevicePublicKey::Sr25519(public) => sp_io::crypto::sr25519_sign(KEY_TYPE, public, message)
			.map(DeviceSignature::Sr25519)
			.ok_or(BenchmarkError::Stop("device key missing from the keystore")),
		_ => Err(BenchmarkError::Stop("benchmark device keys are sr25519")),
	}
}

/// A key of `scheme` and its signature over `message`, for the verification benchmarks.
fn signed_by(
	scheme: KeyScheme,
	message: &[u8; 32],
) -> Result<(DevicePublicKey, DeviceSignature), BenchmarkError> {
	let missing = BenchmarkError::Stop("benchmark key missing from the keystore");
	Ok(match scheme {
		KeyScheme::Sr25519 => {
			let key = new_key();
			let signature = sign(&key, message)?;
			(key, signature)
		}
		KeyScheme::Ed25519 => {
			let public = sp_io::crypto::ed25519_generate(KEY_TYPE, None);
			let signature =
				sp_io::crypto::ed25519_sign(KEY_TYPE, &public, message).ok_or(missing)?;
			(DevicePublicKey::Ed25519(public), DeviceSignature::Ed25519(signature))
		}
		KeyScheme::Ecdsa => {
			let public = sp_io::crypto::ecdsa_generate(KEY_TYPE, None);
			let signature = sp_io::crypto::ecdsa_sign(KEY_TYPE, &public, message).ok_or(missing)?;
			(DevicePublicKey::Ecdsa(public), DeviceSignature::Ecdsa(signature))
		}
		KeyScheme::P256 => {
			use openvpp_primitives::crypto::p256::ecdsa::{
				signature::Signer, Signature, SigningKey,
			};
			let signing = SigningKey::from_bytes(&[0x5au8; 32].into())
				.map_err(|_| BenchmarkError::Stop("invalid P-256 scalar"))?;
			let point = signing.verifying_key().to_encoded_point(true);
			let public = openvpp_primitives::p256_compress(point.as_bytes())
				.ok_or(BenchmarkError::Stop("invalid P-256 point"))?;
			let signature: Signature = signing.sign(&message[..]);
			(
				DevicePublicKey::P256(public),
				DeviceSignature::P256(P256Signature(signature.to_bytes().into())),
			)
		}
	})
}

/// A manufacturer whose root key (sr25519, in the keystore) is `root`, with a model of EV
/// chargers; returns (manufacturer, model).
fn maker<T: Config>(root: &DevicePublicKey) -> Result<(u32, u32), BenchmarkError> {
	let manufacturer = DeviceIdentity::<T>::do_create_manufacturer(
		name_of_len(T::MaxCertifierNameLen::get()),
		vec![root.clone()],
	)?;
	let model = DeviceIdentity::<T>::do_create_model(crate::DeviceModel {
		manufacturer,
		name: name_of_len(T::MaxCertifierNameLen::get())
			.try_into()
			.map_err(|_| BenchmarkError::Stop("model name too long"))?,
		kind: DeviceKind::Ev,
		max_nameplate: ev(),
		accuracy_class: AccuracyClass::MidB,
		key_scheme: KeyScheme::Sr25519,
		proof_of_possession: true,
	})?;
	Ok((manufacturer, model))
}

fn fund<T: Config>(who: &T::AccountId) {
	let amount = T::DeviceDeposit::get()
		.saturating_mul(100u32.into())
		.saturating_add(T::Currency::minimum_balance().saturating_mul(100u32.into()))
		.saturating_add(1_000_000_000_000_000u128.saturated_into());
	T::Currency::set_balance(who, amount);
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	fund::<T>(&who);
	who
}

fn name_of_len(len: u32) -> Vec<u8> {
	vec![b'N'; len as usize]
}

/// A 60 kWh EV pack with an 11 kW bidirectional charger.
fn ev() -> Nameplate {
	Nameplate { capacity_wh: 60_000, max_import_w: 11_000, max_export_w: 11_000 }
}

/// A region to register in and the credential collection exist.
fn setup<T: Config>() -> Result<(), BenchmarkError> {
	fund::<T>(&DeviceIdentity::<T>::account_id());
	if !Regions::<T>::contains_key(REGION) {
		DeviceIdentity::<T>::do_create_region(
			REGION,
			name_of_len(T::MaxRegionNameLen::get()),
			b"DE-LU".to_vec(),
			60,
		)?;
	}
	DeviceIdentity::<T>::credential_collection()?;
	Ok(())
}

/// Metadata of the longest length.
fn full_metadata<T: Config>() -> Result<BoundedVec<u8, T::MaxMetadataLen>, BenchmarkError> {
	BoundedVec::try_from(vec![0u8; T::MaxMetadataLen::get() as usize])
		.map_err(|_| BenchmarkError::Stop("metadata longer than MaxMetadataLen"))
}

/// Registers an EV with full metadata to a funded `owner`.
fn device<T: Config>(owner: &T::AccountId) -> Result<DeviceId, BenchmarkError> {
	setup::<T>()?;
	Ok(DeviceIdentity::<T>::do_register_trusted(
		owner,
		DeviceKind::Ev,
		ev(),
		REGION,
		full_metadata::<T>()?,
		new_key(),
	)?)
}

/// A certificate of `manufacturer`'s `model` for `signer`, bound to `owner`, signed by `root`.
fn certificate<T: Config>(
	root: &DevicePublicKey,
	manufacturer: u32,
	model: u32,
	signer: &DevicePublicKey,
	owner: &T::AccountId,
) -> Result<DeviceCertificateOf<T>, BenchmarkError> {
	let now = DeviceIdentity::<T>::now_ms();
	let body = CertificateBody {
		manufacturer,
		model,
		serial_hash: H256::repeat_byte(0x5e),
		device_key: signer.clone(),
		nameplate: ev(),
		valid_from_ms: now,
		valid_until_ms: now.saturating_add(20 * 365 * 86_400_000),
		owner: Some(owner.clone()),
	};
	Ok(DeviceCertificate { signature: sign(root, &certificate_message(&body))?, root_key: 0, body })
}

/// Registers a hardware-attested EV with full metadata to a funded `owner` and revokes the
/// root key that certified it: the costliest device to transfer, re-key or retire (its
/// hardware attributes go, and a transfer stops it until its key is rotated).
fn revoked_certified_device<T: Config>(owner: &T::AccountId) -> Result<DeviceId, BenchmarkError> {
	setup::<T>()?;
	let root = new_key();
	let (manufacturer, model) = maker::<T>(&root)?;
	let signer = new_key();
	let certificate = certificate::<T>(&root, manufacturer, model, &signer, owner)?;
	let nonce = RegistrationNonce::<T>::get(owner);
	let genesis = DeviceIdentity::<T>::genesis_hash();
	let proof = sign(&signer, &possession_message(REGISTER_DOMAIN, genesis, owner, nonce))?;
	let id = DeviceIdentity::<T>::do_register_certified(
		owner.clone(),
		REGION,
		full_metadata::<T>()?,
		signer,
		certificate,
		Some(proof),
	)?;
	DeviceIdentity::<T>::do_end_root_key(manufacturer, 0, true)?;
	Ok(id)
}

/// Fills the device's gateway list up to `count`.
fn gateways<T: Config>(
	owner: &T::AccountId,
	id: DeviceId,
	count: u32,
) -> Result<(), BenchmarkError> {
	for i in 0..count {
		DeviceIdentity::<T>::do_authorize_gateway(owner.clone(), id, account("gateway", i, 0))?;
	}
	Ok(())
}

/// Registers certifier `index` and has it attest the device.
fn attestation<T: Config>(id: DeviceId, index: u32) -> Result<T::AccountId, BenchmarkError> {
	let certifier: T::AccountId = account("certifier", index, 0);
	DeviceIdentity::<T>::do_add_certifier(
		certifier.clone(),
		name_of_len(T::MaxCertifierNameLen::get()),
	)?;
	DeviceIdentity::<T>::do_attest(
		certifier.clone(),
		id,
		AttestationKind::Installation,
		H256::repeat_byte(0xab),
	)?;
	Ok(certifier)
}

fn admin<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

fn status<T: Config>(id: DeviceId) -> Option<DeviceStatus> {
	Devices::<T>::get(id).map(|r| r.status)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_region() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let name = name_of_len(T::MaxRegionNameLen::get());
		let zone = b"IT-CSUD-2".to_vec();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, RegionId::MAX, name, zone, 60);

		assert!(Regions::<T>::contains_key(RegionId::MAX));
		Ok(())
	}

	#[benchmark]
	fn register_device() -> Result<(), BenchmarkError> {
		setup::<T>()?;
		let owner = funded::<T>("owner", 0);
		let signer = new_key();
		let nonce = RegistrationNonce::<T>::get(&owner);
		let genesis = DeviceIdentity::<T>::genesis_hash();
		let proof = sign(&signer, &possession_message(REGISTER_DOMAIN, genesis, &owner, nonce))?;
		let metadata = full_metadata::<T>()?;

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			DeviceKind::Ev,
			ev(),
			REGION,
			metadata,
			signer.clone(),
			proof,
		);

		assert!(DeviceByKey::<T>::contains_key(signer));
		assert_eq!(RegistrationNonce::<T>::get(&owner), nonce.saturating_add(1));
		Ok(())
	}

	#[benchmark]
	fn transfer_device() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		// A certified device whose root key is revoked: the transfer reads the manufacturer and
		// stops the device until its key is rotated.
		let id = revoked_certified_device::<T>(&owner)?;
		gateways::<T>(&owner, id, T::MaxGateways::get())?;
		let new_owner = funded::<T>("buyer", 0);
		let lookup = T::Lookup::unlookup(new_owner.clone());

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, lookup);

		assert_eq!(DeviceIdentity::<T>::credential_holder(id), Some(new_owner));
		assert!(AwaitingKey::<T>::contains_key(id));
		Ok(())
	}

	#[benchmark]
	fn rotate_key() -> Result<(), BenchmarkError> {
		// A transferred certified device: the rotation holds the key deposit, ends the wait
		// for a key and clears the hardware attributes.
		let seller = funded::<T>("owner", 0);
		let id = revoked_certified_device::<T>(&seller)?;
		let owner = funded::<T>("buyer", 0);
		DeviceIdentity::<T>::do_transfer(seller, id, owner.clone())?;
		let signer = new_key();
		let nonce = RegistrationNonce::<T>::get(&owner);
		let genesis = DeviceIdentity::<T>::genesis_hash();
		let proof = sign(&signer, &possession_message(ROTATE_DOMAIN, genesis, &owner, nonce))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, signer.clone(), proof);

		assert_eq!(DeviceByKey::<T>::get(signer), Some(id));
		assert_eq!(status::<T>(id), Some(DeviceStatus::Active));
		assert!(Devices::<T>::get(id).is_some_and(|r| r.hardware.is_none()));
		Ok(())
	}

	#[benchmark]
	fn authorize_gateway() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;
		gateways::<T>(&owner, id, T::MaxGateways::get().saturating_sub(1))?;
		let gateway: T::AccountId = account("gateway", u32::MAX, 0);
		let lookup = T::Lookup::unlookup(gateway.clone());

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, lookup);

		assert!(Devices::<T>::get(id).is_some_and(|r| r.gateways.contains(&gateway)));
		Ok(())
	}

	#[benchmark]
	fn revoke_gateway() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;
		let count = T::MaxGateways::get();
		gateways::<T>(&owner, id, count)?;
		let gateway: T::AccountId = account("gateway", count.saturating_sub(1), 0);
		let lookup = T::Lookup::unlookup(gateway.clone());

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, lookup);

		assert!(Devices::<T>::get(id).is_some_and(|r| !r.gateways.contains(&gateway)));
		Ok(())
	}

	#[benchmark]
	fn suspend() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id);

		assert_eq!(status::<T>(id), Some(DeviceStatus::SuspendedByOwner));
		Ok(())
	}

	#[benchmark]
	fn reactivate() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;
		DeviceIdentity::<T>::do_suspend(owner.clone(), id)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id);

		assert_eq!(status::<T>(id), Some(DeviceStatus::Active));
		Ok(())
	}

	#[benchmark]
	fn admin_suspend() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id);

		assert_eq!(status::<T>(id), Some(DeviceStatus::SuspendedByAdmin));
		Ok(())
	}

	#[benchmark]
	fn admin_reactivate() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;
		DeviceIdentity::<T>::do_admin_suspend(id)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id);

		assert_eq!(status::<T>(id), Some(DeviceStatus::Active));
		Ok(())
	}

	#[benchmark]
	fn decommission() -> Result<(), BenchmarkError> {
		// A certified device with every attestation, sold and awaiting its key, with a full
		// gateway list and a lifetime reward on its credential: every attribute and entry the
		// decommissioning clears.
		let seller = funded::<T>("owner", 0);
		let id = revoked_certified_device::<T>(&seller)?;
		for i in 0..T::MaxAttestations::get() {
			attestation::<T>(id, i)?;
		}
		let owner = funded::<T>("buyer", 0);
		DeviceIdentity::<T>::do_transfer(seller, id, owner.clone())?;
		gateways::<T>(&owner, id, T::MaxGateways::get())?;
		DeviceIdentity::<T>::set_credential_lifetime_reward(id, u128::MAX);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id);

		assert_eq!(status::<T>(id), Some(DeviceStatus::Decommissioned));
		assert_eq!(Attestations::<T>::iter_prefix(id).count(), 0);
		assert!(!AwaitingKey::<T>::contains_key(id));
		Ok(())
	}

	#[benchmark]
	fn add_certifier() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let certifier: T::AccountId = account("certifier", 0, 0);
		let lookup = T::Lookup::unlookup(certifier.clone());
		let name = name_of_len(T::MaxCertifierNameLen::get());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, lookup, name);

		assert!(Certifiers::<T>::contains_key(&certifier));
		Ok(())
	}

	#[benchmark]
	fn remove_certifier() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let certifier: T::AccountId = account("certifier", 0, 0);
		DeviceIdentity::<T>::do_add_certifier(
			certifier.clone(),
			name_of_len(T::MaxCertifierNameLen::get()),
		)?;
		let lookup = T::Lookup::unlookup(certifier.clone());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, lookup);

		assert!(!Certifiers::<T>::contains_key(&certifier));
		Ok(())
	}

	#[benchmark]
	fn attest() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;
		let certifier: T::AccountId = account("certifier", 0, 0);
		DeviceIdentity::<T>::do_add_certifier(
			certifier.clone(),
			name_of_len(T::MaxCertifierNameLen::get()),
		)?;

		// The first attestation also rewrites the NFT's `attested` attribute.
		#[extrinsic_call]
		_(RawOrigin::Signed(certifier.clone()), id, AttestationKind::Audit, H256::repeat_byte(7));

		assert!(Attestations::<T>::contains_key(id, &certifier));
		Ok(())
	}

	#[benchmark]
	fn revoke_attestation() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;
		let certifier = attestation::<T>(id, 0)?;

		// Revoking the last attestation also rewrites the NFT's `attested` attribute.
		#[extrinsic_call]
		_(RawOrigin::Signed(certifier.clone()), id);

		assert!(!Attestations::<T>::contains_key(id, &certifier));
		Ok(())
	}

	#[benchmark]
	fn admin_revoke_attestation() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;
		let certifier = attestation::<T>(id, 0)?;
		let lookup = T::Lookup::unlookup(certifier.clone());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, lookup);

		assert!(!Attestations::<T>::contains_key(id, &certifier));
		Ok(())
	}

	#[benchmark]
	fn register_certified_device() -> Result<(), BenchmarkError> {
		setup::<T>()?;
		let root = new_key();
		let (manufacturer, model) = maker::<T>(&root)?;
		let owner = funded::<T>("owner", 0);
		let signer = new_key();
		let certificate = certificate::<T>(&root, manufacturer, model, &signer, &owner)?;
		let nonce = RegistrationNonce::<T>::get(&owner);
		let genesis = DeviceIdentity::<T>::genesis_hash();
		let proof = sign(&signer, &possession_message(REGISTER_DOMAIN, genesis, &owner, nonce))?;
		let metadata = full_metadata::<T>()?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), REGION, metadata, signer.clone(), certificate, Some(proof));

		let id = DeviceByKey::<T>::get(signer).ok_or(BenchmarkError::Stop("not registered"))?;
		assert!(Devices::<T>::get(id).is_some_and(|r| r.hardware.is_some()));
		Ok(())
	}

	#[benchmark]
	fn set_region_policy() -> Result<(), BenchmarkError> {
		setup::<T>()?;
		let origin = admin::<T>()?;
		let policy = UnattestedPolicy::Capped { max_counted_w: 10_000 };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, REGION, policy);

		assert_eq!(Regions::<T>::get(REGION).map(|r| r.unattested), Some(policy));
		Ok(())
	}

	#[benchmark]
	fn create_manufacturer(k: Linear<1, { T::MaxRootKeys::get() }>) -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let keys: Vec<DevicePublicKey> = (0..k).map(|_| new_key()).collect();
		let name = name_of_len(T::MaxCertifierNameLen::get());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, name, keys);

		assert_eq!(crate::NextManufacturerId::<T>::get(), 1);
		Ok(())
	}

	#[benchmark]
	fn add_root_key() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let keys: Vec<DevicePublicKey> =
			(0..T::MaxRootKeys::get().saturating_sub(1)).map(|_| new_key()).collect();
		let manufacturer = DeviceIdentity::<T>::do_create_manufacturer(
			name_of_len(T::MaxCertifierNameLen::get()),
			keys,
		)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, manufacturer, new_key());

		assert!(crate::Manufacturers::<T>::get(manufacturer)
			.is_some_and(|m| m.root_keys.len() as u32 == T::MaxRootKeys::get()));
		Ok(())
	}

	#[benchmark]
	fn retire_root_key() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let (manufacturer, _) = maker::<T>(&new_key())?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, manufacturer, 0);

		Ok(())
	}

	#[benchmark]
	fn revoke_root_key() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let (manufacturer, _) = maker::<T>(&new_key())?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, manufacturer, 0);

		Ok(())
	}

	#[benchmark]
	fn create_model() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let (manufacturer, _) = maker::<T>(&new_key())?;
		let name = name_of_len(T::MaxCertifierNameLen::get());

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			manufacturer,
			name,
			DeviceKind::Battery,
			Nameplate { capacity_wh: 13_500, max_import_w: 5_000, max_export_w: 5_000 },
			AccuracyClass::Unclassified,
			KeyScheme::P256,
			true,
		);

		assert_eq!(crate::NextModelId::<T>::get(), 2);
		Ok(())
	}

	#[benchmark]
	fn verify_ed25519() -> Result<(), BenchmarkError> {
		let message = [0x42u8; 32];
		let (key, signature) = signed_by(KeyScheme::Ed25519, &message)?;
		let valid;
		#[block]
		{
			valid = signature.verify(&message, &key);
		}
		assert!(valid);
		Ok(())
	}

	#[benchmark]
	fn verify_sr25519() -> Result<(), BenchmarkError> {
		let message = [0x42u8; 32];
		let (key, signature) = signed_by(KeyScheme::Sr25519, &message)?;
		let valid;
		#[block]
		{
			valid = signature.verify(&message, &key);
		}
		assert!(valid);
		Ok(())
	}

	#[benchmark]
	fn verify_ecdsa() -> Result<(), BenchmarkError> {
		let message = [0x42u8; 32];
		let (key, signature) = signed_by(KeyScheme::Ecdsa, &message)?;
		let valid;
		#[block]
		{
			valid = signature.verify(&message, &key);
		}
		assert!(valid);
		Ok(())
	}

	#[benchmark]
	fn verify_p256() -> Result<(), BenchmarkError> {
		let message = [0x42u8; 32];
		let (key, signature) = signed_by(KeyScheme::P256, &message)?;
		let valid;
		#[block]
		{
			valid = signature.verify(&message, &key);
		}
		assert!(valid);
		Ok(())
	}

	impl_benchmark_test_suite!(DeviceIdentity, crate::mock::new_test_ext(), crate::mock::Test);
}
