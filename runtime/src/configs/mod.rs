//! Configuration of every pallet, one file per concern.

pub mod consensus;
pub mod governance;
pub mod monetary;
pub mod nfts;
pub mod offchain;
pub mod openvpp;
pub mod system;
