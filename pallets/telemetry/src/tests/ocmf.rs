//! OCMF records (Eichrecht charger meters, P-256): accepted when genuine and new, refused with
//! their own reason (changing nothing but counters) when tampered with, replayed, from another
//! meter or physically impossible; one bad record never sinks the good one beside it.

use frame_support::{assert_noop, assert_ok};
use openvpp_primitives::{
	crypto::p256::ecdsa::{signature::Signer, Signature, SigningKey},
	ocmf::{self, MeterIdentity, MeterSample, OcmfError},
	serial_hash, DeviceState, HardwareIdentity,
};

use super::*;
use crate::{history::ocmf_key, Error, OcmfSubmission};

/// Scalar of the test meter's P-256 key.
const METER_SECRET: [u8; 32] = [0x17; 32];
/// Serial the test meter writes as `MS`.
const METER_SERIAL: &str = "EM340-2026-000042";
/// 11 kW for 15 minutes, Wh.
const QUARTER_AT_11_KW_WH: u64 = 2_750;

fn meter_key() -> SigningKey {
	SigningKey::from_slice(&METER_SECRET).unwrap()
}

fn identity(serial: &str) -> MeterIdentity {
	MeterIdentity {
		gateway_id: "WALLBOX-7".into(),
		gateway_serial: "WB-7".into(),
		vendor: "OpenVPP".into(),
		model: "EM340".into(),
		serial: serial.into(),
	}
}

/// A sample `quarters` quarter-hours after `START_MS`, at 11 kW since the start.
fn at(quarters: u64, tx: u8) -> MeterSample {
	MeterSample {
		timestamp_ms: START_MS + quarters * QUARTER_MS,
		tx,
		import_wh: 1_234_567 + quarters * QUARTER_AT_11_KW_WH,
	}
}

fn payload(samples: &[MeterSample]) -> String {
	ocmf::write_payload(&identity(METER_SERIAL), "T42", samples)
}

/// The meter's record of `samples`.
fn record(samples: &[MeterSample]) -> String {
	ocmf::sign_record_p256(&payload(samples), &meter_key())
}

/// Registers the wallbox's meter with the test key, `GATEWAY` authorized.
/// A manufacturer-certified wallbox meter (the chain takes an EV charge point's registers
/// without a SoC only from certified hardware).
fn wallbox() -> DeviceId {
	let device = TestRegistry::register_charger(p256_public(&METER_SECRET), GATEWAY);
	TestRegistry::set_hardware(
		device,
		HardwareIdentity {
			manufacturer: 1,
			model: 1,
			serial_hash: serial_hash(METER_SERIAL.as_bytes()),
		},
	);
	device
}

fn submission(device: DeviceId, record: &str) -> OcmfSubmission {
	OcmfSubmission { device, record: record.as_bytes().to_vec().try_into().unwrap() }
}

fn submit_ocmf_as(gateway: AccountId, records: Vec<OcmfSubmission>) -> DispatchResult {
	Telemetry::submit_ocmf(RuntimeOrigin::signed(gateway), BoundedVec::try_from(records).unwrap())
}

fn submit_records(device: DeviceId, records: &[&str]) {
	System::reset_events();
	assert_ok!(submit_ocmf_as(GATEWAY, records.iter().map(|r| submission(device, r)).collect()));
}

fn snapshot(device: DeviceId) -> Snapshot {
	Snapshot {
		state: DeviceTelemetry::<Test>::get(device),
		quality: DeviceQuality::<Test>::get(device),
		operations: TestRegistry::operations(device),
		accepted: accepted_log().iter().filter(|(_, a)| a.device == device).count(),
	}
}

/// A wallbox whose first session quarter (0 → 1) is on chain; chain time at quarter 3.
fn wallbox_with_history() -> DeviceId {
	let device = wallbox();
	set_now(START_MS + QUARTER_MS + 5_000);
	submit_records(device, &[&record(&[at(0, b'B'), at(1, b'T')])]);
	assert_eq!(last_submitted(), (1, 2, 0));
	set_now(START_MS + 3 * QUARTER_MS + 5_000);
	device
}

