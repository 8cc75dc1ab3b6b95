//! Refused registrations and regions: each error on its own, each leaving state unchanged.

use super::*;
use crate::{Error, Regions, RegistrationNonce};
use codec::{Decode, Encode};
use frame_support::{assert_noop, assert_ok, traits::UnfilteredDispatchable};

use openvpp_primitives::{DevicePublicKey, DeviceSignature, P256Public};
use sp_runtime::DispatchError;

/// Attempts Alice's registration of `key`'s device with `proof`.
fn try_register(
	kind: DeviceKind,
	nameplate: Nameplate,
	region: RegionId,
	metadata: Metadata,
	signer: DevicePublicKey,
	proof: DeviceSignature,
) -> sp_runtime::DispatchResult {
	DeviceIdentity::register_device(
		RuntimeOrigin::signed(alice()),
		kind,
		nameplate,
		region,
		metadata,
		signer,
		proof,
	)
}

/// Attempts Alice's registration of an EV-like device of `kind` with `nameplate`.
fn try_nameplate(kind: DeviceKind, nameplate: Nameplate) -> sp_runtime::DispatchResult {
	let key = sr_key("//Alice/implausible");
	try_register(kind, nameplate, DE_LU, metadata(), key.signer(), proof(&key, &alice()))
}

#[test]
fn duplicate_key_is_refused_for_any_owner() {
	run(|| {
		let (_, key) = alice_ev();
		assert_noop!(
			try_register(
				DeviceKind::Ev,
				ev_60kwh(),
				DE_LU,
				metadata(),
				key.signer(),
				proof(&key, &alice())
			),
			Error::<Test>::DuplicateDeviceKey
		);
		assert_noop!(
			DeviceIdentity::register_device(
				RuntimeOrigin::signed(bob()),
				DeviceKind::Ev,
				ev_60kwh(),
				DE_LU,
				metadata(),
				key.signer(),
				proof(&key, &bob()),
			),
			Error::<Test>::DuplicateDeviceKey
		);
	});
}

#[test]
fn proof_for_another_owner_is_refused() {
	run(|| {
		let key = sr_key("//Bob/battery");
		// The device consented to Bob, not to Alice.
		let bobs = proof(&key, &bob());
		assert_noop!(
			try_register(
				DeviceKind::Battery,
				battery_13_5kwh(),
				DE_LU,
				metadata(),
				key.signer(),
				bobs
			),
			Error::<Test>::InvalidPossessionProof
		);
	});
}

#[test]
fn replayed_proof_is_refused() {
	run(|| {
		let key = sr_key("//Alice/battery");
		let used = proof(&key, &alice());
		assert_ok!(try_register(
			DeviceKind::Battery,
			battery_13_5kwh(),
			DE_LU,
			metadata(),
			key.signer(),
			used
		));
		// A second device's proof prepared at the now spent nonce 0 (say, intercepted and
		// submitted late) is refused: the registration nonce moved on to 1.
		let key2 = sr_key("//Alice/battery/2");
		let spent_nonce_proof = key2.possession_proof(genesis(), &alice(), 0);
		assert_eq!(RegistrationNonce::<Test>::get(alice()), 1);
		assert_noop!(
			try_register(
				DeviceKind::Battery,
				battery_13_5kwh(),
				DE_LU,
				metadata(),
				key2.signer(),
				spent_nonce_proof
			),
			Error::<Test>::InvalidPossessionProof
		);
	});
}

#[test]
fn proof_for_another_chain_is_refused() {
	run(|| {
		let key = sr_key("//Alice/pv");
		let other_chain = H256::repeat_byte(0x42);
		assert_ne!(other_chain, genesis());
		let foreign = key.possession_proof(other_chain, &alice(), 0);
		assert_noop!(
			try_register(DeviceKind::SolarPv, pv_5kwp(), DE_LU, metadata(), key.signer(), foreign),
			Error::<Test>::InvalidPossessionProof
		);
	});
}

