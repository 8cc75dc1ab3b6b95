//! Registration, proof of possession, key rotation, transfer and decommissioning.
//!
//! Who gains by lying, and what stops them:
//! - a seller who kept a copy of the device key signing readings for the device it sold
//!   (earning on or poisoning the buyer's record): a transfer stops a device whose key is not
//!   sealed in a certified secure element until the buyer rotates the key; the seller's
//!   gateways go with the transfer;
//! - an owner storing state for free: each key a rotation adds holds `KeyDeposit`, metadata is
//!   bounded at decode, and decommissioning keeps `RetainedDeposit` for what stays for good and
//!   has the other pallets remove their per-device state.

use codec::Decode;
use frame_support::{
	ensure,
	traits::{
		fungible::{InspectHold, MutateHold},
		tokens::{Fortitude, Precision, Restriction},
		Get, UnixTime,
	},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use openvpp_primitives::{
	possession_message, verify_device_signature, DeviceId, DeviceKind, DeviceStatus, Nameplate,
	NameplateError, OnDeviceDecommissioned, RegionId, TimestampMs, REGISTER_DOMAIN, ROTATE_DOMAIN,
};
use openvpp_primitives::{DevicePublicKey, DeviceSignature};
use sp_core::H256;
use sp_runtime::{
	traits::{CheckedAdd, Saturating, Zero},
	DispatchError, DispatchResult,
};

use crate::{
	Attestations, AwaitingKey, BalanceOf, Config, Counters, DeviceByKey, DeviceKey, DeviceRecord,
	DeviceRecordOf, Devices, DevicesByOwner, Error, Event, HardwareAttestation, HoldReason,
	LifetimeCounters, NextDeviceId, Pallet, Regions, RegistrationNonce,
};

impl<T> From<NameplateError> for Error<T> {
	fn from(e: NameplateError) -> Self {
		match e {
			NameplateError::CapacityMismatch => Error::CapacityMismatch,
			NameplateError::CapacityTooLarge => Error::CapacityTooLarge,
			NameplateError::PowerMissing => Error::PowerMissing,
			NameplateError::PowerImplausible => Error::PowerImplausible,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Genesis hash of this chain, as device proofs and bundles name it.
	pub fn genesis_hash() -> H256 {
		let hash = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		H256::decode(&mut hash.as_ref()).unwrap_or_default()
	}

	/// Wall-clock time in ms since the Unix epoch.
	pub(crate) fn now_ms() -> TimestampMs {
		TimestampMs::try_from(T::UnixTime::now().as_millis()).unwrap_or(TimestampMs::MAX)
	}

	/// Refuses an ECDSA key that is not a point of its curve.
	fn ensure_supported_key(signer: &DevicePublicKey) -> DispatchResult {
		ensure!(signer.is_valid_point(), Error::<T>::InvalidDeviceKey);
		Ok(())
	}

	/// Checks a proof of possession of `signer` for `owner` under `domain`; returns the nonce
	/// to store once the call succeeds.
	pub(crate) fn check_possession(
		domain: &[u8; 20],
		owner: &T::AccountId,
		signer: &DevicePublicKey,
		proof: &DeviceSignature,
	) -> Result<u32, DispatchError> {
		let nonce = RegistrationNonce::<T>::get(owner);
		let message = possession_message(domain, Self::genesis_hash(), owner, nonce);
		ensure!(
			verify_device_signature(signer, &message, proof),
			Error::<T>::InvalidPossessionProof
		);
		let next = nonce.checked_add(1).ok_or(Error::<T>::NonceExhausted)?;
		Ok(next)
	}

	/// Validates the owner-supplied description of a new device (its metadata is bounded by
	/// its type: an oversized argument does not decode).
	pub(crate) fn validate_new_device(
		kind: DeviceKind,
		nameplate: &Nameplate,
		region: RegionId,
	) -> DispatchResult {
		nameplate.validate(kind).map_err(Error::<T>::from)?;
		ensure!(Regions::<T>::contains_key(region), Error::<T>::UnknownRegion);
		Ok(())
	}

	/// Registers a device after checking the proof of possession of its key.
	pub(crate) fn do_register(
		owner: T::AccountId,
		kind: DeviceKind,
		nameplate: Nameplate,
		region: RegionId,
		metadata: BoundedVec<u8, T::MaxMetadataLen>,
		signer: DevicePublicKey,
		proof: DeviceSignature,
	) -> Result<DeviceId, DispatchError> {
		Self::ensure_supported_key(&signer)?;
		let key: DeviceKey = signer;
		ensure!(!DeviceByKey::<T>::contains_key(&key), Error::<T>::DuplicateDeviceKey);
		let next_nonce = Self::check_possession(REGISTER_DOMAIN, &owner, &key, &proof)?;
		Self::validate_new_device(kind, &nameplate, region)?;
		let now = Self::now_ms();
		let id = Self::insert_device(&owner, kind, nameplate, region, metadata, key, now, None)?;
		RegistrationNonce::<T>::insert(&owner, next_nonce);
		Ok(id)
	}

	/// Registers a device at genesis, where no proof is needed (commissioned at time zero:
	/// there is no wall-clock time before the first block).
	pub(crate) fn do_register_trusted(
		owner: &T::AccountId,
		kind: DeviceKind,
		nameplate: Nameplate,
		region: RegionId,
		metadata: BoundedVec<u8, T::MaxMetadataLen>,
		signer: DevicePublicKey,
	) -> Result<DeviceId, DispatchError> {
		Self::ensure_supported_key(&signer)?;
		let key: DeviceKey = signer;
		ensure!(!DeviceByKey::<T>::contains_key(&key), Error::<T>::DuplicateDeviceKey);
		Self::validate_new_device(kind, &nameplate, region)?;
		Self::insert_device(owner, kind, nameplate, region, metadata, key, 0, None)
	}

	/// Holds the deposit, mints the credential and writes the record of a validated device.
	pub(crate) fn insert_device(
		owner: &T::AccountId,
		kind: DeviceKind,
		nameplate: Nameplate,
		region: RegionId,
		metadata: BoundedVec<u8, T::MaxMetadataLen>,
		key: DeviceKey,
		commissioned_ms: TimestampMs,
		hardware: Option<HardwareAttestation>,
	) -> Result<DeviceId, DispatchError> {
		let id = NextDeviceId::<T>::get();
		let next_id = id.checked_add(1).ok_or(Error::<T>::DeviceIdsExhausted)?;
		let deposit = T::DeviceDeposit::get();
		let reason: T::RuntimeHoldReason = HoldReason::DeviceDeposit.into();
		ensure!(T::Currency::can_hold(&reason, owner, deposit), Error::<T>::InsufficientDeposit);

		T::Currency::hold(&reason, owner, deposit)?;
		Self::mint_credential(id, owner, kind, &nameplate, region, commissioned_ms)?;

		let signer = key.clone();
		DeviceByKey::<T>::insert(&key, id);
		Devices::<T>::insert(
			id,
			DeviceRecord {
				owner: owner.clone(),
				kind,
				nameplate,
				region,
				status: DeviceStatus::Active,
				signer: key,
				commissioned_ms,
				metadata,
				gateways: BoundedVec::new(),
				attestations: 0,
				deposit,
				hardware,
			},
		);
		DevicesByOwner::<T>::insert(owner, id, ());
		Counters::<T>::insert(id, LifetimeCounters::default());
		NextDeviceId::<T>::put(next_id);
		Self::deposit_event(Event::DeviceRegistered {
			device: id,
			owner: owner.clone(),
			kind,
			region,
			signer,
			deposit,
		});
		Ok(id)
	}

	/// The record of a device `who` owns and that is not decommissioned.
	pub(crate) fn owned_device(
		who: &T::AccountId,
		id: DeviceId,
	) -> Result<DeviceRecordOf<T>, DispatchError> {
		let record = Devices::<T>::get(id).ok_or(Error::<T>::UnknownDevice)?;
		ensure!(&record.owner == who, Error::<T>::NotOwner);
		ensure!(record.status != DeviceStatus::Decommissioned, Error::<T>::DeviceDecommissioned);
		Ok(record)
	}

	/// Moves a device, its credential and its deposit to `new_owner`. Its gateways are cleared;
	/// a device whose key the previous owner may hold stops until `new_owner` rotates the key.
	pub(crate) fn do_transfer(
		owner: T::AccountId,
		id: DeviceId,
		new_owner: T::AccountId,
	) -> DispatchResult {
		let mut record = Self::owned_device(&owner, id)?;
		ensure!(record.status != DeviceStatus::SuspendedByAdmin, Error::<T>::SuspendedByAdmin);
		ensure!(new_owner != owner, Error::<T>::TransferToSelf);
		let reason: T::RuntimeHoldReason = HoldReason::DeviceDeposit.into();
		ensure!(
			T::Currency::hold_available(&reason, &new_owner),
			Error::<T>::RecipientCannotHoldDeposit
		);
		let key_sealed = record.hardware.as_ref().is_some_and(Self::key_in_secure_element);

		if !record.deposit.is_zero() {
			T::Currency::transfer_on_hold(
				&reason,
				&owner,
				&new_owner,
				record.deposit,
				Precision::Exact,
				Restriction::OnHold,
				Fortitude::Polite,
			)?;
		}
		Self::transfer_credential(id, &new_owner)?;

		record.owner = new_owner.clone();
		// Gateways worked for the previous owner; the new one authorizes its own.
		record.gateways = BoundedVec::new();
		// A key outside a certified secure element may have been copied by the previous owner:
		// no reading is accepted until the new owner proves possession of a key of its own.
		if !key_sealed {
			record.status = DeviceStatus::SuspendedByOwner;
			AwaitingKey::<T>::insert(id, ());
		}
		Devices::<T>::insert(id, record);
		DevicesByOwner::<T>::remove(&owner, id);
		DevicesByOwner::<T>::insert(&new_owner, id, ());
		Self::deposit_event(Event::DeviceTransferred {
			device: id,
			from: owner,
			to: new_owner.clone(),
		});
		if !key_sealed {
			Self::deposit_event(Event::DeviceAwaitingKey { device: id, owner: new_owner });
		}
		Ok(())
	}

	/// Replaces a device's key after checking the new key's proof of possession; holds
	/// `KeyDeposit` for the new key's entry. Ends a transferred device's wait for a key.
	pub(crate) fn do_rotate_key(
		owner: T::AccountId,
		id: DeviceId,
		new_signer: DevicePublicKey,
		proof: DeviceSignature,
	) -> DispatchResult {
		let mut record = Self::owned_device(&owner, id)?;
		ensure!(record.status != DeviceStatus::SuspendedByAdmin, Error::<T>::SuspendedByAdmin);
		Self::ensure_supported_key(&new_signer)?;
		let key: DeviceKey = new_signer;
		ensure!(!DeviceByKey::<T>::contains_key(&key), Error::<T>::DuplicateDeviceKey);
		let next_nonce = Self::check_possession(ROTATE_DOMAIN, &owner, &key, &proof)?;
		let key_deposit = T::KeyDeposit::get();
		let reason: T::RuntimeHoldReason = HoldReason::DeviceDeposit.into();
		ensure!(
			T::Currency::can_hold(&reason, &owner, key_deposit),
			Error::<T>::InsufficientDeposit
		);
		let deposit =
			record.deposit.checked_add(&key_deposit).ok_or(Error::<T>::InsufficientDeposit)?;

		T::Currency::hold(&reason, &owner, key_deposit)?;
		record.deposit = deposit;
		let new_signer = key.clone();
		let old = core::mem::replace(&mut record.signer, key.clone());
		// A new key is not the one the manufacturer certified: the device is no longer
		// hardware-attested (the serial stays taken).
		let was_certified = record.hardware.take().is_some();
		let attestations = record.attestations;
		// The new owner of a transferred device now signs with a key only it holds.
		let resumed = AwaitingKey::<T>::take(id).is_some();
		if resumed {
			record.status = DeviceStatus::Active;
		}
		// The old key keeps pointing at this device, so it can never be registered again.
		DeviceByKey::<T>::insert(&key, id);
		Devices::<T>::insert(id, record);
		RegistrationNonce::<T>::insert(&owner, next_nonce);
		if was_certified {
			Self::clear_credential_hardware(id)?;
			// Attested now only if a certifier says so.
			Self::set_credential_attested(id, attestations > 0)?;
		}
		Self::deposit_event(Event::DeviceKeyRotated { device: id, old_signer: old, new_signer });
		if resumed {
			Self::deposit_event(Event::DeviceReactivated { device: id });
		}
		Ok(())
	}

	/// Whether the previous owner of a certified device cannot have kept its key: the key is
	/// sealed in the secure element the manufacturer certified, and moves with the hardware.
	/// A revoked root key vouches for nothing (certificates may have been forged with it).
	pub(crate) fn key_in_secure_element(attestation: &HardwareAttestation) -> bool {
		crate::Manufacturers::<T>::get(attestation.manufacturer).is_some_and(|m| {
			m.root_keys
				.get(usize::from(attestation.root_key))
				.is_some_and(|k| !matches!(k.status, crate::RootKeyStatus::Revoked { .. }))
		})
	}

	/// Part of a device's held `deposit` that decommissioning releases: `DeviceDeposit` less
	/// `RetainedDeposit`. The rest pays for what is kept for good: the record, counters and
	/// serial (`RetainedDeposit`) and every key entry a rotation added (`KeyDeposit` each).
	pub(crate) fn releasable(deposit: BalanceOf<T>) -> BalanceOf<T> {
		let releasable = T::DeviceDeposit::get().saturating_sub(T::RetainedDeposit::get());
		deposit.min(releasable)
	}

	/// Retires a device: burns the credential, drops its gateways, attestations and metadata,
	/// has the other pallets remove their state of it and releases the deposit but for what
	/// pays for the record and key entries kept; the record stays with status `Decommissioned`.
	pub(crate) fn do_decommission(owner: T::AccountId, id: DeviceId) -> DispatchResult {
		let mut record = Self::owned_device(&owner, id)?;
		ensure!(record.status != DeviceStatus::SuspendedByAdmin, Error::<T>::SuspendedByAdmin);

		let released = Self::releasable(record.deposit);
		let retained = record.deposit.saturating_sub(released);
		if !released.is_zero() {
			T::Currency::release(
				&HoldReason::DeviceDeposit.into(),
				&owner,
				released,
				Precision::Exact,
			)?;
		}
		Self::burn_credential(id, &owner)?;
		// At most `MaxAttestations` entries: bounded by construction.
		let _ = Attestations::<T>::clear_prefix(id, T::MaxAttestations::get(), None);
		AwaitingKey::<T>::remove(id);
		T::OnDecommissioned::on_device_decommissioned(id, &owner)?;

		record.status = DeviceStatus::Decommissioned;
		record.deposit = retained;
		record.gateways = BoundedVec::new();
		record.metadata = BoundedVec::new();
		record.attestations = 0;
		Devices::<T>::insert(id, record);
		DevicesByOwner::<T>::remove(&owner, id);
		Self::deposit_event(Event::DeviceDecommissioned {
			device: id,
			owner,
			deposit_released: released,
			deposit_retained: retained,
		});
		Ok(())
	}

	/// Applies the genesis config: regions and their policies, certifiers, manufacturers and
	/// models, the credential collection, devices.
	pub(crate) fn build_genesis(config: &crate::GenesisConfig<T>) {
		for (id, name, zone_code, offset) in &config.regions {
			let (name, zone_code) = (name.as_bytes().to_vec(), zone_code.as_bytes().to_vec());
			if let Err(e) = Self::do_create_region(*id, name, zone_code, *offset) {
				panic!("genesis region {id} refused: {e:?}");
			}
		}
		for (id, policy) in &config.region_policies {
			if let Err(e) = Self::do_set_region_policy(*id, *policy) {
				panic!("genesis policy of region {id} refused: {e:?}");
			}
		}
		for (name, keys) in &config.manufacturers {
			if let Err(e) = Self::do_create_manufacturer(name.as_bytes().to_vec(), keys.clone()) {
				panic!("genesis manufacturer {name} refused: {e:?}");
			}
		}
		for (manufacturer, name, kind, max_nameplate, accuracy_class, key_scheme, pop) in
			&config.models
		{
			let model = crate::DeviceModel {
				manufacturer: *manufacturer,
				name: BoundedVec::try_from(name.as_bytes().to_vec())
					.unwrap_or_else(|_| panic!("genesis model name {name} too long")),
				kind: *kind,
				max_nameplate: *max_nameplate,
				accuracy_class: *accuracy_class,
				key_scheme: *key_scheme,
				proof_of_possession: *pop,
			};
			if let Err(e) = Self::do_create_model(model) {
				panic!("genesis model {name} refused: {e:?}");
			}
		}
		for (who, name) in &config.certifiers {
			if let Err(e) = Self::do_add_certifier(who.clone(), name.as_bytes().to_vec()) {
				panic!("genesis certifier refused: {e:?}");
			}
		}
		match frame_support::storage::with_storage_layer(Self::credential_collection) {
			Ok(_) => {}
			Err(e) if e == Error::<T>::CollectionIdUnavailable.into() => panic!(
				"CollectionId {} is taken or not the next pallet-nfts collection",
				T::CollectionId::get()
			),
			// Registration retries lazily; the pallet account may be funded later.
			Err(e) => log::warn!(
				target: crate::LOG_TARGET,
				"credential collection not created at genesis: {e:?}"
			),
		}
		for (owner, kind, nameplate, region, signer) in &config.devices {
			if let Err(e) = Self::do_register_trusted(
				owner,
				*kind,
				*nameplate,
				*region,
				BoundedVec::new(),
				signer.clone(),
			) {
				panic!("genesis device refused: {e:?}");
			}
		}
	}
}

/// Saturating addition of operating deltas to lifetime counters.
pub(crate) fn add_operation(
	counters: &mut LifetimeCounters,
	delta: &openvpp_primitives::OperatingDelta,
) {
	counters.energy_in_wh.saturating_accrue(delta.energy_in_wh);
	counters.energy_out_wh.saturating_accrue(delta.energy_out_wh);
	counters.readings_accepted.saturating_accrue(u64::from(delta.readings_accepted));
	counters.readings_rejected.saturating_accrue(u64::from(delta.readings_rejected));
}
