//! Registration, the NFT credential, genesis and the read side.

use super::*;
use crate::{
	attribute_keys as attr, Counters, DeviceByKey, Devices, DevicesByOwner, Event,
	LifetimeCounters, RegistrationNonce,
};
use frame_support::{
	assert_ok,
	traits::{tokens::nonfungibles_v2::Inspect, Hooks},
};
use openvpp_primitives::{DeviceRegistry, DeviceStatus, OperatingDelta};
use sp_runtime::BuildStorage;

#[test]
fn registers_ev_and_mints_its_credential() {
	run(|| {
		let free_before = Balances::free_balance(alice());
		let key = sr_key("//Alice/ev/wvw-id4");

		let id = register(&alice(), &key, DeviceKind::Ev, ev_60kwh(), DE_LU);

		assert_eq!(id, 0);
		let record = Devices::<Test>::get(id).unwrap();
		assert_eq!(record.owner, alice());
		assert_eq!(record.kind, DeviceKind::Ev);
		assert_eq!(record.nameplate, ev_60kwh());
		assert_eq!(record.region, DE_LU);
		assert_eq!(record.status, DeviceStatus::Active);
		assert_eq!(record.signer, key.signer());
		assert_eq!(record.commissioned_ms, START_MS);
		assert_eq!(record.metadata, metadata());
		assert!(record.gateways.is_empty());
		assert_eq!(record.attestations, 0);
		assert_eq!(record.deposit, DEVICE_DEPOSIT);

		// Key index, owner listing, counters, nonce.
		assert_eq!(DeviceByKey::<Test>::get(key.signer()), Some(id));
		assert!(DevicesByOwner::<Test>::contains_key(alice(), id));
		assert_eq!(Counters::<Test>::get(id), Some(LifetimeCounters::default()));
		assert_eq!(RegistrationNonce::<Test>::get(alice()), 1);
		assert_eq!(NextDeviceId::<Test>::get(), 1);

		// Deposit held; pallet-nfts reserved its item deposit from the owner too.
		assert_eq!(held(&alice()), DEVICE_DEPOSIT);
		assert_eq!(Balances::reserved_balance(alice()), DEVICE_DEPOSIT + NFT_ITEM_DEPOSIT);
		assert_eq!(
			Balances::free_balance(alice()),
			free_before - DEVICE_DEPOSIT - NFT_ITEM_DEPOSIT
		);

		// The credential: item id = device id, held by the owner, not transferable.
		let collection = <Test as crate::Config>::CollectionId::get();
		assert_eq!(Nfts::owner(collection, id), Some(alice()));
		assert_eq!(Nfts::collection_owner(collection), Some(pallet_account()));
		assert!(!Nfts::can_transfer(&collection, &id));
		let attribute = |key: &[u8]| DeviceIdentity::credential_attribute(id, key).unwrap();
		assert_eq!(attribute(attr::KIND), b"ev".to_vec());
		assert_eq!(attribute(attr::CAPACITY_WH), b"60000".to_vec());
		assert_eq!(attribute(attr::MAX_IMPORT_W), b"11000".to_vec());
		assert_eq!(attribute(attr::MAX_EXPORT_W), b"11000".to_vec());
		assert_eq!(attribute(attr::REGION), b"1".to_vec());
		assert_eq!(attribute(attr::COMMISSIONED_MS), b"1748772000000".to_vec());
		assert_eq!(attribute(attr::ATTESTED), b"no".to_vec());

		assert_eq!(
			last_event(),
			Event::DeviceRegistered {
				device: id,
				owner: alice(),
				kind: DeviceKind::Ev,
				region: DE_LU,
				signer: key.signer(),
				deposit: DEVICE_DEPOSIT,
			}
		);
	});
}

