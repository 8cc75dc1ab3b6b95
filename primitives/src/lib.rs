//! Types shared by the OpenVPP runtime, its pallets, the node and the device gateway.
//!
//! Everything here is `no_std` so that the runtime and a gateway sign and verify exactly the
//! same bytes.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod certificate;
pub mod crypto;
pub mod device;
#[cfg(feature = "feed")]
pub mod feed;
pub mod meter_key;
#[cfg(feature = "ocmf")]
pub mod ocmf;
pub mod reading;
pub mod signing;
pub mod traits;

pub use certificate::*;
pub use crypto::*;
pub use device::*;
pub use meter_key::{parse_meter_key, parse_meter_key_text, MeterKeyError};
pub use reading::*;
pub use signing::*;
pub use traits::*;

/// Sequential identifier of a registered device; also the item id of its NFT credential.
pub type DeviceId = u64;
/// Identifier of a grid region (bidding-zone style grid area).
pub type RegionId = u16;
/// Milliseconds since the Unix epoch.
pub type TimestampMs = u64;
/// Watt-hours.
pub type WattHours = u64;
/// Watts.
pub type Watts = u32;
