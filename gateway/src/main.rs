//! `openvpp-gateway`: the device side of OpenVPP. Generates device keys, registers devices with
//! a proof of possession or a manufacturer's certificate, simulates fleets whose readings the
//! devices (or their OCMF meters) sign, and shows their state on chain.
// A command-line tool, not runtime code: float maths and plain arithmetic are fine here.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod bench;
mod certify;
mod feed;
mod fleet;
mod rpc;
mod tx;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use openvpp_primitives::{
	keys::{DeviceKeyPair, KeyScheme},
	ocmf::MeterIdentity,
	DeviceCertificate, DeviceId, DeviceKind, DevicePublicKey, ManufacturerId, ModelId, Nameplate,
	RegionId, TimestampMs,
};
use openvpp_runtime::{AccountId, RuntimeCall};
use serde_json::json;
use sp_core::crypto::Ss58Codec;

use crate::{
	certify::CertifiedFleet,
	fleet::{FleetMember, OcmfMeter, SimDevice, CHARGING_POINT_NAMEPLATE},
	rpc::Rpc,
	tx::{sign, ChainContext, Signer},
};

/// Device gateway and fleet simulator for an OpenVPP chain.
#[derive(Parser)]
#[command(name = "openvpp-gateway", version, about)]
struct Cli {
	/// Node RPC endpoint (ws:// or http://).
	#[arg(long, global = true, default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// Print machine-readable JSON instead of text.
	#[arg(long, global = true)]
	json: bool,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Device keys.
	#[command(subcommand)]
	Keys(KeysCmd),
	/// Device registration and inspection.
	#[command(subcommand)]
	Device(DeviceCmd),
	/// Manufacturer root keys and the device certificates they sign (offline: no node needed).
	#[command(subcommand)]
	Manufacturer(ManufacturerCmd),
	/// Registers a simulated fleet (if needed) and submits its signed readings.
	Simulate(SimulateArgs),
	/// Telemetry feeds for nodes' offchain workers.
	#[command(subcommand)]
	Feed(FeedCmd),
	/// Load benchmark: finalized readings per second with batched bundles, against one
	/// extrinsic per reading, in the same run (use a dev node you can fill).
	Bench {
		/// Devices (bundles per extrinsic).
		#[arg(long, default_value_t = 64)]
		devices: u32,
		/// Readings per bundle.
		#[arg(long, default_value_t = 96)]
		readings: u32,
		/// Seconds of each phase.
		#[arg(long, default_value_t = 60)]
		seconds: u64,
		/// Owner and gateway account.
		#[arg(long, default_value = "//Alice")]
		owner: String,
		/// Key seed of the benchmark meters.
		#[arg(long, default_value = "//openvpp/bench")]
		key_seed: String,
		/// Batched extrinsics kept in the pool ahead of the chain.
		#[arg(long, default_value_t = 24)]
		in_flight: u32,
	},
	/// Shows a table of devices of an owner with their telemetry state.
	Status {
		/// Owner secret URI or SS58 address.
		#[arg(long, default_value = "//Alice")]
		owner: String,
	},
}

#[derive(Subcommand)]
enum KeysCmd {
	/// Generates a new device key.
	Generate {
		/// Signature scheme.
		#[arg(long, value_enum, default_value_t = Scheme::Sr25519)]
		scheme: Scheme,
	},
}

