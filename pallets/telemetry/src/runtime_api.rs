//! Runtime API of the telemetry pallet: the read side for wallets, gateways and the node.

use codec::Codec;
use openvpp_primitives::DeviceId;

use crate::types::{GatewayCounters, QualityCounters, TelemetryLimits, TelemetryState};

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
	}
}
