//! Poisoned feeds: bodies crafted to exhaust the offchain worker's heap. Each is refused with a
//! clear `FeedError`, or read only up to its caps, and each test measures the most that
//! parsing it held allocated at once, to show that no body makes the parser hold more than
//! the body itself (the old tree of the whole document held many times that).
#![cfg(feature = "feed")]
#![allow(
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]

use openvpp_primitives::{
	feed::{
		self, FeedDocument, FeedError, MeterValuesRequest, ParsedFeed, MAX_FEED_BYTES,
		MAX_FEED_ENTRIES, MAX_FEED_REQUESTS, MAX_SAMPLED_VALUES, OPENVPP_FORMAT,
	},
	keys::{DeviceKeyPair, KeyScheme},
	Bundle, DeviceState, Reading,
};
use sp_core::{ConstU32, H256};

/// Readings per bundle, as in the runtime.
type Max = ConstU32<96>;

/// Parses `body` and returns the result with the most bytes parsing had allocated at once
/// (on this thread, so tests running beside it do not count).
fn parse_measured(body: &[u8]) -> (Result<ParsedFeed<Max>, FeedError>, usize) {
	let mut parsed = None;
	let info = allocation_counter::measure(|| parsed = Some(feed::parse_feed::<Max>(body)));
	(parsed.expect("parsed"), usize::try_from(info.bytes_max).unwrap_or(usize::MAX))
}

/// A body of about `MAX_FEED_BYTES`: `head`, then `item` repeated (comma-separated), then
/// `tail`. Returns the body and how many items it holds.
fn filled(head: &str, item: &str, tail: &str) -> (Vec<u8>, usize) {
	filled_with(head, |_| item.into(), tail)
}

/// Like [`filled`] with the `i`th item `item(i)` (all of the same length).
fn filled_with(head: &str, item: impl Fn(usize) -> String, tail: &str) -> (Vec<u8>, usize) {
	let room = MAX_FEED_BYTES - head.len() - tail.len();
	let count = room / (item(0).len() + 1);
	let mut body = String::with_capacity(MAX_FEED_BYTES);
	body.push_str(head);
	for i in 0..count {
		if i > 0 {
			body.push(',');
		}
		body.push_str(&item(i));
	}
	body.push_str(tail);
	assert!(body.len() <= MAX_FEED_BYTES);
	(body.into_bytes(), count)
}

/// A home battery's signed bundle: four quarter-hours charging at 2 kW (ed25519: the same
/// signature every time).
fn good_bundle() -> Bundle<Max> {
	let key = DeviceKeyPair::from_uri(KeyScheme::Ed25519, "//feed//battery").unwrap();
	let readings: Vec<Reading> = (0..4u64)
		.map(|q| Reading {
			timestamp_ms: 1_767_268_800_000 + q * 900_000,
			energy_in_wh: 10_000 + q * 500,
			energy_out_wh: 2_000,
			soc: Some(sp_runtime::Permill::from_parts(540_000 + q as u32 * 37_037)),
			state: DeviceState::Charging,
		})
		.collect();
	key.signed_bundle(H256::repeat_byte(7), 3, 40, &readings).unwrap()
}

fn good_bundle_json() -> String {
	serde_json::to_string(&feed::bundle_to_json(&good_bundle()).unwrap()).unwrap()
}

