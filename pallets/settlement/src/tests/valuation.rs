//! Valuation parameters and how bundles become points.

use frame_support::assert_ok;
use openvpp_primitives::DeviceKind;
use sp_runtime::{traits::One, FixedU128, Permill};

use super::{epoch, hour_ms};
use crate::{
	mock::*,
	valuation::{contributions, quality_multiplier, value_points, ValuationInput},
	ActiveParams, Contribution, CurrentEpoch, DeviceValues, Epochs, Event, PendingParams,
	ValuationParams,
};

fn fixed(tenths: u128) -> FixedU128 {
	FixedU128::from_rational(tenths, 10)
}

#[test]
fn standard_table_is_derived_from_the_reference_price() {
	test(|| {
		let params = ActiveParams::<Test>::get();
		assert_eq!(params.price(DeviceKind::SolarPv, Contribution::Generation), VPP / 4);
		assert_eq!(params.price(DeviceKind::Wind, Contribution::Generation), VPP / 4);
		assert_eq!(
			params.price(DeviceKind::Battery, Contribution::StorageDischarge),
			375 * VPP / 1000
		);
		assert_eq!(params.price(DeviceKind::Ev, Contribution::FlexibleConsumption), VPP / 20);
		assert_eq!(params.price(DeviceKind::HeatPump, Contribution::GridSupport), 3 * VPP / 4);
		for c in Contribution::ALL {
			assert_eq!(params.price(DeviceKind::SmartMeter, c), 0);
		}
		assert_eq!(params.emission_per_epoch, EMISSION);
	});
}

#[test]
fn contributions_follow_the_documented_mapping() {
	use Contribution::*;
	assert_eq!(
		contributions(DeviceKind::SolarPv, 30, 3_800),
		[(Generation, 3_800), (Generation, 0)]
	);
	assert_eq!(
		contributions(DeviceKind::Battery, 4_000, 5_000),
		[(StorageDischarge, 5_000), (FlexibleConsumption, 4_000)]
	);
	assert_eq!(
		contributions(DeviceKind::Ev, 7_000, 0),
		[(StorageDischarge, 0), (FlexibleConsumption, 7_000)]
	);
	assert_eq!(
		contributions(DeviceKind::HeatPump, 2_500, 0),
		[(FlexibleConsumption, 2_500), (Generation, 0)]
	);
	assert_eq!(
		contributions(DeviceKind::SmartMeter, 9_000, 1_000),
		[(Generation, 0), (Generation, 0)]
	);
}

#[test]
fn points_are_energy_times_price_times_multipliers() {
	let params = ValuationParams::<Balance>::standard(REFERENCE_PRICE, EMISSION);
	// 3.5 kWh from a 5 kWp roof at 12:30 UTC, attested, perfect score:
	// 3.5 × 0.25 VPP × 0.9 (midday) × 1.2 (green) × 1.0 (quality) × 1.1 (attested) = 1.0395 VPP.
	let input = ValuationInput {
		kind: DeviceKind::SolarPv,
		contribution: Contribution::Generation,
		energy_wh: 3_500,
		at_ms: START_MS + 12 * HOUR + 1_800_000,
		region_multiplier: FixedU128::one(),
		credit_score: 1000,
		attested: true,
	};
	assert_eq!(value_points(&params, &input), 1_039_500_000_000);
	// The same energy in a region worth 1.5× and from an unattested device at score 500.
	let input = ValuationInput {
		region_multiplier: fixed(15),
		credit_score: 500,
		attested: false,
		..input
	};
	// 0.875 × 0.9 × 1.2 × 1.5 × 0.75 = 1.063125 VPP.
	assert_eq!(value_points(&params, &input), 1_063_125_000_000);
}

#[test]
fn flexible_consumption_is_worth_more_in_cheap_hours() {
	let params = ValuationParams::<Balance>::standard(REFERENCE_PRICE, EMISSION);
	let charging = |hour: u64| ValuationInput {
		kind: DeviceKind::Ev,
		contribution: Contribution::FlexibleConsumption,
		energy_wh: 7_000,
		at_ms: START_MS + hour * HOUR + 1_800_000,
		region_multiplier: FixedU128::one(),
		credit_score: 1000,
		attested: false,
	};
	// 7 kWh × 0.05 VPP = 0.35 VPP; at 02:00 ÷ 0.8 = 0.4375 VPP, at 18:00 ÷ 1.5 = 0.2333 VPP.
	assert_eq!(value_points(&params, &charging(2)), 437_500_000_000);
	assert_eq!(value_points(&params, &charging(18)), 233_333_333_333);
	// Storage discharge is worth more at the evening peak.
	let discharge = |hour: u64| ValuationInput {
		kind: DeviceKind::Battery,
		contribution: Contribution::StorageDischarge,
		energy_wh: 5_000,
		..charging(hour)
	};
	assert!(value_points(&params, &discharge(18)) > value_points(&params, &discharge(2)));
}

