//! Certifiers and attestations, with their refusals.

use super::*;
use crate::{
	attribute_keys as attr, Attestation, AttestationKind, Attestations, Certifiers, Devices, Error,
	Event,
};
use frame_support::{assert_noop, assert_ok};
use openvpp_primitives::DeviceRegistry;
use sp_runtime::DispatchError;

/// Evidence: hash of a commissioning report kept off chain.
fn report(n: u8) -> H256 {
	H256::repeat_byte(n)
}

fn add_certifier(who: AccountId, name: &str) {
	assert_ok!(DeviceIdentity::add_certifier(RuntimeOrigin::root(), who, name.as_bytes().to_vec()));
}

fn attested_attribute(id: DeviceId) -> Vec<u8> {
	DeviceIdentity::credential_attribute(id, attr::ATTESTED).unwrap()
}

#[test]
fn certifiers_are_added_and_removed_by_the_admin() {
	run(|| {
		Timestamp::set_timestamp(START_MS + 60_000);
		add_certifier(dave(), "Elektro Meister GmbH");
		assert_eq!(last_event(), Event::CertifierAdded { certifier: dave() });
		let certifier = Certifiers::<Test>::get(dave()).unwrap();
		assert_eq!(certifier.name.to_vec(), b"Elektro Meister GmbH".to_vec());
		assert_eq!(certifier.since_ms, START_MS + 60_000);
		let listed = DeviceIdentity::certifiers(None, 10);
		assert_eq!(listed.len(), 1);
		assert_eq!(listed[0].account, dave());

		assert_ok!(DeviceIdentity::remove_certifier(RuntimeOrigin::root(), dave()));
		assert_eq!(last_event(), Event::CertifierRemoved { certifier: dave() });
		assert!(DeviceIdentity::certifiers(None, 10).is_empty());
	});
}