/// Submits `record` and expects it, alone, to be refused for `reason` with nothing but the
/// counters of that reason changed.
fn assert_refused(device: DeviceId, record: &str, reason: RejectReason) {
	let before = snapshot(device);
	let gateway_before = gateway_counters(GATEWAY);
	submit_records(device, &[record]);
	let expected_seq = before.state.map_or(0, |s| s.last_seq + 1);
	assert_eq!(rejections(), vec![(device, expected_seq, reason)]);
	assert_eq!(last_submitted(), (0, 0, 1));
	let after = snapshot(device);
	assert_eq!(after.state, before.state, "state changed by a {reason:?} record");
	assert_eq!(after.accepted, before.accepted, "consumers saw a {reason:?} record");
	let mut quality = before.quality;
	quality.note_rejected(reason);
	assert_eq!(after.quality, quality);
	let mut gateway_expected = gateway_before;
	gateway_expected.note_rejected(reason);
	assert_eq!(gateway_counters(GATEWAY), gateway_expected);
	Telemetry::do_try_state().unwrap();
}

#[test]
fn a_genuine_session_is_taken_at_the_meters_register() {
	let mut ext = new_test_ext();
	ext.execute_with(|| {
		let device = wallbox_with_history();
		let state = DeviceTelemetry::<Test>::get(device).unwrap();
		assert_eq!(state.last_energy_in_wh, 1_234_567 + QUARTER_AT_11_KW_WH);
		assert_eq!(state.last_timestamp_ms, START_MS + QUARTER_MS);

		// The end record repeats the session's begin reading (already on chain) and adds two.
		let end = record(&[at(0, b'B'), at(1, b'T'), at(2, b'T'), at(3, b'E')]);
		submit_records(device, &[&end]);
		assert_eq!(rejections(), vec![]);
		assert_eq!(last_submitted(), (1, 2, 0));
		let state = DeviceTelemetry::<Test>::get(device).unwrap();
		assert_eq!(state.last_seq, 3);
		assert_eq!(state.last_energy_in_wh, 1_234_567 + 3 * QUARTER_AT_11_KW_WH);
		assert_eq!(state.last_state, DeviceState::Charging);
		let (_, accepted) = accepted_log().pop().unwrap();
		assert_eq!(accepted.energy_in_wh, 2 * QUARTER_AT_11_KW_WH);
		assert_eq!(
			(accepted.from_ms, accepted.to_ms),
			(at(1, 0).timestamp_ms, at(3, 0).timestamp_ms)
		);
		assert_eq!(TestRegistry::operations(device).energy_in_wh, 3 * QUARTER_AT_11_KW_WH);
		Telemetry::do_try_state().unwrap();
	});
	ext.persist_offchain_overlay();
	// The raw records are kept for auditors under their first new sequence number; the
	// readings under theirs.
	let db = ext.offchain_db();
	let first = db.get(&ocmf_key(0, 0)).unwrap();
	assert!(first.starts_with(b"OCMF|{\"FV\":\"1.0\""));
	assert_eq!(ocmf::parse(&first).unwrap().readings.len(), 2);
	let end = db.get(&ocmf_key(0, 2)).unwrap();
	assert_eq!(ocmf::parse(&end).unwrap().readings.len(), 4);
	assert_eq!(
		history_entry(&ext, 0, 3).unwrap().energy_in_wh,
		1_234_567 + 3 * QUARTER_AT_11_KW_WH
	);
}

#[test]
fn one_byte_or_one_digit_changed_is_a_bad_signature() {
	new_test_ext().execute_with(|| {
		let device = wallbox_with_history();
		let genuine = record(&[at(2, b'T')]);
		// One more Wh on the register (one digit).
		let digit = genuine.replacen("1240.067", "1240.068", 1);
		assert_ne!(digit, genuine);
		assert_refused(device, &digit, RejectReason::BadSignature);
		// One byte of the signature.
		let at_sd = genuine.find("\"SD\":\"").unwrap() + 6;
		let mut bytes = genuine.clone().into_bytes();
		bytes[at_sd + 10] = if bytes[at_sd + 10] == b'A' { b'B' } else { b'A' };
		assert_refused(device, &String::from_utf8(bytes).unwrap(), RejectReason::BadSignature);
		// Another meter's key.
		let other = SigningKey::from_slice(&[0x18; 32]).unwrap();
		let forged = ocmf::sign_record_p256(&payload(&[at(2, b'T')]), &other);
		assert_refused(device, &forged, RejectReason::BadSignature);

		submit_records(device, &[&genuine]);
		assert_eq!(last_submitted(), (1, 1, 0));
		// A one-reading record is charging when the register moved since the last reading.
		assert_eq!(DeviceTelemetry::<Test>::get(device).unwrap().last_state, DeviceState::Charging);
	});
}

