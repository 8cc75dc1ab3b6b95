//! Runtime API of the telemetry pallet: the read side for wallets, gateways and the node.

use alloc::vec::Vec;
use codec::Codec;
use openvpp_primitives::{ocmf::OcmfError, DeviceId, DevicePublicKey};

use crate::types::{
	GatewayCounters, OcmfVerdict, QualityCounters, TelemetryLimits, TelemetryState,
};

sp_api::decl_runtime_apis! {
	/// Telemetry state, quality counters and ingestion limits.
	pub trait TelemetryApi<AccountId> where AccountId: Codec {
		/// A device's last accepted reading and epoch accumulators (the accumulators belong to
		/// `epoch`, which may be behind the current one if the device has been silent).
		fn telemetry_state(device: DeviceId) -> Option<TelemetryState>;
		/// A device's accepted totals and rejections by cause.
		fn quality(device: DeviceId) -> Option<QualityCounters>;
		/// A gateway's accepted totals and its own failures.
		fn gateway_quality(gateway: AccountId) -> Option<GatewayCounters>;
		/// Bundles per call, readings per bundle, time limits and tolerances in force.
		fn limits() -> TelemetryLimits;
		/// The chain's verdict on an OCMF record signed by `key`, with no state change and
		/// whatever the record's age (auditors re-verify historical records with the exact
		/// on-chain code): the meter identity and the readings `submit_ocmf` would take from
		/// it, or why the record is refused.
		fn verify_ocmf(record: Vec<u8>, key: DevicePublicKey) -> Result<OcmfVerdict, OcmfError>;
	}
}
