//! Data types of the v2g pallet: demand-response events, enrollments and device profiles.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use openvpp_primitives::{
	DeviceId, DeviceKind, DeviceState, RegionId, TimestampMs, WattHours, Watts,
};
use scale_info::TypeInfo;
use sp_runtime::Permill;

/// Sequential identifier of a demand-response event.
pub type EventId = u64;

/// One hour, ms: converts power × time into energy.
pub const HOUR_MS: u64 = 3_600_000;
/// Share of the committed power a reading must reach to count as the device's response.
pub const RESPONSE_THRESHOLD: Permill = Permill::from_percent(90);
/// Most events one `events_in_region` query returns.
pub const MAX_EVENTS_PER_QUERY: u32 = 100;

/// What the grid asks participants of an event to do.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Direction {
	/// Deliver stored energy to the grid (V2G, battery discharge). Measured as export above
	/// the device's baseline export.
	Discharge,
	/// Consume less than usual. Measured as the device's baseline import minus its import.
	Curtail,
	/// Absorb surplus by charging or consuming more. Measured as import above the baseline
	/// import.
	Absorb,
}

impl Direction {
	/// Whether a device of `kind` may take part in an event of this direction: storage in
	/// every direction, flexible loads (heat pumps) only in `Curtail` and `Absorb`.
	pub fn admits(&self, kind: DeviceKind) -> bool {
		match kind {
			DeviceKind::Ev | DeviceKind::Battery => true,
			DeviceKind::HeatPump => matches!(self, Direction::Curtail | Direction::Absorb),
			DeviceKind::SolarPv | DeviceKind::Wind | DeviceKind::SmartMeter => false,
		}
	}
}

/// Lifecycle of an event. Whether an open event is before, inside or after its window follows
/// from chain time.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum EventStatus {
	/// Enrolling (before the window), running, or waiting for claims (until the claim period
	/// ends); its escrow is held.
	Open,
	/// Cancelled by its operator before the window; the budget went back; enrollments are void.
	Cancelled,
	/// The operator reclaimed what was left after the claim period; unsettled enrollments were
	/// forfeited.
	Closed,
}

/// A demand-response event.
///
/// Escrow: `budget = paid + refunded + remaining`, and `remaining` is held from the operator
/// for [`crate::HoldReason::EventBudget`] while the event is open. `reserved` is what the live
/// enrollments could still earn (their committed energy × price), never more than `remaining`.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct DrEvent<AccountId, Balance> {
	/// Grid operator that opened it and whose funds are held.
	pub operator: AccountId,
	/// Grid region it applies to.
	pub region: RegionId,
	/// What participants are asked to do.
	pub direction: Direction,
	/// Start of the window, ms.
	pub window_start_ms: TimestampMs,
	/// End of the window (exclusive), ms.
	pub window_end_ms: TimestampMs,
	/// Power the operator wants in total, W (informative; enrollments are bounded by budget
	/// and participants).
	pub target_power_w: u64,
	/// Payment per kWh delivered, planck.
	pub price_per_kwh: Balance,
	/// Most enrollments accepted.
	pub max_participants: u32,
	/// Enrollments that were not withdrawn before the window.
	pub participants: u32,
	/// Sum of the committed power of those enrollments, W.
	pub committed_power_w: u64,
	/// Budget escrowed at opening.
	pub budget: Balance,
	/// Escrow still held: budget − paid − refunded.
	pub remaining: Balance,
	/// Most the live (not yet settled or withdrawn) enrollments can still be paid.
	pub reserved: Balance,
	/// Paid to participants so far.
	pub paid: Balance,
	/// Returned to the operator on cancel or reclaim.
	pub refunded: Balance,
	/// Energy delivered by settled participants (capped at their commitments), Wh.
	pub delivered_wh: WattHours,
	/// Lifecycle status.
	pub status: EventStatus,
}

/// Where an enrollment stands.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum EnrollmentStatus {
	/// Committed; delivery is being measured.
	Enrolled,
	/// Withdrawn after the window started: counted as delivering nothing.
	Withdrawn,
	/// Paid and reported.
	Settled,
}

/// One device's participation in one event.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Enrollment<Balance> {
	/// Power promised, W.
	pub committed_power_w: Watts,
	/// State of charge the owner keeps in any case (the driver's need).
	pub soc_floor: Permill,
	/// When an EV leaves; its window ends then.
	pub departure_ms: Option<TimestampMs>,
	/// End of this device's window: the event's, or the EV's departure if earlier, ms.
	pub window_end_ms: TimestampMs,
	/// Energy promised: committed power × this device's window, Wh.
	pub committed_wh: WattHours,
	/// Most it can be paid: committed energy × price.
	pub max_payout: Balance,
	/// Baseline power in the event's direction when measurement started, W.
	pub baseline_w: Watts,
	/// Energy delivered in the window so far, above (or, curtailing, below) the baseline, Wh.
	pub delivered_wh: WattHours,
	/// From window start to the first reading at ≥ 90 % of the committed power, ms.
	pub response_ms: Option<u64>,
	/// Paid on settlement.
	pub paid: Balance,
	/// Where it stands.
	pub status: EnrollmentStatus,
}

