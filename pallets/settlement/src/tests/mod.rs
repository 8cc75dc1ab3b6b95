//! Unit tests, split by concern.
// Test arithmetic on known small values; the lint guards runtime code.
#![allow(clippy::arithmetic_side_effects)]

use crate::{
	mock::{HOUR, START_MS},
	EpochIndex, HourIndex,
};

mod attacks;
mod bad_input;
mod certificate_attacks;
mod certificates;
mod credit;
mod epochs;
mod rewards;
mod trust;
mod valuation;

/// Index of the epoch `n` hours after the mock's start.
pub fn epoch(n: u64) -> EpochIndex {
	START_MS / HOUR + n
}

/// Hour index `n` hours after the mock's start (midnight UTC).
pub fn hour(n: u64) -> HourIndex {
	START_MS / HOUR + n
}

/// Start of hour `n` after the mock's start, ms.
pub fn hour_ms(n: u64) -> u64 {
	START_MS + n * HOUR
}