#[derive(Subcommand)]
enum ManufacturerCmd {
	/// Generates a manufacturer root key (a fresh random one unless `--seed` is given).
	Keygen {
		/// Signature scheme.
		#[arg(long, value_enum, default_value_t = Scheme::Sr25519)]
		scheme: Scheme,
		/// Derive the key from this secret URI (P-256: a `0x` 32-byte scalar, or any text).
		#[arg(long)]
		seed: Option<String>,
	},
	/// Signs a device certificate with a root key and prints its SCALE hex.
	Certify {
		/// Root key secret URI.
		#[arg(long)]
		root: String,
		/// Root key scheme.
		#[arg(long, value_enum, default_value_t = Scheme::Sr25519)]
		root_scheme: Scheme,
		/// Index of the root key in the manufacturer's root key list.
		#[arg(long, default_value_t = 0)]
		root_key_index: u8,
		/// Manufacturer id.
		#[arg(long)]
		manufacturer: ManufacturerId,
		/// Model id (of that manufacturer).
		#[arg(long)]
		model: ModelId,
		/// Serial number as printed on the device (an OCMF meter's `MS`).
		#[arg(long)]
		serial: String,
		/// Device public key: hex of a SCALE `DevicePublicKey`, or a meter key (DER, SEC1 or
		/// X||Y as hex, base64 or PEM).
		#[arg(long)]
		device_key: String,
		/// Usable capacity in Wh (EVs and batteries).
		#[arg(long, default_value_t = 0)]
		capacity_wh: u64,
		/// Maximum import power in W.
		#[arg(long, default_value_t = 0)]
		max_import_w: u32,
		/// Maximum export power in W.
		#[arg(long, default_value_t = 0)]
		max_export_w: u32,
		/// Start of validity, ms since the Unix epoch (default: now, less 5 minutes for
		/// clock skew).
		#[arg(long)]
		valid_from_ms: Option<TimestampMs>,
		/// Days of validity.
		#[arg(long, default_value_t = 3_650)]
		valid_days: u64,
		/// The only account that may register the device with it (SS58 or secret URI);
		/// required by models whose devices sign no proof of possession.
		#[arg(long)]
		owner: Option<String>,
	},
}

#[derive(Clone, Copy, ValueEnum)]
enum Scheme {
	Sr25519,
	Ed25519,
	/// ECDSA secp256k1.
	Ecdsa,
	/// ECDSA P-256 (secure elements, certified meters).
	P256,
}

