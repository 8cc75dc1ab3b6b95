//! Attestations of devices by registered certifiers.

use frame_support::{ensure, traits::Get};
use openvpp_primitives::{DeviceId, DeviceStatus};
use sp_core::H256;
use sp_runtime::DispatchResult;

use crate::{
	Attestation, AttestationKind, Attestations, Certifiers, Config, Devices, Error, Event, Pallet,
};

impl<T: Config> Pallet<T> {
	/// Records (or replaces) `certifier`'s attestation of an active device.
	pub(crate) fn do_attest(
		certifier: T::AccountId,
		id: DeviceId,
		kind: AttestationKind,
		evidence: H256,
	) -> DispatchResult {
		ensure!(Certifiers::<T>::contains_key(&certifier), Error::<T>::NotCertifier);
		let mut record = Devices::<T>::get(id).ok_or(Error::<T>::UnknownDevice)?;
		ensure!(record.status != DeviceStatus::Decommissioned, Error::<T>::DeviceDecommissioned);
		ensure!(record.status == DeviceStatus::Active, Error::<T>::NotActive);

		let first = record.attestations == 0;
		if !Attestations::<T>::contains_key(id, &certifier) {
			ensure!(
				record.attestations < T::MaxAttestations::get(),
				Error::<T>::TooManyAttestations
			);
			record.attestations =
				record.attestations.checked_add(1).ok_or(Error::<T>::TooManyAttestations)?;
		}
		if first {
			Self::set_credential_attested(id, true)?;
		}
		Attestations::<T>::insert(
			id,
			&certifier,
			Attestation { kind, evidence, attested_ms: Self::now_ms() },
		);
		Devices::<T>::insert(id, record);
		Self::deposit_event(Event::DeviceAttested { device: id, certifier, kind, evidence });
		Ok(())
	}

	/// Removes `certifier`'s attestation of a device.
	pub(crate) fn do_revoke_attestation(certifier: T::AccountId, id: DeviceId) -> DispatchResult {
		let mut record = Devices::<T>::get(id).ok_or(Error::<T>::UnknownDevice)?;
		ensure!(Attestations::<T>::contains_key(id, &certifier), Error::<T>::AttestationNotFound);
		record.attestations = record.attestations.saturating_sub(1);
		if record.attestations == 0 {
			Self::set_credential_attested(id, false)?;
		}
		Attestations::<T>::remove(id, &certifier);
		Devices::<T>::insert(id, record);
		Self::deposit_event(Event::AttestationRevoked { device: id, certifier });
		Ok(())
	}
}