#[test]
fn proof_for_another_purpose_or_by_another_key_is_refused() {
	run(|| {
		let key = sr_key("//Alice//pv");
		// A key-rotation proof is not a registration proof.
		let rotation = rotation_proof(&key, &alice());
		assert_noop!(
			try_register(DeviceKind::SolarPv, pv_5kwp(), DE_LU, metadata(), key.signer(), rotation),
			Error::<Test>::InvalidPossessionProof
		);
		// Signed by some other key.
		let impostor = sr_key("//Mallory/pv");
		assert_noop!(
			try_register(
				DeviceKind::SolarPv,
				pv_5kwp(),
				DE_LU,
				metadata(),
				key.signer(),
				proof(&impostor, &alice())
			),
			Error::<Test>::InvalidPossessionProof
		);
		// The same secret under the other scheme is a different key.
		let ed = ed_key("//Alice//pv");
		assert_noop!(
			try_register(
				DeviceKind::SolarPv,
				pv_5kwp(),
				DE_LU,
				metadata(),
				key.signer(),
				proof(&ed, &alice())
			),
			Error::<Test>::InvalidPossessionProof
		);
		// The domain tag is part of what is signed.
		let untagged = key.sign(&sp_io::hashing::blake2_256(alice().as_ref()));
		assert_noop!(
			try_register(DeviceKind::SolarPv, pv_5kwp(), DE_LU, metadata(), key.signer(), untagged),
			Error::<Test>::InvalidPossessionProof
		);
	});
}

#[test]
fn ecdsa_and_p256_device_keys_register_with_their_proofs() {
	run(|| {
		for (scheme, uri) in
			[(KeyScheme::Ecdsa, "//Alice//meter//ecdsa"), (KeyScheme::P256, "//Alice//meter//p256")]
		{
			let key = DeviceKeyPair::from_uri(scheme, uri).unwrap();
			assert_ok!(try_register(
				DeviceKind::SmartMeter,
				meter_3x25a(),
				DE_LU,
				metadata(),
				key.signer(),
				proof(&key, &alice())
			));
			assert!(DeviceIdentity::device_by_key(key.signer()).is_some());
		}
	});
}

#[test]
fn a_p256_key_off_the_curve_is_refused() {
	run(|| {
		let key = DeviceKeyPair::from_uri(KeyScheme::P256, "//Alice//meter//p256").unwrap();
		// x = 5 has no point on P-256 with this prefix... find an x that is off the curve.
		let off_curve = (0u8..=255)
			.map(|x| {
				let mut bytes = [0u8; 33];
				bytes[0] = 2;
				bytes[32] = x;
				DevicePublicKey::P256(P256Public(bytes))
			})
			.find(|k| !k.is_valid_point())
			.unwrap();
		assert_noop!(
			try_register(
				DeviceKind::SmartMeter,
				meter_3x25a(),
				DE_LU,
				metadata(),
				off_curve,
				proof(&key, &alice())
			),
			Error::<Test>::InvalidDeviceKey
		);
	});
}

#[test]
fn unknown_region_is_refused() {
	run(|| {
		let key = sr_key("//Alice/ev");
		assert_noop!(
			try_register(
				DeviceKind::Ev,
				ev_60kwh(),
				99,
				metadata(),
				key.signer(),
				proof(&key, &alice())
			),
			Error::<Test>::UnknownRegion
		);
	});
}

#[test]
fn smart_meter_with_storage_capacity_is_refused() {
	run(|| {
		let meter = Nameplate { capacity_wh: 10_000, ..meter_3x25a() };
		assert_noop!(try_nameplate(DeviceKind::SmartMeter, meter), Error::<Test>::CapacityMismatch);
		// ... and an EV without one.
		let ev = Nameplate { capacity_wh: 0, ..ev_60kwh() };
		assert_noop!(try_nameplate(DeviceKind::Ev, ev), Error::<Test>::CapacityMismatch);
	});
}

#[test]
fn ten_mwh_ev_pack_is_refused() {
	run(|| {
		let ev = Nameplate { capacity_wh: 10_000_000, ..ev_60kwh() };
		assert_noop!(try_nameplate(DeviceKind::Ev, ev), Error::<Test>::CapacityTooLarge);
	});
}