#[test]
fn a_payload_counts_once_however_its_signature_is_written() {
	new_test_ext().execute_with(|| {
		let device = wallbox_with_history();
		let samples = [at(2, b'T')];
		let text = payload(&samples);
		let signature: Signature = meter_key().sign(text.as_bytes());
		let der = ocmf::write_record(&text, signature.to_der().as_bytes());
		submit_records(device, &[&der]);
		assert_eq!(last_submitted(), (1, 1, 0));

		// The same payload again: as DER, as bare r ‖ s, and with the high-S twin signature.
		let (r, s) = signature.split_scalars();
		let high_s = Signature::from_scalars(r, -s).unwrap();
		assert_ne!(high_s, signature);
		for replay in [
			der.clone(),
			ocmf::write_record(&text, &signature.to_bytes()),
			ocmf::write_record(&text, high_s.to_der().as_bytes()),
		] {
			assert_refused(device, &replay, RejectReason::SequenceReplayed);
		}
	});
}

#[test]
fn high_s_signatures_are_valid_ecdsa() {
	new_test_ext().execute_with(|| {
		let device = wallbox_with_history();
		let text = payload(&[at(2, b'T')]);
		let signature: Signature = meter_key().sign(text.as_bytes());
		let (r, s) = signature.split_scalars();
		let high_s = Signature::from_scalars(r, -s).unwrap();
		submit_records(device, &[&ocmf::write_record(&text, high_s.to_der().as_bytes())]);
		assert_eq!(last_submitted(), (1, 1, 0));
	});
}

#[test]
fn an_uncertified_charge_point_cannot_report_storage_without_soc() {
	new_test_ext().execute_with(|| {
		// An owner-made P-256 key writing OCMF records for its "EV": the records are well
		// signed, but nothing vouches for the registers and no SoC can check them.
		let device = TestRegistry::register_charger(p256_public(&METER_SECRET), GATEWAY);
		set_now(START_MS + QUARTER_MS + 5_000);
		assert_refused(device, &record(&[at(0, b'B'), at(1, b'T')]), RejectReason::SocMissing);
	});
}

#[test]
fn a_certified_meter_must_write_its_certified_serial() {
	new_test_ext().execute_with(|| {
		let device = wallbox_with_history();
		TestRegistry::set_hardware(
			device,
			HardwareIdentity {
				manufacturer: 1,
				model: 1,
				serial_hash: serial_hash(METER_SERIAL.as_bytes()),
			},
		);
		// The same meter key in another housing (a cloned key) is not the certified meter.
		let clone = ocmf::sign_record_p256(
			&ocmf::write_payload(&identity("EM340-2026-000043"), "T43", &[at(2, b'T')]),
			&meter_key(),
		);
		assert_refused(device, &clone, RejectReason::MeterSerialMismatch);
		submit_records(device, &[&record(&[at(2, b'T')])]);
		assert_eq!(last_submitted(), (1, 1, 0));
	});
}

#[test]
fn a_record_for_a_device_with_another_kind_of_key_is_a_key_mismatch() {
	new_test_ext().execute_with(|| {
		let ev = TestDevice::register(DeviceKind::Ev, profiles::EV_NAMEPLATE, "//Ocmf/ev");
		set_now(START_MS + QUARTER_MS);
		assert_refused(ev.id, &record(&[at(0, b'B')]), RejectReason::Ocmf(OcmfError::KeyMismatch));
	});
}

#[test]
fn more_than_the_wallbox_can_draw_is_refused() {
	new_test_ext().execute_with(|| {
		let device = wallbox_with_history();
		// 22 kW for a quarter on an 11 kW wallbox.
		let mut greedy = at(2, b'T');
		greedy.import_wh = at(1, 0).import_wh + 2 * QUARTER_AT_11_KW_WH;
		assert_refused(device, &record(&[greedy]), RejectReason::EnergyExceedsNameplate);
	});
}

