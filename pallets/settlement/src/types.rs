//! Data types of the settlement pallet.
//!
//! Multipliers are [`FixedU128`]: premiums and time-of-use factors exceed 1.0, and one fixed-point
//! type for all of them keeps the valuation a plain chain of saturating multiplications. Shares
//! that cannot exceed 100 % (the quality floor, demand-response delivery) are [`Permill`], like
//! the state of charge and delivery shares in `openvpp-primitives`.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use openvpp_primitives::{DeviceId, DeviceKind, RegionId, WattHours};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{One, UniqueSaturatedFrom, UniqueSaturatedInto},
	FixedU128, Permill,
};

/// Index of a settlement epoch: chain time in ms divided by the epoch duration.
pub type EpochIndex = u64;
/// Index of an hour: ms since the Unix epoch divided by [`HOUR_MS`] (UTC hours).
pub type HourIndex = u64;
/// Identifier of a green certificate.
pub type CertificateId = u64;
/// Valued points: nominal value in planck (energy × price × multipliers).
pub type Points = u128;

/// One hour in ms: the granularity of green certificates and time-of-use prices.
pub const HOUR_MS: u64 = 3_600_000;
/// Hours in a day (length of the time-of-use table).
pub const HOURS_PER_DAY: usize = 24;
/// Number of [`DeviceKind`] variants (rows of the price table).
pub const DEVICE_KINDS: usize = 6;
/// Number of [`Contribution`] variants (columns of the price table).
pub const CONTRIBUTIONS: usize = 4;
/// Highest credit score.
pub const MAX_CREDIT_SCORE: u16 = 1000;
/// Largest multiplier governance may set (10.0): bounds how far one factor can skew rewards.
pub const MAX_MULTIPLIER: FixedU128 = FixedU128::from_u32(10);
/// Longest period, in hours, that one `retirements_of` query covers (31 days).
pub const MAX_QUERY_HOURS: u64 = 24 * 31;

/// Row of `kind` in the price table.
pub fn kind_index(kind: DeviceKind) -> usize {
	match kind {
		DeviceKind::Ev => 0,
		DeviceKind::Battery => 1,
		DeviceKind::SolarPv => 2,
		DeviceKind::SmartMeter => 3,
		DeviceKind::Wind => 4,
		DeviceKind::HeatPump => 5,
	}
}

/// What a device's energy did for the grid; each has its own price per kWh.
///
/// How accepted telemetry maps to contributions (see `valuation::contributions`):
///
/// | kind | `energy_in_wh` | `energy_out_wh` |
/// | --- | --- | --- |
/// | `SolarPv`, `Wind` | not valued (auxiliary load) | `Generation` (green premium) |
/// | `Battery`, `Ev` | `FlexibleConsumption` | `StorageDischarge` |
/// | `HeatPump` | `FlexibleConsumption` | — |
/// | `SmartMeter` | not valued (consumption for certificate matching) | not valued (net export would count behind-the-meter generation twice) |
///
/// `GridSupport` is energy delivered in demand-response windows, reported by v2g through
/// `GridSupportFeed`.
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
pub enum Contribution {
	/// Renewable generation delivered (PV, wind).
	Generation,
	/// Stored energy discharged to the grid or the site.
	StorageDischarge,
	/// Consumption by a flexible load (EV or battery charging, heat pump); time of use rewards
	/// shifting it into cheap hours.
	FlexibleConsumption,
	/// Energy delivered in a demand-response window.
	GridSupport,
}

impl Contribution {
	/// All contributions, in table order.
	pub const ALL: [Contribution; CONTRIBUTIONS] = [
		Contribution::Generation,
		Contribution::StorageDischarge,
		Contribution::FlexibleConsumption,
		Contribution::GridSupport,
	];

	/// Column of the contribution in the price table and the energy-by-contribution counters.
	pub fn index(self) -> usize {
		match self {
			Contribution::Generation => 0,
			Contribution::StorageDischarge => 1,
			Contribution::FlexibleConsumption => 2,
			Contribution::GridSupport => 3,
		}
	}
}

/// The valuation table: what a kWh is worth, by kind, contribution and hour, and the reward
/// budget of an epoch.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct ValuationParams<Balance> {
	/// Price per kWh in planck, indexed by [`kind_index`] then [`Contribution::index`].
	pub prices_per_kwh: [[Balance; CONTRIBUTIONS]; DEVICE_KINDS],
	/// Time-of-use multiplier per UTC hour of day. Flexible consumption uses its reciprocal, so
	/// load shifted into cheap hours is worth more.
	pub time_of_use: [FixedU128; HOURS_PER_DAY],
	/// Multiplier on renewable generation.
	pub green_premium: FixedU128,
	/// Multiplier for devices with at least one valid attestation.
	pub attestation_multiplier: FixedU128,
	/// Quality multiplier at credit score 0; it rises linearly to 1.0 at score 1000.
	pub quality_floor: Permill,
	/// Reward emitted per epoch from the pot, shared by the epoch's points.
	pub emission_per_epoch: Balance,
}