#[test]
fn ids_are_sequential_across_owners_and_kinds() {
	run(|| {
		let fleet = [
			(alice(), sr_key("//Alice/pv/roof"), DeviceKind::SolarPv, pv_5kwp(), DE_LU),
			(
				alice(),
				sr_key("//Alice/battery/powerwall"),
				DeviceKind::Battery,
				battery_13_5kwh(),
				DE_LU,
			),
			(bob(), sr_key("//Bob/meter/main"), DeviceKind::SmartMeter, meter_3x25a(), NL),
			(bob(), ed_key("//Bob//heatpump"), DeviceKind::HeatPump, heat_pump_3kw(), NL),
		];
		for (expected, (owner, key, kind, nameplate, region)) in fleet.iter().enumerate() {
			let id = register(owner, key, *kind, *nameplate, *region);
			assert_eq!(id, expected as DeviceId);
			assert_eq!(
				DeviceIdentity::credential_attribute(id, attr::KIND).unwrap(),
				kind.code().to_vec()
			);
		}
		assert_eq!(held(&alice()), 2 * DEVICE_DEPOSIT);
		assert_eq!(held(&bob()), 2 * DEVICE_DEPOSIT);
		// Each owner's nonce counts its own registrations.
		assert_eq!(DeviceIdentity::registration_nonce(alice()), 2);
		assert_eq!(DeviceIdentity::registration_nonce(bob()), 2);
	});
}

#[test]
fn ed25519_device_key_is_accepted() {
	run(|| {
		let key = ed_key("//Alice//battery//secure-element");
		let id = register(&alice(), &key, DeviceKind::Battery, battery_13_5kwh(), NL);
		assert_eq!(DeviceIdentity::device_by_key(key.signer()), Some(id));
	});
}

#[test]
fn a_proof_is_good_for_one_registration() {
	run(|| {
		let key = sr_key("//Alice/ev/1");
		register(&alice(), &key, DeviceKind::Ev, ev_60kwh(), DE_LU);

		// The next registration signs nonce 1; a device signing nonce 0 again is refused.
		let key2 = sr_key("//Alice/ev/2");
		let stale = key2.possession_proof(genesis(), &alice(), 0);
		frame_support::assert_noop!(
			DeviceIdentity::register_device(
				RuntimeOrigin::signed(alice()),
				DeviceKind::Ev,
				ev_60kwh(),
				DE_LU,
				metadata(),
				key2.signer(),
				stale,
			),
			crate::Error::<Test>::InvalidPossessionProof
		);
		register(&alice(), &key2, DeviceKind::Ev, ev_60kwh(), DE_LU);
	});
}

#[test]
fn genesis_registers_regions_certifiers_and_devices() {
	let ev_key = sr_key("//Alice/ev/genesis");
	let pv_key = ed_key("//Bob//pv//genesis");
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(alice(), ENDOWMENT), (bob(), ENDOWMENT), (pallet_account(), 10 * UNITS)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	crate::GenesisConfig::<Test> {
		regions: vec![(DE_LU, "Germany-Luxembourg".into(), "DE-LU".into(), 60)],
		certifiers: vec![(dave(), "Elektro Meister GmbH".into())],
		devices: vec![
			(alice(), DeviceKind::Ev, ev_60kwh(), DE_LU, ev_key.signer()),
			(bob(), DeviceKind::SolarPv, pv_5kwp(), DE_LU, pv_key.signer()),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		assert_eq!(DeviceIdentity::region_info(DE_LU).unwrap().zone_code, b"DE-LU".to_vec());
		assert_eq!(DeviceIdentity::certifiers(None, 10).len(), 1);
		assert_eq!(DeviceIdentity::device_by_key(ev_key.signer()), Some(0));
		assert_eq!(DeviceIdentity::device_by_key(pv_key.signer()), Some(1));
		assert_eq!(DeviceIdentity::credential_holder(1), Some(bob()));
		assert_eq!(held(&bob()), DEVICE_DEPOSIT);
		// Genesis registrations need no proof, so they leave the nonces alone.
		assert_eq!(DeviceIdentity::registration_nonce(alice()), 0);
		DeviceIdentity::do_try_state().unwrap();
	});
}

