//! Hardware trust: manufacturers and their root keys, device models, registration with a
//! manufacturer's device certificate, and the O(1) validity check every read of a device
//! makes.
//!
//! Who gains by lying, and what stops them:
//! - an owner inflating a nameplate: the certificate's nameplate is signed by the maker and
//!   must be within the model's rating (`NameplateAboveModelRating`);
//! - an owner reusing one real device's certificate for a second (emulated) device: the serial
//!   is registered once, ever (`SerialAlreadyRegistered`), and the key once (`DuplicateDeviceKey`);
//! - an owner presenting someone else's certificate with a key of their own: the certificate
//!   names the device key (`CertificateForAnotherKey`) and the device proves possession of it;
//!   a meter that cannot prove possession needs a certificate naming its owner;
//! - a maker whose root key leaked: governance revokes the key and every device it certified
//!   stops earning where attestation is required, the next time it is read;
//! - a seller keeping the key of a device it sold: a certified key is sealed in the secure
//!   element and moves with the hardware (the seller's gateways do not), so a transfer leaves
//!   the device running; once its root key is revoked the key is treated like any other, and
//!   the buyer must rotate it.

use alloc::vec::Vec;
use frame_support::{ensure, traits::Get, weights::Weight, BoundedVec};
use openvpp_primitives::{
	certificate_message, DeviceId, DevicePublicKey, DeviceSignature, KeyScheme, ManufacturerId,
	ModelId, RegionId, RewardEligibility, TimestampMs, UnattestedPolicy, REGISTER_DOMAIN,
};
use sp_runtime::{DispatchError, DispatchResult};

use crate::{
	Config, DeviceByKey, DeviceBySerial, DeviceCertificateOf, DeviceModelOf, Error, Event,
	HardwareAttestation, Manufacturer, Manufacturers, Models, NextManufacturerId, NextModelId,
	Pallet, Regions, RootKey, RootKeyStatus, WeightInfo,
};