#[test]
fn old_records_are_verified_but_not_rewarded() {
	new_test_ext().execute_with(|| {
		let device = wallbox();
		let old = record(&[at(0, b'B'), at(1, b'E')]);
		set_now(START_MS + 8 * 24 * HOUR_MS);
		assert_refused(device, &old, RejectReason::TimestampTooOld);
		// The runtime API reads it as the meter wrote it, whatever its age.
		let verdict = Telemetry::verify_ocmf(old.as_bytes(), &p256_public(&METER_SECRET)).unwrap();
		assert_eq!(verdict.meter_serial.as_deref(), Some(METER_SERIAL.as_bytes()));
		assert_eq!(verdict.pagination, b"T42".to_vec());
		assert_eq!(verdict.entries, 2);
		let registers: Vec<_> = verdict.readings.iter().map(|r| r.energy_in_wh).collect();
		assert_eq!(registers, vec![1_234_567, 1_234_567 + QUARTER_AT_11_KW_WH]);
		assert_eq!(
			Telemetry::verify_ocmf(
				old.replacen("1234.567", "1234.568", 1).as_bytes(),
				&p256_public(&METER_SECRET)
			),
			Err(OcmfError::BadSignature)
		);
	});
}

#[test]
fn malformed_records_blame_the_gateway_and_meter_faults_the_device() {
	new_test_ext().execute_with(|| {
		let device = wallbox_with_history();
		let genuine = record(&[at(2, b'T')]);
		for (bad, error) in [
			(String::from("OCPP|{}|{}"), OcmfError::NotOcmf),
			(genuine.replacen("{\"FV\"", "{{\"FV\"", 1), OcmfError::BadJson),
			(genuine.replacen("\"PG\":\"T42\",", "", 1), OcmfError::MissingField),
			(genuine.replacen("\"RU\":\"kWh\"", "\"RU\":\"kvarh\"", 1), OcmfError::BadSignature),
		] {
			let reason = match error {
				OcmfError::BadSignature => RejectReason::BadSignature,
				e => RejectReason::Ocmf(e),
			};
			assert!(!reason.blames_device());
			assert_refused(device, &bad, reason);
		}
		// Signed by the meter, but the meter reports an error: the device's fault.
		let faulty = ocmf::sign_record_p256(
			&payload(&[at(2, b'T')]).replacen("\"ST\":\"G\"", "\"ST\":\"E\"", 1),
			&meter_key(),
		);
		let reason = RejectReason::Ocmf(OcmfError::MeterError);
		assert!(reason.blames_device());
		assert_refused(device, &faulty, reason);
		assert_eq!(DeviceQuality::<Test>::get(device).malformed_readings, 1);
	});
}

#[test]
fn one_bad_record_does_not_sink_the_good_one_beside_it() {
	new_test_ext().execute_with(|| {
		let device = wallbox_with_history();
		let other = wallbox_of_another_owner();
		let good = record(&[at(2, b'T')]);
		let tampered = good.replacen("1240.067", "1250.067", 1);
		System::reset_events();
		assert_ok!(submit_ocmf_as(
			GATEWAY,
			vec![submission(other, &tampered), submission(device, &good), submission(99, &good)]
		));
		assert_eq!(
			rejections(),
			vec![(other, 0, RejectReason::BadSignature), (99, 0, RejectReason::UnknownDevice)]
		);
		assert_eq!(last_submitted(), (1, 1, 2));
		assert_eq!(DeviceTelemetry::<Test>::get(device).unwrap().last_seq, 2);
	});
}

/// A second wallbox (its own key), `GATEWAY` authorized.
fn wallbox_of_another_owner() -> DeviceId {
	TestRegistry::register_charger(p256_public(&[0x33; 32]), GATEWAY)
}

#[test]
fn an_empty_batch_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(submit_ocmf_as(GATEWAY, vec![]), Error::<Test>::NoBundles);
	});
}

#[test]
fn an_unauthorized_gateway_cannot_submit_a_meters_records() {
	new_test_ext().execute_with(|| {
		let device = wallbox();
		set_now(START_MS + QUARTER_MS);
		System::reset_events();
		assert_ok!(submit_ocmf_as(
			OTHER_GATEWAY,
			vec![submission(device, &record(&[at(0, b'B')]))]
		));
		assert_eq!(rejections(), vec![(device, 0, RejectReason::GatewayNotAuthorized)]);
		assert_eq!(DeviceTelemetry::<Test>::get(device), None);
	});
}