#[test]
fn zero_watt_solar_array_is_refused() {
	run(|| {
		let pv = Nameplate { max_export_w: 0, ..pv_5kwp() };
		assert_noop!(try_nameplate(DeviceKind::SolarPv, pv), Error::<Test>::PowerMissing);
	});
}

#[test]
fn implausible_power_is_refused() {
	run(|| {
		// A heat pump does not export.
		let heat_pump = Nameplate { max_export_w: 2_000, ..heat_pump_3kw() };
		assert_noop!(
			try_nameplate(DeviceKind::HeatPump, heat_pump),
			Error::<Test>::PowerImplausible
		);
		// No single rooftop array delivers 30 MW.
		let pv = Nameplate { max_export_w: 30_000_000, ..pv_5kwp() };
		assert_noop!(try_nameplate(DeviceKind::SolarPv, pv), Error::<Test>::PowerImplausible);
	});
}

/// The SCALE encoding of Alice's `register_device` call with `metadata` as plain bytes, as a
/// client that ignores the bound would send it.
fn register_call_with_metadata(metadata: Vec<u8>) -> Vec<u8> {
	let key = sr_key("//Alice/ev");
	// Call index 1 (`register_device`), then its arguments in order.
	let mut encoded = vec![1u8];
	(DeviceKind::Ev, ev_60kwh(), DE_LU, metadata, key.signer(), proof(&key, &alice()))
		.encode_to(&mut encoded);
	encoded
}

#[test]
fn oversized_metadata_does_not_decode() {
	run(|| {
		// One byte over the limit, or a megabyte: the call fails to decode on the length
		// prefix, before any of the bytes is read into memory.
		for len in [MAX_METADATA_LEN as usize + 1, 1 << 20] {
			let encoded = register_call_with_metadata(vec![b'm'; len]);
			assert!(crate::Call::<Test>::decode(&mut &encoded[..]).is_err());
		}
		// Exactly the limit decodes and registers.
		let encoded = register_call_with_metadata(vec![b'm'; MAX_METADATA_LEN as usize]);
		let call = crate::Call::<Test>::decode(&mut &encoded[..]).unwrap();
		assert_ok!(call.dispatch_bypass_filter(RuntimeOrigin::signed(alice())));
		assert_eq!(
			crate::Devices::<Test>::get(0).unwrap().metadata.len(),
			MAX_METADATA_LEN as usize
		);
	});
}

#[test]
fn balance_below_deposit_is_refused() {
	run(|| {
		let key = sr_key("//Eve/pv");
		// Eve holds 5 units; a device needs 10 on hold.
		assert_noop!(
			DeviceIdentity::register_device(
				RuntimeOrigin::signed(eve()),
				DeviceKind::SolarPv,
				pv_5kwp(),
				DE_LU,
				metadata(),
				key.signer(),
				proof(&key, &eve()),
			),
			Error::<Test>::InsufficientDeposit
		);
	});
}

#[test]
fn exhausted_device_ids_are_refused() {
	run(|| {
		NextDeviceId::<Test>::put(DeviceId::MAX);
		let key = sr_key("//Alice/ev");
		assert_noop!(
			try_register(
				DeviceKind::Ev,
				ev_60kwh(),
				DE_LU,
				metadata(),
				key.signer(),
				proof(&key, &alice())
			),
			Error::<Test>::DeviceIdsExhausted
		);
		NextDeviceId::<Test>::put(0);
	});
}

#[test]
fn exhausted_nonce_is_refused() {
	run(|| {
		RegistrationNonce::<Test>::insert(alice(), u32::MAX);
		let key = sr_key("//Alice/ev");
		assert_noop!(
			try_register(
				DeviceKind::Ev,
				ev_60kwh(),
				DE_LU,
				metadata(),
				key.signer(),
				proof(&key, &alice())
			),
			Error::<Test>::NonceExhausted
		);
	});
}

