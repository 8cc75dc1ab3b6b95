//! OpenGov: referenda with conviction voting on four tracks — Root, GridAdmin,
//! ValuationAdmin and Treasurer. The OpenVPP pallets' admin origins are these tracks' origins.

pub mod origins;
pub mod tracks;

pub use origins::pallet_custom_origins;
