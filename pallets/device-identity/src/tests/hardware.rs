//! Hardware trust: manufacturers, models, device certificates, revocation, region policy.
//!
//! Certificates are signed here the way a manufacturer's tool signs them: with
//! `DeviceKeyPair` over `certificate_message`, nothing from the pallet.

use super::*;
use crate::{DeviceBySerial, Devices, Error, Manufacturers, RootKeyStatus};
use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use frame_system::RawOrigin;
use openvpp_primitives::{
	certificate_message, serial_hash, AccuracyClass, CertificateBody, DeviceCertificate,
	DeviceRegistry, DeviceSignature, ManufacturerId, ModelId, RewardEligibility, UnattestedPolicy,
};
use sp_runtime::DispatchError;

/// Twenty years, ms: the lifetime of a charger's certificate.
const TWENTY_YEARS_MS: u64 = 20 * 365 * 86_400_000;

fn root() -> RuntimeOrigin {
	RawOrigin::Root.into()
}

/// The maker's HSM key (P-256) and a second root key (ed25519).
fn maker_keys() -> (DeviceKeyPair, DeviceKeyPair) {
	(
		DeviceKeyPair::from_uri(KeyScheme::P256, "//Wallbe/root/2026").unwrap(),
		DeviceKeyPair::from_uri(KeyScheme::Ed25519, "//Wallbe//root//backup").unwrap(),
	)
}

/// An 11 kW bidirectional wallbox model with a P-256 secure element, and an OCMF meter model
/// that signs only its own records.
fn maker() -> (ManufacturerId, ModelId, ModelId) {
	let (hsm, backup) = maker_keys();
	assert_ok!(DeviceIdentity::create_manufacturer(
		root(),
		b"Wallbe GmbH".to_vec(),
		vec![hsm.signer(), backup.signer()]
	));
	assert_ok!(DeviceIdentity::create_model(
		root(),
		0,
		b"Pro 11 V2G".to_vec(),
		DeviceKind::Ev,
		Nameplate { capacity_wh: 100_000, max_import_w: 11_000, max_export_w: 11_000 },
		AccuracyClass::MidB,
		KeyScheme::P256,
		true,
	));
	assert_ok!(DeviceIdentity::create_model(
		root(),
		0,
		b"Eichrecht meter EM340".to_vec(),
		DeviceKind::Ev,
		Nameplate { capacity_wh: 100_000, max_import_w: 22_000, max_export_w: 0 },
		AccuracyClass::MidB,
		KeyScheme::P256,
		false,
	));
	(0, 0, 1)
}

fn device_key() -> DeviceKeyPair {
	DeviceKeyPair::from_uri(KeyScheme::P256, "//Alice/wallbox/SE-0042").unwrap()
}

/// A certificate body for the wallbox: a 77 kWh EV behind 11 kW, valid from now on.
fn body(key: &DeviceKeyPair) -> CertificateBody<AccountId> {
	let now = Timestamp::get();
	CertificateBody {
		manufacturer: 0,
		model: 0,
		serial_hash: serial_hash(b"WB-2026-000042"),
		device_key: key.signer(),
		nameplate: Nameplate { capacity_wh: 77_000, max_import_w: 11_000, max_export_w: 11_000 },
		valid_from_ms: now - 86_400_000,
		valid_until_ms: now + TWENTY_YEARS_MS,
		owner: None,
	}
}

fn sign_with(
	signer: &DeviceKeyPair,
	root_key: u8,
	body: CertificateBody<AccountId>,
) -> DeviceCertificate<AccountId> {
	let signature = signer.sign(&certificate_message(&body));
	DeviceCertificate { body, root_key, signature }
}

fn certificate(body: CertificateBody<AccountId>) -> DeviceCertificate<AccountId> {
	sign_with(&maker_keys().0, 0, body)
}

fn register_certified(
	owner: &AccountId,
	key: &DeviceKeyPair,
	certificate: DeviceCertificate<AccountId>,
) -> frame_support::dispatch::DispatchResult {
	DeviceIdentity::register_certified_device(
		RuntimeOrigin::signed(owner.clone()),
		DE_LU,
		metadata(),
		key.signer(),
		certificate,
		Some(proof(key, owner)),
	)
}