#[test]
fn genesis_config_reads_chain_spec_json() {
	// The shape the runtime's genesis presets write (the genesis builder fills the fields a
	// preset leaves out from the default config).
	let json = serde_json::json!({
		"regions": [[1, "Germany-Luxembourg", "DE-LU", 60], [3, "Denmark West", "DK1", 60]],
		"certifiers": [],
		"devices": [],
		"regionPolicies": [[3, { "Capped": { "max_counted_w": 10_000 } }]],
		"manufacturers": [],
		"models": [],
	});
	let config: crate::GenesisConfig<Test> = serde_json::from_value(json).unwrap();
	assert_eq!(config.regions[1], (3, "Denmark West".into(), "DK1".into(), 60));
	assert!(config.certifiers.is_empty() && config.devices.is_empty());

	// Devices and certifiers survive a round trip through JSON.
	let config = crate::GenesisConfig::<Test> {
		regions: vec![(DE_LU, "Germany-Luxembourg".into(), "DE-LU".into(), 60)],
		certifiers: vec![(dave(), "Elektro Meister GmbH".into())],
		devices: vec![(alice(), DeviceKind::Ev, ev_60kwh(), DE_LU, sr_key("//Alice/ev").signer())],
		..Default::default()
	};
	let json = serde_json::to_value(&config).unwrap();
	let back: crate::GenesisConfig<Test> = serde_json::from_value(json).unwrap();
	assert_eq!(back.devices, config.devices);
	assert_eq!(back.certifiers, config.certifiers);
}

#[test]
fn collection_is_created_lazily_when_genesis_could_not_pay_for_it() {
	ext_without_collection().execute_with(|| {
		let collection = <Test as crate::Config>::CollectionId::get();
		assert_eq!(Nfts::collection_owner(collection), None);

		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), pallet_account(), 5 * UNITS));
		let id = register(&alice(), &sr_key("//Alice/pv"), DeviceKind::SolarPv, pv_5kwp(), NL);

		assert_eq!(Nfts::collection_owner(collection), Some(pallet_account()));
		assert!(events().contains(&Event::CredentialCollectionCreated { collection }));
		assert_eq!(DeviceIdentity::credential_holder(id), Some(alice()));
		DeviceIdentity::do_try_state().unwrap();
	});
}

#[test]
fn device_info_and_paging_read_back_what_was_registered() {
	run(|| {
		let (ev, ev_key) = alice_ev();
		let mut alices = vec![ev];
		for n in 0..4 {
			let key = sr_key(&format!("//Alice/pv/{n}"));
			alices.push(register(&alice(), &key, DeviceKind::SolarPv, pv_5kwp(), DE_LU));
		}
		register(&bob(), &sr_key("//Bob/meter"), DeviceKind::SmartMeter, meter_3x25a(), NL);
		assert_ok!(DeviceIdentity::authorize_gateway(
			RuntimeOrigin::signed(alice()),
			ev,
			charlie()
		));
		DeviceIdentity::note_operation(
			ev,
			OperatingDelta {
				energy_in_wh: 42_000,
				energy_out_wh: 7_500,
				readings_accepted: 96,
				readings_rejected: 2,
			},
		);

		let info = DeviceIdentity::device_info(ev).unwrap();
		assert_eq!(info.id, ev);
		assert_eq!(info.owner, alice());
		assert_eq!(info.nft_holder, Some(alice()));
		assert_eq!(info.signer, ev_key.signer());
		assert_eq!(info.gateways, vec![charlie()]);
		assert_eq!(info.deposit, DEVICE_DEPOSIT);
		assert_eq!(info.counters.energy_in_wh, 42_000);
		assert_eq!(info.counters.readings_rejected, 2);
		assert_eq!(DeviceIdentity::device_info(99), None);

		// Pages of two, in storage order, cover every device exactly once.
		let mut seen = Vec::new();
		let mut cursor = None;
		loop {
			let page = DeviceIdentity::devices_of(alice(), cursor, 2);
			if page.is_empty() {
				break;
			}
			assert!(page.len() <= 2);
			cursor = page.last().copied();
			seen.extend(page);
		}
		seen.sort();
		assert_eq!(seen, alices);
		assert_eq!(DeviceIdentity::devices_of(bob(), None, 10).len(), 1);
		assert_eq!(DeviceIdentity::devices_of(charlie(), None, 10), Vec::<DeviceId>::new());

		// Regions page the same way.
		let first = DeviceIdentity::regions(None, 1);
		assert_eq!(first.len(), 1);
		let rest = DeviceIdentity::regions(Some(first[0].id), 10);
		assert_eq!(rest.len(), 1);
		assert_ne!(rest[0].id, first[0].id);
		let nl = DeviceIdentity::region_info(NL).unwrap();
		assert_eq!(
			(nl.name, nl.zone_code, nl.utc_offset_minutes),
			(b"Netherlands".to_vec(), b"NL".to_vec(), 60)
		);
	});
}

