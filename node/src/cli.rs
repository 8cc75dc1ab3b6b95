//! Command-line interface of the node.

/// Subcommands besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management (generate, inspect, insert into the keystore).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (`--chain staging:<key file>`: a live network's, from its
	/// validators' public keys and initial accounts).
	#[deprecated(note = "use `export-chain-spec` instead")]
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification (`--chain staging:<key file>`: a live network's, from its
	/// validators' public keys and initial accounts).
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Benchmark pallets (needs a build with `--features runtime-benchmarks`).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database metadata.
	ChainInfo(sc_cli::ChainInfoCmd),
}

/// The node's command line.
#[derive(Debug, clap::Parser)]
#[command(
	propagate_version = true,
	args_conflicts_with_subcommands = true,
	subcommand_negates_reqs = true
)]
pub struct Cli {
	/// Subcommand, if any.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Options of a running node.
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// HTTP feed of device-signed telemetry (OpenVPP bundle JSON or OCPP 2.0.1
	/// MeterValuesRequest JSON) for the offchain worker to pull and submit with the node's
	/// gateway key (key type `gtwy`, sr25519). Repeatable.
	#[arg(long = "telemetry-feed", value_name = "URL")]
	pub telemetry_feeds: Vec<String>,
}
