//! The genesis presets build valid state: dev has sudo and one validator, local_testnet four
//! validators and no sudo, every preset funds the dev accounts and registers the grid regions.
//! A network from operator-supplied keys has exactly those keys and accounts and no sudo.
#![allow(clippy::expect_used)]

use frame_support::traits::IntegrityTest;
use openvpp_runtime::currency::UNITS;
use openvpp_runtime::{
	genesis_config_presets::{
		get_preset, network_genesis, preset_names, ENDOWMENT, GENESIS_REGIONS,
	},
	AllPalletsWithSystem, Runtime,
};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::Pair;
use sp_genesis_builder::PresetId;
use sp_keyring::Sr25519Keyring;

mod common;

fn state_of(preset: &str) -> sp_io::TestExternalities {
	common::ext_of(preset)
}

#[test]
fn presets_are_listed() {
	let names: Vec<String> =
		preset_names().into_iter().map(|p| String::from_utf8_lossy(p.as_ref()).into()).collect();
	assert_eq!(names, vec!["development".to_string(), "local_testnet".to_string()]);
	assert!(get_preset(&PresetId::from("no-such-preset")).is_none());
	// The preset whose validator keys came from published seeds is gone.
	assert!(get_preset(&PresetId::from("staging")).is_none());
}

#[test]
fn development_has_sudo_and_one_validator() {
	state_of("development").execute_with(|| {
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 1);
		assert_eq!(
			pallet_balances::Pallet::<Runtime>::free_balance(Sr25519Keyring::Bob.to_account_id()),
			ENDOWMENT
		);
	});
}

#[test]
fn local_testnet_has_four_validators_and_no_sudo() {
	state_of("local_testnet").execute_with(|| {
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 4);
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 4);
	});
}

/// Four operators' keys and two initial accounts (a foundation and a treasury multisig).
fn operator_network() -> (Vec<(AuraId, GrandpaId)>, Vec<(openvpp_runtime::AccountId, u128)>) {
	let authorities = (1u8..=4)
		.map(|n| {
			let aura = sp_core::sr25519::Pair::from_seed(&[n; 32]).public();
			let grandpa = sp_core::ed25519::Pair::from_seed(&[n.wrapping_add(100); 32]).public();
			(aura.into(), grandpa.into())
		})
		.collect();
	let accounts = vec![
		(openvpp_runtime::AccountId::from([201u8; 32]), 2_000_000 * UNITS),
		(openvpp_runtime::AccountId::from([202u8; 32]), 500_000 * UNITS),
	];
	(authorities, accounts)
}

fn network_ext() -> sp_io::TestExternalities {
	let (authorities, accounts) = operator_network();
	common::ext_of_patch(network_genesis(authorities, accounts))
}

#[test]
fn a_network_from_operator_keys_has_exactly_them_and_no_sudo() {
	let (authorities, accounts) = operator_network();
	network_ext().execute_with(|| {
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		let aura: Vec<AuraId> = pallet_aura::Authorities::<Runtime>::get().into_inner();
		assert_eq!(aura, authorities.iter().map(|(a, _)| a.clone()).collect::<Vec<_>>());
		let grandpa: Vec<GrandpaId> = pallet_grandpa::Pallet::<Runtime>::grandpa_authorities()
			.into_iter()
			.map(|(id, weight)| {
				assert_eq!(weight, 1);
				id
			})
			.collect();
		assert_eq!(grandpa, authorities.iter().map(|(_, g)| g.clone()).collect::<Vec<_>>());
		for (account, balance) in &accounts {
			assert_eq!(pallet_balances::Pallet::<Runtime>::free_balance(account), *balance);
		}
		// No development account is funded.
		assert_eq!(
			pallet_balances::Pallet::<Runtime>::free_balance(Sr25519Keyring::Alice.to_account_id()),
			0
		);
		assert!(
			!openvpp_runtime::governance::pallet_custom_origins::FastGovernance::<Runtime>::get()
		);
	});
}

#[test]
fn presets_register_the_grid_regions() {
	let states = [
		("development", state_of("development")),
		("local_testnet", state_of("local_testnet")),
		("network", network_ext()),
	];
	for (preset, mut state) in states {
		state.execute_with(|| {
			for (id, _, _, _) in GENESIS_REGIONS {
				assert!(
					pallet_device_identity::Regions::<Runtime>::contains_key(id),
					"{preset} lacks region {id}"
				);
			}
		});
	}
}

#[test]
fn pallet_configuration_is_sane() {
	sp_io::TestExternalities::default().execute_with(|| {
		<AllPalletsWithSystem as IntegrityTest>::integrity_test();
	});
}

#[test]
fn development_settles_every_minute_and_other_chains_hourly() {
	use openvpp_runtime::{
		configs::openvpp::EPOCH_DURATION_MS, genesis_config_presets::DEV_EPOCH_MS,
	};
	let epoch = |preset| {
		state_of(preset).execute_with(pallet_settlement::Pallet::<Runtime>::epoch_duration_ms)
	};
	assert_eq!(epoch("development"), DEV_EPOCH_MS);
	assert_eq!(epoch("local_testnet"), EPOCH_DURATION_MS);
	assert_eq!(
		network_ext().execute_with(pallet_settlement::Pallet::<Runtime>::epoch_duration_ms),
		EPOCH_DURATION_MS
	);
	// Telemetry's accumulators follow the same epochs.
	state_of("development").execute_with(|| {
		assert_eq!(
			<<Runtime as pallet_telemetry::Config>::EpochDurationMs as frame_support::traits::Get<u64>>::get(),
			DEV_EPOCH_MS
		);
	});
}
