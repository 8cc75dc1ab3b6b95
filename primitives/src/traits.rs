//! Traits through which the OpenVPP pallets talk to each other without depending on each other.

use sp_arithmetic::Permill;
use sp_runtime::DispatchResult;

use crate::{DeviceId, DeviceKind, DeviceState, DeviceView, RegionId, TimestampMs, WattHours};

/// Read and bookkeeping access to the device registry (implemented by device-identity).
pub trait DeviceRegistry<AccountId> {
	/// The registry's view of a device, if it exists (in any status).
	fn device(id: DeviceId) -> Option<DeviceView<AccountId>>;
	/// The device registered with `key` (its current key or one it rotated away from).
	fn device_by_key(_key: &crate::DevicePublicKey) -> Option<DeviceId> {
		None
	}
	/// Whether `gateway` may submit readings for the device.
	fn is_gateway_authorized(id: DeviceId, gateway: &AccountId) -> bool;
	/// Adds to the device's lifetime operating counters.
	fn note_operation(id: DeviceId, delta: OperatingDelta);
	/// Reflects the reward a device has earned over its life (planck) where its credential
	/// shows it; a registry without one ignores it.
	fn note_lifetime_reward(_id: DeviceId, _reward: u128) {}
}

/// Benchmarked cost of verifying one device signature of each scheme (implemented by
/// device-identity from its `verify_*` benchmarks), so that every pallet charging for a
/// signature charges its scheme's price: a P-256 verification in Wasm costs ~40× sr25519.
pub trait SignatureWeight {
	/// Weight of one verification of `scheme`.
	fn verify(scheme: crate::KeyScheme) -> sp_runtime::Weight;
}

/// Charges every scheme like sr25519 (tests).
impl SignatureWeight for () {
	fn verify(_scheme: crate::KeyScheme) -> sp_runtime::Weight {
		sp_runtime::Weight::zero()
	}
}

/// Change to a device's lifetime operating counters.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct OperatingDelta {
	/// Energy into the device, Wh.
	pub energy_in_wh: WattHours,
	/// Energy out of the device, Wh.
	pub energy_out_wh: WattHours,
	/// Readings accepted.
	pub readings_accepted: u32,
	/// Readings rejected (all readings of a rejected bundle).
	pub readings_rejected: u32,
}

/// What telemetry hands on after it accepted one bundle.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct AcceptedReadings {
	/// The device.
	pub device: DeviceId,
	/// Its kind.
	pub kind: DeviceKind,
	/// Its region.
	pub region: RegionId,
	/// Timestamp of the last accepted reading before this bundle (or of the bundle's first
	/// reading when the device had none).
	pub from_ms: TimestampMs,
	/// Timestamp of the bundle's last reading.
	pub to_ms: TimestampMs,
	/// Energy into the device over the interval, Wh.
	pub energy_in_wh: WattHours,
	/// Energy out of the device over the interval, Wh.
	pub energy_out_wh: WattHours,
	/// Number of readings accepted.
	pub readings: u32,
	/// State of charge at the last reading.
	pub last_soc: Option<Permill>,
	/// State at the last reading.
	pub last_state: DeviceState,
	/// Highest average power of any reading interval in the bundle, W (export or import).
	pub peak_power_w: u32,
}

/// Consumers of accepted telemetry (settlement, v2g ...). Implemented for tuples; `()` is none.
#[impl_trait_for_tuples::impl_for_tuples(8)]
pub trait OnReadingsAccepted<AccountId> {
	/// Called once per accepted bundle; must be O(1).
	fn on_readings_accepted(owner: &AccountId, accepted: &AcceptedReadings);
}

/// Feedback on a device's reliability (v2g reports demand-response delivery to settlement).
pub trait ReliabilityFeed {
	/// Records how much of a commitment a device delivered.
	fn note_delivery(device: DeviceId, delivered: Permill) -> DispatchResult;
}

impl ReliabilityFeed for () {
	fn note_delivery(_device: DeviceId, _delivered: Permill) -> DispatchResult {
		Ok(())
	}
}

/// Energy a device delivered as grid support (demand response), reported by v2g and valued by
/// settlement as the `GridSupport` contribution.
pub trait GridSupportFeed {
	/// Records `energy_wh` delivered by `device` in a grid-support window that ended at `at_ms`.
	fn note_grid_support(
		device: DeviceId,
		energy_wh: WattHours,
		at_ms: TimestampMs,
	) -> DispatchResult;
}

impl GridSupportFeed for () {
	fn note_grid_support(
		_device: DeviceId,
		_energy_wh: WattHours,
		_at_ms: TimestampMs,
	) -> DispatchResult {
		Ok(())
	}
}
