//! JSON-RPC: the standard Substrate methods, transaction payment, account nonces and the
//! `openvpp_*` methods (devices and telemetry, grid services and certificates, feeds).

use std::sync::Arc;

use jsonrpsee::RpcModule;
use openvpp_runtime::{opaque::Block, AccountId, Balance, Nonce};
use sc_client_api::BlockchainEvents;
use sc_rpc::SubscriptionTaskExecutor;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

use crate::{
	feeds_rpc::{Feeds, FeedsApiServer},
	grid_rpc::{Grid, GridApiServer},
	openvpp_rpc::{OpenVpp, OpenVppApiServer},
};

/// What the RPC handlers need from the node.
pub struct FullDeps<C, P, S> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The offchain database (telemetry history), when the backend has one.
	pub offchain_db: Option<S>,
	/// Runs subscription tasks.
	pub executor: SubscriptionTaskExecutor,
}

/// Builds the RPC module with every extension.
pub fn create_full<C, P, S>(
	deps: FullDeps<C, P, S>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ BlockchainEvents<Block>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ BlockBuilder<Block>
		+ pallet_device_identity::runtime_api::DeviceIdentityApi<Block, AccountId>
		+ pallet_telemetry::runtime_api::TelemetryApi<Block, AccountId>
		+ pallet_settlement::runtime_api::SettlementApi<Block, AccountId, Balance>
		+ pallet_v2g::runtime_api::V2gApi<Block, AccountId, Balance>,
	P: TransactionPool + 'static,
	S: sp_core::offchain::OffchainStorage + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, offchain_db, executor } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(OpenVpp::new(client.clone(), offchain_db.clone(), executor).into_rpc())?;
	module.merge(Grid::new(client).into_rpc())?;
	module.merge(Feeds::new(offchain_db).into_rpc())?;

	Ok(module)
}