impl<Balance: Default + Copy> Default for ValuationParams<Balance> {
	/// Neutral parameters: no prices, every multiplier 1.0, no emission.
	fn default() -> Self {
		Self {
			prices_per_kwh: [[Balance::default(); CONTRIBUTIONS]; DEVICE_KINDS],
			time_of_use: [FixedU128::one(); HOURS_PER_DAY],
			green_premium: FixedU128::one(),
			attestation_multiplier: FixedU128::one(),
			quality_floor: Permill::one(),
			emission_per_epoch: Balance::default(),
		}
	}
}

impl<Balance: Copy + Default + UniqueSaturatedFrom<u128> + UniqueSaturatedInto<u128>>
	ValuationParams<Balance>
{
	/// A realistic starting table derived from one reference price (planck per kWh of
	/// renewable generation):
	///
	/// - generation 1.0×, storage discharge 1.5× (dispatchable), flexible consumption 0.2×,
	///   grid support 3.0× (storage and heat pumps; a heat pump supports by curtailing);
	/// - time of use (UTC): night 0.8, morning 1.1, midday solar surplus 0.9, evening peak 1.5,
	///   late evening 1.0;
	/// - green premium 1.2, attestation 1.1, quality floor 50 %.
	pub fn standard(reference_price_per_kwh: Balance, emission_per_epoch: Balance) -> Self {
		let base: u128 = reference_price_per_kwh.unique_saturated_into();
		let scaled = |tenths: u128| -> Balance {
			Balance::unique_saturated_from(base.saturating_mul(tenths).checked_div(10).unwrap_or(0))
		};
		let zero = Balance::default();
		// Columns: generation, storage discharge, flexible consumption, grid support.
		let storage = [zero, scaled(15), scaled(2), scaled(30)];
		let generator = [scaled(10), zero, zero, zero];
		let heat_pump = [zero, zero, scaled(2), scaled(30)];
		let meter = [zero; CONTRIBUTIONS];
		let prices_per_kwh = [
			storage,   // Ev
			storage,   // Battery
			generator, // SolarPv
			meter,     // SmartMeter
			generator, // Wind
			heat_pump, // HeatPump
		];
		let tenths = |t: u128| FixedU128::from_rational(t, 10);
		let mut time_of_use = [FixedU128::one(); HOURS_PER_DAY];
		for (hour, slot) in time_of_use.iter_mut().enumerate() {
			*slot = match hour {
				0..=5 => tenths(8),
				6..=9 => tenths(11),
				10..=15 => tenths(9),
				16..=20 => tenths(15),
				_ => tenths(10),
			};
		}
		Self {
			prices_per_kwh,
			time_of_use,
			green_premium: tenths(12),
			attestation_multiplier: tenths(11),
			quality_floor: Permill::from_percent(50),
			emission_per_epoch,
		}
	}

	/// Price per kWh of `contribution` by a device of `kind`, in planck.
	pub fn price(&self, kind: DeviceKind, contribution: Contribution) -> Balance {
		self.prices_per_kwh
			.get(kind_index(kind))
			.and_then(|row| row.get(contribution.index()))
			.copied()
			.unwrap_or_default()
	}
}

/// A region's multiplier, with a change waiting for the next epoch.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct RegionMultiplier {
	/// Multiplier in force.
	pub active: FixedU128,
	/// New multiplier and the epoch from which it applies.
	pub pending: Option<(EpochIndex, FixedU128)>,
}

impl RegionMultiplier {
	/// The multiplier in force during `epoch`.
	pub fn at(&self, epoch: EpochIndex) -> FixedU128 {
		match self.pending {
			Some((from, next)) if from <= epoch => next,
			_ => self.active,
		}
	}
}

/// Points and reward of a closed epoch, or the running total of the open one.
#[derive(Clone, Copy, PartialEq, Eq, Default, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct EpochInfo<Balance> {
	/// Sum of all devices' points in the epoch.
	pub total_points: Points,
	/// Reward emitted for the epoch (what its rate pays out in total, at most the emission).
	pub emitted: Balance,
	/// Reward per point, fixed when the epoch closed; `None` while open.
	pub rate: Option<FixedU128>,
}

/// A device's points in its last active epoch, not yet turned into reward.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct EpochPoints {
	/// The epoch the points were earned in.
	pub epoch: EpochIndex,
	/// Points earned.
	pub points: Points,
}

