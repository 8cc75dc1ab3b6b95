//! Builds and signs OpenVPP transactions with the runtime's own types.

use codec::Encode;
use openvpp_runtime::{RuntimeCall, SignedPayload, TxExtension, UncheckedExtrinsic};
use sp_core::{crypto::Ss58Codec, sr25519, Pair, H256};
use sp_runtime::{generic::Era, traits::IdentifyAccount, MultiSignature, MultiSigner};

use crate::rpc::{Rpc, RpcError};

/// An account that signs transactions (the gateway operator or a device owner).
pub struct Signer {
	pair: sr25519::Pair,
	/// Its address.
	pub account: openvpp_runtime::AccountId,
}

impl Signer {
	/// From a secret URI such as `//Alice` or a mnemonic.
	pub fn from_uri(uri: &str) -> Result<Self, String> {
		let pair = sr25519::Pair::from_string(uri, None)
			.map_err(|e| format!("invalid account secret {uri:?}: {e:?}"))?;
		let account = MultiSigner::Sr25519(pair.public()).into_account();
		Ok(Self { pair, account })
	}

	/// SS58 address.
	pub fn address(&self) -> String {
		self.account.to_ss58check()
	}
}

/// Resolves an account given as an SS58 address or as a secret URI (sr25519).
pub fn account_of(who: &str) -> Result<openvpp_runtime::AccountId, String> {
	if let Ok(account) = openvpp_runtime::AccountId::from_ss58check(who) {
		return Ok(account);
	}
	sr25519::Pair::from_string(who, None)
		.map(|p| MultiSigner::Sr25519(p.public()).into_account())
		.map_err(|_| format!("{who:?} is neither an SS58 address nor a secret URI"))
}

/// What a transaction must commit to besides the call.
#[derive(Clone, Copy)]
pub struct ChainContext {
	/// Genesis hash.
	pub genesis: H256,
	/// Runtime spec version.
	pub spec_version: u32,
	/// Transaction version.
	pub tx_version: u32,
}

impl ChainContext {
	/// Reads the context from the node.
	pub fn fetch(rpc: &Rpc) -> Result<Self, RpcError> {
		let genesis = rpc.genesis_hash()?;
		let (spec_version, tx_version) = rpc.runtime_versions()?;
		Ok(Self { genesis, spec_version, tx_version })
	}
}

/// Signs `call` by `signer` with `nonce` (immortal, no tip) and encodes the extrinsic.
pub fn sign(ctx: &ChainContext, signer: &Signer, nonce: u32, call: RuntimeCall) -> Vec<u8> {
	let extension: TxExtension = (
		frame_system::AuthorizeCall::new(),
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(Era::Immortal),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(0),
		frame_system::WeightReclaim::new(),
	);
	let implicit =
		((), (), ctx.spec_version, ctx.tx_version, ctx.genesis, ctx.genesis, (), (), (), ());
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(|bytes| MultiSignature::Sr25519(signer.pair.sign(bytes)));
	let xt = UncheckedExtrinsic::new_signed(
		call,
		sp_runtime::MultiAddress::Id(signer.account.clone()),
		signature,
		extension,
	);
	xt.encode()
}
