//! Hourly green certificates: issuance, offers (in whole or in part) and their acceptance,
//! rejection or cancellation, 24/7-matched retirement.

use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use openvpp_primitives::{DeviceId, DeviceKind};

use super::{hour, hour_ms};
use crate::{
	mock::*, CertificateCount, CertificateOffer, CertificateOffers, CertificateSupply,
	Certificates, Error, Event, HoldReason, NextCertificateId, OffersByRecipient, Provenance,
	Retirement, SupplyBucket,
};

const REGION: u16 = 1;

fn issue(who: AccountId, device: DeviceId, h: u64, amount_wh: u64) -> sp_runtime::DispatchResult {
	Settlement::issue_certificates(RuntimeOrigin::signed(who), device, hour(h), amount_wh)
}

fn offer(who: AccountId, id: u64, to: AccountId, amount_wh: u64) -> sp_runtime::DispatchResult {
	Settlement::offer_certificate(RuntimeOrigin::signed(who), id, to, amount_wh)
}

fn accept(who: AccountId, id: u64) -> sp_runtime::DispatchResult {
	Settlement::accept_certificate(RuntimeOrigin::signed(who), id)
}

fn reject(who: AccountId, id: u64) -> sp_runtime::DispatchResult {
	Settlement::reject_certificate(RuntimeOrigin::signed(who), id)
}

fn cancel(who: AccountId, id: u64) -> sp_runtime::DispatchResult {
	Settlement::cancel_certificate_offer(RuntimeOrigin::signed(who), id)
}

/// Offers `amount_wh` of record `id` to `to`, who accepts it.
fn transfer(who: AccountId, id: u64, to: AccountId, amount_wh: u64) -> sp_runtime::DispatchResult {
	let offered = if Certificates::<Test>::get(id).is_some_and(|c| c.amount_wh == amount_wh) {
		id
	} else {
		NextCertificateId::<Test>::get()
	};
	offer(who, id, to, amount_wh)?;
	accept(to, offered)
}

fn retire(who: AccountId, id: u64, amount_wh: u64, meter: DeviceId) -> sp_runtime::DispatchResult {
	Settlement::retire(RuntimeOrigin::signed(who), id, amount_wh, meter)
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::CertificateDeposit.into(), &who)
}

/// A 5 kWp roof of Alice that produced 3.2 kWh in hour 12, and Charlie's meter that measured
/// 1.5 kWh of consumption in the same hour and region.
fn roof_and_meter() -> (DeviceId, DeviceId) {
	let roof = MockRegistry::add(ALICE, DeviceKind::SolarPv, REGION, true);
	let meter = MockRegistry::add(CHARLIE, DeviceKind::SmartMeter, REGION, true);
	advance_to_epoch(12);
	report(roof, hour_ms(12) + 1_800_000, 0, 1_900);
	report(roof, hour_ms(12) + 3_600_000 - 1, 0, 1_300);
	report(meter, hour_ms(12) + 3_000_000, 1_500, 0);
	(roof, meter)
}