impl From<Scheme> for KeyScheme {
	fn from(s: Scheme) -> Self {
		match s {
			Scheme::Sr25519 => KeyScheme::Sr25519,
			Scheme::Ed25519 => KeyScheme::Ed25519,
			Scheme::Ecdsa => KeyScheme::Ecdsa,
			Scheme::P256 => KeyScheme::P256,
		}
	}
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Kind {
	Ev,
	Battery,
	SolarPv,
	SmartMeter,
	Wind,
	HeatPump,
}

impl From<Kind> for DeviceKind {
	fn from(k: Kind) -> Self {
		match k {
			Kind::Ev => DeviceKind::Ev,
			Kind::Battery => DeviceKind::Battery,
			Kind::SolarPv => DeviceKind::SolarPv,
			Kind::SmartMeter => DeviceKind::SmartMeter,
			Kind::Wind => DeviceKind::Wind,
			Kind::HeatPump => DeviceKind::HeatPump,
		}
	}
}

#[derive(Subcommand)]
enum DeviceCmd {
	/// Registers a device: signs the proof of possession with the device key and submits
	/// `deviceIdentity.registerDevice` from the owner.
	Register {
		/// Owner account secret URI.
		#[arg(long, default_value = "//Alice")]
		owner: String,
		/// Device key secret URI (keep it on the device).
		#[arg(long)]
		device_key: String,
		/// Device key scheme.
		#[arg(long, value_enum, default_value_t = Scheme::Sr25519)]
		scheme: Scheme,
		/// Kind of device.
		#[arg(long, value_enum)]
		kind: Kind,
		/// Usable capacity in Wh (EVs and batteries).
		#[arg(long, default_value_t = 0)]
		capacity_wh: u64,
		/// Maximum import power in W.
		#[arg(long)]
		max_import_w: u32,
		/// Maximum export power in W.
		#[arg(long)]
		max_export_w: u32,
		/// Grid region id.
		#[arg(long, default_value_t = 1)]
		region: RegionId,
		/// Free-form metadata (e.g. manufacturer/model/firmware or a content id).
		#[arg(long, default_value = "")]
		metadata: String,
	},
	/// Shows a device's record.
	Show {
		/// Device id.
		id: DeviceId,
	},
}

/// Which fleet a command works with.
#[derive(clap::Args)]
pub struct FleetArgs {
	/// Number of devices in the fleet (kinds cycle PV, EV, battery, meter).
	#[arg(long, default_value_t = 4)]
	devices: u64,
	/// Owner and gateway account secret URI.
	#[arg(long, default_value = "//Alice")]
	owner: String,
	/// Seed of the device keys: device i uses `<seed>/<i>`.
	#[arg(long, default_value = "//openvpp/sim")]
	key_seed: String,
	/// Region of the fleet.
	#[arg(long, default_value_t = 1)]
	region: RegionId,
	/// Kinds of the devices, cycled (default: solar-pv, ev, battery, smart-meter).
	#[arg(long, value_enum, value_delimiter = ',')]
	kinds: Vec<Kind>,
	#[command(flatten)]
	certified: CertifiedArgs,
}

/// A manufacturer that certifies the fleet: its devices are then 11 kW EV charging points with
/// P-256 (OCMF) meters, registered with owner-bound certificates.
#[derive(clap::Args)]
pub struct CertifiedArgs {
	/// Manufacturer whose root key certifies the fleet's devices.
	#[arg(long, requires_all = ["model", "manufacturer_key"])]
	manufacturer: Option<ManufacturerId>,
	/// The devices' model (an EV model of P-256 keys by that manufacturer).
	#[arg(long, requires = "manufacturer")]
	model: Option<ModelId>,
	/// Secret URI of one of the manufacturer's active root keys.
	#[arg(long, requires = "manufacturer")]
	manufacturer_key: Option<String>,
	/// Scheme of the manufacturer's root key.
	#[arg(long, value_enum, default_value_t = Scheme::Sr25519)]
	manufacturer_scheme: Scheme,
}

#[derive(clap::Args)]
struct SimulateArgs {
	#[command(flatten)]
	fleet: FleetArgs,
	/// Rounds of readings to submit (each round: one bundle per device); 0 runs until
	/// interrupted.
	#[arg(long, default_value_t = 3)]
	rounds: u32,
	/// Readings per bundle.
	#[arg(long, default_value_t = 4)]
	readings: u32,
	/// Simulated time between readings of a device's first bundle, ms.
	#[arg(long, default_value_t = 15_000)]
	interval_ms: u64,
}

#[derive(Subcommand)]
enum FeedCmd {
	/// Serves the fleet's signed readings over HTTP for a node's offchain worker to pull.
	Serve {
		#[command(flatten)]
		fleet: FleetArgs,
		/// Address to listen on.
		#[arg(long, default_value = "127.0.0.1:8787")]
		listen: String,
		/// Wire format.
		#[arg(long, value_enum, default_value_t = feed::FeedFormat::Openvpp)]
		format: feed::FeedFormat,
		/// Gateway account (SS58 or secret URI) to authorize for the fleet's devices: the
		/// account of the node's `gtwy` key.
		#[arg(long)]
		authorize: Option<String>,
		/// A new bundle per device every this many ms.
		#[arg(long, default_value_t = 6_000)]
		period_ms: u64,
		/// Readings per bundle.
		#[arg(long, default_value_t = 4)]
		readings: u32,
		/// Bundles per device the feed keeps serving.
		#[arg(long, default_value_t = 8)]
		window: usize,
	},
}

type CliResult = Result<(), String>;

fn main() -> ExitCode {
	let cli = Cli::parse();
	let result = match &cli.command {
		Command::Keys(KeysCmd::Generate { scheme }) => keys_generate(&cli, *scheme),
		Command::Device(DeviceCmd::Register {
			owner,
			device_key,
			scheme,
			kind,
			capacity_wh,
			max_import_w,
			max_export_w,
			region,
			metadata,
		}) => {
			let nameplate = Nameplate {
				capacity_wh: *capacity_wh,
				max_import_w: *max_import_w,
				max_export_w: *max_export_w,
			};
			register(&cli, owner, device_key, *scheme, (*kind).into(), nameplate, *region, metadata)
		}
		Command::Device(DeviceCmd::Show { id }) => show(&cli, *id),
		Command::Manufacturer(ManufacturerCmd::Keygen { scheme, seed }) => {
			certify::keygen((*scheme).into(), seed.as_deref(), cli.json)
		}
		Command::Manufacturer(ManufacturerCmd::Certify {
			root,
			root_scheme,
			root_key_index,
			manufacturer,
			model,
			serial,
			device_key,
			capacity_wh,
			max_import_w,
			max_export_w,
			valid_from_ms,
			valid_days,
			owner,
		}) => certify::certify(
			&certify::CertifyArgs {
				root: root.clone(),
				root_scheme: (*root_scheme).into(),
				root_key_index: *root_key_index,
				manufacturer: *manufacturer,
				model: *model,
				serial: serial.clone(),
				device_key: device_key.clone(),
				nameplate: Nameplate {
					capacity_wh: *capacity_wh,
					max_import_w: *max_import_w,
					max_export_w: *max_export_w,
				},
				valid_from_ms: *valid_from_ms,
				valid_days: *valid_days,
				owner: owner.clone(),
			},
			cli.json,
		),
		Command::Simulate(args) => simulate(&cli, args),
		Command::Feed(FeedCmd::Serve {
			fleet,
			listen,
			format,
			authorize,
			period_ms,
			readings,
			window,
		}) => feed::serve(
			&cli.url,
			&feed::ServeArgs {
				listen: listen.clone(),
				format: *format,
				authorize: authorize.clone(),
				period_ms: *period_ms,
				readings: *readings,
				window: *window,
			},
			fleet,
			cli.json,
		),
		Command::Status { owner } => status(&cli, owner),
		Command::Bench { devices, readings, seconds, owner, key_seed, in_flight } => bench::run(
			&Rpc::new(&cli.url),
			&bench::BenchArgs {
				devices: *devices,
				readings: *readings,
				seconds: *seconds,
				owner: owner.clone(),
				key_seed: key_seed.clone(),
				in_flight: *in_flight,
			},
			cli.json,
		),
	};
	match result {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			if cli.json {
				println!("{}", json!({ "error": e }));
			} else {
				eprintln!("error: {e}");
			}
			ExitCode::FAILURE
		}
	}
}

