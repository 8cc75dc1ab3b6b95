//! Runtime APIs the node, Polkadot.js and the `openvpp_*` RPC call.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult, ExtrinsicInclusionMode,
};
use sp_version::RuntimeVersion;

use openvpp_primitives::{DeviceId, RegionId};

use crate::{
	AccountId, Aura, Balance, Block, DeviceIdentity, Executive, Grandpa, InherentDataExt, Nonce,
	Runtime, RuntimeCall, RuntimeGenesisConfig, Settlement, System, Telemetry, TransactionPayment,
	V2g, VERSION,
};
#[cfg(feature = "runtime-benchmarks")]
use crate::{AllPalletsWithSystem, Balances, Timestamp};

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			crate::opaque::SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			crate::opaque::SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			// Without a session pallet there is no key-ownership proof to give.
			None
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}

	impl pallet_device_identity::runtime_api::DeviceIdentityApi<Block, AccountId> for Runtime {
		fn device(id: DeviceId) -> Option<pallet_device_identity::DeviceInfo<AccountId>> {
			DeviceIdentity::device_info(id)
		}
		fn device_by_key(signer: openvpp_primitives::DevicePublicKey) -> Option<DeviceId> {
			DeviceIdentity::device_by_key(signer)
		}
		fn devices_of(owner: AccountId, start_after: Option<DeviceId>, limit: u32) -> Vec<DeviceId> {
			DeviceIdentity::devices_of(owner, start_after, limit)
		}
		fn region(id: RegionId) -> Option<pallet_device_identity::RegionInfo> {
			DeviceIdentity::region_info(id)
		}
		fn regions(start_after: Option<RegionId>, limit: u32) -> Vec<pallet_device_identity::RegionInfo> {
			DeviceIdentity::regions(start_after, limit)
		}
		fn certifiers(
			start_after: Option<AccountId>,
			limit: u32,
		) -> Vec<pallet_device_identity::CertifierInfo<AccountId>> {
			DeviceIdentity::certifiers(start_after, limit)
		}
		fn attestations(id: DeviceId) -> Vec<(AccountId, pallet_device_identity::Attestation)> {
			DeviceIdentity::attestations_of(id)
		}
		fn registration_nonce(owner: AccountId) -> u32 {
			DeviceIdentity::registration_nonce(owner)
		}
		fn manufacturer(id: openvpp_primitives::ManufacturerId) -> Option<pallet_device_identity::ManufacturerInfo> {
			DeviceIdentity::manufacturer_info(id)
		}
		fn manufacturers(
			start_after: Option<openvpp_primitives::ManufacturerId>,
			limit: u32,
		) -> Vec<pallet_device_identity::ManufacturerInfo> {
			DeviceIdentity::manufacturers(start_after, limit)
		}
		fn model(id: openvpp_primitives::ModelId) -> Option<pallet_device_identity::ModelInfo> {
			DeviceIdentity::model_info(id)
		}
		fn models(
			start_after: Option<openvpp_primitives::ModelId>,
			limit: u32,
		) -> Vec<pallet_device_identity::ModelInfo> {
			DeviceIdentity::models(start_after, limit)
		}
		fn attestation_chain(id: DeviceId) -> Option<pallet_device_identity::AttestationChain> {
			DeviceIdentity::attestation_chain(id)
		}
	}

	impl pallet_telemetry::runtime_api::TelemetryApi<Block, AccountId> for Runtime {
		fn telemetry_state(device: DeviceId) -> Option<pallet_telemetry::TelemetryState> {
			Telemetry::telemetry_state(device)
		}
		fn quality(device: DeviceId) -> Option<pallet_telemetry::QualityCounters> {
			Telemetry::quality(device)
		}
		fn gateway_quality(gateway: AccountId) -> Option<pallet_telemetry::GatewayCounters> {
			Telemetry::gateway_quality(&gateway)
		}
		fn limits() -> pallet_telemetry::TelemetryLimits {
			Telemetry::limits()
		}
		fn verify_ocmf(
			record: Vec<u8>,
			key: openvpp_primitives::DevicePublicKey,
		) -> Result<pallet_telemetry::OcmfVerdict, openvpp_primitives::ocmf::OcmfError> {
			Telemetry::verify_ocmf(&record, &key)
		}
	}

	impl pallet_settlement::runtime_api::SettlementApi<Block, AccountId, Balance> for Runtime {
		fn pending_rewards(device: DeviceId) -> Balance {
			Settlement::pending_rewards(device)
		}
		fn epoch_info() -> pallet_settlement::EpochStatus<Balance> {
			Settlement::epoch_status()
		}
		fn valuation_table() -> pallet_settlement::ValuationTable<Balance> {
			Settlement::valuation_table()
		}
		fn credit_score(device: DeviceId) -> Option<u16> {
			Settlement::credit_score(device)
		}
		fn device_value(device: DeviceId) -> Option<pallet_settlement::DeviceValue<Balance>> {
			Settlement::device_value(device)
		}
		fn certificates_of(
			owner: AccountId,
		) -> Vec<(pallet_settlement::CertificateId, pallet_settlement::Certificate<AccountId, Balance>)> {
			Settlement::certificates_of(&owner)
		}
		fn retirements_of(
			consumer: AccountId,
			from_hour: pallet_settlement::HourIndex,
			to_hour: pallet_settlement::HourIndex,
		) -> Vec<(pallet_settlement::HourIndex, pallet_settlement::Retirement)> {
			Settlement::retirements_of(&consumer, from_hour, to_hour)
		}
	}

	impl pallet_v2g::runtime_api::V2gApi<Block, AccountId, Balance> for Runtime {
		fn event(id: pallet_v2g::EventId) -> Option<pallet_v2g::DrEvent<AccountId, Balance>> {
			V2g::event(id)
		}
		fn events_in_region(
			region: RegionId,
			start_after: Option<pallet_v2g::EventId>,
			limit: u32,
		) -> Vec<(pallet_v2g::EventId, pallet_v2g::DrEvent<AccountId, Balance>)> {
			V2g::events_in_region(region, start_after, limit)
		}
		fn enrollment(
			event: pallet_v2g::EventId,
			device: DeviceId,
		) -> Option<pallet_v2g::Enrollment<Balance>> {
			V2g::enrollment(event, device)
		}
		fn operators(region: RegionId) -> Vec<AccountId> {
			V2g::operators_of(region)
		}
		fn ev_profile(device: DeviceId) -> Option<pallet_v2g::EvProfile> {
			V2g::ev_profile(device)
		}
		fn storage_profile(device: DeviceId) -> Option<pallet_v2g::StorageProfile> {
			V2g::storage_profile(device)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			let storage_info = AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::WhitelistedStorageKeys;
			use sp_storage::TrackedStorageKey;

			let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}
}