/// What a device has contributed over its lifetime.
#[derive(Clone, PartialEq, Eq, Default, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct DeviceValue<Balance> {
	/// Points earned (nominal value in planck).
	pub lifetime_points: Points,
	/// Reward settled from those points (claimed or pending).
	pub lifetime_reward: Balance,
	/// Energy valued, Wh, indexed by [`Contribution::index`].
	pub energy_wh: [WattHours; CONTRIBUTIONS],
}

/// Inputs of a device's credit score that telemetry and v2g keep up to date in O(1).
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct CreditState {
	/// Reporting regularity 0..=1000: rises with each epoch the device reports in, falls with
	/// each epoch it missed.
	pub regularity: u16,
	/// Last epoch with an accepted bundle.
	pub last_report_epoch: Option<EpochIndex>,
	/// Moving average of demand-response delivery (1.0 until v2g reports otherwise).
	pub reliability: Permill,
	/// Demand-response deliveries reported.
	pub deliveries: u32,
}

impl Default for CreditState {
	fn default() -> Self {
		Self { regularity: 0, last_report_epoch: None, reliability: Permill::one(), deliveries: 0 }
	}
}

/// A device's generation (or storage discharge) in one hour and how much of it is certified.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct HourlyGeneration {
	/// The hour.
	pub hour: HourIndex,
	/// Verified generation, Wh.
	pub renewable_wh: WattHours,
	/// Part of it already issued as certificates, Wh.
	pub certified_wh: WattHours,
}

/// A smart meter's consumption in one hour and how much of it certificates matched.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct HourlyConsumption {
	/// The hour.
	pub hour: HourIndex,
	/// Grid import measured, Wh.
	pub consumed_wh: WattHours,
	/// Part of it matched by retired certificates, Wh.
	pub matched_wh: WattHours,
}

/// Where the energy of a certificate came from.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Provenance {
	/// Producing device.
	pub device: DeviceId,
	/// Its kind.
	pub kind: DeviceKind,
	/// Its grid region.
	pub region: RegionId,
	/// Hour of production.
	pub hour: HourIndex,
	/// Whether the device had a valid attestation at issuance.
	pub attested: bool,
	/// Discharged from storage rather than generated.
	pub from_storage: bool,
}

/// A granular (hourly) green energy certificate.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Certificate<AccountId, Balance> {
	/// Holder.
	pub owner: AccountId,
	/// Energy it certifies, Wh.
	pub amount_wh: WattHours,
	/// Origin of the energy.
	pub provenance: Provenance,
	/// Account whose deposit is held for the record (returned when it is used up).
	pub depositor: AccountId,
	/// Deposit held.
	pub deposit: Balance,
}

/// An open offer of a certificate record to another account. The record stays with its
/// holder, locked, until the recipient accepts or rejects it or the holder cancels.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct CertificateOffer<AccountId> {
	/// Account the record is offered to.
	pub to: AccountId,
	/// Record the offered part was split off from, if the offer split one; the part goes back
	/// into it when the offer is rejected or cancelled.
	pub split_from: Option<CertificateId>,
}

/// Total certificates of one (region, hour) bucket.
#[derive(Clone, Copy, PartialEq, Eq, Default, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct SupplyBucket {
	/// Wh issued.
	pub issued_wh: WattHours,
	/// Wh retired.
	pub retired_wh: WattHours,
}

/// Proof that a consumer's metered consumption in an hour was matched by green energy.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Retirement {
	/// Smart meter that measured the consumption.
	pub meter: DeviceId,
	/// Certificate retired from.
	pub certificate: CertificateId,
	/// Origin of the energy.
	pub provenance: Provenance,
	/// Energy retired, Wh.
	pub amount_wh: WattHours,
}

/// Epoch state for readers.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct EpochStatus<Balance> {
	/// Open epoch.
	pub current_epoch: EpochIndex,
	/// Points so far in the open epoch.
	pub current_points: Points,
	/// Epoch length, ms.
	pub epoch_duration_ms: u64,
	/// Last closed epoch and its figures.
	pub last_closed: Option<(EpochIndex, EpochInfo<Balance>)>,
	/// Reward emitted over all closed epochs.
	pub total_emitted: Balance,
	/// Reward paid out by claims.
	pub total_paid: Balance,
	/// Balance of the reward pot.
	pub pot_balance: Balance,
}

/// The valuation table for readers.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ValuationTable<Balance> {
	/// Parameters in force.
	pub active: ValuationParams<Balance>,
	/// Parameters waiting for the given epoch.
	pub pending: Option<(EpochIndex, ValuationParams<Balance>)>,
	/// Regions with a multiplier other than the default 1.0 (in force now).
	pub regions: alloc::vec::Vec<(RegionId, FixedU128)>,
}