fn keys_generate(cli: &Cli, scheme: Scheme) -> CliResult {
	let (secret, key) = certify::fresh_key(scheme.into());
	let public = format!("0x{}", hex::encode(key.signer().as_bytes()));
	let scheme_name = KeyScheme::from(scheme).name();
	if cli.json {
		println!("{}", json!({ "scheme": scheme_name, "secretSeed": secret, "publicKey": public }));
	} else {
		println!("scheme:      {scheme_name}\nsecret seed: {secret}\npublic key:  {public}");
		println!("Keep the secret seed on the device; register it with `openvpp-gateway device register --device-key <seed>`.");
	}
	Ok(())
}

fn nonce_of(rpc: &Rpc, owner: &AccountId) -> Result<u32, String> {
	rpc.runtime_call::<u32>("DeviceIdentityApi_registration_nonce", owner)
		.map_err(|e| e.to_string())
}

/// Registers one device and returns its id (read back through the runtime API).
fn register_device(
	rpc: &Rpc,
	ctx: &ChainContext,
	owner: &Signer,
	device: &DeviceKeyPair,
	kind: DeviceKind,
	nameplate: Nameplate,
	region: RegionId,
	metadata: Vec<u8>,
) -> Result<DeviceId, String> {
	if let Err(e) = nameplate.validate(kind) {
		return Err(format!("the nameplate is implausible for a {kind:?}: {e:?}"));
	}
	let reg_nonce = nonce_of(rpc, &owner.account)?;
	let proof = device.possession_proof(ctx.genesis, &owner.account, reg_nonce);
	let metadata =
		metadata.try_into().map_err(|_| "the metadata is longer than the chain takes")?;
	let call = RuntimeCall::DeviceIdentity(pallet_device_identity::Call::register_device {
		kind,
		nameplate,
		region,
		metadata,
		signer: device.signer(),
		proof,
	});
	submit_registration(rpc, ctx, owner, call, device.signer())
}

/// Registers one device with a manufacturer's certificate and returns its id. The device signs
/// a proof of possession only if its model asks for one (an OCMF meter cannot).
#[allow(clippy::too_many_arguments)]
fn register_certified(
	rpc: &Rpc,
	ctx: &ChainContext,
	owner: &Signer,
	device: &DeviceKeyPair,
	certificate: DeviceCertificate<AccountId>,
	proof_of_possession: bool,
	region: RegionId,
	metadata: Vec<u8>,
) -> Result<DeviceId, String> {
	let proof = if proof_of_possession {
		let reg_nonce = nonce_of(rpc, &owner.account)?;
		Some(device.possession_proof(ctx.genesis, &owner.account, reg_nonce))
	} else {
		None
	};
	let metadata =
		metadata.try_into().map_err(|_| "the metadata is longer than the chain takes")?;
	let call =
		RuntimeCall::DeviceIdentity(pallet_device_identity::Call::register_certified_device {
			region,
			metadata,
			signer: device.signer(),
			certificate,
			proof,
		});
	submit_registration(rpc, ctx, owner, call, device.signer())
}

