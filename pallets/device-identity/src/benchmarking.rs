//! Benchmarks of every call, each at the worst case it can hit: full metadata, full gateway
//! lists, attestation changes that rewrite the NFT attribute, a full attestation set to clear.
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
use frame_system::RawOrigin;
use openvpp_primitives::{
	possession_message, DeviceId, DeviceKind, DeviceStatus, Nameplate, RegionId, REGISTER_DOMAIN,
	ROTATE_DOMAIN,
};
use sp_core::{crypto::KeyTypeId, H256};
use sp_runtime::{
	traits::{Saturating, StaticLookup},
	MultiSignature, MultiSigner, SaturatedConversion,
};

/// Keystore slot of the benchmark's device keys.
const KEY_TYPE: KeyTypeId = KeyTypeId(*b"ovpd");
/// Region the benchmark devices are registered in.
const REGION: RegionId = 1;

fn new_key() -> MultiSigner {
	MultiSigner::Sr25519(sp_io::crypto::sr25519_generate(KEY_TYPE, None))
}

fn sign(signer: &MultiSigner, message: &[u8; 32]) -> Result<MultiSignature, BenchmarkError> {
	match signer {
		MultiSigner::Sr25519(public) => sp_io::crypto::sr25519_sign(KEY_TYPE, public, message)
			.map(MultiSignature::Sr25519)
			.ok_or(BenchmarkError::Stop("device key missing from the keystore")),
		_ => Err(BenchmarkError::Stop("benchmark device keys are sr25519")),
	}
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

/// Registers an EV with full metadata to a funded `owner`.
fn device<T: Config>(owner: &T::AccountId) -> Result<DeviceId, BenchmarkError> {
	setup::<T>()?;
	let metadata = vec![0u8; T::MaxMetadataLen::get() as usize];
	Ok(DeviceIdentity::<T>::do_register_trusted(
		owner,
		DeviceKind::Ev,
		ev(),
		REGION,
		metadata,
		new_key(),
	)?)
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
		let metadata = vec![0u8; T::MaxMetadataLen::get() as usize];

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

		assert!(DeviceByKey::<T>::contains_key(DeviceKey(signer)));
		assert_eq!(RegistrationNonce::<T>::get(&owner), nonce.saturating_add(1));
		Ok(())
	}

	#[benchmark]
	fn transfer_device() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;
		gateways::<T>(&owner, id, T::MaxGateways::get())?;
		let new_owner = funded::<T>("buyer", 0);
		let lookup = T::Lookup::unlookup(new_owner.clone());

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, lookup);

		assert_eq!(DeviceIdentity::<T>::credential_holder(id), Some(new_owner));
		Ok(())
	}

	#[benchmark]
	fn rotate_key() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;
		let signer = new_key();
		let nonce = RegistrationNonce::<T>::get(&owner);
		let genesis = DeviceIdentity::<T>::genesis_hash();
		let proof = sign(&signer, &possession_message(ROTATE_DOMAIN, genesis, &owner, nonce))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, signer.clone(), proof);

		assert_eq!(DeviceByKey::<T>::get(DeviceKey(signer)), Some(id));
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
		let owner = funded::<T>("owner", 0);
		let id = device::<T>(&owner)?;
		gateways::<T>(&owner, id, T::MaxGateways::get())?;
		for i in 0..T::MaxAttestations::get() {
			attestation::<T>(id, i)?;
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id);

		assert_eq!(status::<T>(id), Some(DeviceStatus::Decommissioned));
		assert_eq!(Attestations::<T>::iter_prefix(id).count(), 0);
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

	impl_benchmark_test_suite!(DeviceIdentity, crate::mock::new_test_ext(), crate::mock::Test);
}
