//! Chain specifications built from the runtime's genesis presets.

use openvpp_runtime::{currency::TOKEN_DECIMALS, currency::TOKEN_SYMBOL, WASM_BINARY};
use sc_service::{ChainType, Properties};

/// Chain specification of OpenVPP (no extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

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

/// Four-validator staging network (keys in the runtime's `staging` preset), no sudo.
pub fn staging_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("OpenVPP Staging")
		.with_id("openvpp_staging")
		.with_chain_type(ChainType::Live)
		.with_genesis_config_preset_name(openvpp_runtime::genesis_config_presets::STAGING_PRESET)
		.with_properties(properties())
		.build())
}