/// Submits a registration from `owner` and waits for the device with `key` to appear.
fn submit_registration(
	rpc: &Rpc,
	ctx: &ChainContext,
	owner: &Signer,
	call: RuntimeCall,
	key: DevicePublicKey,
) -> Result<DeviceId, String> {
	let nonce = rpc.next_nonce(&owner.address()).map_err(|e| e.to_string())?;
	rpc.submit(&sign(ctx, owner, nonce, call)).map_err(|e| e.to_string())?;
	wait_for_device(rpc, &key)
}

fn wait_for_device(rpc: &Rpc, key: &DevicePublicKey) -> Result<DeviceId, String> {
	for _ in 0..40 {
		if let Some(id) = rpc
			.runtime_call::<Option<DeviceId>>("DeviceIdentityApi_device_by_key", key)
			.map_err(|e| e.to_string())?
		{
			return Ok(id);
		}
		std::thread::sleep(std::time::Duration::from_millis(500));
	}
	Err("the registration was submitted but the device did not appear within 20 s; check the node's log and the owner's balance".into())
}

#[allow(clippy::too_many_arguments)]
fn register(
	cli: &Cli,
	owner: &str,
	device_key: &str,
	scheme: Scheme,
	kind: DeviceKind,
	nameplate: Nameplate,
	region: RegionId,
	metadata: &str,
) -> CliResult {
	let rpc = Rpc::new(&cli.url);
	let ctx = ChainContext::fetch(&rpc).map_err(|e| e.to_string())?;
	let owner = Signer::from_uri(owner)?;
	let device = DeviceKeyPair::from_uri(scheme.into(), device_key)?;
	let id = register_device(
		&rpc,
		&ctx,
		&owner,
		&device,
		kind,
		nameplate,
		region,
		metadata.as_bytes().to_vec(),
	)?;
	if cli.json {
		println!("{}", json!({ "device": id, "owner": owner.address() }));
	} else {
		println!("registered device {id} ({kind:?}) owned by {}", owner.address());
	}
	Ok(())
}

fn show(cli: &Cli, id: DeviceId) -> CliResult {
	let rpc = Rpc::new(&cli.url);
	let info: Option<pallet_device_identity::DeviceInfo<AccountId>> =
		rpc.runtime_call("DeviceIdentityApi_device", id).map_err(|e| e.to_string())?;
	let Some(info) = info else { return Err(format!("device {id} is not registered")) };
	let state: Option<pallet_telemetry::TelemetryState> =
		rpc.runtime_call("TelemetryApi_telemetry_state", id).map_err(|e| e.to_string())?;
	if cli.json {
		println!(
			"{}",
			json!({ "device": id, "record": format!("{info:?}"), "telemetry": format!("{state:?}") })
		);
	} else {
		println!("device {id}: {info:#?}");
		println!("telemetry: {state:#?}");
	}
	Ok(())
}

