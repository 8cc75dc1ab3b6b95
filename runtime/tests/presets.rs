//! The genesis presets build valid state: dev has sudo and one validator, local_testnet four
//! validators and no sudo, every preset funds the dev accounts and registers the grid regions.
#![allow(clippy::expect_used)]

use frame_support::traits::IntegrityTest;
use openvpp_runtime::{
	genesis_config_presets::{get_preset, preset_names, ENDOWMENT, GENESIS_REGIONS},
	AllPalletsWithSystem, Runtime,
};
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
	assert_eq!(
		names,
		vec!["development".to_string(), "local_testnet".to_string(), "staging".to_string()]
	);
	assert!(get_preset(&PresetId::from("no-such-preset")).is_none());
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

#[test]
fn staging_has_four_validators_no_sudo_and_production_governance() {
	state_of("staging").execute_with(|| {
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 4);
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 4);
		assert!(
			!openvpp_runtime::governance::pallet_custom_origins::FastGovernance::<Runtime>::get()
		);
	});
}

#[test]
fn presets_register_the_grid_regions() {
	for preset in ["development", "local_testnet", "staging"] {
		state_of(preset).execute_with(|| {
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
	assert_eq!(epoch("staging"), EPOCH_DURATION_MS);
	// Telemetry's accumulators follow the same epochs.
	state_of("development").execute_with(|| {
		assert_eq!(
			<<Runtime as pallet_telemetry::Config>::EpochDurationMs as frame_support::traits::Get<u64>>::get(),
			DEV_EPOCH_MS
		);
	});
}
