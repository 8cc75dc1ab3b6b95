//! `openvpp-gateway feed serve`: an HTTP feed of a simulated fleet's signed readings, in
//! OpenVPP bundle JSON or as OCPP 2.0.1 `MeterValuesRequest`s, for a node's offchain worker to
//! pull (`openvpp-node --telemetry-feed http://HOST:PORT/feed`).
//!
//! The feed serves a sliding window of each device's latest bundles (like a meter backend
//! that keeps recent data until it ages out): the node submits what is new and skips the rest.

use std::{
	collections::VecDeque,
	io::{BufRead, BufReader, Write},
	net::{TcpListener, TcpStream},
	sync::{Arc, Mutex},
	time::Duration,
};

use openvpp_primitives::{
	feed::{self, FeedDocument, MeterValuesRequest, OPENVPP_FORMAT},
	Bundle,
};
use openvpp_runtime::{AccountId, RuntimeCall};
use serde_json::json;
use sp_core::{crypto::Ss58Codec, Pair};

use crate::{
	fleet::{FleetMember, MaxReadings},
	rpc::Rpc,
	tx::{sign, ChainContext, Signer},
	CliResult,
};

/// Wire format of the feed.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FeedFormat {
	/// OpenVPP bundle JSON (`openvpp.bundles.v1`).
	Openvpp,
	/// OCPP 2.0.1 `MeterValuesRequest` array with the bundle as the signed meter value.
	Ocpp,
}

/// Options of `feed serve`.
pub struct ServeArgs {
	pub listen: String,
	pub format: FeedFormat,
	pub authorize: Option<String>,
	pub period_ms: u64,
	pub readings: u32,
	pub window: usize,
}

/// Bundles each device has served recently, oldest first.
type Window = Vec<(FleetMember, VecDeque<Bundle<MaxReadings>>)>;

/// Raw public key of a device key.
fn public_bytes(key: &openvpp_primitives::keys::DeviceKeyPair) -> Vec<u8> {
	key.signer().as_bytes().to_vec()
}

/// Resolves `--authorize`: an SS58 address or a secret URI.
fn account_of(who: &str) -> Result<AccountId, String> {
	if let Ok(account) = AccountId::from_ss58check(who) {
		return Ok(account);
	}
	sp_core::sr25519::Pair::from_string(who, None)
		.map(|p| {
			sp_runtime::traits::IdentifyAccount::into_account(sp_runtime::MultiSigner::from(
				p.public(),
			))
		})
		.map_err(|_| format!("--authorize {who:?} is neither an SS58 address nor a secret URI"))
}

/// Authorizes `gateway` for every fleet device that does not have it yet, in one batch.
fn authorize(
	rpc: &Rpc,
	ctx: &ChainContext,
	owner: &Signer,
	fleet: &[FleetMember],
	gateway: &AccountId,
) -> Result<(), String> {
	let has_gateway = |id| -> Result<bool, String> {
		let info: Option<pallet_device_identity::DeviceInfo<AccountId>> =
			rpc.runtime_call("DeviceIdentityApi_device", id).map_err(|e| e.to_string())?;
		Ok(info.is_some_and(|i| i.gateways.contains(gateway)))
	};
	let mut missing = Vec::new();
	for member in fleet {
		if !has_gateway(member.id)? {
			missing.push(member.id);
		}
	}
	if missing.is_empty() {
		return Ok(());
	}
	let calls = missing
		.iter()
		.map(|id| {
			RuntimeCall::DeviceIdentity(pallet_device_identity::Call::authorize_gateway {
				id: *id,
				gateway: gateway.clone().into(),
			})
		})
		.collect();
	let call = RuntimeCall::Utility(pallet_utility::Call::batch_all { calls });
	let nonce = rpc.next_nonce(&owner.address()).map_err(|e| e.to_string())?;
	rpc.submit(&sign(ctx, owner, nonce, call)).map_err(|e| e.to_string())?;
	for _ in 0..60 {
		std::thread::sleep(Duration::from_millis(500));
		if has_gateway(missing[missing.len() - 1])? {
			return Ok(());
		}
	}
	Err("the gateway authorization was submitted but did not take effect within 30 s".into())
}