fn status(cli: &Cli, owner: &str) -> CliResult {
	let rpc = Rpc::new(&cli.url);
	let account = tx::account_of(owner).map_err(|e| format!("--owner: {e}"))?;
	let mut ids: Vec<DeviceId> = rpc
		.runtime_call("DeviceIdentityApi_devices_of", (&account, Option::<DeviceId>::None, 1000u32))
		.map_err(|e| e.to_string())?;
	ids.sort_unstable();
	let mut rows = Vec::new();
	for id in ids {
		let info: Option<pallet_device_identity::DeviceInfo<AccountId>> =
			rpc.runtime_call("DeviceIdentityApi_device", id).map_err(|e| e.to_string())?;
		let state: Option<pallet_telemetry::TelemetryState> =
			rpc.runtime_call("TelemetryApi_telemetry_state", id).map_err(|e| e.to_string())?;
		let value: Option<pallet_settlement::DeviceValue<u128>> =
			rpc.runtime_call("SettlementApi_device_value", id).map_err(|e| e.to_string())?;
		let pending: u128 =
			rpc.runtime_call("SettlementApi_pending_rewards", id).map_err(|e| e.to_string())?;
		rows.push((id, info, state, value, pending));
	}
	if cli.json {
		let v: Vec<_> = rows
			.iter()
			.map(|(id, info, state, value, pending)| {
				json!({
					"device": id,
					"kind": info.as_ref().map(|i| format!("{:?}", i.kind)),
					"status": info.as_ref().map(|i| format!("{:?}", i.status)),
					"readings": state.as_ref().map(|s| s.last_seq + 1),
					"energyInWh": state.as_ref().map(|s| s.last_energy_in_wh),
					"energyOutWh": state.as_ref().map(|s| s.last_energy_out_wh),
					"valuePoints": value.as_ref().map(|v| v.lifetime_points.to_string()),
					"pendingRewards": pending.to_string(),
				})
			})
			.collect();
		println!("{}", serde_json::Value::Array(v));
		return Ok(());
	}
	let best = rpc.best_number().map_err(|e| e.to_string())?;
	let finalized = rpc.finalized_number().map_err(|e| e.to_string())?;
	println!("chain at #{best} (finalized #{finalized}); devices of {}", account.to_ss58check());
	println!(
		"{:>6}  {:<11} {:<10} {:>8} {:>12} {:>12} {:>6} {:>14} {:>14}",
		"device",
		"kind",
		"status",
		"readings",
		"in (Wh)",
		"out (Wh)",
		"SoC",
		"value points",
		"pending VPP"
	);
	for (id, info, state, value, pending) in rows {
		let kind = info.as_ref().map(|i| format!("{:?}", i.kind)).unwrap_or_default();
		let st = info.as_ref().map(|i| format!("{:?}", i.status)).unwrap_or_default();
		let (seq, ein, eout, soc) = match &state {
			Some(s) => (
				(s.last_seq + 1).to_string(),
				s.last_energy_in_wh.to_string(),
				s.last_energy_out_wh.to_string(),
				s.last_soc
					.map(|p| format!("{:.1}%", p.deconstruct() as f64 / 10_000.0))
					.unwrap_or_else(|| "-".into()),
			),
			None => ("0".into(), "-".into(), "-".into(), "-".into()),
		};
		let points = value.map(|v| v.lifetime_points.to_string()).unwrap_or_else(|| "-".into());
		let vpp = format!("{:.6}", pending as f64 / 1e12);
		println!(
			"{id:>6}  {kind:<11} {st:<10} {seq:>8} {ein:>12} {eout:>12} {soc:>6} {points:>14} {vpp:>14}"
		);
	}
	Ok(())
}

/// The certified fleet `args` name, checked against the chain; `None` for a self-registered
/// fleet.
fn certified_fleet(rpc: &Rpc, args: &FleetArgs) -> Result<Option<CertifiedFleet>, String> {
	let c = &args.certified;
	let (Some(manufacturer), Some(model), Some(uri)) =
		(c.manufacturer, c.model, c.manufacturer_key.as_deref())
	else {
		return Ok(None);
	};
	if !args.kinds.is_empty() {
		return Err("--kinds does not apply to a certified fleet: its model sets the kind".into());
	}
	let key = DeviceKeyPair::from_uri(c.manufacturer_scheme.into(), uri)
		.map_err(|e| format!("--manufacturer-key: {e}"))?;
	CertifiedFleet::resolve(rpc, manufacturer, model, key, CHARGING_POINT_NAMEPLATE).map(Some)
}

/// Serial number of the `i`-th meter of a certified fleet: deterministic per key seed and
/// index, so a restarted gateway finds the same serials its certificates named.
pub fn meter_serial(key_seed: &str, i: u64) -> String {
	use sp_runtime::traits::{BlakeTwo256, Hash};
	let seed_hash = BlakeTwo256::hash(key_seed.as_bytes());
	format!("OVPP-EM-{}-{i:04}", hex::encode_upper(&seed_hash.as_bytes()[..4]))
}

/// What the `i`-th meter of a certified fleet writes into its OCMF records.
fn meter_identity(
	key_seed: &str,
	i: u64,
	model: &pallet_device_identity::ModelInfo,
) -> MeterIdentity {
	let serial = meter_serial(key_seed, i);
	let model_name =
		String::from_utf8(model.name.clone()).unwrap_or_else(|_| format!("model {}", model.id));
	MeterIdentity {
		gateway_id: format!("OPENVPP-CP-{i:04}"),
		gateway_serial: format!("{serial}-CP"),
		vendor: "OpenVPP".into(),
		model: model_name,
		serial,
	}
}

