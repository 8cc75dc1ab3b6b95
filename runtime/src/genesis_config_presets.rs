//! Genesis presets: `development` (one validator, sudo, funded dev accounts) and
//! `local_testnet` (four validators alice..dave, no sudo).

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
	endowed_accounts: Vec<AccountId>,
	root: Option<AccountId>,
	fast_governance: bool,
) -> Value {
	let config = RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig {
			balances: endowed_accounts.iter().cloned().map(|k| (k, ENDOWMENT)).collect(),
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

/// The `development` preset: Alice validates and holds sudo; the dev accounts are funded.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
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
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		None,
		false,
	)
}

/// Name of the staging preset.
pub const STAGING_PRESET: &str = "staging";

/// Validator keys of the staging network, `(aura sr25519, grandpa ed25519)` public keys.
///
/// They are derived from the documented secret URIs `//openvpp//staging//validator-<n>`
/// (`openvpp-node key inspect "//openvpp//staging//validator-1" --scheme sr25519` and
/// `--scheme ed25519`), so the shared staging network can be brought up from this repository.
/// A network that must not be taken over by whoever reads this file generates its own keys
/// (`openvpp-node key generate --scheme sr25519|ed25519`, see docs/operators.md) and puts
/// their public keys here.
pub const STAGING_VALIDATORS: [([u8; 32], [u8; 32]); 4] = [
	(
		hex_literal("e0515be73a679dfa4549576612d3b52acde68f29ec99b8dd7a4e235fb44fc231"),
		hex_literal("7d4fb3bda5bf65bd242e0d9941dcf057cd9d2bf20b514418ba4c8f1740e68092"),
	),
	(
		hex_literal("dc75c38425ec5c5362c2674c633959f5452ca05fb6706aad54a40d646b6aed62"),
		hex_literal("37ace75f4695ec0e0a77900b93bec65ca9679068f768d56d30eed53d63e3fa5d"),
	),
	(
		hex_literal("ea4858bd88141ae05209023df0b71d03ee701ec152308db6a55dd1d5127b4b1e"),
		hex_literal("0f4e72a1818c404182a2fde56159c24a4725aaa636482725e99aca52ea3f965a"),
	),
	(
		hex_literal("8800ff891af2da2e17da5620f5f8aefca2f66a00382c39f36cef807c41dfe51d"),
		hex_literal("22ba38924e39129627c758ca8c9fe12fd1d7cd28abc8f800979d558279eab7e2"),
	),
];

/// Parses 64 hex digits at compile time (a bad literal fails the build, never the chain).
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn hex_literal(s: &str) -> [u8; 32] {
	const fn digit(c: u8) -> u8 {
		match c {
			b'0'..=b'9' => c - b'0',
			b'a'..=b'f' => c - b'a' + 10,
			_ => panic!("not a lowercase hex digit"),
		}
	}
	let b = s.as_bytes();
	assert!(b.len() == 64, "expected 64 hex digits");
	let mut out = [0u8; 32];
	let mut i = 0;
	while i < 32 {
		out[i] = digit(b[2 * i]) * 16 + digit(b[2 * i + 1]);
		i += 1;
	}
	out
}

/// The `staging` preset: four validators with the keys above, no sudo, governance at
/// production pace; the validators' accounts are endowed to pay fees and deposits.
pub fn staging_config_genesis() -> Value {
	let authorities: Vec<(AuraId, GrandpaId)> = STAGING_VALIDATORS
		.iter()
		.map(|(aura, grandpa)| {
			(
				sp_core::sr25519::Public::from_raw(*aura).into(),
				sp_core::ed25519::Public::from_raw(*grandpa).into(),
			)
		})
		.collect();
	let accounts: Vec<AccountId> =
		STAGING_VALIDATORS.iter().map(|(aura, _)| AccountId::from(*aura)).collect();
	testnet_genesis(authorities, accounts, None, false)
}

/// The preset named `id`, as JSON bytes.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		STAGING_PRESET => staging_config_genesis(),
		_ => return None,
	};
	serde_json::to_string(&patch).ok().map(|s| s.into_bytes())
}

/// Names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(STAGING_PRESET),
	]
}