#[test]
fn poisoned_feed_body_is_refused_without_exhausting_the_heap() {
	// 8 MiB, the old cap: refused before a byte of it is parsed.
	let (eight_mib, _) = {
		let mut body = br#"{"format":"openvpp.bundles.v1","bundles":["#.to_vec();
		body.resize(8 * 1024 * 1024, b' ');
		(body, ())
	};
	let (parsed, peak) = parse_measured(&eight_mib);
	assert_eq!(parsed.err(), Some(FeedError::BodyTooLarge(8 * 1024 * 1024)));
	assert_eq!(peak, 0, "nothing is allocated for a body that is too large");

	// A megabyte of nested arrays: the reader's recursion limit stops it at once.
	let nested = vec![b'['; MAX_FEED_BYTES];
	let (parsed, peak) = parse_measured(&nested);
	let Err(FeedError::NotAFeed(why)) = parsed else { panic!("nested arrays are not a feed") };
	assert!(why.len() <= 200, "{why}");
	assert!(peak < 16 * 1024, "{peak} bytes for nested arrays");

	// The same nesting where a bundle is expected.
	let mut in_bundles = br#"{"format":"openvpp.bundles.v1","bundles":"#.to_vec();
	in_bundles.resize(MAX_FEED_BYTES, b'[');
	let (parsed, peak) = parse_measured(&in_bundles);
	assert!(matches!(parsed, Err(FeedError::NotAFeed(_))));
	assert!(peak < 16 * 1024, "{peak} bytes for nested bundles");

	// Balanced nesting under a field nobody reads is skipped with a byte of stack per level:
	// never more than the body.
	let depth = (MAX_FEED_BYTES - 100) / 2;
	let skipped = format!(
		r#"{{"format":"{OPENVPP_FORMAT}","bundles":[],"x":{}{}}}"#,
		"[".repeat(depth),
		"]".repeat(depth)
	);
	let (parsed, peak) = parse_measured(skipped.as_bytes());
	let parsed = parsed.unwrap();
	assert!(parsed.bundles.is_empty() && parsed.skipped.is_empty());
	assert!(peak <= skipped.len(), "{peak} bytes for {depth} ignored levels");
}