/// Registers (or finds) the fleet's devices and resumes each from its state on chain.
///
/// A self-registered fleet cycles through the kinds with sr25519 keys and proofs of
/// possession; a certified one (`--manufacturer`) is EV charging points with P-256 meter keys,
/// each registered with an owner-bound certificate the manufacturer's key signs here.
pub fn prepare_fleet(
	rpc: &Rpc,
	ctx: &ChainContext,
	owner: &Signer,
	args: &FleetArgs,
	progress: &indicatif::ProgressBar,
) -> Result<Vec<FleetMember>, String> {
	let certified = certified_fleet(rpc, args)?;
	let mut fleet = Vec::new();
	for i in 0..args.devices {
		let uri = format!("{}/{i}", args.key_seed);
		let (key, sim, meter) = match &certified {
			None => {
				let sim = match args.kinds.get((i as usize) % args.kinds.len().max(1)) {
					Some(kind) => SimDevice::new((*kind).into(), 42 + i),
					None => SimDevice::for_index(i, 42),
				};
				(DeviceKeyPair::from_uri(KeyScheme::Sr25519, &uri)?, sim, None)
			}
			Some(c) => (
				DeviceKeyPair::from_uri(KeyScheme::P256, &uri)?,
				SimDevice::charging_point(42 + i),
				Some(OcmfMeter::new(meter_identity(&args.key_seed, i, &c.model), 42 + i)),
			),
		};
		let existing: Option<DeviceId> = rpc
			.runtime_call("DeviceIdentityApi_device_by_key", key.signer())
			.map_err(|e| e.to_string())?;
		let id = match (existing, &certified, &meter) {
			(Some(id), _, _) => id,
			(None, Some(c), Some(meter)) => {
				let certificate = c.certificate_for(
					&owner.account,
					key.signer(),
					&meter.identity.serial,
					sim.nameplate,
				)?;
				register_certified(
					rpc,
					ctx,
					owner,
					&key,
					certificate,
					c.model.proof_of_possession,
					args.region,
					format!("openvpp-ocmf/{i}").into_bytes(),
				)?
			}
			_ => register_device(
				rpc,
				ctx,
				owner,
				&key,
				sim.kind,
				sim.nameplate,
				args.region,
				format!("openvpp-sim/{i}").into_bytes(),
			)?,
		};
		let info: Option<pallet_device_identity::DeviceInfo<AccountId>> =
			rpc.runtime_call("DeviceIdentityApi_device", id).map_err(|e| e.to_string())?;
		let commissioned_ms = info.map_or(0, |i| i.commissioned_ms);
		let mut member =
			FleetMember { id, key, sim, next_seq: 0, last_ms: 0, commissioned_ms, meter };
		member.resume_from(telemetry_state(rpc, id)?.as_ref());
		fleet.push(member);
		progress.inc(1);
	}
	Ok(fleet)
}

/// The dispatch of the demand-response event a device is enrolled in, if any.
fn dispatch_of(rpc: &Rpc, id: DeviceId) -> Result<Option<fleet::Dispatch>, String> {
	let profile: Option<pallet_v2g::StorageProfile> =
		rpc.runtime_call("V2gApi_storage_profile", id).map_err(|e| e.to_string())?;
	let Some(event_id) = profile.and_then(|p| p.history.active_event) else { return Ok(None) };
	let event: Option<pallet_v2g::DrEvent<AccountId, openvpp_runtime::Balance>> =
		rpc.runtime_call("V2gApi_event", event_id).map_err(|e| e.to_string())?;
	let enrollment: Option<pallet_v2g::Enrollment<openvpp_runtime::Balance>> =
		rpc.runtime_call("V2gApi_enrollment", (event_id, id)).map_err(|e| e.to_string())?;
	Ok(event.zip(enrollment).and_then(|(e, en)| {
		(en.status == pallet_v2g::EnrollmentStatus::Enrolled).then(|| fleet::Dispatch {
			direction: e.direction,
			power_w: en.committed_power_w,
			soc_floor: f64::from(en.soc_floor.deconstruct()) / 1_000_000.0,
			start_ms: e.window_start_ms,
			end_ms: e.window_end_ms,
		})
	}))
}