#[test]
fn a_certified_p256_wallbox_registers_hardware_attested() {
	run(|| {
		let (manufacturer, model, _) = maker();
		let key = device_key();
		let id = NextDeviceId::<Test>::get();
		assert_ok!(register_certified(&alice(), &key, certificate(body(&key))));

		let record = Devices::<Test>::get(id).unwrap();
		let hardware = record.hardware.unwrap();
		assert_eq!((hardware.manufacturer, hardware.model), (manufacturer, model));
		assert_eq!(hardware.serial_hash, serial_hash(b"WB-2026-000042"));
		assert_eq!(record.kind, DeviceKind::Ev);
		assert_eq!(record.nameplate.max_export_w, 11_000);
		assert_eq!(DeviceBySerial::<Test>::get(manufacturer, hardware.serial_hash), Some(id));

		let view = <DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap();
		assert!(view.hardware_attested);
		assert_eq!(
			view.hardware,
			Some(openvpp_primitives::HardwareIdentity {
				manufacturer,
				model,
				serial_hash: hardware.serial_hash
			})
		);
		assert_eq!(view.eligibility, RewardEligibility::Full);

		use crate::attribute_keys::*;
		assert_eq!(DeviceIdentity::credential_attribute(id, MANUFACTURER), Some(b"0".to_vec()));
		assert_eq!(DeviceIdentity::credential_attribute(id, MODEL), Some(b"0".to_vec()));
		let serial = DeviceIdentity::credential_attribute(id, SERIAL_HASH).unwrap();
		assert_eq!(serial.len(), 64);
		assert_eq!(DeviceIdentity::credential_attribute(id, ATTESTED), Some(b"yes".to_vec()));

		let chain = DeviceIdentity::attestation_chain(id).unwrap();
		assert!(chain.valid);
		assert_eq!(chain.model.name, b"Pro 11 V2G".to_vec());
		assert_eq!(chain.root_key.key, maker_keys().0.signer());
		assert!(
			matches!(last_event(), crate::Event::DeviceCertified { device, .. } if device == id)
		);
	});
}

#[test]
fn the_backup_ed25519_root_key_signs_valid_certificates_too() {
	run(|| {
		maker();
		let key = device_key();
		let cert = sign_with(&maker_keys().1, 1, body(&key));
		assert_ok!(register_certified(&alice(), &key, cert));
	});
}

/// Each way a certificate can be wrong, with the error it gets; none changes any state.
#[test]
fn every_bad_certificate_is_refused_with_its_own_error() {
	run(|| {
		maker();
		let key = device_key();
		let now = Timestamp::get();
		let cases: Vec<(&str, DeviceCertificate<AccountId>, Error<Test>)> = vec![
			(
				"nameplate above the model's rating (a 22 kW claim on an 11 kW model)",
				certificate(CertificateBody {
					nameplate: Nameplate {
						capacity_wh: 77_000,
						max_import_w: 22_000,
						max_export_w: 11_000,
					},
					..body(&key)
				}),
				Error::NameplateAboveModelRating,
			),
			(
				"certificate for another key",
				certificate(CertificateBody {
					device_key: DeviceKeyPair::from_uri(KeyScheme::P256, "//other")
						.unwrap()
						.signer(),
					..body(&key)
				}),
				Error::CertificateForAnotherKey,
			),
			(
				"expired",
				certificate(CertificateBody {
					valid_from_ms: now - 2 * TWENTY_YEARS_MS,
					valid_until_ms: now - 1,
					..body(&key)
				}),
				Error::CertificateExpired,
			),
			(
				"not yet valid",
				certificate(CertificateBody { valid_from_ms: now + 86_400_000, ..body(&key) }),
				Error::CertificateNotYetValid,
			),
			(
				"empty validity",
				certificate(CertificateBody {
					valid_from_ms: now,
					valid_until_ms: now,
					..body(&key)
				}),
				Error::InvalidValidityPeriod,
			),
			(
				"signed by the backup key but naming the HSM key",
				sign_with(&maker_keys().1, 0, body(&key)),
				Error::InvalidCertificateSignature,
			),
			(
				"signed by a key the maker never registered",
				sign_with(&sr_key("//Mallory/root"), 0, body(&key)),
				Error::InvalidCertificateSignature,
			),
			("unknown root key", sign_with(&maker_keys().0, 7, body(&key)), Error::UnknownRootKey),
			(
				"unknown manufacturer",
				certificate(CertificateBody { manufacturer: 9, ..body(&key) }),
				Error::UnknownManufacturer,
			),
			(
				"unknown model",
				certificate(CertificateBody { model: 9, ..body(&key) }),
				Error::UnknownModel,
			),
			(
				"bound to another owner",
				certificate(CertificateBody { owner: Some(bob()), ..body(&key) }),
				Error::CertificateBoundToAnotherOwner,
			),
		];
		for (case, cert, error) in cases {
			let before = NextDeviceId::<Test>::get();
			assert_noop!(register_certified(&alice(), &key, cert), error);
			assert_eq!(NextDeviceId::<Test>::get(), before, "{case}");
		}

		// One byte of the signature changed.
		let mut cert = certificate(body(&key));
		if let DeviceSignature::P256(sig) = &mut cert.signature {
			sig.0[17] ^= 0x01;
		}
		assert_noop!(
			register_certified(&alice(), &key, cert),
			Error::<Test>::InvalidCertificateSignature
		);
		// One field of the body changed after signing.
		let mut cert = certificate(body(&key));
		cert.body.nameplate.capacity_wh += 1;
		assert_noop!(
			register_certified(&alice(), &key, cert),
			Error::<Test>::InvalidCertificateSignature
		);
		// A key of another scheme than the model's.
		let ed = ed_key("//Alice//wallbox//ed");
		let cert = certificate(CertificateBody { device_key: ed.signer(), ..body(&key) });
		assert_noop!(register_certified(&alice(), &ed, cert), Error::<Test>::KeySchemeNotOfModel);
	});
}

