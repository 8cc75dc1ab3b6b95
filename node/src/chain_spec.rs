//! Chain specifications: the development and local test chains from the runtime's genesis
//! presets (well-known development keys), and real networks from a key file of the validators'
//! public keys and the initial accounts.
//!
//! The key file (`--chain staging:<file>`), JSON:
//!
//! ```json
//! {
//!   "name": "OpenVPP Staging",
//!   "id": "openvpp_staging",
//!   "bootNodes": ["/dns/validator-1.example.org/tcp/30333/p2p/12D3KooW..."],
//!   "validators": [
//!     { "name": "operator-1", "aura": "<sr25519 public key>", "grandpa": "<ed25519 public key>" }
//!   ],
//!   "accounts": [
//!     { "account": "<SS58 address>", "balance": "1000000000000000000" }
//!   ]
//! }
//! ```
//!
//! Keys and accounts are SS58 addresses or `0x` and 64 hex digits (`openvpp-node key generate
//! --scheme sr25519|ed25519` prints both); balances are planck (10^12 planck = 1 VPP), as a
//! decimal string or a number. `name`, `id` and `bootNodes` are optional. Well-known
//! development keys and accounts (`//Alice` …, the dev phrase, and the keys of the former
//! `staging` preset, derived from published seeds) are refused: anyone could sign with them.

use std::{collections::BTreeSet, path::Path};

use openvpp_runtime::{
	currency::{EXISTENTIAL_DEPOSIT, TOKEN_DECIMALS, TOKEN_SYMBOL},
	AccountId, Balance, WASM_BINARY,
};
use sc_network::config::MultiaddrWithPeerId;
use sc_service::{ChainType, Properties};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::{
	crypto::{Ss58Codec, DEV_PHRASE},
	ed25519, sr25519, Pair,
};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Chain specification of OpenVPP (no extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

/// `--chain` prefix of a network built from a key file: `staging:<path>`.
pub const KEY_FILE_PREFIX: &str = "staging:";

/// Name of a network whose key file names none.
pub const DEFAULT_NETWORK_NAME: &str = "OpenVPP Staging";

/// Id of a network whose key file names none (its database directory is `chains/<id>/`).
pub const DEFAULT_NETWORK_ID: &str = "openvpp_staging";

/// Secret URIs of the validators of the former `staging` preset, whose keys were published
/// with the seeds they came from.
const PUBLISHED_STAGING_SEEDS: [&str; 4] = [
	"//openvpp//staging//validator-1",
	"//openvpp//staging//validator-2",
	"//openvpp//staging//validator-3",
	"//openvpp//staging//validator-4",
];

fn properties() -> Properties {
	let mut p = Properties::new();
	p.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	p.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	p.insert("ss58Format".into(), openvpp_runtime::SS58_PREFIX.into());
	p
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| "The runtime Wasm was not built (SKIP_WASM_BUILD set?)".to_string())
}

/// Single-validator development chain (Alice), with sudo and funded dev accounts.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("OpenVPP Development")
		.with_id("openvpp_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// Four-validator local testnet (Alice, Bob, Charlie, Dave), no sudo.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("OpenVPP Local Testnet")
		.with_id("openvpp_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// What `--chain staging` answers: its validator keys came from published seeds.
pub const PUBLIC_SEED_STAGING_REFUSED: &str =
	"`--chain staging` is refused: the staging preset's validator keys were derived from \
	 published seeds, so anyone could author blocks and vote on finality with them. Build the \
	 network from its validators' own public keys: `--chain staging:<key file>` (see \
	 docs/operators.md), or use `--chain local` for a test network of the well-known \
	 development keys.";

/// The chain spec `--chain <id>` names: `dev`, `local` (or nothing), `staging:<key file>`, or a
/// chain spec JSON file. `staging` alone is refused (see [`PUBLIC_SEED_STAGING_REFUSED`]).
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" => Box::new(development_chain_spec()?),
		"" | "local" => Box::new(local_chain_spec()?),
		"staging" => return Err(PUBLIC_SEED_STAGING_REFUSED.into()),
		_ => match id.strip_prefix(KEY_FILE_PREFIX) {
			Some(path) => Box::new(network_chain_spec(&NetworkKeys::from_file(Path::new(path))?)?),
			None => Box::new(ChainSpec::from_json_file(std::path::PathBuf::from(id))?),
		},
	})
}

