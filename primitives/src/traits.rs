//! Traits through which the OpenVPP pallets talk to each other without depending on each other.

use alloc::vec::Vec;
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

/// Energy of a bundle that happened within one UTC hour, in reading intervals that count
/// for value (see [`AcceptedReadings::hours`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct HourEnergy {
	/// The UTC hour: ms since the Unix epoch / 3,600,000.
	pub hour: u64,
	/// Start of the part of the hour these intervals cover, ms.
	pub from_ms: TimestampMs,
	/// End of that part, ms (at most the start of the next hour).
	pub to_ms: TimestampMs,
	/// Energy into the device in that part, Wh.
	pub energy_in_wh: WattHours,
	/// Energy out of the device in that part, Wh.
	pub energy_out_wh: WattHours,
}

/// Milliseconds in an hour.
const HOUR_MS: u64 = 3_600_000;

impl HourEnergy {
	/// Adds the energy of the interval `[from_ms, to_ms)` to `hours` (ordered, oldest first),
	/// split by UTC hour.
	///
	/// Energy is taken to flow evenly over the interval: the part of it in an hour gets that
	/// share of its energy, rounded so that the parts add up to the interval's energy exactly.
	/// A part that continues the last entry's hour is merged into it. An empty interval adds
	/// nothing.
	pub fn add_interval(
		hours: &mut Vec<HourEnergy>,
		from_ms: TimestampMs,
		to_ms: TimestampMs,
		energy_in_wh: WattHours,
		energy_out_wh: WattHours,
	) {
		let elapsed_ms = to_ms.saturating_sub(from_ms);
		// Energy from the interval's start until `until_ms`, Wh (rounded down; the whole of it
		// at the end).
		let until = |energy_wh: WattHours, until_ms: TimestampMs| -> WattHours {
			let part = u128::from(energy_wh)
				.saturating_mul(u128::from(until_ms.saturating_sub(from_ms)))
				.checked_div(u128::from(elapsed_ms))
				.unwrap_or_default();
			u64::try_from(part).unwrap_or(energy_wh)
		};
		let mut start_ms = from_ms;
		let (mut in_done, mut out_done) = (0u64, 0u64);
		while start_ms < to_ms {
			let hour = start_ms.checked_div(HOUR_MS).unwrap_or_default();
			let end_ms = hour.saturating_add(1).saturating_mul(HOUR_MS).min(to_ms);
			if end_ms <= start_ms {
				break;
			}
			let (in_to, out_to) = (until(energy_in_wh, end_ms), until(energy_out_wh, end_ms));
			let (in_wh, out_wh) = (in_to.saturating_sub(in_done), out_to.saturating_sub(out_done));
			(in_done, out_done) = (in_to, out_to);
			match hours.last_mut() {
				Some(last) if last.hour == hour && last.to_ms == start_ms => {
					last.to_ms = end_ms;
					last.energy_in_wh = last.energy_in_wh.saturating_add(in_wh);
					last.energy_out_wh = last.energy_out_wh.saturating_add(out_wh);
				}
				_ => hours.push(HourEnergy {
					hour,
					from_ms: start_ms,
					to_ms: end_ms,
					energy_in_wh: in_wh,
					energy_out_wh: out_wh,
				}),
			}
			start_ms = end_ms;
		}
	}

	/// The energy of one interval split by UTC hour (see [`Self::add_interval`]).
	pub fn split(
		from_ms: TimestampMs,
		to_ms: TimestampMs,
		energy_in_wh: WattHours,
		energy_out_wh: WattHours,
	) -> Vec<HourEnergy> {
		let mut hours = Vec::new();
		Self::add_interval(&mut hours, from_ms, to_ms, energy_in_wh, energy_out_wh);
		hours
	}
}

/// What telemetry hands on after it accepted one bundle.
#[derive(Clone, PartialEq, Eq, Debug)]
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
	/// The energy that counts for value, split by the UTC hour it happened in (each reading
	/// interval's energy spread evenly over its time), oldest first. Intervals before the
	/// device's commissioning or longer than the longest valued interval (a device that was
	/// silent) are in the totals above but not here: their energy is recorded, never valued.
	pub hours: Vec<HourEnergy>,
}

/// Consumers of accepted telemetry (settlement, v2g ...). Implemented for tuples; `()` is none.
#[impl_trait_for_tuples::impl_for_tuples(8)]
pub trait OnReadingsAccepted<AccountId> {
	/// Called once per accepted bundle; must be O(1).
	fn on_readings_accepted(owner: &AccountId, accepted: &AcceptedReadings);
}

/// Pallets keeping state about a device, told once when it is decommissioned so that they remove
/// it (and return the deposits they hold for it): a retired device must leave behind only what
/// its retained deposit pays for. Implemented for tuples; `()` is none.
pub trait OnDeviceDecommissioned<AccountId> {
	/// Removes what the pallet keeps for `device`, decommissioned by `owner` (its last owner, to
	/// whom deposits go back). Bounded per device; an error refuses the decommissioning.
	fn on_device_decommissioned(device: DeviceId, owner: &AccountId) -> DispatchResult;
	/// Most weight [`Self::on_device_decommissioned`] takes; the decommissioning call is charged
	/// it up front.
	fn on_device_decommissioned_weight() -> sp_runtime::Weight;
}

#[impl_trait_for_tuples::impl_for_tuples(8)]
impl<AccountId> OnDeviceDecommissioned<AccountId> for Tuple {
	fn on_device_decommissioned(device: DeviceId, owner: &AccountId) -> DispatchResult {
		for_tuples!( #( Tuple::on_device_decommissioned(device, owner)?; )* );
		Ok(())
	}

	fn on_device_decommissioned_weight() -> sp_runtime::Weight {
		let mut weight = sp_runtime::Weight::zero();
		for_tuples!( #( weight = weight.saturating_add(Tuple::on_device_decommissioned_weight()); )* );
		weight
	}
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