#[test]
fn a_serial_registers_once_even_with_a_second_key() {
	run(|| {
		maker();
		let key = device_key();
		assert_ok!(register_certified(&alice(), &key, certificate(body(&key))));
		// The same serial certified again for an emulated second device.
		let clone = DeviceKeyPair::from_uri(KeyScheme::P256, "//Alice/wallbox/clone").unwrap();
		let cert = certificate(CertificateBody { device_key: clone.signer(), ..body(&key) });
		assert_noop!(
			register_certified(&alice(), &clone, cert),
			Error::<Test>::SerialAlreadyRegistered
		);
		// The same certificate again.
		assert_noop!(
			register_certified(&bob(), &key, certificate(body(&key))),
			Error::<Test>::SerialAlreadyRegistered
		);
	});
}

#[test]
fn a_retired_root_key_signs_nothing_new_but_its_devices_stay_attested() {
	run(|| {
		maker();
		let key = device_key();
		let id = NextDeviceId::<Test>::get();
		assert_ok!(register_certified(&alice(), &key, certificate(body(&key))));
		assert_ok!(DeviceIdentity::retire_root_key(root(), 0, 0));
		assert!(
			<DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap().hardware_attested
		);

		let other = DeviceKeyPair::from_uri(KeyScheme::P256, "//Bob/wallbox").unwrap();
		let cert = certificate(CertificateBody {
			serial_hash: serial_hash(b"WB-2026-000043"),
			device_key: other.signer(),
			..body(&other)
		});
		assert_noop!(register_certified(&bob(), &other, cert), Error::<Test>::RootKeyRetired);
		assert_noop!(
			DeviceIdentity::retire_root_key(root(), 0, 0),
			Error::<Test>::RootKeyNotActive
		);
	});
}

#[test]
fn revoking_a_root_key_ends_the_attestation_of_every_device_it_signed_without_touching_them() {
	run(|| {
		maker();
		// Alice's device in DE-LU (capped at 10 kW for unattested), Bob's in NL (attested-only).
		let key = device_key();
		let alice_id = NextDeviceId::<Test>::get();
		assert_ok!(register_certified(&alice(), &key, certificate(body(&key))));
		let bob_key = DeviceKeyPair::from_uri(KeyScheme::P256, "//Bob/wallbox").unwrap();
		let bob_id = NextDeviceId::<Test>::get();
		let cert = certificate(CertificateBody {
			serial_hash: serial_hash(b"WB-2026-000043"),
			..body(&bob_key)
		});
		assert_ok!(DeviceIdentity::register_certified_device(
			RuntimeOrigin::signed(bob()),
			NL,
			metadata(),
			bob_key.signer(),
			cert,
			Some(proof(&bob_key, &bob())),
		));
		let records =
			(Devices::<Test>::get(alice_id).encode(), Devices::<Test>::get(bob_id).encode());

		assert_ok!(DeviceIdentity::revoke_root_key(root(), 0, 0));
		assert!(matches!(
			Manufacturers::<Test>::get(0).unwrap().root_keys[0].status,
			RootKeyStatus::Revoked { .. }
		));
		// No device record was rewritten: the check is lazy.
		assert_eq!(
			(Devices::<Test>::get(alice_id).encode(), Devices::<Test>::get(bob_id).encode()),
			records
		);
		let view = |id| <DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap();
		assert!(!view(alice_id).hardware_attested && !view(bob_id).hardware_attested);
		assert_eq!(view(alice_id).eligibility, RewardEligibility::Capped { max_counted_w: 10_000 });
		assert_eq!(view(bob_id).eligibility, RewardEligibility::None);
		assert!(!DeviceIdentity::attestation_chain(alice_id).unwrap().valid);

		// New certificates from the revoked key are refused.
		let other = DeviceKeyPair::from_uri(KeyScheme::P256, "//Charlie/wallbox").unwrap();
		let cert = certificate(CertificateBody {
			serial_hash: serial_hash(b"WB-2026-000044"),
			..body(&other)
		});
		assert_noop!(register_certified(&charlie(), &other, cert), Error::<Test>::RootKeyRevoked);
	});
}

