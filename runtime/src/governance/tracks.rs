//! Referendum tracks. Production periods are in days; development chains
//! (`FastGovernance` set in genesis) run the same tracks in blocks.
//!
//! | track | origin | decision deposit | prepare | decide | confirm | enact |
//! | --- | --- | --- | --- | --- | --- | --- |
//! | 0 root | Root | 1,000 VPP | 2 h | 14 d | 1 d | 1 d |
//! | 1 grid_admin | GridAdmin | 100 VPP | 1 h | 7 d | 3 h | 10 min |
//! | 2 valuation_admin | ValuationAdmin | 100 VPP | 1 h | 7 d | 3 h | 1 h |
//! | 3 treasurer | Treasurer | 200 VPP | 2 h | 7 d | 1 d | 1 d |
//!
//! Fast (development): prepare 1 block, decide 20 blocks, confirm 2 blocks, enact 1 block.

use alloc::borrow::Cow;
use pallet_referenda::{Curve, Track, TrackInfo};
use sp_runtime::str_array as s;

use super::pallet_custom_origins::{FastGovernance, Origin as CustomOrigin};
use crate::{currency::UNITS, Balance, BlockNumber, Runtime, DAYS, HOURS, MINUTES};

/// Track ids.
pub mod ids {
	/// Root.
	pub const ROOT: u16 = 0;
	/// Grid administration.
	pub const GRID_ADMIN: u16 = 1;
	/// Valuation parameters.
	pub const VALUATION_ADMIN: u16 = 2;
	/// Treasury.
	pub const TREASURER: u16 = 3;
}

const APPROVAL_ROOT: Curve = Curve::make_reciprocal(4, 14, percent(80), percent(50), percent(100));
const SUPPORT_ROOT: Curve = Curve::make_linear(14, 14, permill(5), percent(25));
const APPROVAL_ADMIN: Curve = Curve::make_linear(7, 7, percent(50), percent(100));
const SUPPORT_ADMIN: Curve = Curve::make_reciprocal(1, 7, percent(1), percent(0), percent(50));

const fn percent(x: i32) -> sp_arithmetic::FixedI64 {
	sp_arithmetic::FixedI64::from_rational(x as u128, 100)
}
const fn permill(x: i32) -> sp_arithmetic::FixedI64 {
	sp_arithmetic::FixedI64::from_rational(x as u128, 1000)
}

/// Periods of one track: prepare, decide, confirm, enact (blocks).
type Periods = (BlockNumber, BlockNumber, BlockNumber, BlockNumber);

const FAST: Periods = (1, 20, 2, 1);

fn track(
	id: u16,
	name: &str,
	max_deciding: u32,
	decision_deposit: Balance,
	periods: Periods,
	min_approval: Curve,
	min_support: Curve,
) -> Track<u16, Balance, BlockNumber> {
	let (prepare_period, decision_period, confirm_period, min_enactment_period) = periods;
	Track {
		id,
		info: TrackInfo {
			name: s(name),
			max_deciding,
			decision_deposit,
			prepare_period,
			decision_period,
			confirm_period,
			min_enactment_period,
			min_approval,
			min_support,
		},
	}
}

/// The tracks of this chain.
pub struct TracksInfo;
impl pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = u16;
	type RuntimeOrigin =
		<crate::RuntimeOrigin as frame_support::traits::OriginTrait>::PalletsOrigin;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<Self::Id, Balance, BlockNumber>>> {
		let fast = FastGovernance::<Runtime>::get();
		let pick = |slow: Periods| if fast { FAST } else { slow };
		[
			track(
				ids::ROOT,
				"root",
				1,
				1_000 * UNITS,
				pick((2 * HOURS, 14 * DAYS, DAYS, DAYS)),
				APPROVAL_ROOT,
				SUPPORT_ROOT,
			),
			track(
				ids::GRID_ADMIN,
				"grid_admin",
				10,
				100 * UNITS,
				pick((HOURS, 7 * DAYS, 3 * HOURS, 10 * MINUTES)),
				APPROVAL_ADMIN,
				SUPPORT_ADMIN,
			),
			track(
				ids::VALUATION_ADMIN,
				"valuation_admin",
				10,
				100 * UNITS,
				pick((HOURS, 7 * DAYS, 3 * HOURS, HOURS)),
				APPROVAL_ADMIN,
				SUPPORT_ADMIN,
			),
			track(
				ids::TREASURER,
				"treasurer",
				10,
				200 * UNITS,
				pick((2 * HOURS, 7 * DAYS, DAYS, DAYS)),
				APPROVAL_ADMIN,
				SUPPORT_ADMIN,
			),
		]
		.into_iter()
		.map(Cow::Owned)
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<Self::Id, ()> {
		if let Ok(system_origin) = frame_system::RawOrigin::try_from(origin.clone()) {
			return match system_origin {
				frame_system::RawOrigin::Root => Ok(ids::ROOT),
				_ => Err(()),
			};
		}
		match CustomOrigin::try_from(origin.clone()) {
			Ok(CustomOrigin::GridAdmin) => Ok(ids::GRID_ADMIN),
			Ok(CustomOrigin::ValuationAdmin) => Ok(ids::VALUATION_ADMIN),
			Ok(CustomOrigin::Treasurer) => Ok(ids::TREASURER),
			Err(_) => Err(()),
		}
	}
}