#[test]
fn quality_multiplier_rises_from_the_floor_to_one() {
	let floor = Permill::from_percent(50);
	assert_eq!(quality_multiplier(floor, 0), fixed(5));
	assert_eq!(quality_multiplier(floor, 500), FixedU128::from_rational(75, 100));
	assert_eq!(quality_multiplier(floor, 1000), FixedU128::one());
	assert_eq!(quality_multiplier(floor, 1500), FixedU128::one());
	assert_eq!(quality_multiplier(Permill::one(), 0), FixedU128::one());
}

#[test]
fn parameter_changes_apply_from_the_next_epoch() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		let old = ActiveParams::<Test>::get();
		assert_ok!(Settlement::set_price(
			RuntimeOrigin::root(),
			DeviceKind::SolarPv,
			Contribution::Generation,
			VPP / 2
		));
		assert_ok!(Settlement::set_emission(RuntimeOrigin::root(), 200 * VPP));
		assert_ok!(Settlement::set_multipliers(
			RuntimeOrigin::root(),
			fixed(13),
			fixed(12),
			Permill::from_percent(60)
		));
		assert_ok!(Settlement::set_time_of_use(RuntimeOrigin::root(), Box::new([fixed(10); 24])));
		assert_eq!(ActiveParams::<Test>::get(), old);
		let (effective, pending) = PendingParams::<Test>::get().unwrap();
		assert_eq!(effective, epoch(1));
		assert_eq!(pending.price(DeviceKind::SolarPv, Contribution::Generation), VPP / 2);
		assert_eq!(pending.emission_per_epoch, 200 * VPP);
		assert_eq!(pending.green_premium, fixed(13));
		assert!(settlement_events().contains(&Event::PriceSet {
			kind: DeviceKind::SolarPv,
			contribution: Contribution::Generation,
			price_per_kwh: VPP / 2,
			effective_epoch: epoch(1),
		}));

		// Energy in the current epoch is still valued at the old price.
		report(roof, hour_ms(0) + 1_800_000, 0, 1_000);
		let points_old = Epochs::<Test>::get(epoch(0)).unwrap().total_points;

		advance_to_epoch(1);
		assert_eq!(ActiveParams::<Test>::get(), pending);
		assert!(PendingParams::<Test>::get().is_none());
		assert!(settlement_events().contains(&Event::ValuationActivated { epoch: epoch(1) }));
		// The closed epoch used the old emission.
		assert!(Epochs::<Test>::get(epoch(0)).unwrap().emitted <= EMISSION);

		report(roof, hour_ms(1) + 1_800_000, 0, 1_000);
		let points_new = Epochs::<Test>::get(epoch(1)).unwrap().total_points;
		assert!(points_new > points_old);
	});
}

#[test]
fn region_multiplier_applies_from_the_next_epoch() {
	test(|| {
		assert_eq!(Settlement::region_multiplier(7), FixedU128::one());
		assert_ok!(Settlement::set_region_multiplier(RuntimeOrigin::root(), 7, fixed(15)));
		assert_eq!(Settlement::region_multiplier(7), FixedU128::one());
		assert!(settlement_events().contains(&Event::RegionMultiplierSet {
			region: 7,
			multiplier: fixed(15),
			effective_epoch: epoch(1),
		}));
		advance_to_epoch(1);
		assert_eq!(Settlement::region_multiplier(7), fixed(15));
		// A second change keeps the first in force until its own epoch.
		assert_ok!(Settlement::set_region_multiplier(RuntimeOrigin::root(), 7, fixed(12)));
		assert_eq!(Settlement::region_multiplier(7), fixed(15));
		advance_to_epoch(2);
		assert_eq!(Settlement::region_multiplier(7), fixed(12));
		assert_eq!(Settlement::valuation_table().regions, vec![(7, fixed(12))]);
	});
}

#[test]
fn device_value_tracks_energy_by_contribution_and_reward() {
	test(|| {
		let battery = MockRegistry::add(BOB, DeviceKind::Battery, 1, true);
		let meter = MockRegistry::add(CHARLIE, DeviceKind::SmartMeter, 1, true);
		report(battery, hour_ms(0) + 900_000, 4_000, 0);
		report(battery, hour_ms(0) + 2_700_000, 0, 3_000);
		report(meter, hour_ms(0) + 2_700_000, 9_000, 0);
		let value = DeviceValues::<Test>::get(battery);
		assert_eq!(value.energy_wh, [0, 3_000, 4_000, 0]);
		assert!(value.lifetime_points > 0);
		assert_eq!(value.lifetime_reward, 0);
		// A smart meter measures; it earns nothing.
		assert_eq!(DeviceValues::<Test>::get(meter), Default::default());

		advance_to_epoch(2);
		let rewards = Settlement::pending_rewards(battery);
		assert!(rewards <= EMISSION && rewards + 1 >= EMISSION);
		assert_ok!(Settlement::claim(
			RuntimeOrigin::signed(BOB),
			vec![battery].try_into().unwrap()
		));
		let value = Settlement::device_value(battery).unwrap();
		assert_eq!(value.lifetime_reward, rewards);
		assert_eq!(Settlement::device_value(99), None);
		assert_eq!(CurrentEpoch::<Test>::get(), epoch(2));
	});
}