/// The response body for the current window.
fn render(window: &Window, format: FeedFormat) -> Result<Vec<u8>, String> {
	let bundles = window.iter().flat_map(|(_, q)| q.iter());
	let body = match format {
		FeedFormat::Openvpp => serde_json::to_vec(&FeedDocument {
			format: OPENVPP_FORMAT.into(),
			bundles: bundles.filter_map(feed::bundle_to_json).collect(),
		}),
		FeedFormat::Ocpp => {
			let requests: Vec<MeterValuesRequest> = window
				.iter()
				.enumerate()
				.map(|(evse, (member, queue))| MeterValuesRequest {
					evse_id: evse as i64 + 1,
					meter_value: queue
						.iter()
						.filter_map(|b| {
							feed::bundle_to_meter_value(b, "SR25519", &public_bytes(&member.key))
						})
						.collect(),
				})
				.collect();
			serde_json::to_vec(&requests)
		}
	};
	body.map_err(|e| e.to_string())
}

fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) {
	let head = format!(
		"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
		body.len()
	);
	// A client that went away is not the feed's problem.
	let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
}

fn serve_one(mut stream: TcpStream, window: &Mutex<Window>, format: FeedFormat) {
	let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
	let mut reader = BufReader::new(match stream.try_clone() {
		Ok(s) => s,
		Err(_) => return,
	});
	let mut request_line = String::new();
	if reader.read_line(&mut request_line).is_err() {
		return;
	}
	// Drain the headers.
	let mut line = String::new();
	while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
		line.clear();
	}
	let mut parts = request_line.split_whitespace();
	let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
	match (method, path) {
		("GET", "/health") => respond(&mut stream, "200 OK", "text/plain", b"ok"),
		("GET", "/feed") => {
			let body = match window.lock() {
				Ok(w) => render(&w, format),
				Err(_) => Err("feed state poisoned".into()),
			};
			match body {
				Ok(body) => respond(&mut stream, "200 OK", "application/json", &body),
				Err(e) => {
					respond(&mut stream, "500 Internal Server Error", "text/plain", e.as_bytes())
				}
			}
		}
		("GET", _) => respond(&mut stream, "404 Not Found", "text/plain", b"GET /feed or /health"),
		_ => respond(&mut stream, "405 Method Not Allowed", "text/plain", b"GET only"),
	}
}

/// Runs the feed until interrupted.
pub fn serve(
	url: &str,
	args: &ServeArgs,
	fleet_args: &crate::FleetArgs,
	json_out: bool,
) -> CliResult {
	crate::check_readings_per_bundle(args.readings)?;
	if args.period_ms < 1_000 {
		return Err("--period-ms must be at least 1000".into());
	}
	let rpc = Rpc::new(url);
	let ctx = ChainContext::fetch(&rpc).map_err(|e| e.to_string())?;
	let owner = Signer::from_uri(&fleet_args.owner)?;
	let listener = TcpListener::bind(&args.listen)
		.map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
	let fleet =
		crate::prepare_fleet(&rpc, &ctx, &owner, fleet_args, &indicatif::ProgressBar::hidden())?;
	if let Some(who) = &args.authorize {
		authorize(&rpc, &ctx, &owner, &fleet, &account_of(who)?)?;
	}
	let ids: Vec<u64> = fleet.iter().map(|m| m.id).collect();
	let window: Arc<Mutex<Window>> =
		Arc::new(Mutex::new(fleet.into_iter().map(|m| (m, VecDeque::new())).collect()));

	// Each period every device signs a new bundle covering the time since its last reading.
	let producer = {
		let window = window.clone();
		let (readings, period, keep) = (args.readings, args.period_ms, args.window.max(1));
		std::thread::spawn(move || loop {
			if let Ok(mut w) = window.lock() {
				let now = crate::now_ms();
				for (member, queue) in w.iter_mut() {
					match member.next_bundle(ctx.genesis, now, readings, 15_000) {
						Ok(bundle) => {
							queue.push_back(bundle);
							while queue.len() > keep {
								queue.pop_front();
							}
						}
						Err(e) => eprintln!("device {}: {e}", member.id),
					}
				}
			}
			std::thread::sleep(Duration::from_millis(period));
		})
	};
	let local = listener.local_addr().map_err(|e| e.to_string())?;
	if json_out {
		println!("{}", json!({ "listening": format!("http://{local}/feed"), "devices": ids }));
	} else {
		println!(
			"serving {} devices at http://{local}/feed ({}); add it to a node with --telemetry-feed or openvpp_addFeed",
			ids.len(),
			match args.format {
				FeedFormat::Openvpp => "OpenVPP bundle JSON",
				FeedFormat::Ocpp => "OCPP 2.0.1 MeterValuesRequest",
			}
		);
	}
	for stream in listener.incoming() {
		match stream {
			Ok(stream) => serve_one(stream, &window, args.format),
			Err(e) => eprintln!("connection failed: {e}"),
		}
		if producer.is_finished() {
			return Err("the reading producer stopped".into());
		}
	}
	Ok(())
}