#[test]
fn an_attestation_ends_with_its_certificate() {
	run(|| {
		maker();
		let key = device_key();
		let id = NextDeviceId::<Test>::get();
		let now = Timestamp::get();
		let cert = certificate(CertificateBody { valid_until_ms: now + 60_000, ..body(&key) });
		assert_ok!(register_certified(&bob(), &key, cert));
		let view = || <DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap();
		assert!(view().hardware_attested);
		Timestamp::set_timestamp(now + 60_000);
		assert!(!view().hardware_attested);
	});
}

#[test]
fn an_ocmf_meter_without_proof_of_possession_needs_a_certificate_naming_its_owner() {
	run(|| {
		let (_, _, meter_model) = maker();
		let meter = DeviceKeyPair::from_uri(KeyScheme::P256, "//EM340/1EMH0012345678").unwrap();
		let meter_body = CertificateBody {
			model: meter_model,
			serial_hash: serial_hash(b"1EMH0012345678"),
			nameplate: Nameplate { capacity_wh: 60_000, max_import_w: 22_000, max_export_w: 0 },
			..body(&meter)
		};
		let register = |who: AccountId, cert| {
			DeviceIdentity::register_certified_device(
				RuntimeOrigin::signed(who),
				DE_LU,
				metadata(),
				meter.signer(),
				cert,
				None,
			)
		};
		// Unbound: anyone who saw the certificate could claim the meter.
		assert_noop!(
			register(alice(), certificate(meter_body.clone())),
			Error::<Test>::CertificateMustNameOwner
		);
		let bound = CertificateBody { owner: Some(alice()), ..meter_body };
		assert_noop!(
			register(bob(), certificate(bound.clone())),
			Error::<Test>::CertificateBoundToAnotherOwner
		);
		let nonce = DeviceIdentity::registration_nonce(alice());
		assert_ok!(register(alice(), certificate(bound)));
		// No proof was consumed.
		assert_eq!(DeviceIdentity::registration_nonce(alice()), nonce);

		// A model whose devices do sign needs the proof.
		let key = device_key();
		assert_noop!(
			DeviceIdentity::register_certified_device(
				RuntimeOrigin::signed(alice()),
				DE_LU,
				metadata(),
				key.signer(),
				certificate(body(&key)),
				None,
			),
			Error::<Test>::ProofOfPossessionMissing
		);
	});
}

#[test]
fn rotating_a_certified_devices_key_ends_its_hardware_attestation() {
	run(|| {
		maker();
		let key = device_key();
		let id = NextDeviceId::<Test>::get();
		assert_ok!(register_certified(&alice(), &key, certificate(body(&key))));
		let new_key = sr_key("//Alice/wallbox/owner-key");
		assert_ok!(DeviceIdentity::rotate_key(
			RuntimeOrigin::signed(alice()),
			id,
			new_key.signer(),
			rotation_proof(&new_key, &alice())
		));
		assert!(Devices::<Test>::get(id).unwrap().hardware.is_none());
		let view = <DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap();
		assert!(!view.hardware_attested);
		assert_eq!(DeviceIdentity::credential_attribute(id, crate::attribute_keys::MODEL), None);
	});
}