#[test]
fn unsigned_registration_is_refused() {
	run(|| {
		let key = sr_key("//Alice/ev");
		assert_noop!(
			DeviceIdentity::register_device(
				RuntimeOrigin::none(),
				DeviceKind::Ev,
				ev_60kwh(),
				DE_LU,
				metadata(),
				key.signer(),
				proof(&key, &alice()),
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn region_is_created_by_the_admin() {
	run(|| {
		assert_ok!(DeviceIdentity::create_region(
			RuntimeOrigin::root(),
			3,
			b"Italy Centre-South".to_vec(),
			b"IT-CSUD".to_vec(),
			60
		));
		assert_eq!(
			last_event(),
			crate::Event::RegionCreated {
				region: 3,
				zone_code: b"IT-CSUD".to_vec().try_into().unwrap()
			}
		);
		let region = Regions::<Test>::get(3).unwrap();
		assert_eq!(region.zone_code.to_vec(), b"IT-CSUD".to_vec());
		assert_ok!(DeviceIdentity::create_region(
			RuntimeOrigin::root(),
			4,
			b"Finland".to_vec(),
			b"FI".to_vec(),
			120
		));
		register(
			&alice(),
			&sr_key("//Alice/wind"),
			DeviceKind::Wind,
			Nameplate { capacity_wh: 0, max_import_w: 25_000, max_export_w: 3_000_000 },
			4,
		);
	});
}

#[test]
fn region_refusals() {
	run(|| {
		let create =
			|origin: RuntimeOrigin, id: RegionId, name: &[u8], code: &[u8], offset: i16| {
				DeviceIdentity::create_region(origin, id, name.to_vec(), code.to_vec(), offset)
			};
		let root = RuntimeOrigin::root;
		assert_noop!(create(root(), DE_LU, b"Germany", b"DE-LU", 60), Error::<Test>::RegionExists);
		assert_noop!(create(root(), 5, &[b'n'; 33], b"SE3", 60), Error::<Test>::RegionNameTooLong);
		assert_noop!(create(root(), 5, b"Sweden 3", b"se3", 60), Error::<Test>::InvalidZoneCode);
		assert_noop!(create(root(), 5, b"Sweden 3", b"", 60), Error::<Test>::InvalidZoneCode);
		assert_noop!(create(root(), 5, b"Sweden 3", b"3SE", 60), Error::<Test>::InvalidZoneCode);
		assert_noop!(create(root(), 5, b"Sweden 3", b"SE 3", 60), Error::<Test>::InvalidZoneCode);
		assert_noop!(
			create(root(), 5, b"Sweden 3", b"SE-SE-SE-SE-SE-SE", 60),
			Error::<Test>::InvalidZoneCode
		);
		assert_noop!(create(root(), 5, b"Sweden 3", b"SE3", -780), Error::<Test>::InvalidUtcOffset);
		assert_noop!(create(root(), 5, b"Sweden 3", b"SE3", 900), Error::<Test>::InvalidUtcOffset);
		assert_noop!(
			create(RuntimeOrigin::signed(alice()), 5, b"Sweden 3", b"SE3", 60),
			DispatchError::BadOrigin
		);
		// The edges of the offset range are fine.
		assert_ok!(create(root(), 5, b"Baker Island", b"UM-BI", -720));
		assert_ok!(create(root(), 6, b"Line Islands", b"KI-LI", 840));
	});
}

#[test]
fn collection_id_taken_by_someone_else_is_refused() {
	ext_without_collection().execute_with(|| {
		// Before the pallet could create its collection, governance created collection 0.
		assert_ok!(Nfts::force_create(
			RuntimeOrigin::root(),
			bob(),
			pallet_nfts::CollectionConfig {
				settings: pallet_nfts::CollectionSettings::all_enabled(),
				max_supply: None,
				mint_settings: Default::default(),
			}
		));
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), pallet_account(), 5 * UNITS));
		let key = sr_key("//Alice/pv");
		assert_noop!(
			DeviceIdentity::register_device(
				RuntimeOrigin::signed(alice()),
				DeviceKind::SolarPv,
				pv_5kwp(),
				NL,
				metadata(),
				key.signer(),
				proof(&key, &alice()),
			),
			Error::<Test>::CollectionIdUnavailable
		);
		DeviceIdentity::do_try_state().unwrap();
	});
}
