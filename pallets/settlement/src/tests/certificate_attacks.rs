//! Attacks on green certificates: pushing certificates onto an account to block it, and being
//! paid in certificates while suspended for fraud.

use frame_support::{assert_noop, assert_ok, traits::Get};
use openvpp_primitives::{DeviceKind, DeviceStatus};

use super::{hour, hour_ms};
use crate::{mock::*, CertificateCount, Certificates, Error};

const REGION: u16 = 1;

#[test]
fn others_cannot_fill_a_recipients_certificate_limit() {
	test(|| {
		let limit = <Test as crate::Config>::MaxCertificatesPerOwner::get();
		// Dave's 5 kWp roof and Alice's, each 3.2 kWh in hour 12.
		let daves_roof = MockRegistry::add(DAVE, DeviceKind::SolarPv, REGION, true);
		let alices_roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, REGION, true);
		advance_to_epoch(12);
		for roof in [daves_roof, alices_roof] {
			report(roof, hour_ms(12) + 3_600_000 - 1, 0, 3_200);
		}
		let signed = RuntimeOrigin::signed;

		// Dave pushes the limit's worth of records at Alice: 100 Wh parts, then the rest.
		assert_ok!(Settlement::issue_certificates(signed(DAVE), daves_roof, hour(12), 3_200));
		for _ in 1..limit {
			assert_ok!(Settlement::offer_certificate(signed(DAVE), 0, ALICE, 100));
		}
		let rest = Certificates::<Test>::get(0).unwrap().amount_wh;
		assert_ok!(Settlement::offer_certificate(signed(DAVE), 0, ALICE, rest));

		// Alice still issues her own certificates, up to her whole limit.
		for _ in 0..limit {
			assert_ok!(Settlement::issue_certificates(signed(ALICE), alices_roof, hour(12), 400));
		}
		assert_eq!(CertificateCount::<Test>::get(ALICE), limit);
		// Dave's records wait for her answer; they fill his limit, not hers.
		assert_eq!(Settlement::certificate_offers_to(&ALICE, 2 * limit).len(), limit as usize);
		assert_eq!(CertificateCount::<Test>::get(DAVE), limit);
		// Every record Dave holds is on offer: he has nothing left to split and push.
		assert_noop!(
			Settlement::offer_certificate(signed(DAVE), 1, ALICE, 50),
			Error::<Test>::CertificateOnOffer
		);

		// And turns Dave's offers down: the parts go back into his record.
		assert_ok!(Settlement::reject_certificate(signed(ALICE), 0));
		for id in 1..u64::from(limit) {
			assert_ok!(Settlement::reject_certificate(signed(ALICE), id));
		}
		assert!(Settlement::certificate_offers_to(&ALICE, 2 * limit).is_empty());
		assert_eq!(CertificateCount::<Test>::get(DAVE), 1);
		assert_eq!(Certificates::<Test>::get(0).unwrap().amount_wh, 3_200);
	});
}

#[test]
fn a_device_suspended_for_fraud_is_not_paid_in_certificates() {
	test(|| {
		// A 5 kWp roof with 3.2 kWh in hour 12, then suspended by the grid administration.
		let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, REGION, true);
		advance_to_epoch(12);
		report(roof, hour_ms(12) + 3_600_000 - 1, 0, 3_200);
		// Past hour 12's grace hour: its rewards are settleable.
		advance_to_epoch(14);
		MockRegistry::set_status(roof, DeviceStatus::SuspendedByAdmin);
		let signed = RuntimeOrigin::signed;

		assert_noop!(
			Settlement::issue_certificates(signed(ALICE), roof, hour(12), 3_200),
			Error::<Test>::DeviceSuspended
		);
		assert_noop!(
			Settlement::issue_certificates(signed(ALICE), roof, hour(12), 1),
			Error::<Test>::DeviceSuspended
		);
		// The reward path is frozen too.
		assert!(Settlement::pending_rewards(roof) > 0);
		let devices = vec![roof].try_into().unwrap();
		assert_noop!(Settlement::claim(signed(ALICE), devices), Error::<Test>::DeviceSuspended);

		// An owner's own pause is no suspension; reactivated by the administration, the roof's
		// generation can be certified again.
		MockRegistry::set_status(roof, DeviceStatus::SuspendedByOwner);
		assert_ok!(Settlement::issue_certificates(signed(ALICE), roof, hour(12), 1_200));
		MockRegistry::set_status(roof, DeviceStatus::Active);
		assert_ok!(Settlement::issue_certificates(signed(ALICE), roof, hour(12), 2_000));
	});
}