#[test]
fn poisoned_feed_of_tiny_entries_is_truncated_to_the_cap() {
	// A megabyte of tiny, well-formed but empty bundles: the first `MAX_FEED_ENTRIES` are
	// read (and skipped as empty), the rest are counted unread.
	let (body, count) = filled(
		&format!(r#"{{"format":"{OPENVPP_FORMAT}","bundles":["#),
		r#"{"device":1,"firstSeq":0,"readings":[],"signature":""}"#,
		"]}",
	);
	assert!(count > 10 * MAX_FEED_ENTRIES);
	let (parsed, peak) = parse_measured(&body);
	assert!(peak < 128 * 1024, "{peak} bytes for {count} tiny bundles");
	let parsed = parsed.unwrap();
	assert_eq!(parsed.skipped.len(), MAX_FEED_ENTRIES);
	assert!(parsed.skipped.iter().all(|(_, e)| *e == FeedError::BadReadingCount(0)));
	assert_eq!(parsed.truncated, count - MAX_FEED_ENTRIES);

	// The OCPP shape: a megabyte of empty requests.
	let (body, count) = filled("[", r#"{"evseId":1,"meterValue":[]}"#, "]");
	let (parsed, peak) = parse_measured(&body);
	let parsed = parsed.unwrap();
	assert!(parsed.bundles.is_empty() && parsed.ocmf.is_empty() && parsed.skipped.is_empty());
	assert_eq!(parsed.truncated, count - MAX_FEED_REQUESTS);
	assert!(peak < 16 * 1024, "{peak} bytes for {count} empty requests");

	// And a megabyte of unsigned meter values in one request.
	let (body, count) = filled(
		r#"{"evseId":1,"meterValue":["#,
		r#"{"timestamp":"2026-01-01T12:00:00Z","sampledValue":[{"value":1}]}"#,
		"]}",
	);
	let (parsed, peak) = parse_measured(&body);
	let parsed = parsed.unwrap();
	assert_eq!(parsed.skipped.len(), MAX_FEED_ENTRIES);
	assert!(parsed.skipped.iter().all(|(_, e)| *e == FeedError::Unsigned));
	assert_eq!(parsed.truncated, count - MAX_FEED_ENTRIES);
	assert!(peak < 128 * 1024, "{peak} bytes for {count} meter values");

	// A worker with less room left in its run reads fewer.
	let (body, count) =
		filled(&format!(r#"{{"format":"{OPENVPP_FORMAT}","bundles":["#), &good_bundle_json(), "]}");
	let parsed = feed::parse_feed_limited::<Max>(&body, 3).unwrap();
	assert_eq!(parsed.bundles.len(), 3);
	assert_eq!(parsed.truncated, count - 3);
}

#[test]
fn poisoned_bundle_with_too_many_readings_is_skipped_unread() {
	// One bundle claiming a megabyte of readings, in the compact array form of a reading.
	let (body, count) = filled(
		&format!(
			r#"{{"format":"{OPENVPP_FORMAT}","bundles":[{{"device":1,"firstSeq":0,"readings":["#
		),
		r#"[1767268800000,0,0,null,"idle"]"#,
		r#"],"signature":"0x00"}]}"#,
	);
	let (parsed, peak) = parse_measured(&body);
	let parsed = parsed.unwrap();
	assert!(parsed.bundles.is_empty());
	assert_eq!(parsed.skipped, vec![(0, FeedError::BadReadingCount(count))]);
	assert!(peak < 64 * 1024, "{peak} bytes for a bundle of {count} readings");
}

#[test]
fn poisoned_feed_with_huge_strings_is_refused_without_copying_them() {
	let bundle = feed::bundle_to_json(&good_bundle()).unwrap();
	let doc = |bundle: &feed::BundleJson| {
		serde_json::to_vec(&FeedDocument {
			format: OPENVPP_FORMAT.into(),
			bundles: vec![bundle.clone()],
		})
		.unwrap()
	};
	let huge = "ab".repeat(MAX_FEED_BYTES / 2 - 1_000);

	// A megabyte of signature hex: the entry is skipped, the text never copied.
	let mut long_signature = bundle.clone();
	long_signature.signature = format!("0x{huge}");
	let (parsed, peak) = parse_measured(&doc(&long_signature));
	assert!(peak < 16 * 1024, "{peak} bytes for a megabyte of signature");
	assert_eq!(parsed.unwrap().skipped, vec![(0, FeedError::TextTooLong("signature"))]);

	// A megabyte of state name.
	let mut long_state = bundle.clone();
	long_state.readings[0].state = huge.clone();
	let (parsed, peak) = parse_measured(&doc(&long_state));
	assert_eq!(parsed.unwrap().skipped, vec![(0, FeedError::TextTooLong("state"))]);
	assert!(peak < 16 * 1024, "{peak} bytes for a megabyte of state");

	// A megabyte of escapes must be unescaped to be measured: never more than the body.
	let mut escaped = bundle.clone();
	escaped.readings[0].state = "\n".repeat(MAX_FEED_BYTES / 2 - 1_000);
	let body = doc(&escaped);
	let (parsed, peak) = parse_measured(&body);
	assert_eq!(parsed.unwrap().skipped, vec![(0, FeedError::TextTooLong("state"))]);
	assert!(peak <= body.len(), "{peak} bytes for a {}-byte body", body.len());

	// A megabyte of OCPP signed meter data, and of a meter key.
	let mv = feed::bundle_to_meter_value(&good_bundle(), "SR25519", &[7; 32]).unwrap();
	let mut long_data = mv.clone();
	long_data.sampled_value[0].signed_meter_value.as_mut().unwrap().signed_meter_data =
		huge.clone();
	let mut long_key = mv;
	long_key.sampled_value[0].signed_meter_value.as_mut().unwrap().public_key = huge.clone();
	for (mv, field) in [(long_data, "signedMeterData"), (long_key, "publicKey")] {
		let body =
			serde_json::to_vec(&MeterValuesRequest { evse_id: 1, meter_value: vec![mv] }).unwrap();
		let (parsed, peak) = parse_measured(&body);
		assert_eq!(parsed.unwrap().skipped, vec![(0, FeedError::TextTooLong(field))]);
		assert!(peak < 16 * 1024, "{peak} bytes for a megabyte of {field}");
	}

	// A megabyte of text where a number belongs: the error quotes at most 200 bytes of it.
	let body = format!(r#"{{"format":"{OPENVPP_FORMAT}","bundles":[{{"device":"{huge}"}}]}}"#);
	let Err(FeedError::NotAFeed(why)) = feed::parse_feed::<Max>(body.as_bytes()) else {
		panic!("a string device id is not a feed")
	};
	assert!(why.len() <= 200, "{} bytes of error", why.len());
}

#[test]
fn poisoned_feed_with_many_unknown_keys_keeps_none_of_them() {
	// A megabyte of distinct unknown keys beside an empty document.
	let (body, count) = filled_with(
		&format!(r#"{{"format":"{OPENVPP_FORMAT}","bundles":[],"#),
		|i| format!(r#""k{i:06}":0"#),
		"}",
	);
	let (parsed, peak) = parse_measured(&body);
	assert!(peak < 16 * 1024, "{peak} bytes for {count} unknown keys");
	let parsed = parsed.unwrap();
	assert!(parsed.bundles.is_empty() && parsed.skipped.is_empty() && parsed.truncated == 0);

	// And inside one bundle, which is still read.
	let good = good_bundle_json();
	let (body, count) = filled_with(
		&format!(r#"{{"format":"{OPENVPP_FORMAT}","bundles":[{},"#, &good[..good.len() - 1]),
		|i| format!(r#""k{i:06}":{{"x":[1,2,3]}}"#),
		"}]}",
	);
	let (parsed, peak) = parse_measured(&body);
	assert!(peak < 16 * 1024, "{peak} bytes for a bundle with {count} unknown keys");
	assert_eq!(parsed.unwrap().bundles, vec![good_bundle()]);
}

#[test]
fn poisoned_meter_value_with_too_many_sampled_values_is_skipped() {
	let mv = feed::bundle_to_meter_value(&good_bundle(), "SR25519", &[7; 32]).unwrap();
	let mut crowded = mv.clone();
	let filler = crowded.sampled_value[1].clone();
	while crowded.sampled_value.len() <= MAX_SAMPLED_VALUES as usize {
		crowded.sampled_value.push(filler.clone());
	}
	let total = crowded.sampled_value.len();
	let body =
		serde_json::to_vec(&MeterValuesRequest { evse_id: 1, meter_value: vec![crowded, mv] })
			.unwrap();
	let parsed = feed::parse_feed::<Max>(&body).unwrap();
	assert_eq!(parsed.skipped, vec![(0, FeedError::TooManySampledValues(total))]);
	assert_eq!(parsed.bundles, vec![good_bundle()], "the meter value beside it is read");
}

#[test]
fn poisoned_entry_does_not_sink_the_good_ones_beside_it() {
	let good = feed::bundle_to_json(&good_bundle()).unwrap();
	let mut poisoned = good.clone();
	poisoned.signature = "0".repeat(MAX_FEED_BYTES / 2);
	let body = serde_json::to_vec(&FeedDocument {
		format: OPENVPP_FORMAT.into(),
		bundles: vec![good.clone(), poisoned, good],
	})
	.unwrap();
	let parsed = feed::parse_feed::<Max>(&body).unwrap();
	assert_eq!(parsed.bundles, vec![good_bundle(), good_bundle()]);
	assert_eq!(parsed.skipped, vec![(1, FeedError::TextTooLong("signature"))]);
}

#[test]
fn documents_of_the_wrong_shape_are_not_feeds() {
	for (body, what) in [
		(r#"{"bundles":[]}"#, "bundles without format"),
		(r#"{"format":"openvpp.bundles.v1"}"#, "format without bundles"),
		(r#"{"format":"openvpp.bundles.v1","bundles":[],"meterValue":[]}"#, "both shapes"),
		(r#"{"format":"openvpp.bundles.v1","format":"x","bundles":[]}"#, "a duplicate key"),
		(r#"{"evseId":1}"#, "a request without meter values"),
		(r#"[{"meterValue":[]}]"#, "a request without an EVSE"),
		(r#"{"format":"openvpp.bundles.v1","bundles":[]} trailing"#, "trailing text"),
		("", "nothing"),
	] {
		assert!(
			matches!(feed::parse_feed::<Max>(body.as_bytes()), Err(FeedError::NotAFeed(_))),
			"{what}"
		);
	}
	let long_format = format!(r#"{{"format":"{}","bundles":[]}}"#, "v".repeat(100));
	assert_eq!(
		feed::parse_feed::<Max>(long_format.as_bytes()).err(),
		Some(FeedError::TextTooLong("format"))
	);
	// The keys of a document may come in any order.
	let reordered =
		format!(r#"{{"bundles":[{}],"format":"{OPENVPP_FORMAT}"}}"#, good_bundle_json());
	assert_eq!(feed::parse_feed::<Max>(reordered.as_bytes()).unwrap().bundles, vec![good_bundle()]);
}