#[test]
fn certifier_refusals() {
	run(|| {
		add_certifier(dave(), "Elektro Meister GmbH");
		assert_noop!(
			DeviceIdentity::add_certifier(RuntimeOrigin::root(), dave(), b"Again".to_vec()),
			Error::<Test>::CertifierExists
		);
		assert_noop!(
			DeviceIdentity::add_certifier(RuntimeOrigin::root(), charlie(), vec![b'x'; 49]),
			Error::<Test>::CertifierNameTooLong
		);
		assert_noop!(
			DeviceIdentity::remove_certifier(RuntimeOrigin::root(), charlie()),
			Error::<Test>::NotCertifier
		);
		assert_noop!(
			DeviceIdentity::add_certifier(
				RuntimeOrigin::signed(dave()),
				charlie(),
				b"Self-made".to_vec()
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			DeviceIdentity::remove_certifier(RuntimeOrigin::signed(dave()), dave()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn attestations_show_in_record_view_and_credential() {
	run(|| {
		let (id, _) = alice_ev();
		add_certifier(dave(), "Elektro Meister GmbH");
		add_certifier(charlie(), "TÜV Süd");
		Timestamp::set_timestamp(START_MS + 3_600_000);

		assert_ok!(DeviceIdentity::attest(
			RuntimeOrigin::signed(dave()),
			id,
			AttestationKind::Installation,
			report(1)
		));
		assert_eq!(
			last_event(),
			Event::DeviceAttested {
				device: id,
				certifier: dave(),
				kind: AttestationKind::Installation,
				evidence: report(1),
			}
		);
		assert_eq!(Devices::<Test>::get(id).unwrap().attestations, 1);
		assert_eq!(attested_attribute(id), b"yes".to_vec());
		assert_eq!(
			Attestations::<Test>::get(id, dave()),
			Some(Attestation {
				kind: AttestationKind::Installation,
				evidence: report(1),
				attested_ms: START_MS + 3_600_000,
			})
		);

		// Attesting again replaces the certifier's attestation without counting twice.
		assert_ok!(DeviceIdentity::attest(
			RuntimeOrigin::signed(dave()),
			id,
			AttestationKind::Audit,
			report(2)
		));
		assert_eq!(Devices::<Test>::get(id).unwrap().attestations, 1);
		assert_eq!(Attestations::<Test>::get(id, dave()).unwrap().kind, AttestationKind::Audit);

		assert_ok!(DeviceIdentity::attest(
			RuntimeOrigin::signed(charlie()),
			id,
			AttestationKind::Audit,
			report(3)
		));
		assert_eq!(DeviceIdentity::attestations_of(id).len(), 2);
		assert_eq!(DeviceIdentity::device_info(id).unwrap().attestations, 2);
		assert_eq!(
			<DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap().attestations,
			2
		);

		// The credential says "attested" until the last attestation goes.
		assert_ok!(DeviceIdentity::revoke_attestation(RuntimeOrigin::signed(dave()), id));
		assert_eq!(last_event(), Event::AttestationRevoked { device: id, certifier: dave() });
		assert_eq!(attested_attribute(id), b"yes".to_vec());
		assert_ok!(DeviceIdentity::revoke_attestation(RuntimeOrigin::signed(charlie()), id));
		assert_eq!(attested_attribute(id), b"no".to_vec());
		assert_eq!(Devices::<Test>::get(id).unwrap().attestations, 0);
		assert!(DeviceIdentity::attestations_of(id).is_empty());
	});
}

#[test]
fn attestations_survive_transfer() {
	run(|| {
		let (id, _) = alice_ev();
		add_certifier(dave(), "Elektro Meister GmbH");
		assert_ok!(DeviceIdentity::attest(
			RuntimeOrigin::signed(dave()),
			id,
			AttestationKind::Manufacturer,
			report(9)
		));
		assert_ok!(DeviceIdentity::transfer_device(RuntimeOrigin::signed(alice()), id, bob()));
		assert_eq!(Devices::<Test>::get(id).unwrap().attestations, 1);
		assert_eq!(attested_attribute(id), b"yes".to_vec());
	});
}

#[test]
fn removed_certifier_attestations_can_be_revoked_by_it_or_the_admin() {
	run(|| {
		let (ev, _) = alice_ev();
		let pv = register(&alice(), &sr_key("//Alice/pv"), DeviceKind::SolarPv, pv_5kwp(), DE_LU);
		add_certifier(dave(), "Fly-by-night Installers");
		for id in [ev, pv] {
			assert_ok!(DeviceIdentity::attest(
				RuntimeOrigin::signed(dave()),
				id,
				AttestationKind::Installation,
				report(4)
			));
		}
		assert_ok!(DeviceIdentity::remove_certifier(RuntimeOrigin::root(), dave()));

		// Removed certifiers attest nothing new ...
		assert_noop!(
			DeviceIdentity::attest(
				RuntimeOrigin::signed(dave()),
				ev,
				AttestationKind::Audit,
				report(5)
			),
			Error::<Test>::NotCertifier
		);
		// ... but their attestations stay until withdrawn.
		assert_ok!(DeviceIdentity::revoke_attestation(RuntimeOrigin::signed(dave()), ev));
		assert_noop!(
			DeviceIdentity::admin_revoke_attestation(RuntimeOrigin::signed(alice()), pv, dave()),
			DispatchError::BadOrigin
		);
		assert_ok!(DeviceIdentity::admin_revoke_attestation(RuntimeOrigin::root(), pv, dave()));
		assert_eq!(last_event(), Event::AttestationRevoked { device: pv, certifier: dave() });
		assert_eq!(attested_attribute(pv), b"no".to_vec());
		assert_noop!(
			DeviceIdentity::admin_revoke_attestation(RuntimeOrigin::root(), pv, dave()),
			Error::<Test>::AttestationNotFound
		);
	});
}

#[test]
fn attestation_refusals() {
	run(|| {
		let (id, _) = alice_ev();
		add_certifier(dave(), "Elektro Meister GmbH");
		add_certifier(charlie(), "TÜV Süd");
		add_certifier(eve(), "DNV");

		// Not a certifier.
		assert_noop!(
			DeviceIdentity::attest(
				RuntimeOrigin::signed(bob()),
				id,
				AttestationKind::Audit,
				report(1)
			),
			Error::<Test>::NotCertifier
		);
		assert_noop!(
			DeviceIdentity::attest(
				RuntimeOrigin::signed(dave()),
				99,
				AttestationKind::Audit,
				report(1)
			),
			Error::<Test>::UnknownDevice
		);
		assert_noop!(
			DeviceIdentity::revoke_attestation(RuntimeOrigin::signed(dave()), 99),
			Error::<Test>::UnknownDevice
		);
		assert_noop!(
			DeviceIdentity::revoke_attestation(RuntimeOrigin::signed(dave()), id),
			Error::<Test>::AttestationNotFound
		);

		// At most MAX_ATTESTATIONS (2) certifiers per device.
		for certifier in [dave(), charlie()] {
			assert_ok!(DeviceIdentity::attest(
				RuntimeOrigin::signed(certifier),
				id,
				AttestationKind::Audit,
				report(2)
			));
		}
		assert_noop!(
			DeviceIdentity::attest(
				RuntimeOrigin::signed(eve()),
				id,
				AttestationKind::Audit,
				report(3)
			),
			Error::<Test>::TooManyAttestations
		);

		// Only active devices are attested.
		assert_ok!(DeviceIdentity::suspend(RuntimeOrigin::signed(alice()), id));
		assert_noop!(
			DeviceIdentity::attest(
				RuntimeOrigin::signed(dave()),
				id,
				AttestationKind::Audit,
				report(4)
			),
			Error::<Test>::NotActive
		);
		assert_ok!(DeviceIdentity::reactivate(RuntimeOrigin::signed(alice()), id));

		// Decommissioning drops the attestations; the device takes no new ones.
		assert_ok!(DeviceIdentity::decommission(RuntimeOrigin::signed(alice()), id));
		assert!(DeviceIdentity::attestations_of(id).is_empty());
		assert_noop!(
			DeviceIdentity::attest(
				RuntimeOrigin::signed(dave()),
				id,
				AttestationKind::Audit,
				report(5)
			),
			Error::<Test>::DeviceDecommissioned
		);
		assert_noop!(
			DeviceIdentity::revoke_attestation(RuntimeOrigin::signed(dave()), id),
			Error::<Test>::AttestationNotFound
		);
	});
}
