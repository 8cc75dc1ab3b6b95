//! Unit tests, split by concern; shared helpers and the realistic fleet live here.
#![allow(
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]

mod attacks;
mod delivery;
mod enrollment;
mod events;
mod operators;
mod payment;
mod profiles;

use frame_support::assert_ok;
use openvpp_primitives::{DeviceId, DeviceKind, DeviceState, TimestampMs, Watts};
use sp_runtime::{DispatchResult, Permill};

use crate::{mock::*, Direction, EventId, NextEventId};

/// 0.30 VPP per kWh.
pub const PRICE: Balance = 3 * VPP / 10;
/// Budget of the standard event: 25 VPP.
pub const BUDGET: Balance = 25 * VPP;
/// Target power of the standard event: 30 kW.
pub const TARGET_W: u64 = 30_000;

/// `hours` after the mock's start (midnight UTC), ms.
pub const fn at(hours: u64) -> TimestampMs {
	START_MS + hours * HOUR
}

/// Window of the standard event: the evening peak, 18:00 to 20:00.
pub const WINDOW_START: TimestampMs = at(18);
/// End of the standard window.
pub const WINDOW_END: TimestampMs = at(20);

/// Opens an event of `GRID_OP` in region 1 for `window`.
pub fn open_window(
	direction: Direction,
	(start, end): (TimestampMs, TimestampMs),
	max_participants: u32,
	budget: Balance,
) -> EventId {
	let id = NextEventId::<Test>::get();
	assert_ok!(V2g::open_event(
		RuntimeOrigin::signed(GRID_OP),
		REGION,
		direction,
		start,
		end,
		TARGET_W,
		PRICE,
		max_participants,
		budget
	));
	id
}

/// Opens the standard event (18:00 to 20:00, 0.30 VPP/kWh, 25 VPP budget).
pub fn open(direction: Direction, max_participants: u32) -> EventId {
	open_window(direction, (WINDOW_START, WINDOW_END), max_participants, BUDGET)
}

/// A device of `owner` in region 1 that reported once, at 11:45–12:00, idle at `soc` percent.
pub fn device(owner: AccountId, kind: DeviceKind, soc: Option<u32>) -> DeviceId {
	let id = MockRegistry::add(owner, kind, REGION);
	feed(id, at(12) - QUARTER, at(12), 0, 0, soc, DeviceState::Idle);
	id
}

/// A 60 kWh EV of `owner`, plugged in at `soc` percent.
pub fn ev(owner: AccountId, soc: u32) -> DeviceId {
	device(owner, DeviceKind::Ev, Some(soc))
}

/// A 13.5 kWh home battery of `owner` at `soc` percent.
pub fn battery(owner: AccountId, soc: u32) -> DeviceId {
	device(owner, DeviceKind::Battery, Some(soc))
}

/// Enrolls `device` of `who`, keeping `floor` percent.
pub fn enroll(
	who: AccountId,
	event: EventId,
	device: DeviceId,
	power_w: Watts,
	floor: u32,
	departure_ms: Option<TimestampMs>,
) -> DispatchResult {
	V2g::enroll(
		RuntimeOrigin::signed(who),
		event,
		device,
		power_w,
		Permill::from_percent(floor),
		departure_ms,
	)
}

/// `n` idle quarter hours.
pub fn idle(n: usize) -> Vec<(u64, u64, Option<u32>, DeviceState)> {
	vec![(0, 0, None, DeviceState::Idle); n]
}

/// `n` quarter hours delivering `wh` each.
pub fn discharging(n: usize, wh: u64) -> Vec<(u64, u64, Option<u32>, DeviceState)> {
	vec![(0, wh, None, DeviceState::Discharging); n]
}