/// A network's validators and initial accounts, read from its key file.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkKeys {
	/// Chain name.
	pub name: String,
	/// Chain id.
	pub id: String,
	/// Addresses of nodes to connect to first.
	pub boot_nodes: Vec<MultiaddrWithPeerId>,
	/// Aura (sr25519) and GRANDPA (ed25519) public keys of each validator, in file order.
	pub validators: Vec<(AuraId, GrandpaId)>,
	/// Accounts funded at genesis and their balances, planck.
	pub accounts: Vec<(AccountId, Balance)>,
}

impl NetworkKeys {
	/// Reads and checks the key file at `path`.
	pub fn from_file(path: &Path) -> Result<Self, String> {
		let bytes = std::fs::read(path)
			.map_err(|e| format!("key file {}: cannot read it: {e}", path.display()))?;
		Self::from_json(&bytes).map_err(|e| format!("key file {}: {e}", path.display()))
	}

	/// Parses and checks a key file's JSON.
	pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
		let json: Value =
			serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
		let top =
			object(&json, "the key file", &["name", "id", "bootNodes", "validators", "accounts"])?;
		let name = optional_string(top.get("name"), "name")?
			.unwrap_or_else(|| DEFAULT_NETWORK_NAME.to_string());
		let id =
			optional_string(top.get("id"), "id")?.unwrap_or_else(|| DEFAULT_NETWORK_ID.to_string());
		if id.is_empty()
			|| !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
		{
			return Err(format!("id: `{id}` must be lowercase letters, digits and `_`"));
		}

		let boot_nodes = match top.get("bootNodes") {
			None => Vec::new(),
			Some(list) => array(list, "bootNodes")?
				.iter()
				.enumerate()
				.map(|(i, node)| {
					let field = format!("bootNodes[{i}]");
					let text = node.as_str().ok_or_else(|| format!("{field}: not a string"))?;
					text.parse::<MultiaddrWithPeerId>().map_err(|e| {
						format!("{field}: `{text}` is not a multiaddress with a peer id: {e}")
					})
				})
				.collect::<Result<_, String>>()?,
		};

		let known = KnownKeys::new();
		let listed = array(
			top.get("validators").ok_or("validators: missing (the list of validator keys)")?,
			"validators",
		)?;
		if listed.is_empty() {
			return Err("validators: the list is empty; a network needs at least one".into());
		}
		let mut validators = Vec::new();
		let (mut auras, mut grandpas) = (BTreeSet::new(), BTreeSet::new());
		for (i, entry) in listed.iter().enumerate() {
			let fields = object(entry, &format!("validators[{i}]"), &["name", "aura", "grandpa"])?;
			let who = match optional_string(fields.get("name"), &format!("validators[{i}].name"))? {
				Some(name) => format!("validators[{i}] ({name})"),
				None => format!("validators[{i}]"),
			};
			let aura = public_key(fields.get("aura"), &format!("{who}.aura"), "sr25519")?;
			let grandpa = public_key(fields.get("grandpa"), &format!("{who}.grandpa"), "ed25519")?;
			if let Some(seed) = known.sr25519.get(&aura) {
				return Err(format!(
					"{who}.aura: this is the well-known key of `{seed}`, which anyone can sign \
					 with; generate the validator's own (`openvpp-node key generate --scheme \
					 sr25519`)"
				));
			}
			if let Some(seed) = known.ed25519.get(&grandpa) {
				return Err(format!(
					"{who}.grandpa: this is the well-known key of `{seed}`, which anyone can \
					 sign with; generate the validator's own (`openvpp-node key generate \
					 --scheme ed25519`)"
				));
			}
			if !auras.insert(aura) {
				return Err(format!("{who}.aura: the same key is listed for another validator"));
			}
			if !grandpas.insert(grandpa) {
				return Err(format!("{who}.grandpa: the same key is listed for another validator"));
			}
			validators.push((
				sr25519::Public::from_raw(aura).into(),
				ed25519::Public::from_raw(grandpa).into(),
			));
		}