impl<T: Config> Pallet<T> {
	/// Registers a manufacturer with its first root keys; returns its id.
	pub(crate) fn do_create_manufacturer(
		name: Vec<u8>,
		root_keys: Vec<DevicePublicKey>,
	) -> Result<ManufacturerId, DispatchError> {
		ensure!(!name.is_empty(), Error::<T>::InvalidName);
		let name = BoundedVec::try_from(name).map_err(|_| Error::<T>::InvalidName)?;
		ensure!(!root_keys.is_empty(), Error::<T>::TooManyRootKeys);
		let mut keys: BoundedVec<RootKey, T::MaxRootKeys> = BoundedVec::new();
		for key in root_keys {
			ensure!(key.is_valid_point(), Error::<T>::InvalidDeviceKey);
			ensure!(!keys.iter().any(|k| k.key == key), Error::<T>::DuplicateRootKey);
			keys.try_push(RootKey { key, status: RootKeyStatus::Active })
				.map_err(|_| Error::<T>::TooManyRootKeys)?;
		}
		let id = NextManufacturerId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::TooManyRootKeys)?;
		let count = u32::try_from(keys.len()).unwrap_or(u32::MAX);
		Manufacturers::<T>::insert(
			id,
			Manufacturer { name, root_keys: keys, since_ms: Self::now_ms() },
		);
		NextManufacturerId::<T>::put(next);
		Self::deposit_event(Event::ManufacturerCreated { manufacturer: id, root_keys: count });
		Ok(id)
	}

	/// Adds a root key to a manufacturer.
	pub(crate) fn do_add_root_key(
		manufacturer: ManufacturerId,
		key: DevicePublicKey,
	) -> DispatchResult {
		let mut record =
			Manufacturers::<T>::get(manufacturer).ok_or(Error::<T>::UnknownManufacturer)?;
		ensure!(key.is_valid_point(), Error::<T>::InvalidDeviceKey);
		ensure!(!record.root_keys.iter().any(|k| k.key == key), Error::<T>::DuplicateRootKey);
		let index =
			u8::try_from(record.root_keys.len()).map_err(|_| Error::<T>::TooManyRootKeys)?;
		record
			.root_keys
			.try_push(RootKey { key, status: RootKeyStatus::Active })
			.map_err(|_| Error::<T>::TooManyRootKeys)?;
		Manufacturers::<T>::insert(manufacturer, record);
		Self::deposit_event(Event::RootKeyAdded { manufacturer, index });
		Ok(())
	}

	/// Retires (`revoke == false`) or revokes a root key. A retired key may still be revoked.
	pub(crate) fn do_end_root_key(
		manufacturer: ManufacturerId,
		index: u8,
		revoke: bool,
	) -> DispatchResult {
		let mut record =
			Manufacturers::<T>::get(manufacturer).ok_or(Error::<T>::UnknownManufacturer)?;
		let at_ms = Self::now_ms();
		let key = record.root_keys.get_mut(usize::from(index)).ok_or(Error::<T>::UnknownRootKey)?;
		key.status = match (key.status, revoke) {
			(RootKeyStatus::Active, false) => RootKeyStatus::Retired { at_ms },
			(RootKeyStatus::Active | RootKeyStatus::Retired { .. }, true) => {
				RootKeyStatus::Revoked { at_ms }
			}
			_ => return Err(Error::<T>::RootKeyNotActive.into()),
		};
		Manufacturers::<T>::insert(manufacturer, record);
		if revoke {
			Self::deposit_event(Event::RootKeyRevoked { manufacturer, index });
		} else {
			Self::deposit_event(Event::RootKeyRetired { manufacturer, index });
		}
		Ok(())
	}

	/// Publishes a model; returns its id.
	pub(crate) fn do_create_model(model: DeviceModelOf<T>) -> Result<ModelId, DispatchError> {
		ensure!(
			Manufacturers::<T>::contains_key(model.manufacturer),
			Error::<T>::UnknownManufacturer
		);
		ensure!(!model.name.is_empty(), Error::<T>::InvalidName);
		model.max_nameplate.validate(model.kind).map_err(|_| Error::<T>::InvalidModelRating)?;
		let id = NextModelId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::InvalidModelRating)?;
		let (manufacturer, kind) = (model.manufacturer, model.kind);
		Models::<T>::insert(id, model);
		NextModelId::<T>::put(next);
		Self::deposit_event(Event::ModelCreated { model: id, manufacturer, kind });
		Ok(id)
	}

	/// Sets a region's policy for unattested devices.
	pub(crate) fn do_set_region_policy(
		region: RegionId,
		unattested: UnattestedPolicy,
	) -> DispatchResult {
		Regions::<T>::try_mutate(region, |entry| {
			let record = entry.as_mut().ok_or(Error::<T>::UnknownRegion)?;
			record.unattested = unattested;
			Ok::<(), DispatchError>(())
		})?;
		Self::deposit_event(Event::RegionPolicySet { region, unattested });
		Ok(())
	}

	/// Checks a device certificate presented by `owner` at `now_ms`; returns the model and the
	/// attestation to record. Verifies first, writes nothing.
	pub(crate) fn check_certificate(
		owner: &T::AccountId,
		certificate: &DeviceCertificateOf<T>,
		now_ms: TimestampMs,
	) -> Result<(DeviceModelOf<T>, HardwareAttestation), DispatchError> {
		let body = &certificate.body;
		let manufacturer =
			Manufacturers::<T>::get(body.manufacturer).ok_or(Error::<T>::UnknownManufacturer)?;
		let root = manufacturer
			.root_keys
			.get(usize::from(certificate.root_key))
			.ok_or(Error::<T>::UnknownRootKey)?;
		match root.status {
			RootKeyStatus::Active => {}
			RootKeyStatus::Retired { .. } => return Err(Error::<T>::RootKeyRetired.into()),
			RootKeyStatus::Revoked { .. } => return Err(Error::<T>::RootKeyRevoked.into()),
		}
		ensure!(
			certificate.signature.verify(&certificate_message(body), &root.key),
			Error::<T>::InvalidCertificateSignature
		);
		let model = Models::<T>::get(body.model).ok_or(Error::<T>::UnknownModel)?;
		ensure!(model.manufacturer == body.manufacturer, Error::<T>::ModelOfAnotherManufacturer);
		ensure!(body.valid_until_ms > body.valid_from_ms, Error::<T>::InvalidValidityPeriod);
		ensure!(now_ms >= body.valid_from_ms, Error::<T>::CertificateNotYetValid);
		ensure!(now_ms < body.valid_until_ms, Error::<T>::CertificateExpired);
		ensure!(body.device_key.scheme() == model.key_scheme, Error::<T>::KeySchemeNotOfModel);
		let (plate, max) = (body.nameplate, model.max_nameplate);
		ensure!(
			plate.capacity_wh <= max.capacity_wh
				&& plate.max_import_w <= max.max_import_w
				&& plate.max_export_w <= max.max_export_w,
			Error::<T>::NameplateAboveModelRating
		);
		match &body.owner {
			Some(bound) => ensure!(bound == owner, Error::<T>::CertificateBoundToAnotherOwner),
			None => ensure!(model.proof_of_possession, Error::<T>::CertificateMustNameOwner),
		}
		ensure!(
			!DeviceBySerial::<T>::contains_key(body.manufacturer, body.serial_hash),
			Error::<T>::SerialAlreadyRegistered
		);
		let attestation = HardwareAttestation {
			manufacturer: body.manufacturer,
			model: body.model,
			root_key: certificate.root_key,
			serial_hash: body.serial_hash,
			valid_from_ms: body.valid_from_ms,
			valid_until_ms: body.valid_until_ms,
		};
		Ok((model, attestation))
	}

	/// Registers a device with a manufacturer's certificate.
	pub(crate) fn do_register_certified(
		owner: T::AccountId,
		region: RegionId,
		metadata: BoundedVec<u8, T::MaxMetadataLen>,
		signer: DevicePublicKey,
		certificate: DeviceCertificateOf<T>,
		proof: Option<DeviceSignature>,
	) -> Result<DeviceId, DispatchError> {
		let now_ms = Self::now_ms();
		let (model, attestation) = Self::check_certificate(&owner, &certificate, now_ms)?;
		ensure!(certificate.body.device_key == signer, Error::<T>::CertificateForAnotherKey);
		let key = signer;
		ensure!(key.is_valid_point(), Error::<T>::InvalidDeviceKey);
		ensure!(!DeviceByKey::<T>::contains_key(&key), Error::<T>::DuplicateDeviceKey);
		let next_nonce = match (&proof, model.proof_of_possession) {
			(Some(proof), _) => Some(Self::check_possession(REGISTER_DOMAIN, &owner, &key, proof)?),
			(None, true) => return Err(Error::<T>::ProofOfPossessionMissing.into()),
			// The certificate names the owner (checked above): the installer's word replaces
			// the proof of a meter that can sign only its own records.
			(None, false) => None,
		};
		let nameplate = certificate.body.nameplate;
		Self::validate_new_device(model.kind, &nameplate, region)?;
		let id = Self::insert_device(
			&owner,
			model.kind,
			nameplate,
			region,
			metadata,
			key,
			now_ms,
			Some(attestation),
		)?;
		DeviceBySerial::<T>::insert(attestation.manufacturer, attestation.serial_hash, id);
		if let Some(next) = next_nonce {
			crate::RegistrationNonce::<T>::insert(&owner, next);
		}
		Self::set_credential_hardware(id, &attestation)?;
		Self::deposit_event(Event::DeviceCertified {
			device: id,
			manufacturer: attestation.manufacturer,
			model: attestation.model,
			serial_hash: attestation.serial_hash,
		});
		Ok(id)
	}

	/// Whether a recorded hardware attestation holds at `now_ms`: its root key is not revoked
	/// and the certificate is in its validity period. One storage read.
	pub fn attestation_valid(attestation: &HardwareAttestation, now_ms: TimestampMs) -> bool {
		let in_period = now_ms >= attestation.valid_from_ms && now_ms < attestation.valid_until_ms;
		in_period
			&& Manufacturers::<T>::get(attestation.manufacturer).is_some_and(|m| {
				m.root_keys
					.get(usize::from(attestation.root_key))
					.is_some_and(|k| !matches!(k.status, RootKeyStatus::Revoked { .. }))
			})
	}

	/// Whether a device's recorded attestation (if any) holds now. O(1): one read of the
	/// manufacturer record, only for certified devices.
	pub(crate) fn hardware_attested(attestation: Option<&HardwareAttestation>) -> bool {
		attestation.is_some_and(|h| Self::attestation_valid(h, Self::now_ms()))
	}

	/// What a device in `region` may earn given whether it is hardware-attested now.
	pub fn eligibility(region: RegionId, hardware_attested: bool) -> RewardEligibility {
		if hardware_attested {
			return RewardEligibility::Full;
		}
		let policy = Regions::<T>::get(region).map(|r| r.unattested).unwrap_or_default();
		RewardEligibility::of(false, policy)
	}

	/// Most root keys a manufacturer may hold (for benchmarks and readers).
	pub fn max_root_keys() -> u32 {
		T::MaxRootKeys::get()
	}

	/// Cost of verifying one signature of `scheme` (P-256 runs in Wasm, ~40× sr25519).
	pub fn signature_weight(scheme: KeyScheme) -> Weight {
		match scheme {
			KeyScheme::Ed25519 => T::WeightInfo::verify_ed25519(),
			KeyScheme::Sr25519 => T::WeightInfo::verify_sr25519(),
			KeyScheme::Ecdsa => T::WeightInfo::verify_ecdsa(),
			KeyScheme::P256 => T::WeightInfo::verify_p256(),
		}
	}

	/// `base` (benchmarked with an sr25519 proof) with that proof's cost replaced by the cost
	/// of one of `scheme`.
	fn with_proof_of(base: Weight, scheme: KeyScheme) -> Weight {
		base.saturating_sub(T::WeightInfo::verify_sr25519())
			.saturating_add(Self::signature_weight(scheme))
	}

	/// Weight of `register_device` with a proof of `scheme`.
	pub fn register_weight(scheme: KeyScheme) -> Weight {
		Self::with_proof_of(T::WeightInfo::register_device(), scheme)
	}

	/// Weight of `rotate_key` with a proof of `scheme`.
	pub fn rotate_weight(scheme: KeyScheme) -> Weight {
		Self::with_proof_of(T::WeightInfo::rotate_key(), scheme)
	}

	/// Weight of `register_certified_device`: benchmarked with an sr25519 root key and an
	/// sr25519 proof; each signature is charged at its own scheme's cost.
	pub fn register_certified_weight(
		certificate: &DeviceCertificateOf<T>,
		proof: Option<&DeviceSignature>,
	) -> Weight {
		let base = T::WeightInfo::register_certified_device()
			.saturating_sub(T::WeightInfo::verify_sr25519())
			.saturating_add(Self::signature_weight(certificate.signature.scheme()));
		match proof {
			Some(proof) => Self::with_proof_of(base, proof.scheme()),
			None => base.saturating_sub(T::WeightInfo::verify_sr25519()),
		}
	}
}

impl<T: Config> openvpp_primitives::SignatureWeight for Pallet<T> {
	fn verify(scheme: KeyScheme) -> Weight {
		Self::signature_weight(scheme)
	}
}