fn telemetry_state(
	rpc: &Rpc,
	id: DeviceId,
) -> Result<Option<pallet_telemetry::TelemetryState>, String> {
	rpc.runtime_call("TelemetryApi_telemetry_state", id).map_err(|e| e.to_string())
}

fn simulate(cli: &Cli, args: &SimulateArgs) -> CliResult {
	check_readings_per_bundle(args.readings)?;
	let rpc = Rpc::new(&cli.url);
	let ctx = ChainContext::fetch(&rpc).map_err(|e| e.to_string())?;
	let owner = Signer::from_uri(&args.fleet.owner)?;
	let forever = args.rounds == 0;
	let progress = if cli.json {
		indicatif::ProgressBar::hidden()
	} else if forever {
		indicatif::ProgressBar::new_spinner()
	} else {
		indicatif::ProgressBar::new(args.fleet.devices + u64::from(args.rounds))
	};
	progress.set_style(
		indicatif::ProgressStyle::with_template("{msg:<24} [{bar:30}] {pos}/{len}")
			.unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
	);

	progress.set_message("registering devices");
	let mut fleet = prepare_fleet(&rpc, &ctx, &owner, &args.fleet, &progress)?;

	// Submit rounds of signed bundles, one extrinsic per round.
	progress.set_message("submitting readings");
	let mut submitted_readings = 0u64;
	let mut round = 0u32;
	while forever || round < args.rounds {
		round = round.saturating_add(1);
		if forever {
			progress.set_message(format!("round {round}: {submitted_readings} readings submitted"));
		}
		let now = now_ms();
		for member in fleet.iter_mut() {
			// Continue from what the chain accepted (a rejected bundle is simply re-covered).
			member.resume_from(telemetry_state(&rpc, member.id)?.as_ref());
			// Storage follows the demand-response event it is enrolled in.
			if member.sim.kind.is_storage() {
				member.sim.dispatch = dispatch_of(&rpc, member.id)?;
			}
		}
		// A device registered moments ago has nothing to report yet: a round carries the
		// whole fleet, so it waits until every device has.
		if !fleet.iter().all(|member| member.has_news(now, args.readings, args.interval_ms)) {
			round = round.saturating_sub(1);
			std::thread::sleep(std::time::Duration::from_millis(1_000));
			continue;
		}
		let mut bundles = Vec::new();
		for member in fleet.iter_mut() {
			bundles.push(member.next_bundle(ctx.genesis, now, args.readings, args.interval_ms)?);
			submitted_readings += u64::from(args.readings);
		}
		if bundles.is_empty() {
			return Err("the fleet has no devices".into());
		}
		let call = RuntimeCall::Telemetry(pallet_telemetry::Call::submit {
			bundles: bundles.try_into().map_err(|_| "too many devices for one extrinsic")?,
		});
		let nonce = rpc.next_nonce(&owner.address()).map_err(|e| e.to_string())?;
		let xt = sign(&ctx, &owner, nonce, call);
		rpc.submit(&xt).map_err(|e| e.to_string())?;
		progress.inc(1);
		// One round per block.
		std::thread::sleep(std::time::Duration::from_millis(6_500));
	}
	progress.finish_and_clear();
	if cli.json {
		println!(
			"{}",
			json!({ "devices": fleet.iter().map(|f| f.id).collect::<Vec<_>>(), "readingsSubmitted": submitted_readings })
		);
	} else {
		println!(
			"fleet of {} devices submitted {} signed readings in {} extrinsics; see `openvpp-gateway status --owner {}`",
			fleet.len(),
			submitted_readings,
			args.rounds,
			args.fleet.owner
		);
	}
	Ok(())
}

/// Checks a readings-per-bundle option against what the runtime accepts.
pub fn check_readings_per_bundle(readings: u32) -> CliResult {
	let max = <fleet::MaxReadings as sp_core::Get<u32>>::get();
	if (1..=max).contains(&readings) {
		Ok(())
	} else {
		Err(format!("--readings must be between 1 and {max} (readings per bundle)"))
	}
}

/// Wall-clock time, ms since the Unix epoch.
pub fn now_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_millis() as u64)
		.unwrap_or(0)
}