#[test]
fn issue_transfer_in_part_and_retire_against_hourly_consumption() {
	test(|| {
		let (roof, meter) = roof_and_meter();
		assert_eq!(Settlement::generation_in(roof, hour(12)).unwrap().renewable_wh, 3_200);

		assert_ok!(issue(ALICE, roof, 12, 3_000));
		let provenance = Provenance {
			device: roof,
			kind: DeviceKind::SolarPv,
			region: REGION,
			hour: hour(12),
			attested: true,
			from_storage: false,
		};
		let certificate = Certificates::<Test>::get(0).unwrap();
		assert_eq!(
			(certificate.owner, certificate.amount_wh, certificate.provenance),
			(ALICE, 3_000, provenance)
		);
		assert_eq!(held(ALICE), CertificateDeposit::get());
		assert_eq!(Settlement::generation_in(roof, hour(12)).unwrap().certified_wh, 3_000);
		assert!(settlement_events().contains(&Event::CertificatesIssued {
			id: 0,
			device: roof,
			hour: hour(12),
			owner: ALICE,
			amount_wh: 3_000
		}));

		// Alice sells 1.2 kWh to Charlie: split into a new record, deposit paid by Alice, which
		// Charlie accepts.
		assert_ok!(transfer(ALICE, 0, CHARLIE, 1_200));
		assert_eq!(Certificates::<Test>::get(0).unwrap().amount_wh, 1_800);
		let split = Certificates::<Test>::get(1).unwrap();
		assert_eq!((split.owner, split.amount_wh, split.provenance), (CHARLIE, 1_200, provenance));
		assert_eq!(held(ALICE), 2 * CertificateDeposit::get());
		assert_eq!(Settlement::certificates_of(&CHARLIE).len(), 1);

		// Charlie retires 1 kWh against his meter's consumption in that hour.
		assert_ok!(retire(CHARLIE, 1, 1_000, meter));
		assert_eq!(Certificates::<Test>::get(1).unwrap().amount_wh, 200);
		assert_eq!(Settlement::consumption_in(meter, hour(12)).unwrap().matched_wh, 1_000);
		let record = Retirement { meter, certificate: 1, provenance, amount_wh: 1_000 };
		assert_eq!(
			Settlement::retirements_of(&CHARLIE, hour(0), hour(23)),
			vec![(hour(12), record)]
		);
		assert_eq!(Settlement::retirements_of(&CHARLIE, hour(13), hour(23)), vec![]);
		assert_eq!(
			CertificateSupply::<Test>::get(REGION, hour(12)),
			SupplyBucket { issued_wh: 3_000, retired_wh: 1_000 }
		);

		// Retiring the rest removes the record and returns Alice's deposit for it.
		assert_ok!(retire(CHARLIE, 1, 200, meter));
		assert!(Certificates::<Test>::get(1).is_none());
		assert_eq!(held(ALICE), CertificateDeposit::get());
		assert_eq!(CertificateCount::<Test>::get(CHARLIE), 0);
		assert_eq!(Settlement::retirements_of(&CHARLIE, hour(12), hour(12)).len(), 2);
	});
}

#[test]
fn a_whole_transfer_moves_the_record() {
	test(|| {
		let (roof, _) = roof_and_meter();
		assert_ok!(issue(ALICE, roof, 12, 3_200));
		assert_ok!(transfer(ALICE, 0, BOB, 3_200));
		assert_eq!(Certificates::<Test>::get(0).unwrap().owner, BOB);
		assert_eq!(CertificateCount::<Test>::get(ALICE), 0);
		assert_eq!(CertificateCount::<Test>::get(BOB), 1);
		assert!(settlement_events().contains(&Event::CertificateTransferred {
			id: 0,
			from: ALICE,
			to: BOB,
			amount_wh: 3_200
		}));
	});
}

#[test]
fn double_issuance_is_refused() {
	test(|| {
		let (roof, _) = roof_and_meter();
		assert_ok!(issue(ALICE, roof, 12, 2_000));
		assert_noop!(issue(ALICE, roof, 12, 1_201), Error::<Test>::ExceedsUncertifiedGeneration);
		assert_ok!(issue(ALICE, roof, 12, 1_200));
		assert_noop!(issue(ALICE, roof, 12, 1), Error::<Test>::GenerationAlreadyCertified);
		// More generation later in the same hour can be certified.
		report(roof, hour_ms(12) + 3_600_000 - 1, 0, 100);
		assert_ok!(issue(ALICE, roof, 12, 100));
	});
}

#[test]
fn retiring_in_another_region_is_refused() {
	test(|| {
		let (roof, _) = roof_and_meter();
		let far_meter = MockRegistry::add(CHARLIE, DeviceKind::SmartMeter, 2, true);
		report(far_meter, hour_ms(12) + 3_000_000, 2_000, 0);
		assert_ok!(issue(ALICE, roof, 12, 3_000));
		assert_ok!(transfer(ALICE, 0, CHARLIE, 3_000));
		assert_noop!(retire(CHARLIE, 0, 1_000, far_meter), Error::<Test>::RegionMismatch);
	});
}