		let listed = array(
			top.get("accounts").ok_or(
				"accounts: missing (the accounts funded at genesis; with no sudo key they pay \
				 the first fees and governance deposits)",
			)?,
			"accounts",
		)?;
		if listed.is_empty() {
			return Err("accounts: the list is empty; with no sudo key, a network without funded \
			            accounts can never pay a fee"
				.into());
		}
		let mut accounts = Vec::new();
		let mut seen = BTreeSet::new();
		for (i, entry) in listed.iter().enumerate() {
			let field = format!("accounts[{i}]");
			let fields = object(entry, &field, &["account", "balance"])?;
			let raw = public_key(fields.get("account"), &format!("{field}.account"), "account")?;
			if let Some(seed) = known.accounts.get(&raw) {
				return Err(format!(
					"{field}.account: this is the well-known account of `{seed}`, which anyone \
					 can spend from (and vote with)"
				));
			}
			if !seen.insert(raw) {
				return Err(format!("{field}.account: listed twice"));
			}
			let balance = balance(fields.get("balance"), &format!("{field}.balance"))?;
			accounts.push((AccountId::from(raw), balance));
		}
		Ok(Self { name, id, boot_nodes, validators, accounts })
	}
}

/// A live network's chain spec from its checked keys (no sudo, governance at production pace).
pub fn network_chain_spec(keys: &NetworkKeys) -> Result<ChainSpec, String> {
	let genesis = openvpp_runtime::genesis_config_presets::network_genesis(
		keys.validators.clone(),
		keys.accounts.clone(),
	);
	if genesis.is_null() {
		return Err("the runtime could not encode the network's genesis".into());
	}
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name(&keys.name)
		.with_id(&keys.id)
		.with_chain_type(ChainType::Live)
		.with_boot_nodes(keys.boot_nodes.clone())
		.with_genesis_config_patch(genesis)
		.with_properties(properties())
		.build())
}

/// Public keys and accounts anyone can sign with, each with the secret URI it comes from.
struct KnownKeys {
	sr25519: std::collections::BTreeMap<[u8; 32], String>,
	ed25519: std::collections::BTreeMap<[u8; 32], String>,
	accounts: std::collections::BTreeMap<[u8; 32], String>,
}

impl KnownKeys {
	fn new() -> Self {
		let mut known = Self {
			sr25519: Default::default(),
			ed25519: Default::default(),
			accounts: Default::default(),
		};
		for key in Sr25519Keyring::iter() {
			known.sr25519.insert(key.to_raw_public(), format!("//{key}"));
			known.accounts.insert(key.to_raw_public(), format!("//{key} (sr25519)"));
		}
		for key in Ed25519Keyring::iter() {
			known.ed25519.insert(key.to_raw_public(), format!("//{key}"));
			known.accounts.insert(key.to_raw_public(), format!("//{key} (ed25519)"));
		}
		let seeds = PUBLISHED_STAGING_SEEDS.iter().copied().chain(core::iter::once(""));
		for seed in seeds {
			let uri = if seed.is_empty() { DEV_PHRASE.to_string() } else { seed.to_string() };
			let shown = if seed.is_empty() { "the development phrase" } else { seed };
			if let Ok(pair) = sr25519::Pair::from_string(&uri, None) {
				known.sr25519.insert(pair.public().0, shown.to_string());
				known.accounts.insert(pair.public().0, format!("{shown} (sr25519)"));
			}
			if let Ok(pair) = ed25519::Pair::from_string(&uri, None) {
				known.ed25519.insert(pair.public().0, shown.to_string());
				known.accounts.insert(pair.public().0, format!("{shown} (ed25519)"));
			}
		}
		known
	}
}

/// `value` as an object with no fields but `allowed` (a misspelt field is an error, not a
/// silently missing one).
fn object<'a>(
	value: &'a Value,
	what: &str,
	allowed: &[&str],
) -> Result<&'a serde_json::Map<String, Value>, String> {
	let map = value.as_object().ok_or_else(|| format!("{what}: not a JSON object"))?;
	if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
		return Err(format!(
			"{what}: unknown field `{unknown}` (expected: {})",
			allowed.join(", ")
		));
	}
	Ok(map)
}

fn array<'a>(value: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
	value.as_array().ok_or_else(|| format!("{what}: not a JSON array"))
}

fn optional_string(value: Option<&Value>, what: &str) -> Result<Option<String>, String> {
	match value {
		None => Ok(None),
		Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
		Some(_) => Err(format!("{what}: not a non-empty string")),
	}
}