#[test]
fn registry_view_gateways_and_counters_for_other_pallets() {
	run(|| {
		let (id, key) = alice_ev();
		let view = <DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap();
		assert_eq!(view.owner, alice());
		assert_eq!(view.signer, key.signer());
		assert_eq!(view.nameplate, ev_60kwh());
		assert_eq!(view.commissioned_ms, START_MS);
		assert_eq!(view.attestations, 0);

		// The owner is always authorized; others only once the owner says so.
		assert!(DeviceIdentity::is_gateway_authorized(id, &alice()));
		assert!(!DeviceIdentity::is_gateway_authorized(id, &charlie()));
		assert_ok!(DeviceIdentity::authorize_gateway(
			RuntimeOrigin::signed(alice()),
			id,
			charlie()
		));
		assert!(DeviceIdentity::is_gateway_authorized(id, &charlie()));
		assert!(!DeviceIdentity::is_gateway_authorized(99, &alice()));

		// Counters add up and saturate instead of overflowing.
		let day = OperatingDelta {
			energy_in_wh: 18_400,
			energy_out_wh: 6_200,
			readings_accepted: 96,
			readings_rejected: 0,
		};
		DeviceIdentity::note_operation(id, day);
		DeviceIdentity::note_operation(id, day);
		let counters = Counters::<Test>::get(id).unwrap();
		assert_eq!(counters.energy_in_wh, 36_800);
		assert_eq!(counters.energy_out_wh, 12_400);
		assert_eq!(counters.readings_accepted, 192);
		DeviceIdentity::note_operation(
			id,
			OperatingDelta { energy_in_wh: u64::MAX, ..Default::default() },
		);
		assert_eq!(Counters::<Test>::get(id).unwrap().energy_in_wh, u64::MAX);

		// Unknown devices get no counters.
		DeviceIdentity::note_operation(99, day);
		assert_eq!(Counters::<Test>::get(99), None);

		// Decommissioned devices authorize nobody.
		assert_ok!(DeviceIdentity::decommission(RuntimeOrigin::signed(alice()), id));
		assert!(!DeviceIdentity::is_gateway_authorized(id, &alice()));
		assert_eq!(
			<DeviceIdentity as DeviceRegistry<AccountId>>::device(id).unwrap().status,
			DeviceStatus::Decommissioned
		);
	});
}

#[test]
fn integrity_test_accepts_the_mock_config() {
	new_test_ext().execute_with(|| {
		<DeviceIdentity as Hooks<u64>>::integrity_test();
	});
}

#[test]
fn the_credential_shows_the_lifetime_reward_settlement_reports() {
	run(|| {
		let id = register(&alice(), &sr_key("//Alice/pv"), DeviceKind::SolarPv, pv_5kwp(), DE_LU);
		assert_eq!(DeviceIdentity::credential_attribute(id, attr::LIFETIME_REWARD), None);
		<DeviceIdentity as DeviceRegistry<AccountId>>::note_lifetime_reward(id, 1_250_000_000_000);
		assert_eq!(
			DeviceIdentity::credential_attribute(id, attr::LIFETIME_REWARD),
			Some(b"1250000000000".to_vec())
		);
		// An unknown device is ignored.
		<DeviceIdentity as DeviceRegistry<AccountId>>::note_lifetime_reward(id + 1, 5);
		assert_eq!(DeviceIdentity::credential_attribute(id + 1, attr::LIFETIME_REWARD), None);
	});
}