#[test]
fn manufacturer_and_model_input_is_checked() {
	run(|| {
		let (hsm, backup) = maker_keys();
		let name = b"Wallbe GmbH".to_vec();
		assert_noop!(
			DeviceIdentity::create_manufacturer(root(), vec![], vec![hsm.signer()]),
			Error::<Test>::InvalidName
		);
		assert_noop!(
			DeviceIdentity::create_manufacturer(root(), name.clone(), vec![]),
			Error::<Test>::TooManyRootKeys
		);
		assert_noop!(
			DeviceIdentity::create_manufacturer(
				root(),
				name.clone(),
				vec![hsm.signer(), hsm.signer()]
			),
			Error::<Test>::DuplicateRootKey
		);
		let five: Vec<_> = (0..5).map(|i| sr_key(&format!("//root/{i}")).signer()).collect();
		assert_noop!(
			DeviceIdentity::create_manufacturer(root(), name.clone(), five),
			Error::<Test>::TooManyRootKeys
		);
		assert_ok!(DeviceIdentity::create_manufacturer(root(), name, vec![hsm.signer()]));
		assert_noop!(
			DeviceIdentity::add_root_key(root(), 0, hsm.signer()),
			Error::<Test>::DuplicateRootKey
		);
		assert_noop!(
			DeviceIdentity::add_root_key(root(), 5, backup.signer()),
			Error::<Test>::UnknownManufacturer
		);
		assert_ok!(DeviceIdentity::add_root_key(root(), 0, backup.signer()));
		assert_noop!(DeviceIdentity::revoke_root_key(root(), 0, 2), Error::<Test>::UnknownRootKey);

		let plate = Nameplate { capacity_wh: 0, max_import_w: 0, max_export_w: 5_000 };
		let model = |manufacturer, kind, plate| {
			DeviceIdentity::create_model(
				root(),
				manufacturer,
				b"SE5000".to_vec(),
				kind,
				plate,
				AccuracyClass::Unclassified,
				KeyScheme::P256,
				true,
			)
		};
		assert_noop!(model(3, DeviceKind::SolarPv, plate), Error::<Test>::UnknownManufacturer);
		assert_noop!(model(0, DeviceKind::Battery, plate), Error::<Test>::InvalidModelRating);
		assert_ok!(model(0, DeviceKind::SolarPv, plate));

		assert_noop!(
			DeviceIdentity::set_region_policy(root(), 77, UnattestedPolicy::AttestedOnly),
			Error::<Test>::UnknownRegion
		);
		let capped = UnattestedPolicy::Capped { max_counted_w: 10_000 };
		assert_ok!(DeviceIdentity::set_region_policy(root(), NL, capped));
		assert_eq!(DeviceIdentity::region_info(NL).unwrap().unattested, capped);
	});
}