#[test]
fn retiring_in_another_hour_is_refused() {
	test(|| {
		let (roof, _) = roof_and_meter();
		let evening_meter = MockRegistry::add(CHARLIE, DeviceKind::SmartMeter, REGION, true);
		advance_to_epoch(19);
		report(evening_meter, hour_ms(19) + 3_000_000, 4_000, 0);
		assert_ok!(issue(ALICE, roof, 12, 3_000));
		assert_ok!(transfer(ALICE, 0, CHARLIE, 3_000));
		// Midday solar cannot cover the evening's consumption.
		assert_noop!(retire(CHARLIE, 0, 1_000, evening_meter), Error::<Test>::NoConsumptionInHour);
	});
}

#[test]
fn retiring_more_than_consumption_or_holding_is_refused() {
	test(|| {
		let (roof, meter) = roof_and_meter();
		assert_ok!(issue(ALICE, roof, 12, 3_200));
		assert_ok!(transfer(ALICE, 0, CHARLIE, 1_000));
		// Charlie holds 1 kWh (record 1); his meter measured 1.5 kWh.
		assert_noop!(retire(CHARLIE, 1, 1_001, meter), Error::<Test>::ExceedsHolding);
		assert_ok!(transfer(ALICE, 0, CHARLIE, 2_200));
		assert_noop!(retire(CHARLIE, 0, 1_501, meter), Error::<Test>::ExceedsConsumption);
		assert_ok!(retire(CHARLIE, 0, 1_500, meter));
		assert_noop!(retire(CHARLIE, 1, 1, meter), Error::<Test>::ExceedsConsumption);
	});
}

#[test]
fn storage_discharge_is_certified_and_flagged() {
	test(|| {
		let battery = MockRegistry::add(BOB, DeviceKind::Battery, REGION, false);
		advance_to_epoch(18);
		report(battery, hour_ms(18) + 3_000_000, 0, 5_000);
		assert_ok!(issue(BOB, battery, 18, 5_000));
		let provenance = Certificates::<Test>::get(0).unwrap().provenance;
		assert!(provenance.from_storage);
		assert!(!provenance.attested);
		assert_eq!(provenance.kind, DeviceKind::Battery);
	});
}

#[test]
fn generation_older_than_the_window_can_no_longer_be_certified() {
	test(|| {
		let (roof, _) = roof_and_meter();
		// 48 hours later the ring slot of hour 12 holds hour 60.
		advance_to_epoch(60);
		report(roof, hour_ms(60) + 1_800_000, 0, 2_000);
		assert_noop!(issue(ALICE, roof, 12, 1_000), Error::<Test>::NoGenerationInHour);
		// A late bundle for the expired hour is not booked.
		report(roof, hour_ms(12) + 1_800_000, 0, 500);
		assert_eq!(Settlement::generation_in(roof, hour(60)).unwrap().renewable_wh, 2_000);
		assert_ok!(issue(ALICE, roof, 60, 2_000));
	});
}

#[test]
fn an_offer_waits_for_the_recipient() {
	test(|| {
		let (roof, _) = roof_and_meter();
		assert_ok!(issue(ALICE, roof, 12, 3_200));
		// Alice offers 1.2 kWh to Charlie: the part is a new record, still Alice's.
		assert_ok!(offer(ALICE, 0, CHARLIE, 1_200));
		let part = Certificates::<Test>::get(1).unwrap();
		assert_eq!((part.owner, part.amount_wh, part.depositor), (ALICE, 1_200, ALICE));
		assert_eq!(Certificates::<Test>::get(0).unwrap().amount_wh, 2_000);
		assert_eq!(
			CertificateOffers::<Test>::get(1),
			Some(CertificateOffer { to: CHARLIE, split_from: Some(0) })
		);
		assert!(OffersByRecipient::<Test>::contains_key(CHARLIE, 1));
		assert_eq!(CertificateCount::<Test>::get(ALICE), 2);
		assert_eq!(CertificateCount::<Test>::get(CHARLIE), 0);
		assert!(settlement_events().contains(&Event::CertificateOffered {
			id: 1,
			split_from: Some(0),
			from: ALICE,
			to: CHARLIE,
			amount_wh: 1_200
		}));
		assert_eq!(Settlement::certificate_offers_to(&CHARLIE, 8), vec![(1, part)]);
		assert!(Settlement::certificates_of(&CHARLIE).is_empty());

		assert_ok!(accept(CHARLIE, 1));
		assert_eq!(Certificates::<Test>::get(1).unwrap().owner, CHARLIE);
		assert_eq!(CertificateCount::<Test>::get(ALICE), 1);
		assert_eq!(CertificateCount::<Test>::get(CHARLIE), 1);
		assert!(CertificateOffers::<Test>::get(1).is_none());
		assert!(Settlement::certificate_offers_to(&CHARLIE, 8).is_empty());
		// The deposit of the part stays Alice's until the record is used up.
		assert_eq!(held(ALICE), 2 * CertificateDeposit::get());
		assert!(settlement_events().contains(&Event::CertificateTransferred {
			id: 1,
			from: ALICE,
			to: CHARLIE,
			amount_wh: 1_200
		}));
	});
}