/// What v2g keeps per EV, battery or heat pump, updated by every accepted bundle in O(1).
#[derive(Clone, Copy, PartialEq, Eq, Default, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct DeviceProfile {
	/// State of charge at the last reading that carried one.
	pub last_soc: Option<Permill>,
	/// Operating state at the last reading.
	pub last_state: Option<DeviceState>,
	/// Time of the last reading, ms.
	pub last_seen_ms: TimestampMs,
	/// Average export outside events, W: a time-weighted moving average over about
	/// `BaselineWindowMs`.
	pub baseline_out_w: Watts,
	/// Average import outside events, W (same average).
	pub baseline_in_w: Watts,
	/// Whether the baseline has been seeded by a first bundle.
	pub baseline_seeded: bool,
	/// Energy discharged over the device's life as seen by v2g, Wh (for equivalent cycles).
	pub discharge_throughput_wh: WattHours,
	/// Events enrolled in (withdrawals before the window not counted).
	pub events_joined: u32,
	/// Enrollments settled or withdrawn late: the denominator of reliability.
	pub events_settled: u32,
	/// Settled enrollments that delivered at least the under-delivery threshold.
	pub events_delivered: u32,
	/// Sum of the delivered shares of settled enrollments, parts per million.
	pub delivered_share_sum_ppm: u64,
	/// Regulation energy delivered in events (capped at commitments), Wh.
	pub regulation_energy_wh: WattHours,
	/// Fastest response, ms.
	pub best_response_ms: Option<u64>,
	/// Sum of the responses recorded, ms.
	pub response_sum_ms: u64,
	/// Number of responses recorded.
	pub responses: u32,
}

impl DeviceProfile {
	/// Average share of its commitments the device delivered (1.0 before any settlement).
	pub fn reliability(&self) -> Permill {
		if self.events_settled == 0 {
			return Permill::one();
		}
		let average =
			self.delivered_share_sum_ppm.checked_div(u64::from(self.events_settled)).unwrap_or(0);
		Permill::from_parts(u32::try_from(average).unwrap_or(u32::MAX))
	}

	/// Average response, ms.
	pub fn average_response_ms(&self) -> Option<u64> {
		self.response_sum_ms.checked_div(u64::from(self.responses))
	}
}

/// A device's demand-response history.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ParticipationHistory {
	/// Events enrolled in.
	pub events_joined: u32,
	/// Enrollments settled (including late withdrawals).
	pub events_settled: u32,
	/// Settled enrollments that met the under-delivery threshold.
	pub events_delivered: u32,
	/// Energy delivered in events, Wh.
	pub energy_delivered_wh: WattHours,
	/// Average share of its commitments delivered.
	pub reliability: Permill,
	/// The event the device is enrolled in now, if any.
	pub active_event: Option<EventId>,
}

/// An EV as an aggregator sees it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct EvProfile {
	/// The device.
	pub device: DeviceId,
	/// Usable pack capacity, Wh.
	pub capacity_wh: WattHours,
	/// Charger power, W.
	pub max_import_w: Watts,
	/// V2G power (0 without V2G), W.
	pub max_export_w: Watts,
	/// Last reported state of charge.
	pub soc: Option<Permill>,
	/// Last reported operating state (charging, discharging, idle, offline).
	pub state: Option<DeviceState>,
	/// Whether it was charging at the last reading.
	pub charging: bool,
	/// Whether it is plugged in: it reported, and not as `Offline`.
	pub plugged_in: bool,
	/// Time of the last reading, ms.
	pub last_seen_ms: TimestampMs,
	/// Demand-response history.
	pub history: ParticipationHistory,
}

/// A storage device (battery or EV) as a grid-service buyer sees it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct StorageProfile {
	/// The device.
	pub device: DeviceId,
	/// Its kind.
	pub kind: DeviceKind,
	/// Usable capacity, Wh.
	pub capacity_wh: WattHours,
	/// Last reported state of charge.
	pub soc: Option<Permill>,
	/// Energy stored now: state of charge × capacity, Wh.
	pub energy_stored_wh: WattHours,
	/// Energy discharged over its life as seen by v2g, Wh.
	pub discharge_throughput_wh: WattHours,
	/// Equivalent full discharge cycles (throughput ÷ capacity), in thousandths.
	pub equivalent_full_cycles_milli: u64,
	/// Fastest response to an event, ms.
	pub best_response_ms: Option<u64>,
	/// Average response to events, ms.
	pub average_response_ms: Option<u64>,
	/// Regulation energy delivered in events, Wh.
	pub regulation_energy_wh: WattHours,
	/// Demand-response history.
	pub history: ParticipationHistory,
}

/// Energy of `power_w` sustained for `duration_ms`, Wh (rounded down).
pub fn energy_wh(power_w: u64, duration_ms: u64) -> WattHours {
	pro_rata(power_w, duration_ms, HOUR_MS)
}

/// Average power of `energy_wh` over `duration_ms`, W (0 for an empty interval).
pub fn average_power_w(energy_wh: WattHours, duration_ms: u64) -> u64 {
	let w = u128::from(energy_wh)
		.saturating_mul(u128::from(HOUR_MS))
		.checked_div(u128::from(duration_ms))
		.unwrap_or(0);
	u64::try_from(w).unwrap_or(u64::MAX)
}

/// `value × numerator ÷ denominator`, rounded down (0 for a zero denominator).
pub fn pro_rata(value: u64, numerator: u64, denominator: u64) -> u64 {
	let scaled = u128::from(value)
		.saturating_mul(u128::from(numerator))
		.checked_div(u128::from(denominator))
		.unwrap_or(0);
	u64::try_from(scaled).unwrap_or(u64::MAX)
}
