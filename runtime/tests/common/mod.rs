//! Test externalities built from the runtime's own genesis presets.
#![allow(dead_code, clippy::expect_used)]

use openvpp_runtime::{genesis_config_presets::get_preset, RuntimeGenesisConfig};
use sp_genesis_builder::PresetId;
use sp_runtime::BuildStorage;

/// State of `preset`, at block 1.
pub fn ext_of(preset: &str) -> sp_io::TestExternalities {
	let json = get_preset(&PresetId::from(preset)).expect("preset exists");
	ext_of_patch(serde_json::from_slice(&json).expect("preset is JSON"))
}

/// State of the default genesis with `patch` applied (as the genesis builder does), at block 1.
pub fn ext_of_patch(mut patch: serde_json::Value) -> sp_io::TestExternalities {
	let mut full = serde_json::to_value(RuntimeGenesisConfig::default()).expect("default config");
	merge(&mut full, &mut patch);
	let config: RuntimeGenesisConfig = serde_json::from_value(full).expect("preset decodes");
	let mut ext: sp_io::TestExternalities = config.build_storage().expect("preset builds").into();
	ext.execute_with(|| frame_system::Pallet::<openvpp_runtime::Runtime>::set_block_number(1));
	ext
}

/// The development chain's genesis state.
pub fn dev_ext() -> sp_io::TestExternalities {
	ext_of("development")
}

/// The local testnet's genesis state.
pub fn local_ext() -> sp_io::TestExternalities {
	ext_of("local_testnet")
}

fn merge(base: &mut serde_json::Value, patch: &mut serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
			for (k, v) in p.iter_mut() {
				merge(b.entry(k.clone()).or_insert(serde_json::Value::Null), v);
			}
		}
		(b, p) => *b = p.take(),
	}
}