/// A 32-byte public key or account: SS58, or `0x` and 64 hex digits.
fn public_key(value: Option<&Value>, what: &str, scheme: &str) -> Result<[u8; 32], String> {
	let text = match value {
		None => return Err(format!("{what}: missing (an {scheme} public key)")),
		Some(Value::String(s)) => s.trim(),
		Some(_) => return Err(format!("{what}: not a string")),
	};
	if let Some(hex) = text.strip_prefix("0x") {
		return decode_hex_32(hex).ok_or_else(|| {
			format!("{what}: `{text}` is not `0x` and 64 hex digits (a 32-byte {scheme} key)")
		});
	}
	sp_core::crypto::AccountId32::from_ss58check(text).map(<[u8; 32]>::from).map_err(|e| {
		format!("{what}: `{text}` is neither an SS58 address nor `0x` and 64 hex digits ({e:?})")
	})
}

fn decode_hex_32(hex: &str) -> Option<[u8; 32]> {
	if hex.len() != 64 {
		return None;
	}
	let mut out = [0u8; 32];
	for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
		let text = core::str::from_utf8(pair).ok()?;
		*byte = u8::from_str_radix(text, 16).ok()?;
	}
	Some(out)
}

/// A balance in planck: a decimal string or a JSON number, at least the existential deposit.
fn balance(value: Option<&Value>, what: &str) -> Result<Balance, String> {
	let parsed = match value {
		None => return Err(format!("{what}: missing (planck, 10^12 = 1 {TOKEN_SYMBOL})")),
		Some(Value::String(s)) => s.trim().parse::<Balance>().ok(),
		Some(Value::Number(n)) => n.as_u64().map(Balance::from),
		Some(_) => None,
	};
	let planck = parsed.ok_or_else(|| {
		format!("{what}: not a whole number of planck (a decimal string, 10^12 = 1 {TOKEN_SYMBOL})")
	})?;
	if planck < EXISTENTIAL_DEPOSIT {
		return Err(format!(
			"{what}: {planck} planck is below the existential deposit ({EXISTENTIAL_DEPOSIT} planck)"
		));
	}
	Ok(planck)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use codec::Decode;
	use sp_runtime::BuildStorage;

	/// Four operators' own keys (as `key generate` would make them) and two funded accounts.
	fn operators() -> (Vec<(sr25519::Pair, ed25519::Pair)>, Vec<(AccountId, Balance)>) {
		let validators = (1u8..=4)
			.map(|n| (sr25519::Pair::from_seed(&[n; 32]), ed25519::Pair::from_seed(&[n + 100; 32])))
			.collect();
		let accounts = vec![
			(AccountId::from([201u8; 32]), 2_000_000 * 1_000_000_000_000),
			(AccountId::from([202u8; 32]), 500_000 * 1_000_000_000_000),
		];
		(validators, accounts)
	}

	fn key_file(
		validators: &[(sr25519::Pair, ed25519::Pair)],
		accounts: &[(AccountId, Balance)],
	) -> Value {
		serde_json::json!({
			"name": "OpenVPP Pilot",
			"id": "openvpp_pilot",
			"bootNodes": ["/dns/validator-1.example.org/tcp/30333/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"],
			"validators": validators.iter().enumerate().map(|(i, (aura, grandpa))| {
				// SS58 for some, hex for others: both are accepted.
				let grandpa = if i % 2 == 0 {
					grandpa.public().to_ss58check()
				} else {
					format!("0x{}", hex(&grandpa.public().0))
				};
				serde_json::json!({
					"name": format!("operator-{}", i + 1),
					"aura": aura.public().to_ss58check(),
					"grandpa": grandpa,
				})
			}).collect::<Vec<_>>(),
			"accounts": accounts.iter().map(|(account, balance)| serde_json::json!({
				"account": account.to_ss58check(),
				"balance": balance.to_string(),
			})).collect::<Vec<_>>(),
		})
	}

	fn hex(bytes: &[u8]) -> String {
		bytes.iter().map(|b| format!("{b:02x}")).collect()
	}

	fn write(name: &str, contents: &str) -> std::path::PathBuf {
		let path = std::env::temp_dir()
			.join(format!("openvpp-key-file-{}-{name}.json", std::process::id()));
		std::fs::write(&path, contents).unwrap();
		path
	}

	fn storage_value<T: Decode>(
		storage: &sp_core::storage::Storage,
		pallet: &str,
		item: &str,
	) -> T {
		let key = [
			sp_io::hashing::twox_128(pallet.as_bytes()),
			sp_io::hashing::twox_128(item.as_bytes()),
		]
		.concat();
		let bytes = storage.top.get(&key).unwrap_or_else(|| panic!("{pallet}::{item} is missing"));
		T::decode(&mut &bytes[..]).unwrap()
	}

	#[test]
	fn a_spec_from_a_key_file_holds_exactly_its_keys() {
		let (validators, accounts) = operators();
		let path = write("good", &key_file(&validators, &accounts).to_string());
		let spec = load(&format!("staging:{}", path.display())).unwrap();
		std::fs::remove_file(&path).unwrap();
		assert_eq!((spec.name(), spec.id()), ("OpenVPP Pilot", "openvpp_pilot"));
		assert_eq!(spec.chain_type(), ChainType::Live);
		assert_eq!(spec.boot_nodes().len(), 1);

		// The genesis state the runtime builds from it.
		let storage = spec.build_storage().unwrap();
		let aura: Vec<sr25519::Public> = storage_value(&storage, "Aura", "Authorities");
		assert_eq!(aura, validators.iter().map(|(a, _)| a.public()).collect::<Vec<_>>());
		let grandpa: Vec<(ed25519::Public, u64)> =
			storage_value(&storage, "Grandpa", "Authorities");
		assert_eq!(grandpa, validators.iter().map(|(_, g)| (g.public(), 1)).collect::<Vec<_>>());
		// No sudo key.
		let sudo = [sp_io::hashing::twox_128(b"Sudo"), sp_io::hashing::twox_128(b"Key")].concat();
		assert!(!storage.top.contains_key(&sudo));
		// Exactly the listed accounts are funded (besides the pallets' own accounts).
		let account_prefix =
			[sp_io::hashing::twox_128(b"System"), sp_io::hashing::twox_128(b"Account")].concat();
		let funded: BTreeSet<[u8; 32]> = storage
			.top
			.keys()
			.filter_map(|k| k.strip_prefix(&account_prefix[..]))
			.filter_map(|rest| rest.get(16..48).map(|id| <[u8; 32]>::try_from(id).unwrap()))
			.filter(|id| !id.starts_with(b"modl"))
			.collect();
		let listed: BTreeSet<[u8; 32]> =
			accounts.iter().map(|(a, _)| <[u8; 32]>::from(a.clone())).collect();
		assert_eq!(funded, listed);

		// The same file gives the same genesis, so every operator can build it.
		let again = network_chain_spec(
			&NetworkKeys::from_json(key_file(&validators, &accounts).to_string().as_bytes())
				.unwrap(),
		)
		.unwrap();
		assert_eq!(again.build_storage().unwrap().top, storage.top);
	}

	#[test]
	fn a_malformed_key_file_is_refused_with_a_clear_error() {
		let (validators, accounts) = operators();
		let good = key_file(&validators, &accounts);
		let refused = |edit: &dyn Fn(&mut Value)| {
			let mut file = good.clone();
			edit(&mut file);
			NetworkKeys::from_json(file.to_string().as_bytes()).unwrap_err()
		};
		let cases: Vec<(Box<dyn Fn(&mut Value)>, &str)> = vec![
			(
				Box::new(|f| f["validators"] = serde_json::json!([])),
				"validators: the list is empty",
			),
			(
				Box::new(|f| {
					f.as_object_mut().unwrap().remove("validators");
				}),
				"validators: missing",
			),
			(
				Box::new(|f| f["validators"][1]["aura"] = "5NotAnAddress".into()),
				"validators[1] (operator-2).aura: `5NotAnAddress` is neither an SS58 address",
			),
			(
				Box::new(|f| f["validators"][1]["grandpa"] = "0x1234".into()),
				"validators[1] (operator-2).grandpa: `0x1234` is not `0x` and 64 hex digits",
			),
			(
				Box::new(|f| {
					f["validators"][2]["grandpa"] = f["validators"][0]["grandpa"].clone();
				}),
				"validators[2] (operator-3).grandpa: the same key is listed for another validator",
			),
			(
				Box::new(|f| {
					f["validators"][0].as_object_mut().unwrap().remove("aura");
				}),
				"validators[0] (operator-1).aura: missing",
			),
			(
				Box::new(|f| f["validators"][0]["babe"] = "x".into()),
				"validators[0]: unknown field `babe`",
			),
			(
				Box::new(|f| f["accounts"][0]["balance"] = "1.5".into()),
				"accounts[0].balance: not a whole number of planck",
			),
			(
				Box::new(|f| f["accounts"][1]["balance"] = "1000".into()),
				"accounts[1].balance: 1000 planck is below the existential deposit",
			),
			(
				Box::new(|f| f["accounts"][1]["account"] = f["accounts"][0]["account"].clone()),
				"accounts[1].account: listed twice",
			),
			(Box::new(|f| f["accounts"] = serde_json::json!([])), "accounts: the list is empty"),
			(Box::new(|f| f["id"] = "OpenVPP Pilot".into()), "id: `OpenVPP Pilot` must be"),
			(
				Box::new(|f| f["bootNodes"] = serde_json::json!(["/dns/validator-1"])),
				"bootNodes[0]: `/dns/validator-1` is not a multiaddress with a peer id",
			),
			(
				Box::new(|f| f["validator"] = serde_json::json!([])),
				"the key file: unknown field `validator`",
			),
		];
		for (edit, expected) in cases {
			let error = refused(&*edit);
			assert!(error.starts_with(expected), "expected `{expected}…`, got `{error}`");
		}
		assert!(NetworkKeys::from_json(b"{ \"validators\": [")
			.unwrap_err()
			.starts_with("not valid JSON"));

		// From a file, the error names it; a missing file too.
		let path = write("malformed", "validators = []");
		let error = load(&format!("staging:{}", path.display())).map(|_| ()).unwrap_err();
		std::fs::remove_file(&path).unwrap();
		assert!(
			error.starts_with(&format!("key file {}: not valid JSON", path.display())),
			"{error}"
		);
		let error = load("staging:/nonexistent/keys.json").map(|_| ()).unwrap_err();
		assert!(error.starts_with("key file /nonexistent/keys.json: cannot read it"), "{error}");
	}

	#[test]
	fn known_validator_keys_cannot_make_a_live_network() {
		// The former public-seed preset is refused by name.
		let error = load("staging").map(|_| ()).unwrap_err();
		assert_eq!(error, PUBLIC_SEED_STAGING_REFUSED);
		// The well-known development chains are not live networks.
		assert_eq!(load("local").unwrap().chain_type(), ChainType::Local);
		assert_eq!(load("dev").unwrap().chain_type(), ChainType::Development);

		// A key file with keys anyone can derive is refused: the development keys, the
		// development phrase itself, and the published keys of the former preset.
		let (validators, accounts) = operators();
		let good = key_file(&validators, &accounts);
		let published_staging_aura =
			"0xe0515be73a679dfa4549576612d3b52acde68f29ec99b8dd7a4e235fb44fc231";
		let published_staging_grandpa =
			"0x22ba38924e39129627c758ca8c9fe12fd1d7cd28abc8f800979d558279eab7e2";
		let dev_phrase = sr25519::Pair::from_string(DEV_PHRASE, None).unwrap().public();
		let cases: Vec<(&str, &str, Value, &str)> = vec![
			(
				"validators",
				"aura",
				Sr25519Keyring::Bob.public().to_ss58check().into(),
				"validators[1] (operator-2).aura: this is the well-known key of `//Bob`",
			),
			(
				"validators",
				"grandpa",
				format!("0x{}", hex(&Ed25519Keyring::Charlie.to_raw_public())).into(),
				"validators[1] (operator-2).grandpa: this is the well-known key of `//Charlie`",
			),
			(
				"validators",
				"aura",
				published_staging_aura.into(),
				"validators[1] (operator-2).aura: this is the well-known key of \
				 `//openvpp//staging//validator-1`",
			),
			(
				"validators",
				"grandpa",
				published_staging_grandpa.into(),
				"validators[1] (operator-2).grandpa: this is the well-known key of \
				 `//openvpp//staging//validator-4`",
			),
			(
				"validators",
				"aura",
				dev_phrase.to_ss58check().into(),
				"validators[1] (operator-2).aura: this is the well-known key of `the development phrase`",
			),
			(
				"accounts",
				"account",
				Sr25519Keyring::Alice.to_account_id().to_ss58check().into(),
				"accounts[1].account: this is the well-known account of `//Alice (sr25519)`",
			),
		];
		for (list, field, key, expected) in cases {
			let mut file = good.clone();
			file[list][1][field] = key;
			let error = NetworkKeys::from_json(file.to_string().as_bytes()).unwrap_err();
			assert!(error.starts_with(expected), "expected `{expected}…`, got `{error}`");
		}
	}
}
