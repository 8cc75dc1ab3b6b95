//! Hardware trust: what a device without a valid manufacturer certificate can earn.
//!
//! The attack: anyone registers a "20 MW wind turbine" with a key they generated and signs
//! readings at nameplate power. In an attested-only region it must earn nothing; in a capped
//! region at most the cap; and never green certificates.

use frame_support::{assert_noop, assert_ok};
use openvpp_primitives::{DeviceKind, Nameplate, RewardEligibility};

use super::{hour, hour_ms};
use crate::{mock::*, Contribution, Error};

/// The fake turbine's nameplate: 20 MW export.
fn turbine_20mw() -> Nameplate {
	Nameplate { capacity_wh: 0, max_import_w: 0, max_export_w: 20_000_000 }
}

/// An honest, attested 5 kWp roof and the fake turbine (eligibility `fake`), both in region 1;
/// each reports one hour of production ending 45 minutes into hour 12 (a quarter of it in
/// hour 11, the epoch in its grace).
fn fake_turbine_beside_a_real_roof(fake: RewardEligibility) -> (u64, u64) {
	let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
	let turbine = MockRegistry::add(BOB, DeviceKind::Wind, 1, false);
	MockRegistry::set_trust(turbine, fake, turbine_20mw());
	advance_to_epoch(12);
	let at = hour_ms(12) + 2_700_000;
	report_between(roof, at - HOUR, at, 0, 3_800);
	// 20 MWh in the hour: exactly what the nameplate allows.
	report_between(turbine, at - HOUR, at, 0, 20_000_000);
	advance_to_epoch(14);
	(roof, turbine)
}

#[test]
fn a_fake_20_mw_turbine_earns_nothing_in_an_attested_only_region() {
	test(|| {
		let (roof, turbine) = fake_turbine_beside_a_real_roof(RewardEligibility::None);
		assert_eq!(Settlement::pending_rewards(turbine), 0);
		// The honest roof takes the whole emission of the epoch (up to rounding).
		assert!(Settlement::pending_rewards(roof) >= EMISSION - 1);
		assert!(Settlement::generation_in(turbine, hour(12)).is_none());
		assert_noop!(
			Settlement::issue_certificates(RuntimeOrigin::signed(BOB), turbine, hour(12), 1_000),
			Error::<Test>::NotHardwareAttested
		);
	});
}

#[test]
fn a_fake_20_mw_turbine_earns_at_most_the_cap_in_a_capped_region() {
	test(|| {
		let capped = RewardEligibility::Capped { max_counted_w: 10_000 };
		let (roof, turbine) = fake_turbine_beside_a_real_roof(capped);
		// Valued as 10 kW over the one-hour interval: 10 kWh, not 20 MWh.
		let value = Settlement::device_value(turbine).unwrap();
		assert_eq!(value.energy_wh[Contribution::Generation.index()], 10_000);
		// So the roof's 3.8 kWh still earns a fair share (without the cap it would get
		// 3.8 / 20,003.8 of the emission, i.e. nothing).
		let roof_reward = Settlement::pending_rewards(roof);
		let turbine_reward = Settlement::pending_rewards(turbine);
		assert!(turbine_reward > 0);
		assert!(roof_reward * 4 > turbine_reward, "{roof_reward} vs {turbine_reward}");
		// And never green certificates.
		assert!(Settlement::generation_in(turbine, hour(12)).is_none());
		assert_noop!(
			Settlement::issue_certificates(RuntimeOrigin::signed(BOB), turbine, hour(12), 1_000),
			Error::<Test>::NotHardwareAttested
		);
	});
}

#[test]
fn an_attestation_revoked_after_generation_stops_certificates_at_issue_time() {
	test(|| {
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, 1, true);
		advance_to_epoch(12);
		report(roof, hour_ms(12) + 2_700_000, 0, 3_800);
		assert_eq!(Settlement::generation_in(roof, hour(12)).unwrap().renewable_wh, 3_800);
		// The manufacturer's root key is revoked: the registry now reports no eligibility.
		let plate = <MockRegistry as openvpp_primitives::DeviceRegistry<AccountId>>::device(roof)
			.unwrap()
			.nameplate;
		MockRegistry::set_trust(roof, RewardEligibility::None, plate);
		assert_noop!(
			Settlement::issue_certificates(RuntimeOrigin::signed(ALICE), roof, hour(12), 1_000),
			Error::<Test>::NotHardwareAttested
		);
		MockRegistry::set_trust(roof, RewardEligibility::Full, plate);
		assert_ok!(Settlement::issue_certificates(
			RuntimeOrigin::signed(ALICE),
			roof,
			hour(12),
			1_000
		));
	});
}
