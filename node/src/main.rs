//! The OpenVPP node.
#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod command;
mod feeds_rpc;
mod grid_rpc;
mod openvpp_rpc;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