#[test]
fn only_the_admin_origin_manages_manufacturers_models_and_policies() {
	run(|| {
		let (hsm, _) = maker_keys();
		let signed = RuntimeOrigin::signed(alice());
		assert_noop!(
			DeviceIdentity::create_manufacturer(
				signed.clone(),
				b"Fake".to_vec(),
				vec![hsm.signer()]
			),
			DispatchError::BadOrigin
		);
		maker();
		assert_noop!(
			DeviceIdentity::add_root_key(signed.clone(), 0, sr_key("//mine").signer()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			DeviceIdentity::retire_root_key(signed.clone(), 0, 0),
			DispatchError::BadOrigin
		);
		assert_noop!(
			DeviceIdentity::revoke_root_key(signed.clone(), 0, 0),
			DispatchError::BadOrigin
		);
		assert_noop!(
			DeviceIdentity::create_model(
				signed.clone(),
				0,
				b"20 MW turbine".to_vec(),
				DeviceKind::Wind,
				Nameplate { capacity_wh: 0, max_import_w: 0, max_export_w: 20_000_000 },
				AccuracyClass::Unclassified,
				KeyScheme::Sr25519,
				true,
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			DeviceIdentity::set_region_policy(
				signed,
				DE_LU,
				UnattestedPolicy::Capped { max_counted_w: u32::MAX }
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn an_unattested_device_is_capped_or_excluded_by_its_region() {
	run(|| {
		// DE-LU is capped at 10 kW in the mock's genesis; NL is attested-only (the default).
		let (id, _) = alice_ev();
		let view = <DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap();
		assert!(!view.hardware_attested && view.hardware.is_none());
		assert_eq!(view.eligibility, RewardEligibility::Capped { max_counted_w: 10_000 });
		let pv = register(&bob(), &sr_key("//Bob/pv"), DeviceKind::SolarPv, pv_5kwp(), NL);
		let view = <DeviceIdentity as DeviceRegistry<AccountId>>::device(pv).unwrap();
		assert_eq!(view.eligibility, RewardEligibility::None);
	});
}

#[test]
fn a_sealed_key_moves_with_the_hardware_but_the_sellers_gateways_do_not() {
	run(|| {
		maker();
		let key = device_key();
		let id = NextDeviceId::<Test>::get();
		assert_ok!(register_certified(&alice(), &key, certificate(body(&key))));
		assert_ok!(DeviceIdentity::authorize_gateway(
			RuntimeOrigin::signed(alice()),
			id,
			charlie()
		));

		assert_ok!(DeviceIdentity::transfer_device(RuntimeOrigin::signed(alice()), id, bob()));

		// The secure element's key cannot have been copied: the wallbox keeps running on it,
		// hardware-attested, for Bob. Alice's gateway and Alice herself lose their access.
		let view = <DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap();
		assert_eq!(view.status, openvpp_primitives::DeviceStatus::Active);
		assert_eq!(view.signer, key.signer());
		assert!(view.hardware_attested);
		assert!(!crate::AwaitingKey::<Test>::contains_key(id));
		assert!(!DeviceIdentity::is_gateway_authorized(id, &charlie()));
		assert!(!DeviceIdentity::is_gateway_authorized(id, &alice()));
		assert!(DeviceIdentity::is_gateway_authorized(id, &bob()));
		assert_eq!(
			last_event(),
			crate::Event::DeviceTransferred { device: id, from: alice(), to: bob() }
		);
	});
}

#[test]
fn a_key_certified_by_a_revoked_root_key_must_be_rotated_after_transfer() {
	run(|| {
		maker();
		let key = device_key();
		let id = NextDeviceId::<Test>::get();
		assert_ok!(register_certified(&alice(), &key, certificate(body(&key))));
		// The maker's HSM key leaked: its certificates (and the claim that this key never left
		// a secure element) vouch for nothing any more.
		assert_ok!(DeviceIdentity::revoke_root_key(root(), 0, 0));

		assert_ok!(DeviceIdentity::transfer_device(RuntimeOrigin::signed(alice()), id, bob()));

		let view = <DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap();
		assert_eq!(view.status, openvpp_primitives::DeviceStatus::SuspendedByOwner);
		assert!(crate::AwaitingKey::<Test>::contains_key(id));
		assert_noop!(
			DeviceIdentity::reactivate(RuntimeOrigin::signed(bob()), id),
			Error::<Test>::AwaitingKeyRotation
		);
		let bob_key = sr_key("//Bob/wallbox/owner-key");
		assert_ok!(DeviceIdentity::rotate_key(
			RuntimeOrigin::signed(bob()),
			id,
			bob_key.signer(),
			rotation_proof(&bob_key, &bob())
		));
		let view = <DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap();
		assert_eq!(view.status, openvpp_primitives::DeviceStatus::Active);
		assert_eq!(view.signer, bob_key.signer());
		assert!(view.hardware.is_none());
		// Without a certificate nor a certifier, the credential no longer says attested.
		assert_eq!(
			DeviceIdentity::credential_attribute(id, crate::attribute_keys::ATTESTED),
			Some(b"no".to_vec())
		);
	});
}

#[test]
fn oversized_metadata_of_a_certified_device_does_not_decode() {
	run(|| {
		maker();
		let key = device_key();
		let encode = |len: usize| {
			// Call index 16 (`register_certified_device`), then its arguments in order.
			let mut encoded = vec![16u8];
			(
				DE_LU,
				vec![b'm'; len],
				key.signer(),
				certificate(body(&key)),
				Some(proof(&key, &alice())),
			)
				.encode_to(&mut encoded);
			encoded
		};
		use codec::Decode;
		let over = encode(MAX_METADATA_LEN as usize + 1);
		assert!(crate::Call::<Test>::decode(&mut &over[..]).is_err());
		let exact = encode(MAX_METADATA_LEN as usize);
		assert!(matches!(
			crate::Call::<Test>::decode(&mut &exact[..]),
			Ok(crate::Call::register_certified_device { .. })
		));
	});
}
