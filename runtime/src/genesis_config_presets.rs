//! Genesis presets: `development` (one validator, sudo, funded dev accounts) and
//! `local_testnet` (four validators alice..dave, no sudo). Both use the well-known development
//! keys, which anyone can sign with: they are for machines and test networks of one's own.
//!
//! A real network's genesis is [`network_genesis`], from the public keys its operators supply
//! (the node builds it from a key file: `--chain staging:<file>`); no preset holds such keys.

use alloc::{vec, vec::Vec};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{currency::UNITS, AccountId, Balance, RuntimeGenesisConfig};

/// Balance of each endowed development account: one million VPP.
pub const ENDOWMENT: Balance = 1_000_000 * UNITS;

/// Grid regions every preset starts with: (id, name, bidding zone, UTC offset in minutes).
pub const GENESIS_REGIONS: &[(u16, &str, &str, i16)] = &[
	(1, "Germany-Luxembourg", "DE-LU", 60),
	(2, "Netherlands", "NL", 60),
	(3, "Denmark West", "DK1", 60),
];

/// Validator keys of a well-known development account (sr25519 for Aura, ed25519 for GRANDPA).
fn authority(aura: Sr25519Keyring, grandpa: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(aura.public().into(), grandpa.public().into())
}

/// Epoch length of development chains, ms.
pub const DEV_EPOCH_MS: u64 = 60_000;

fn testnet_genesis(
	initial_authorities: Vec<(AuraId, GrandpaId)>,
	endowed_accounts: Vec<(AccountId, Balance)>,
	root: Option<AccountId>,
	fast_governance: bool,
) -> Value {
	let config = RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig {
			balances: endowed_accounts,
			..Default::default()
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect(),
			..Default::default()
		},
		sudo: pallet_sudo::GenesisConfig { key: root },
		settlement: pallet_settlement::GenesisConfig {
			// The reward pot: 10 million VPP, paying 100 VPP an hour to the fleet's valued
			// contribution; 0.25 VPP per kWh of renewable generation as the reference price.
			pot_balance: 10_000_000 * UNITS,
			reference_price_per_kwh: UNITS / 4,
			emission_per_epoch: 100 * UNITS,
			// Development chains settle every minute, so rewards show at once; others hourly.
			epoch_duration_ms: if fast_governance { DEV_EPOCH_MS } else { 0 },
		},
		origins: crate::governance::pallet_custom_origins::GenesisConfig {
			fast_governance,
			..Default::default()
		},
		..Default::default()
	};
	let mut json = match serde_json::to_value(config) {
		Ok(v) => v,
		Err(_) => return Value::Null,
	};
	extend_openvpp_genesis(&mut json, fast_governance);
	json
}

/// Power counted for an unattested device on development chains, W (a home's connection).
pub const DEV_UNATTESTED_CAP_W: u32 = 10_000;

/// Adds the OpenVPP pallets' genesis (regions and their policy) to a preset.
///
/// Development chains let devices without a manufacturer's certificate earn up to
/// [`DEV_UNATTESTED_CAP_W`], so the demo fleet of owner-generated keys earns; every other
/// preset is attested-only (the default of a region): only hardware-attested devices earn.
fn extend_openvpp_genesis(json: &mut Value, development: bool) {
	let regions: Vec<Value> = GENESIS_REGIONS
		.iter()
		.map(|(id, name, zone, offset)| serde_json::json!([id, name, zone, offset]))
		.collect();
	let policies: Vec<Value> = if development {
		GENESIS_REGIONS
			.iter()
			.map(
				|(id, ..)| serde_json::json!([id, { "Capped": { "max_counted_w": DEV_UNATTESTED_CAP_W } }]),
			)
			.collect()
	} else {
		Vec::new()
	};
	if let Some(obj) = json.as_object_mut() {
		obj.insert(
			"deviceIdentity".into(),
			serde_json::json!({ "regions": regions, "regionPolicies": policies }),
		);
	}
}

/// The well-known development accounts, each with [`ENDOWMENT`].
fn endowed_dev_accounts() -> Vec<(AccountId, Balance)> {
	Sr25519Keyring::well_known().map(|k| (k.to_account_id(), ENDOWMENT)).collect()
}

/// The `development` preset: Alice validates and holds sudo; the dev accounts are funded.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		endowed_dev_accounts(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		true,
	)
}

/// The `local_testnet` preset: Alice, Bob, Charlie and Dave validate; no sudo key.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		endowed_dev_accounts(),
		None,
		false,
	)
}

/// Genesis of a network whose operators supply its validators' public keys (Aura sr25519,
/// GRANDPA ed25519) and its initial accounts with their balances: no sudo key (admin powers
/// belong to referenda), governance at production pace, hourly epochs, attested-only regions.
/// The node checks the keys (no well-known development keys) before it calls this.
pub fn network_genesis(
	authorities: Vec<(AuraId, GrandpaId)>,
	accounts: Vec<(AccountId, Balance)>,
) -> Value {
	testnet_genesis(authorities, accounts, None, false)
}

/// The preset named `id`, as JSON bytes.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	serde_json::to_string(&patch).ok().map(|s| s.into_bytes())
}

/// Names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
