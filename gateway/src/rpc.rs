//! A small blocking JSON-RPC client over HTTP (the node serves HTTP and WebSocket on one port).

use codec::{Decode, Encode};
use serde_json::{json, Value};
use sp_core::H256;

/// Errors talking to the node, worded for the person at the terminal.
#[derive(Debug)]
pub enum RpcError {
	/// Nothing answered at the URL.
	Unreachable(String),
	/// The node answered with a JSON-RPC error.
	Node { method: String, message: String },
	/// The answer could not be understood.
	BadResponse(String),
}

impl std::fmt::Display for RpcError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			RpcError::Unreachable(url) => write!(
				f,
				"cannot reach an OpenVPP node at {url} (is it running? start one with scripts/run-dev.sh)"
			),
			RpcError::Node { method, message } => write!(f, "the node refused {method}: {message}"),
			RpcError::BadResponse(m) => write!(f, "unexpected answer from the node: {m}"),
		}
	}
}

impl std::error::Error for RpcError {}

/// JSON-RPC client bound to one node.
pub struct Rpc {
	url: String,
	agent: ureq::Agent,
}

impl Rpc {
	/// Client for `url`; `ws://` URLs are turned into their `http://` twin.
	pub fn new(url: &str) -> Self {
		let url = url.replacen("ws://", "http://", 1).replacen("wss://", "https://", 1);
		let agent = ureq::AgentBuilder::new()
			.timeout_connect(std::time::Duration::from_secs(5))
			.timeout(std::time::Duration::from_secs(60))
			.build();
		Self { url, agent }
	}

	/// Calls `method` with `params` and returns the `result`.
	pub fn call(&self, method: &str, params: Value) -> Result<Value, RpcError> {
		let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
		let response = match self.agent.post(&self.url).send_json(body) {
			Ok(r) => r,
			Err(ureq::Error::Status(code, r)) => {
				let text = r.into_string().unwrap_or_default();
				return Err(RpcError::BadResponse(format!("HTTP {code}: {text}")));
			}
			Err(ureq::Error::Transport(_)) => return Err(RpcError::Unreachable(self.url.clone())),
		};
		let value: Value =
			response.into_json().map_err(|e| RpcError::BadResponse(e.to_string()))?;
		if let Some(err) = value.get("error") {
			let message = err.get("message").and_then(Value::as_str).unwrap_or("").to_string();
			let data = err.get("data").map(|d| d.to_string()).unwrap_or_default();
			return Err(RpcError::Node {
				method: method.to_string(),
				message: if data.is_empty() { message } else { format!("{message} ({data})") },
			});
		}
		value.get("result").cloned().ok_or_else(|| RpcError::BadResponse("no result".into()))
	}

	/// Genesis hash of the chain.
	pub fn genesis_hash(&self) -> Result<H256, RpcError> {
		let v = self.call("chain_getBlockHash", json!([0]))?;
		parse_h256(&v)
	}

	/// Best block number.
	pub fn best_number(&self) -> Result<u64, RpcError> {
		let header = self.call("chain_getHeader", json!([]))?;
		let n = header
			.get("number")
			.and_then(Value::as_str)
			.ok_or_else(|| RpcError::BadResponse("header without number".into()))?;
		u64::from_str_radix(n.trim_start_matches("0x"), 16)
			.map_err(|e| RpcError::BadResponse(e.to_string()))
	}

	/// Finalized block number.
	pub fn finalized_number(&self) -> Result<u64, RpcError> {
		let hash = self.finalized_hash()?;
		let header = self.call("chain_getHeader", json!([format!("{hash:?}")]))?;
		let n = header
			.get("number")
			.and_then(Value::as_str)
			.ok_or_else(|| RpcError::BadResponse("header without number".into()))?;
		u64::from_str_radix(n.trim_start_matches("0x"), 16)
			.map_err(|e| RpcError::BadResponse(e.to_string()))
	}

	/// Hash of the last finalized block.
	pub fn finalized_hash(&self) -> Result<H256, RpcError> {
		let v = self.call("chain_getFinalizedHead", json!([]))?;
		parse_h256(&v)
	}

	/// `(spec_version, transaction_version)` of the runtime.
	pub fn runtime_versions(&self) -> Result<(u32, u32), RpcError> {
		let v = self.call("state_getRuntimeVersion", json!([]))?;
		let get = |k: &str| {
			v.get(k)
				.and_then(Value::as_u64)
				.and_then(|x| u32::try_from(x).ok())
				.ok_or_else(|| RpcError::BadResponse(format!("runtime version without {k}")))
		};
		Ok((get("specVersion")?, get("transactionVersion")?))
	}

	/// Next nonce of an account, counting transactions in the pool.
	pub fn next_nonce(&self, ss58: &str) -> Result<u32, RpcError> {
		let v = self.call("system_accountNextIndex", json!([ss58]))?;
		v.as_u64()
			.and_then(|x| u32::try_from(x).ok())
			.ok_or_else(|| RpcError::BadResponse("nonce is not a number".into()))
	}

	/// Submits an encoded extrinsic; returns its hash.
	pub fn submit(&self, extrinsic: &[u8]) -> Result<H256, RpcError> {
		let v =
			self.call("author_submitExtrinsic", json!([format!("0x{}", hex::encode(extrinsic))]))?;
		parse_h256(&v)
	}

	/// Calls runtime API `method` with SCALE-encoded `args` at the best block and decodes the
	/// answer.
	pub fn runtime_call<R: Decode>(&self, method: &str, args: impl Encode) -> Result<R, RpcError> {
		self.runtime_call_at(method, args, None)
	}

	/// Calls runtime API `method` at block `at` (the best block when `None`).
	pub fn runtime_call_at<R: Decode>(
		&self,
		method: &str,
		args: impl Encode,
		at: Option<H256>,
	) -> Result<R, RpcError> {
		let data = format!("0x{}", hex::encode(args.encode()));
		let params = match at {
			Some(hash) => json!([method, data, format!("{hash:?}")]),
			None => json!([method, data]),
		};
		let v = self.call("state_call", params)?;
		let bytes = parse_hex(&v)?;
		R::decode(&mut &bytes[..])
			.map_err(|e| RpcError::BadResponse(format!("{method} answer does not decode: {e}")))
	}
}

fn parse_hex(v: &Value) -> Result<Vec<u8>, RpcError> {
	let s = v.as_str().ok_or_else(|| RpcError::BadResponse("expected a hex string".into()))?;
	hex::decode(s.trim_start_matches("0x")).map_err(|e| RpcError::BadResponse(e.to_string()))
}

fn parse_h256(v: &Value) -> Result<H256, RpcError> {
	let bytes = parse_hex(v)?;
	if bytes.len() != 32 {
		return Err(RpcError::BadResponse("expected a 32-byte hash".into()));
	}
	Ok(H256::from_slice(&bytes))
}