#[test]
fn a_rejected_part_goes_back_into_its_record() {
	test(|| {
		let (roof, _) = roof_and_meter();
		assert_ok!(issue(ALICE, roof, 12, 3_200));
		assert_ok!(offer(ALICE, 0, BOB, 1_200));
		assert_eq!(held(ALICE), 2 * CertificateDeposit::get());
		assert_ok!(reject(BOB, 1));
		// As before the offer: one record of 3.2 kWh, one deposit.
		assert!(Certificates::<Test>::get(1).is_none());
		assert_eq!(Certificates::<Test>::get(0).unwrap().amount_wh, 3_200);
		assert_eq!(CertificateCount::<Test>::get(ALICE), 1);
		assert_eq!(held(ALICE), CertificateDeposit::get());
		assert!(CertificateOffers::<Test>::get(1).is_none());
		assert!(!OffersByRecipient::<Test>::contains_key(BOB, 1));
		assert!(settlement_events().contains(&Event::CertificateOfferRejected {
			id: 1,
			from: ALICE,
			to: BOB,
			merged_into: Some(0)
		}));
	});
}

#[test]
fn a_cancelled_offer_leaves_the_record_with_its_sender() {
	test(|| {
		let (roof, meter) = roof_and_meter();
		assert_ok!(issue(ALICE, roof, 12, 3_200));
		// A whole record offered and taken back stays as it was.
		assert_ok!(offer(ALICE, 0, BOB, 3_200));
		assert_ok!(cancel(ALICE, 0));
		assert_eq!(Certificates::<Test>::get(0).unwrap().owner, ALICE);
		assert!(CertificateOffers::<Test>::get(0).is_none());
		assert!(settlement_events().contains(&Event::CertificateOfferCancelled {
			id: 0,
			from: ALICE,
			to: BOB,
			merged_into: None
		}));

		// A part whose record went to someone else meanwhile stays a record of its own.
		assert_ok!(offer(ALICE, 0, BOB, 1_000));
		assert_ok!(transfer(ALICE, 0, CHARLIE, 2_200));
		assert_ok!(cancel(ALICE, 1));
		let part = Certificates::<Test>::get(1).unwrap();
		assert_eq!((part.owner, part.amount_wh), (ALICE, 1_000));
		assert_eq!(CertificateCount::<Test>::get(ALICE), 1);
		assert!(settlement_events().contains(&Event::CertificateOfferCancelled {
			id: 1,
			from: ALICE,
			to: BOB,
			merged_into: None
		}));
		// Charlie retires what he accepted.
		assert_ok!(retire(CHARLIE, 0, 1_500, meter));
	});
}

#[test]
fn an_offered_record_is_locked_until_the_offer_closes() {
	test(|| {
		let (roof, _) = roof_and_meter();
		let alices_meter = MockRegistry::add(ALICE, DeviceKind::SmartMeter, REGION, true);
		report(alices_meter, hour_ms(12) + 3_000_000, 2_000, 0);
		assert_ok!(issue(ALICE, roof, 12, 3_200));
		assert_ok!(offer(ALICE, 0, BOB, 3_200));
		// Alice cannot offer it twice, nor retire what Bob may still accept.
		assert_noop!(offer(ALICE, 0, CHARLIE, 3_200), Error::<Test>::CertificateOnOffer);
		assert_noop!(offer(ALICE, 0, CHARLIE, 1_000), Error::<Test>::CertificateOnOffer);
		assert_noop!(retire(ALICE, 0, 1_000, alices_meter), Error::<Test>::CertificateOnOffer);
		assert_ok!(cancel(ALICE, 0));
		assert_ok!(retire(ALICE, 0, 1_000, alices_meter));
	});
}

#[test]
fn an_open_offer_counts_against_its_sender() {
	test(|| {
		let (roof, _) = roof_and_meter();
		assert_ok!(issue(ALICE, roof, 12, 3_200));
		// One record and seven parts on offer to Bob: Alice's eight.
		for _ in 0..7 {
			assert_ok!(offer(ALICE, 0, BOB, 100));
		}
		assert_eq!(CertificateCount::<Test>::get(ALICE), 8);
		assert_noop!(offer(ALICE, 0, BOB, 100), Error::<Test>::TooManyCertificates);
		// A whole record needs no new one.
		assert_ok!(offer(ALICE, 0, CHARLIE, 2_500));
		assert_eq!(Settlement::certificate_offers_to(&BOB, 16).len(), 7);
		assert_eq!(Settlement::certificate_offers_to(&BOB, 3).len(), 3);
	});
}

#[test]
fn bad_offer_answers_are_refused() {
	test(|| {
		let (roof, _) = roof_and_meter();
		let bobs_battery = MockRegistry::add(BOB, DeviceKind::Battery, REGION, true);
		report(bobs_battery, hour_ms(12) + 3_000_000, 0, 5_000);
		assert_ok!(issue(ALICE, roof, 12, 3_200));
		assert_ok!(offer(ALICE, 0, BOB, 1_200));
		// Record 0 is Alice's, not on offer; record 1 is on offer to Bob; no record 9.
		assert_noop!(accept(BOB, 0), Error::<Test>::CertificateNotOffered);
		assert_noop!(reject(BOB, 0), Error::<Test>::CertificateNotOffered);
		assert_noop!(cancel(ALICE, 0), Error::<Test>::CertificateNotOffered);
		assert_noop!(accept(BOB, 9), Error::<Test>::CertificateNotOffered);
		assert_noop!(cancel(ALICE, 9), Error::<Test>::UnknownCertificate);
		assert_noop!(accept(CHARLIE, 1), Error::<Test>::NotOfferRecipient);
		assert_noop!(reject(CHARLIE, 1), Error::<Test>::NotOfferRecipient);
		assert_noop!(accept(ALICE, 1), Error::<Test>::NotOfferRecipient);
		assert_noop!(cancel(BOB, 1), Error::<Test>::NotCertificateOwner);
		// Bob holds the most records allowed (eight of his own): he must make room first.
		for _ in 0..8 {
			assert_ok!(issue(BOB, bobs_battery, 12, 500));
		}
		assert_noop!(accept(BOB, 1), Error::<Test>::TooManyCertificates);
		// Nothing moved: the offer is still open and can be turned down.
		assert_ok!(reject(BOB, 1));
	});
}

#[test]
fn try_state_finds_a_certificate_deposit_that_is_not_held() {
	new_test_ext().execute_with(|| {
		use frame_support::traits::{fungible::MutateHold, tokens::Precision};
		let (roof, _) = roof_and_meter();
		assert_ok!(issue(ALICE, roof, 12, 3_000));
		assert_ok!(Settlement::do_try_state());
		// A deposit released without its record: the chain would owe a refund it does not hold.
		assert_ok!(Balances::release(
			&HoldReason::CertificateDeposit.into(),
			&ALICE,
			1,
			Precision::Exact
		));
		assert_eq!(
			Settlement::do_try_state(),
			Err("certificate holds differ from the records' deposits".into())
		);
	});
}
