//! Telemetry feeds: the JSON documents a gateway serves over HTTP and a node's offchain worker
//! pulls, converts to [`Bundle`]s and submits.
//!
//! Two formats are understood, told apart by their shape:
//!
//! - **OpenVPP bundle JSON** (`application/json`):
//!   ```json
//!   { "format": "openvpp.bundles.v1",
//!     "bundles": [ { "device": 7, "firstSeq": 12,
//!                    "readings": [ { "timestampMs": 1767268800000, "energyInWh": 1200,
//!                                    "energyOutWh": 0, "socBp": 5400, "state": "charging" } ],
//!                    "signature": "0x01…" } ] }
//!   ```
//!   Readings are absolute (registers, not deltas); `socBp` is the state of charge in basis
//!   points and may be omitted; `state` is one of `idle`, `charging`, `discharging`,
//!   `generating`, `offline`; `signature` is the hex of the SCALE-encoded `DeviceSignature` the
//!   device made over the bundle payload (see [`crate::bundle_message`]).
//! - **OCPP 2.0.1 `MeterValuesRequest`** (one object, or an array of them), as a charging
//!   station or its backend forwards meter values. Each `SampledValue` that carries a
//!   `signedMeterValue` with `encodingMethod` [`OCPP_ENCODING`] holds the device-signed bundle:
//!   `signedMeterData` is the base64 of its SCALE encoding. The plain values beside it are
//!   cross-checked against the bundle's last reading: `Energy.Active.Import.Register` (the
//!   default measurand) and `Energy.Active.Export.Register` in Wh or kWh (with the unit's
//!   power-of-ten `multiplier`), and the `MeterValue` timestamp to the second. A station whose
//!   plain values disagree with what its meter signed is not trusted with the bundle.
//!
//!   A `signedMeterValue` with `encodingMethod` [`OCMF_ENCODING`] is what an Eichrecht
//!   charger sends: `signedMeterData` holds an OCMF record (`OCMF|{…}|{…}`, as text or base64
//!   of it; OCPP 2.0.1 says base64, chargers send both), `publicKey` the meter's public key in
//!   any form [`crate::parse_meter_key_text`] reads (OCPP: base64; also hex, DER, SEC1). The
//!   key names the device (the chain registered it as the device's key); the record is
//!   submitted as is and verified on chain, so its plain values beside it are ignored.
//!
//! One bad entry never sinks the good ones beside it: [`parse_feed`] returns every bundle it
//! could build and, separately, why each other entry was skipped.
//!
//! A feed is untrusted input to a node's offchain worker, whose heap is small and shared by
//! every feed: [`parse_feed`] reads a body of at most [`MAX_FEED_BYTES`] as a stream of typed
//! entries, with every array and text field capped (see the `MAX_*` constants), so what it
//! keeps is bounded whatever the body holds.

// Calendar arithmetic on parsed (bounded) dates and float unit scaling; offchain code only.
#![allow(clippy::arithmetic_side_effects)]

use alloc::{borrow::Cow, format, string::String, vec::Vec};
use codec::{Decode, Encode};
use core::marker::PhantomData;
use serde::{
	de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor},
	Deserialize, Deserializer, Serialize,
};
use sp_runtime::BoundedVec;

use crate::{pack_readings, Bundle, DeviceId, DeviceSignature, DeviceState, Reading};

/// `format` of an OpenVPP bundle document.
pub const OPENVPP_FORMAT: &str = "openvpp.bundles.v1";
/// `encodingMethod` of an OCPP signed meter value that carries a SCALE-encoded bundle.
pub const OCPP_ENCODING: &str = "OpenVPP-Bundle-SCALE";
/// `encodingMethod` of an OCPP signed meter value that carries an OCMF record.
pub const OCMF_ENCODING: &str = "OCMF";
/// `signingMethod` of an OCMF record signed with ECDSA over P-256 (OCMF's `SA`).
pub const OCMF_SIGNING_METHOD: &str = "ECDSA-secp256r1-SHA256";
/// OCPP measurand of the import register (the OCPP default when none is given).
pub const MEASURAND_IMPORT: &str = "Energy.Active.Import.Register";
/// OCPP measurand of the export register.
pub const MEASURAND_EXPORT: &str = "Energy.Active.Export.Register";
/// OCPP measurand of the state of charge.
pub const MEASURAND_SOC: &str = "SoC";

/// Largest feed body read, bytes: a page of some 1,600 bundles of four readings in OpenVPP JSON
/// (about 640 bytes each), of 100 bundles of a day's 96 quarter-hour readings, or of 200 OCMF
/// records of a charging session.
pub const MAX_FEED_BYTES: usize = 1024 * 1024;
/// Most entries (bundles, or OCPP meter values) read from one feed body; later ones are
/// skipped unread and counted in [`ParsedFeed::truncated`].
pub const MAX_FEED_ENTRIES: usize = 1_024;
/// Most OCPP `MeterValuesRequest`s read from one feed body.
pub const MAX_FEED_REQUESTS: usize = 1_024;
/// Most sampled values in one OCPP meter value: registers, SoC, and power, current and voltage
/// of three phases fit many times over.
pub const MAX_SAMPLED_VALUES: u32 = 64;
/// Longest `signedMeterData`, bytes: base64 of a 4 KiB OCMF record, or of a bundle of several
/// hundred readings.
pub const MAX_SIGNED_DATA_LEN: usize = 32 * 1024;
/// Longest `publicKey`, bytes: a meter key as PEM, base64 or hex of its DER form.
pub const MAX_PUBLIC_KEY_LEN: usize = 1_024;
/// Longest bundle `signature`, bytes (`0x` and the hex of a 66-byte encoded signature fit).
pub const MAX_SIGNATURE_LEN: usize = 256;
/// Longest name-like text (format, state, measurand, unit, methods, timestamp), bytes.
pub const MAX_NAME_LEN: usize = 64;
/// Longest error text kept from the JSON reader, bytes.
const MAX_ERROR_LEN: usize = 200;

/// An OpenVPP bundle document.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedDocument {
	/// Always [`OPENVPP_FORMAT`].
	pub format: String,
	/// The bundles, in any order.
	pub bundles: Vec<BundleJson>,
}

/// A bundle in an OpenVPP document.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleJson {
	/// Device id.
	pub device: DeviceId,
	/// Sequence number of the first reading.
	pub first_seq: u64,
	/// Absolute readings, oldest first.
	pub readings: Vec<ReadingJson>,
	/// `0x`-hex of the SCALE-encoded device signature.
	pub signature: String,
}

/// A reading in an OpenVPP document.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadingJson {
	/// ms since the Unix epoch.
	pub timestamp_ms: u64,
	/// Import register, Wh.
	pub energy_in_wh: u64,
	/// Export register, Wh.
	pub energy_out_wh: u64,
	/// State of charge in basis points.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub soc_bp: Option<u16>,
	/// Operating state, lower case.
	pub state: String,
}

/// OCPP 2.0.1 `MeterValuesRequest`.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeterValuesRequest {
	/// EVSE the values were measured at (0: the main meter).
	pub evse_id: i64,
	/// The meter values.
	pub meter_value: Vec<MeterValue>,
}

/// OCPP `MeterValueType`.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeterValue {
	/// RFC 3339 time of the values.
	pub timestamp: String,
	/// The sampled values.
	pub sampled_value: Vec<SampledValue>,
}

/// OCPP `SampledValueType` (fields OpenVPP does not use are ignored).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SampledValue {
	/// The value, in `unitOfMeasure`.
	pub value: f64,
	/// What was measured; OCPP's default is the import register.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub measurand: Option<String>,
	/// Unit and power-of-ten multiplier.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub unit_of_measure: Option<UnitOfMeasure>,
	/// The signed form of the value.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub signed_meter_value: Option<SignedMeterValue>,
}

/// OCPP `UnitOfMeasureType`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitOfMeasure {
	/// `Wh` (default) or `kWh` for registers, `Percent` for SoC.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub unit: Option<String>,
	/// Power of ten the value is multiplied by.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub multiplier: Option<i32>,
}

/// OCPP `SignedMeterValueType`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedMeterValue {
	/// base64 of the signed data: for [`OCPP_ENCODING`], the SCALE-encoded bundle.
	pub signed_meter_data: String,
	/// Signature scheme of the device key (`SR25519` or `ED25519`).
	pub signing_method: String,
	/// [`OCPP_ENCODING`].
	pub encoding_method: String,
	/// base64 of the device public key (informational: the chain knows the device's key).
	#[serde(default)]
	pub public_key: String,
}

/// Why a feed, or one entry of it, could not be used.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FeedError {
	/// The body is not JSON of either format.
	NotAFeed(String),
	/// An OpenVPP document with another `format`.
	UnknownFormat(String),
	/// A `state` that is not one of the five.
	UnknownState(String),
	/// Time or a register goes backwards inside a bundle.
	NotMonotonic,
	/// More readings than a bundle may carry, or none.
	BadReadingCount(usize),
	/// The signature is not hex of an encoded `DeviceSignature`.
	BadSignature,
	/// `signedMeterData` is not base64 of an encoded bundle.
	BadSignedMeterData,
	/// A signed meter value with an encoding OpenVPP does not read.
	UnknownEncoding(String),
	/// A plain OCPP value disagrees with the signed bundle.
	Mismatch(&'static str),
	/// An OCPP `MeterValue` without a signed bundle.
	Unsigned,
	/// `signedMeterData` of an OCMF value is neither an OCMF record nor base64 of one.
	BadOcmfRecord,
	/// `publicKey` of an OCMF value is missing or not a meter key.
	BadMeterKey,
	/// The body is larger than [`MAX_FEED_BYTES`] (its length).
	BodyTooLarge(usize),
	/// A text field (named) is longer than its cap.
	TextTooLong(&'static str),
	/// An OCPP meter value with more than [`MAX_SAMPLED_VALUES`] sampled values (how many).
	TooManySampledValues(usize),
}

impl core::fmt::Display for FeedError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::NotAFeed(e) => write!(f, "not an OpenVPP or OCPP feed: {e}"),
			Self::UnknownFormat(s) => write!(f, "unknown feed format {s:?}"),
			Self::UnknownState(s) => write!(f, "unknown device state {s:?}"),
			Self::NotMonotonic => write!(f, "time or a register goes backwards"),
			Self::BadReadingCount(n) => write!(f, "{n} readings do not fit in a bundle"),
			Self::BadSignature => write!(f, "signature is not hex of a SCALE DeviceSignature"),
			Self::BadSignedMeterData => {
				write!(f, "signedMeterData is not base64 of a SCALE bundle")
			}
			Self::UnknownEncoding(s) => write!(f, "unknown signed meter value encoding {s:?}"),
			Self::Mismatch(what) => write!(f, "plain {what} disagrees with the signed bundle"),
			Self::Unsigned => write!(f, "meter value carries no signed bundle"),
			Self::BadOcmfRecord => {
				write!(f, "signedMeterData is neither an OCMF record nor base64 of one")
			}
			Self::BadMeterKey => write!(f, "publicKey is missing or not a meter public key"),
			Self::BodyTooLarge(n) => {
				write!(f, "body of {n} bytes is larger than {MAX_FEED_BYTES} bytes")
			}
			Self::TextTooLong(field) => write!(f, "{field} is longer than a feed may carry"),
			Self::TooManySampledValues(n) => {
				write!(f, "{n} sampled values in one meter value (at most {MAX_SAMPLED_VALUES})")
			}
		}
	}
}

/// An OCMF record a feed carried, with the meter key it names.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OcmfEntry {
	/// The meter's public key (the device's registered key).
	pub public_key: crate::DevicePublicKey,
	/// The record, exactly as the meter wrote it.
	pub record: Vec<u8>,
}

/// What a feed yielded: the bundles built, and for each skipped entry its index and reason.
pub struct ParsedFeed<MaxReadings: sp_core::Get<u32>> {
	/// Bundles ready to submit, in feed order.
	pub bundles: Vec<Bundle<MaxReadings>>,
	/// OCMF records, in feed order.
	pub ocmf: Vec<OcmfEntry>,
	/// Entries that were skipped: (position in the feed, why).
	pub skipped: Vec<(usize, FeedError)>,
	/// Entries (or OCPP requests) past the caps, skipped unread.
	pub truncated: usize,
}

/// Lower-case name of a device state, as feeds write it.
pub fn state_name(state: DeviceState) -> &'static str {
	match state {
		DeviceState::Idle => "idle",
		DeviceState::Charging => "charging",
		DeviceState::Discharging => "discharging",
		DeviceState::Generating => "generating",
		DeviceState::Offline => "offline",
	}
}

fn parse_state(name: &str) -> Result<DeviceState, FeedError> {
	[
		DeviceState::Idle,
		DeviceState::Charging,
		DeviceState::Discharging,
		DeviceState::Generating,
		DeviceState::Offline,
	]
	.into_iter()
	.find(|s| state_name(*s).eq_ignore_ascii_case(name))
	.ok_or_else(|| FeedError::UnknownState(name.into()))
}

/// Parses a feed body of either format, reading at most [`MAX_FEED_ENTRIES`] entries.
pub fn parse_feed<MaxReadings: sp_core::Get<u32>>(
	body: &[u8],
) -> Result<ParsedFeed<MaxReadings>, FeedError> {
	parse_feed_limited(body, MAX_FEED_ENTRIES)
}

/// Parses a feed body of either format, reading at most `max_entries` entries (and never more
/// than [`MAX_FEED_ENTRIES`]).
///
/// The body is read as a stream of typed entries, each converted as soon as it is read: no
/// tree of the whole document is built, text is borrowed from the body (never copied when it
/// is longer than its field allows), arrays are read up to their cap and the rest is skipped
/// unread, unknown fields are skipped, and nesting deeper than the JSON reader's recursion
/// limit (128) is refused. What is kept is bounded by the caps, whatever the body holds.
pub fn parse_feed_limited<MaxReadings: sp_core::Get<u32>>(
	body: &[u8],
	max_entries: usize,
) -> Result<ParsedFeed<MaxReadings>, FeedError> {
	if body.len() > MAX_FEED_BYTES {
		return Err(FeedError::BodyTooLarge(body.len()));
	}
	let mut sink = Sink::<MaxReadings>::new(max_entries.min(MAX_FEED_ENTRIES));
	let mut reader = serde_json::Deserializer::from_slice(body);
	let shape = serde::de::DeserializeSeed::deserialize(TopSeed(&mut sink), &mut reader)
		.map_err(not_a_feed)?;
	reader.end().map_err(not_a_feed)?;
	if let Shape::Document(format) = shape {
		let format = format.text("format")?;
		if format != OPENVPP_FORMAT {
			return Err(FeedError::UnknownFormat(format.into()));
		}
	}
	Ok(sink.parsed)
}

/// `NotAFeed` with the reader's message, cut to [`MAX_ERROR_LEN`] bytes (a message can quote
/// the offending text, which a hostile body makes as long as itself).
fn not_a_feed(error: serde_json::Error) -> FeedError {
	let mut message = BoundedText(String::new());
	// `BoundedText` never fails; a formatting error would only shorten the message.
	let _ = core::fmt::write(&mut message, format_args!("{error}"));
	FeedError::NotAFeed(message.0)
}

/// A `fmt::Write` that keeps the first [`MAX_ERROR_LEN`] bytes written and drops the rest.
struct BoundedText(String);

impl core::fmt::Write for BoundedText {
	fn write_str(&mut self, s: &str) -> core::fmt::Result {
		let room = MAX_ERROR_LEN.saturating_sub(self.0.len());
		let mut end = room.min(s.len());
		while !s.is_char_boundary(end) {
			end = end.saturating_sub(1);
		}
		self.0.push_str(s.get(..end).unwrap_or_default());
		Ok(())
	}
}

/// What a feed yields while it is being read.
struct Sink<MaxReadings: sp_core::Get<u32>> {
	parsed: ParsedFeed<MaxReadings>,
	/// Entries read so far (the next entry's position).
	entries: usize,
	/// Entries to read at most.
	max_entries: usize,
}

impl<MaxReadings: sp_core::Get<u32>> Sink<MaxReadings> {
	fn new(max_entries: usize) -> Self {
		Self {
			parsed: ParsedFeed {
				bundles: Vec::new(),
				ocmf: Vec::new(),
				skipped: Vec::new(),
				truncated: 0,
			},
			entries: 0,
			max_entries,
		}
	}

	fn is_full(&self) -> bool {
		self.entries >= self.max_entries
	}

	fn push(&mut self, entry: Result<FeedEntry<MaxReadings>, FeedError>) {
		let index = self.entries;
		self.entries = self.entries.saturating_add(1);
		match entry {
			Ok(FeedEntry::Bundle(b)) => self.parsed.bundles.push(b),
			Ok(FeedEntry::Ocmf(o)) => self.parsed.ocmf.push(o),
			Err(e) => self.parsed.skipped.push((index, e)),
		}
	}

	/// Skips the rest of an array unread, counting its elements as truncated.
	fn skip_rest<'de, A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<(), A::Error> {
		while seq.next_element::<IgnoredAny>()?.is_some() {
			self.parsed.truncated = self.parsed.truncated.saturating_add(1);
		}
		Ok(())
	}
}

/// What the top level of a feed turned out to be.
enum Shape<'a> {
	/// An OpenVPP document, with its `format`.
	Document(Text<'a, MAX_NAME_LEN>),
	/// One OCPP `MeterValuesRequest` or an array of them.
	Ocpp,
}

/// Reads the top level: an OpenVPP document, one OCPP request, or an array of requests.
struct TopSeed<'s, MaxReadings: sp_core::Get<u32>>(&'s mut Sink<MaxReadings>);

impl<'de, MaxReadings: sp_core::Get<u32>> DeserializeSeed<'de> for TopSeed<'_, MaxReadings> {
	type Value = Shape<'de>;

	fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
		deserializer.deserialize_any(self)
	}
}

impl<'de, MaxReadings: sp_core::Get<u32>> Visitor<'de> for TopSeed<'_, MaxReadings> {
	type Value = Shape<'de>;

	fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		f.write_str("an OpenVPP bundle document or OCPP MeterValuesRequests")
	}

	fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
		let mut requests = 0usize;
		while requests < MAX_FEED_REQUESTS {
			if seq.next_element_seed(RequestSeed(&mut *self.0))?.is_none() {
				return Ok(Shape::Ocpp);
			}
			requests = requests.saturating_add(1);
		}
		self.0.skip_rest(&mut seq)?;
		Ok(Shape::Ocpp)
	}

	fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
		read_object(self.0, map, true)
	}
}

/// Reads a JSON object of a feed into the sink: at the top level (`document`) an OpenVPP
/// document or one OCPP request, in an array an OCPP request (where `format` and `bundles` are
/// unknown fields, skipped like any other).
fn read_object<'de, A: MapAccess<'de>, MaxReadings: sp_core::Get<u32>>(
	sink: &mut Sink<MaxReadings>,
	mut map: A,
	document: bool,
) -> Result<Shape<'de>, A::Error> {
	let mut format = None;
	let (mut bundles, mut evse_id, mut meter_value) = (false, false, false);
	while let Some(key) = map.next_key::<Text<'de, MAX_NAME_LEN>>()? {
		match key.as_key() {
			"format" if document => {
				if format.is_some() {
					return Err(de::Error::duplicate_field("format"));
				}
				format = Some(map.next_value::<Text<'de, MAX_NAME_LEN>>()?);
			}
			"bundles" if document => {
				first_time::<A::Error>(&mut bundles, "bundles")?;
				map.next_value_seed(BundlesSeed(&mut *sink))?;
			}
			"evseId" => {
				first_time::<A::Error>(&mut evse_id, "evseId")?;
				map.next_value::<i64>()?;
			}
			"meterValue" => {
				first_time::<A::Error>(&mut meter_value, "meterValue")?;
				map.next_value_seed(MeterValuesSeed(&mut *sink))?;
			}
			_ => {
				map.next_value::<IgnoredAny>()?;
			}
		}
	}
	match format {
		Some(_) if meter_value => {
			Err(de::Error::custom("a document with both `format` and `meterValue`"))
		}
		Some(_) if !bundles => Err(de::Error::missing_field("bundles")),
		Some(format) => Ok(Shape::Document(format)),
		None if bundles => Err(de::Error::missing_field("format")),
		None if !evse_id => Err(de::Error::missing_field("evseId")),
		None if !meter_value => Err(de::Error::missing_field("meterValue")),
		None => Ok(Shape::Ocpp),
	}
}

/// Notes that the field `name` was read, refusing it a second time.
fn first_time<E: de::Error>(seen: &mut bool, name: &'static str) -> Result<(), E> {
	if core::mem::replace(seen, true) {
		return Err(E::duplicate_field(name));
	}
	Ok(())
}

/// Reads one OCPP `MeterValuesRequest` of an array, its meter values into the sink.
struct RequestSeed<'s, MaxReadings: sp_core::Get<u32>>(&'s mut Sink<MaxReadings>);

impl<'de, MaxReadings: sp_core::Get<u32>> DeserializeSeed<'de> for RequestSeed<'_, MaxReadings> {
	type Value = ();

	fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
		deserializer.deserialize_map(self)
	}
}

impl<'de, MaxReadings: sp_core::Get<u32>> Visitor<'de> for RequestSeed<'_, MaxReadings> {
	type Value = ();

	fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		f.write_str("an OCPP MeterValuesRequest")
	}

	fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
		read_object(self.0, map, false).map(|_| ())
	}
}

/// Reads the `bundles` array of an OpenVPP document into the sink, entry by entry.
struct BundlesSeed<'s, MaxReadings: sp_core::Get<u32>>(&'s mut Sink<MaxReadings>);

impl<'de, MaxReadings: sp_core::Get<u32>> DeserializeSeed<'de> for BundlesSeed<'_, MaxReadings> {
	type Value = ();

	fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
		deserializer.deserialize_seq(self)
	}
}

impl<'de, MaxReadings: sp_core::Get<u32>> Visitor<'de> for BundlesSeed<'_, MaxReadings> {
	type Value = ();

	fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		f.write_str("an array of bundles")
	}

	fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
		while !self.0.is_full() {
			match seq.next_element::<WireBundle<'de, MaxReadings>>()? {
				Some(bundle) => self.0.push(bundle.into_bundle().map(FeedEntry::Bundle)),
				None => return Ok(()),
			}
		}
		self.0.skip_rest(&mut seq)
	}
}

/// Reads the `meterValue` array of an OCPP request into the sink, entry by entry.
struct MeterValuesSeed<'s, MaxReadings: sp_core::Get<u32>>(&'s mut Sink<MaxReadings>);

impl<'de, MaxReadings: sp_core::Get<u32>> DeserializeSeed<'de>
	for MeterValuesSeed<'_, MaxReadings>
{
	type Value = ();

	fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
		deserializer.deserialize_seq(self)
	}
}

impl<'de, MaxReadings: sp_core::Get<u32>> Visitor<'de> for MeterValuesSeed<'_, MaxReadings> {
	type Value = ();

	fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		f.write_str("an array of OCPP MeterValues")
	}

	fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
		while !self.0.is_full() {
			match seq.next_element::<WireMeterValue<'de>>()? {
				Some(wire) => {
					let entry = wire.into_meter_value().and_then(|mv| entry_from_meter_value(&mv));
					self.0.push(entry);
				}
				None => return Ok(()),
			}
		}
		self.0.skip_rest(&mut seq)
	}
}

/// A JSON string of at most `MAX` bytes, borrowed from the body unless it has escapes; a
/// longer one is noted, not copied.
enum Text<'a, const MAX: usize> {
	/// The text.
	Fits(Cow<'a, str>),
	/// Longer than `MAX` bytes.
	TooLong,
}

impl<const MAX: usize> Default for Text<'_, MAX> {
	fn default() -> Self {
		Self::Fits(Cow::Borrowed(""))
	}
}

impl<'a, const MAX: usize> Text<'a, MAX> {
	/// The text, or [`FeedError::TextTooLong`] naming `field`.
	fn text(&self, field: &'static str) -> Result<&str, FeedError> {
		match self {
			Self::Fits(text) => Ok(text),
			Self::TooLong => Err(FeedError::TextTooLong(field)),
		}
	}

	/// The text as a map key; a key too long for any known field matches none.
	fn as_key(&self) -> &str {
		match self {
			Self::Fits(text) => text,
			Self::TooLong => "",
		}
	}

	/// An owned copy (bounded by `MAX`).
	fn to_string(&self, field: &'static str) -> Result<String, FeedError> {
		self.text(field).map(String::from)
	}
}

impl<'de: 'a, 'a, const MAX: usize> Deserialize<'de> for Text<'a, MAX> {
	fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		deserializer.deserialize_str(TextVisitor::<'a, MAX>(PhantomData))
	}
}

struct TextVisitor<'a, const MAX: usize>(PhantomData<&'a ()>);

impl<'de: 'a, 'a, const MAX: usize> Visitor<'de> for TextVisitor<'a, MAX> {
	type Value = Text<'a, MAX>;

	fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "a string")
	}

	fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
		Ok(if v.len() > MAX { Text::TooLong } else { Text::Fits(Cow::Borrowed(v)) })
	}

	fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
		Ok(if v.len() > MAX { Text::TooLong } else { Text::Fits(Cow::Owned(v.into())) })
	}
}

/// A JSON array of which the first `Max::get()` elements are kept; the rest are skipped
/// unread and only counted.
struct CappedSeq<T, Max> {
	items: Vec<T>,
	/// Elements in the array, kept or not.
	total: usize,
	_max: PhantomData<Max>,
}

impl<T, Max> CappedSeq<T, Max> {
	/// Whether elements were skipped.
	fn is_truncated(&self) -> bool {
		self.total > self.items.len()
	}
}

impl<'de, T: Deserialize<'de>, Max: sp_core::Get<u32>> Deserialize<'de> for CappedSeq<T, Max> {
	fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		deserializer.deserialize_seq(CappedSeqVisitor::<T, Max>(PhantomData))
	}
}

struct CappedSeqVisitor<T, Max>(PhantomData<(T, Max)>);

impl<'de, T: Deserialize<'de>, Max: sp_core::Get<u32>> Visitor<'de> for CappedSeqVisitor<T, Max> {
	type Value = CappedSeq<T, Max>;

	fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		f.write_str("an array")
	}

	fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
		let max = usize::try_from(Max::get()).unwrap_or(usize::MAX);
		let mut items = Vec::new();
		while items.len() < max {
			match seq.next_element()? {
				Some(item) => items.push(item),
				None => {
					let total = items.len();
					return Ok(CappedSeq { items, total, _max: PhantomData });
				}
			}
		}
		let mut total = items.len();
		while seq.next_element::<IgnoredAny>()?.is_some() {
			total = total.saturating_add(1);
		}
		Ok(CappedSeq { items, total, _max: PhantomData })
	}
}

/// A bundle of an OpenVPP document as read from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "MaxReadings: sp_core::Get<u32>"))]
struct WireBundle<'a, MaxReadings> {
	device: DeviceId,
	first_seq: u64,
	#[serde(borrow)]
	readings: CappedSeq<WireReading<'a>, MaxReadings>,
	#[serde(borrow)]
	signature: Text<'a, MAX_SIGNATURE_LEN>,
}

impl<MaxReadings: sp_core::Get<u32>> WireBundle<'_, MaxReadings> {
	fn into_bundle(self) -> Result<Bundle<MaxReadings>, FeedError> {
		if self.readings.is_truncated() {
			return Err(FeedError::BadReadingCount(self.readings.total));
		}
		let readings = self
			.readings
			.items
			.iter()
			.map(|r| {
				Ok(Reading {
					timestamp_ms: r.timestamp_ms,
					energy_in_wh: r.energy_in_wh,
					energy_out_wh: r.energy_out_wh,
					soc: r.soc_bp.map(soc_from_bp),
					state: parse_state(r.state.text("state")?)?,
				})
			})
			.collect::<Result<Vec<_>, FeedError>>()?;
		build_bundle(self.device, self.first_seq, &readings, self.signature.text("signature")?)
	}
}

/// A reading of an OpenVPP document as read from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireReading<'a> {
	timestamp_ms: u64,
	energy_in_wh: u64,
	energy_out_wh: u64,
	#[serde(default)]
	soc_bp: Option<u16>,
	#[serde(borrow)]
	state: Text<'a, MAX_NAME_LEN>,
}

/// An OCPP `MeterValue` as read from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireMeterValue<'a> {
	#[serde(borrow)]
	timestamp: Text<'a, MAX_NAME_LEN>,
	#[serde(borrow)]
	sampled_value: CappedSeq<WireSampledValue<'a>, sp_core::ConstU32<MAX_SAMPLED_VALUES>>,
}

impl WireMeterValue<'_> {
	fn into_meter_value(self) -> Result<MeterValue, FeedError> {
		if self.sampled_value.is_truncated() {
			return Err(FeedError::TooManySampledValues(self.sampled_value.total));
		}
		Ok(MeterValue {
			timestamp: self.timestamp.to_string("timestamp")?,
			sampled_value: self
				.sampled_value
				.items
				.iter()
				.map(WireSampledValue::to_sampled_value)
				.collect::<Result<_, _>>()?,
		})
	}
}

/// An OCPP `SampledValue` as read from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSampledValue<'a> {
	value: f64,
	#[serde(default, borrow)]
	measurand: Option<Text<'a, MAX_NAME_LEN>>,
	#[serde(default, borrow)]
	unit_of_measure: Option<WireUnit<'a>>,
	#[serde(default, borrow)]
	signed_meter_value: Option<WireSignedValue<'a>>,
}

impl WireSampledValue<'_> {
	fn to_sampled_value(&self) -> Result<SampledValue, FeedError> {
		Ok(SampledValue {
			value: self.value,
			measurand: self.measurand.as_ref().map(|m| m.to_string("measurand")).transpose()?,
			unit_of_measure: match &self.unit_of_measure {
				Some(u) => Some(UnitOfMeasure {
					unit: u.unit.as_ref().map(|t| t.to_string("unit")).transpose()?,
					multiplier: u.multiplier,
				}),
				None => None,
			},
			signed_meter_value: match &self.signed_meter_value {
				Some(s) => Some(SignedMeterValue {
					signed_meter_data: s.signed_meter_data.to_string("signedMeterData")?,
					signing_method: s.signing_method.to_string("signingMethod")?,
					encoding_method: s.encoding_method.to_string("encodingMethod")?,
					public_key: s.public_key.to_string("publicKey")?,
				}),
				None => None,
			},
		})
	}
}

/// An OCPP `UnitOfMeasure` as read from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireUnit<'a> {
	#[serde(default, borrow)]
	unit: Option<Text<'a, MAX_NAME_LEN>>,
	#[serde(default)]
	multiplier: Option<i32>,
}

/// An OCPP `SignedMeterValue` as read from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSignedValue<'a> {
	#[serde(borrow)]
	signed_meter_data: Text<'a, MAX_SIGNED_DATA_LEN>,
	#[serde(borrow)]
	signing_method: Text<'a, MAX_NAME_LEN>,
	#[serde(borrow)]
	encoding_method: Text<'a, MAX_NAME_LEN>,
	#[serde(default, borrow)]
	public_key: Text<'a, MAX_PUBLIC_KEY_LEN>,
}

/// One signed entry of a feed.
pub enum FeedEntry<MaxReadings: sp_core::Get<u32>> {
	/// A device-signed OpenVPP bundle.
	Bundle(Bundle<MaxReadings>),
	/// A meter-signed OCMF record.
	Ocmf(OcmfEntry),
}

/// The signed entry an OCPP meter value carries: an OpenVPP bundle (cross-checked against the
/// plain values) or an OCMF record.
pub fn entry_from_meter_value<MaxReadings: sp_core::Get<u32>>(
	meter_value: &MeterValue,
) -> Result<FeedEntry<MaxReadings>, FeedError> {
	let signed = meter_value
		.sampled_value
		.iter()
		.find_map(|s| s.signed_meter_value.as_ref())
		.ok_or(FeedError::Unsigned)?;
	if signed.encoding_method == OCMF_ENCODING {
		return ocmf_from_signed_value(signed).map(FeedEntry::Ocmf);
	}
	bundle_from_meter_value(meter_value).map(FeedEntry::Bundle)
}

/// The OCMF record and meter key of a signed meter value with encoding [`OCMF_ENCODING`].
pub fn ocmf_from_signed_value(signed: &SignedMeterValue) -> Result<OcmfEntry, FeedError> {
	use base64::Engine;
	let data = signed.signed_meter_data.trim();
	let record = if data.starts_with("OCMF|") {
		data.as_bytes().to_vec()
	} else {
		let decoded = base64::engine::general_purpose::STANDARD
			.decode(data.as_bytes())
			.map_err(|_| FeedError::BadOcmfRecord)?;
		if !decoded.starts_with(b"OCMF|") {
			return Err(FeedError::BadOcmfRecord);
		}
		decoded
	};
	let public_key =
		crate::parse_meter_key_text(&signed.public_key).map_err(|_| FeedError::BadMeterKey)?;
	Ok(OcmfEntry { public_key, record })
}

/// The OCPP meter value an Eichrecht charger sends for a signed reading: the plain import
/// register beside the OCMF record (as text, the form most chargers send) and the meter's
/// public key (base64 of its DER `SubjectPublicKeyInfo`, or whatever bytes `public_key` are).
pub fn ocmf_meter_value(
	record: &str,
	public_key: &[u8],
	import_wh: u64,
	timestamp_ms: u64,
) -> MeterValue {
	use base64::Engine;
	#[allow(clippy::cast_precision_loss)]
	let value = import_wh as f64;
	MeterValue {
		timestamp: format_rfc3339_ms(timestamp_ms),
		sampled_value: alloc::vec![SampledValue {
			value,
			measurand: Some(MEASURAND_IMPORT.into()),
			unit_of_measure: Some(UnitOfMeasure { unit: Some("Wh".into()), multiplier: None }),
			signed_meter_value: Some(SignedMeterValue {
				signed_meter_data: record.into(),
				signing_method: OCMF_SIGNING_METHOD.into(),
				encoding_method: OCMF_ENCODING.into(),
				public_key: base64::engine::general_purpose::STANDARD.encode(public_key),
			}),
		}],
	}
}

/// Builds the bundle an OpenVPP document entry describes (the signature is not checked here:
/// the chain does that).
pub fn bundle_from_json<MaxReadings: sp_core::Get<u32>>(
	json: &BundleJson,
) -> Result<Bundle<MaxReadings>, FeedError> {
	let readings = json
		.readings
		.iter()
		.map(|r| {
			Ok(Reading {
				timestamp_ms: r.timestamp_ms,
				energy_in_wh: r.energy_in_wh,
				energy_out_wh: r.energy_out_wh,
				soc: r.soc_bp.map(soc_from_bp),
				state: parse_state(&r.state)?,
			})
		})
		.collect::<Result<Vec<_>, FeedError>>()?;
	build_bundle(json.device, json.first_seq, &readings, &json.signature)
}

/// State of charge from basis points.
fn soc_from_bp(bp: u16) -> sp_arithmetic::Permill {
	sp_arithmetic::Permill::from_parts(u32::from(bp).saturating_mul(100))
}

/// The bundle of `readings` (absolute, oldest first) under `signature` (`0x`-hex of the
/// SCALE-encoded device signature).
fn build_bundle<MaxReadings: sp_core::Get<u32>>(
	device: DeviceId,
	first_seq: u64,
	readings: &[Reading],
	signature: &str,
) -> Result<Bundle<MaxReadings>, FeedError> {
	let count = readings.len();
	let packed = pack_readings(readings).ok_or(FeedError::NotMonotonic)?;
	let readings: BoundedVec<_, MaxReadings> =
		packed.try_into().map_err(|_| FeedError::BadReadingCount(count))?;
	if readings.is_empty() {
		return Err(FeedError::BadReadingCount(0));
	}
	let raw = signature.strip_prefix("0x").unwrap_or(signature);
	let bytes = hex::decode(raw).map_err(|_| FeedError::BadSignature)?;
	let signature =
		DeviceSignature::decode(&mut &bytes[..]).map_err(|_| FeedError::BadSignature)?;
	Ok(Bundle { device, first_seq, readings, signature })
}

/// The OpenVPP document entry of a bundle.
pub fn bundle_to_json<MaxReadings: sp_core::Get<u32>>(
	bundle: &Bundle<MaxReadings>,
) -> Option<BundleJson> {
	let readings = crate::unpack_readings(&bundle.readings).ok()?;
	Some(BundleJson {
		device: bundle.device,
		first_seq: bundle.first_seq,
		readings: readings
			.iter()
			.map(|r| ReadingJson {
				timestamp_ms: r.timestamp_ms,
				energy_in_wh: r.energy_in_wh,
				energy_out_wh: r.energy_out_wh,
				soc_bp: r.soc.map(|s| u16::try_from(s.deconstruct() / 100).unwrap_or(u16::MAX)),
				state: state_name(r.state).into(),
			})
			.collect(),
		signature: format!("0x{}", hex::encode(bundle.signature.encode())),
	})
}

/// Value of a register sample in Wh, from its unit and multiplier.
fn sample_wh(sample: &SampledValue) -> Result<f64, FeedError> {
	let unit = sample.unit_of_measure.as_ref();
	let scale = match unit.and_then(|u| u.unit.as_deref()).unwrap_or("Wh") {
		"Wh" => 1.0,
		"kWh" => 1_000.0,
		_ => return Err(FeedError::Mismatch("register unit")),
	};
	let multiplier = unit.and_then(|u| u.multiplier).unwrap_or(0);
	let mut value = sample.value * scale;
	for _ in 0..multiplier.unsigned_abs().min(9) {
		value = if multiplier > 0 { value * 10.0 } else { value / 10.0 };
	}
	Ok(value)
}

/// Whether an OCPP value (in Wh) is the register within half a Wh (decimal rounding).
fn same_register(value_wh: f64, register_wh: u64) -> bool {
	// Registers stay far below 2^53 Wh, where u64 → f64 is exact.
	#[allow(clippy::cast_precision_loss)]
	let register = register_wh as f64;
	let diff = if value_wh > register { value_wh - register } else { register - value_wh };
	diff <= 0.5
}

/// Builds the bundle an OCPP meter value carries and cross-checks its plain values.
pub fn bundle_from_meter_value<MaxReadings: sp_core::Get<u32>>(
	meter_value: &MeterValue,
) -> Result<Bundle<MaxReadings>, FeedError> {
	let signed = meter_value
		.sampled_value
		.iter()
		.find_map(|s| s.signed_meter_value.as_ref())
		.ok_or(FeedError::Unsigned)?;
	if signed.encoding_method != OCPP_ENCODING {
		return Err(FeedError::UnknownEncoding(signed.encoding_method.clone()));
	}
	use base64::Engine;
	let data = base64::engine::general_purpose::STANDARD
		.decode(signed.signed_meter_data.as_bytes())
		.map_err(|_| FeedError::BadSignedMeterData)?;
	let bundle =
		Bundle::<MaxReadings>::decode(&mut &data[..]).map_err(|_| FeedError::BadSignedMeterData)?;
	let readings = crate::unpack_readings(&bundle.readings).map_err(|_| FeedError::NotMonotonic)?;
	let last = readings.last().ok_or(FeedError::BadReadingCount(0))?;
	for sample in &meter_value.sampled_value {
		match sample.measurand.as_deref().unwrap_or(MEASURAND_IMPORT) {
			MEASURAND_IMPORT if !same_register(sample_wh(sample)?, last.energy_in_wh) => {
				return Err(FeedError::Mismatch("import register"));
			}
			MEASURAND_EXPORT if !same_register(sample_wh(sample)?, last.energy_out_wh) => {
				return Err(FeedError::Mismatch("export register"));
			}
			_ => {}
		}
	}
	let stamped =
		parse_rfc3339_ms(&meter_value.timestamp).ok_or(FeedError::Mismatch("timestamp"))?;
	if stamped / 1_000 != last.timestamp_ms / 1_000 {
		return Err(FeedError::Mismatch("timestamp"));
	}
	Ok(bundle)
}

/// The OCPP meter value that carries `bundle`: its registers and SoC in plain form beside the
/// signed bundle. `None` if the bundle's readings do not expand.
pub fn bundle_to_meter_value<MaxReadings: sp_core::Get<u32>>(
	bundle: &Bundle<MaxReadings>,
	signing_method: &str,
	public_key: &[u8],
) -> Option<MeterValue> {
	use base64::Engine;
	let readings = crate::unpack_readings(&bundle.readings).ok()?;
	let last = readings.last()?;
	let b64 = base64::engine::general_purpose::STANDARD;
	let wh = || Some(UnitOfMeasure { unit: Some("Wh".into()), multiplier: None });
	#[allow(clippy::cast_precision_loss)]
	let mut sampled_value = alloc::vec![
		SampledValue {
			value: last.energy_in_wh as f64,
			measurand: Some(MEASURAND_IMPORT.into()),
			unit_of_measure: wh(),
			signed_meter_value: Some(SignedMeterValue {
				signed_meter_data: b64.encode(bundle.encode()),
				signing_method: signing_method.into(),
				encoding_method: OCPP_ENCODING.into(),
				public_key: b64.encode(public_key),
			}),
		},
		SampledValue {
			value: last.energy_out_wh as f64,
			measurand: Some(MEASURAND_EXPORT.into()),
			unit_of_measure: wh(),
			signed_meter_value: None,
		},
	];
	if let Some(soc) = last.soc {
		sampled_value.push(SampledValue {
			value: f64::from(soc.deconstruct()) / 10_000.0,
			measurand: Some(MEASURAND_SOC.into()),
			unit_of_measure: Some(UnitOfMeasure { unit: Some("Percent".into()), multiplier: None }),
			signed_meter_value: None,
		});
	}
	Some(MeterValue { timestamp: format_rfc3339_ms(last.timestamp_ms), sampled_value })
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
	let y = if month <= 2 { year - 1 } else { year };
	let era = y.div_euclid(400);
	let yoe = y - era * 400;
	let mp = (month + 9) % 12;
	let doy = (153 * mp + 2) / 5 + day - 1;
	let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	era * 146_097 + doe - 719_468
}

/// Parses an RFC 3339 UTC time (`2026-01-01T12:00:00Z`, fractions and `+00:00` accepted) into
/// ms since the Unix epoch. Other offsets are applied.
pub fn parse_rfc3339_ms(s: &str) -> Option<u64> {
	let b = s.as_bytes();
	let num = |from: usize, len: usize| -> Option<i64> {
		let digits = b.get(from..from.checked_add(len)?)?;
		digits
			.iter()
			.try_fold(0i64, |acc, d| d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0')))
	};
	if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || b.get(13) != Some(&b':') {
		return None;
	}
	if !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(16) != Some(&b':') {
		return None;
	}
	let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
	let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
	if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
		return None;
	}
	if second > 60 {
		return None;
	}
	let mut pos = 19;
	let mut millis = 0i64;
	if b.get(pos) == Some(&b'.') {
		pos += 1;
		let start = pos;
		while b.get(pos).is_some_and(u8::is_ascii_digit) {
			if pos - start < 3 {
				millis = millis * 10 + i64::from(b.get(pos).copied()? - b'0');
			}
			pos += 1;
		}
		let digits = pos - start;
		if digits == 0 {
			return None;
		}
		for _ in digits..3 {
			millis *= 10;
		}
	}
	let offset_min = match b.get(pos) {
		Some(b'Z' | b'z') if pos + 1 == b.len() => 0,
		Some(sign @ (b'+' | b'-')) if pos + 6 == b.len() && b.get(pos + 3) == Some(&b':') => {
			let minutes = num(pos + 1, 2)? * 60 + num(pos + 4, 2)?;
			if *sign == b'+' {
				minutes
			} else {
				-minutes
			}
		}
		_ => return None,
	};
	let days = days_from_civil(year, month, day);
	let secs = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_min * 60;
	u64::try_from(secs * 1_000 + millis).ok()
}

/// Formats ms since the Unix epoch as RFC 3339 UTC with milliseconds.
pub fn format_rfc3339_ms(ms: u64) -> String {
	let secs = ms / 1_000;
	let days = i64::try_from(secs / 86_400).unwrap_or(0);
	let rem = secs % 86_400;
	// Inverse of `days_from_civil`.
	let z = days + 719_468;
	let era = z.div_euclid(146_097);
	let doe = z - era * 146_097;
	let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
	let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	let mp = (5 * doy + 2) / 153;
	let day = doy - (153 * mp + 2) / 5 + 1;
	let month = if mp < 10 { mp + 3 } else { mp - 9 };
	let year = yoe + era * 400 + i64::from(month <= 2);
	format!(
		"{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
		rem / 3_600,
		rem % 3_600 / 60,
		rem % 60,
		ms % 1_000
	)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
	use super::*;
	use crate::keys::{DeviceKeyPair, KeyScheme};
	use sp_core::{ConstU32, H256};

	type Max = ConstU32<96>;

	fn signed_bundle() -> Bundle<Max> {
		let key = DeviceKeyPair::from_uri(KeyScheme::Sr25519, "//feed-test").unwrap();
		let readings = [
			Reading {
				timestamp_ms: 1_767_268_800_000,
				energy_in_wh: 10_000,
				energy_out_wh: 2_000,
				soc: Some(sp_arithmetic::Permill::from_parts(540_000)),
				state: DeviceState::Charging,
			},
			Reading {
				timestamp_ms: 1_767_269_700_000,
				energy_in_wh: 11_800,
				energy_out_wh: 2_000,
				soc: Some(sp_arithmetic::Permill::from_parts(570_000)),
				state: DeviceState::Charging,
			},
		];
		key.signed_bundle(H256::repeat_byte(7), 3, 40, &readings).unwrap()
	}

	#[test]
	fn openvpp_json_round_trips_to_the_signed_bytes() {
		let bundle = signed_bundle();
		let doc = FeedDocument {
			format: OPENVPP_FORMAT.into(),
			bundles: alloc::vec![bundle_to_json(&bundle).unwrap()],
		};
		let body = serde_json::to_vec(&doc).unwrap();
		let parsed = parse_feed::<Max>(&body).unwrap();
		assert!(parsed.skipped.is_empty());
		assert_eq!(parsed.bundles, alloc::vec![bundle]);
	}

	#[test]
	fn ocpp_meter_values_carry_the_bundle_and_are_cross_checked() {
		let bundle = signed_bundle();
		let mv = bundle_to_meter_value(&bundle, "SR25519", &[1, 2, 3]).unwrap();
		assert_eq!(mv.timestamp, "2026-01-01T12:15:00.000Z");
		let request = MeterValuesRequest { evse_id: 1, meter_value: alloc::vec![mv.clone()] };
		let body = serde_json::to_vec(&alloc::vec![request]).unwrap();
		let parsed = parse_feed::<Max>(&body).unwrap();
		assert_eq!(parsed.bundles, alloc::vec![bundle.clone()]);

		// A plain register that disagrees with the signed one is refused.
		let mut lying = mv.clone();
		lying.sampled_value[0].value = 11_900.0;
		assert_eq!(
			bundle_from_meter_value::<Max>(&lying),
			Err(FeedError::Mismatch("import register"))
		);
		// kWh with a multiplier is understood.
		let mut kwh = mv.clone();
		kwh.sampled_value[1].value = 0.2;
		kwh.sampled_value[1].unit_of_measure =
			Some(UnitOfMeasure { unit: Some("kWh".into()), multiplier: Some(1) });
		assert_eq!(bundle_from_meter_value::<Max>(&kwh), Ok(bundle.clone()));
		// A different timestamp is refused.
		let mut late = mv.clone();
		late.timestamp = "2026-01-01T12:16:00Z".into();
		assert_eq!(bundle_from_meter_value::<Max>(&late), Err(FeedError::Mismatch("timestamp")));
		// Unsigned values are skipped.
		let mut unsigned = mv;
		unsigned.sampled_value[0].signed_meter_value = None;
		assert_eq!(bundle_from_meter_value::<Max>(&unsigned), Err(FeedError::Unsigned));
	}

	#[test]
	fn one_bad_entry_does_not_sink_the_others() {
		let bundle = signed_bundle();
		let good = bundle_to_json(&bundle).unwrap();
		let mut bad_state = good.clone();
		bad_state.readings[0].state = "flying".into();
		let mut backwards = good.clone();
		backwards.readings[1].energy_in_wh = 1;
		let mut bad_sig = good.clone();
		bad_sig.signature = "0xzz".into();
		let doc = FeedDocument {
			format: OPENVPP_FORMAT.into(),
			bundles: alloc::vec![bad_state, good, backwards, bad_sig],
		};
		let parsed = parse_feed::<Max>(&serde_json::to_vec(&doc).unwrap()).unwrap();
		assert_eq!(parsed.bundles, alloc::vec![bundle]);
		assert_eq!(
			parsed.skipped,
			alloc::vec![
				(0, FeedError::UnknownState("flying".into())),
				(2, FeedError::NotMonotonic),
				(3, FeedError::BadSignature),
			]
		);
	}

	#[test]
	fn ocpp_meter_values_carry_ocmf_records_as_chargers_send_them() {
		use base64::Engine;
		// A DER SubjectPublicKeyInfo of a P-256 key (the generator key of the vectors).
		let der = hex::decode(concat!(
			"3059301306072a8648ce3d020106082a8648ce3d030107034200043bf1e33261b56a394b1503b8481e",
			"7923ba3e716242d8935b17eef44f54ccd6d268deb12214fdf0b03cb7a16163ed55fd32f6b42e4beca5",
			"3afca122ad85e0e865"
		))
		.unwrap();
		let record = r#"OCMF|{"PG":"T1","RD":[]}|{"SD":"00"}"#;
		let text = ocmf_meter_value(record, &der, 1_234_567, 1_796_205_600_000);
		let mut b64 = text.clone();
		if let Some(signed) = b64.sampled_value[0].signed_meter_value.as_mut() {
			signed.signed_meter_data =
				base64::engine::general_purpose::STANDARD.encode(record.as_bytes());
		}
		let mut bad_key = text.clone();
		bad_key.sampled_value[0].signed_meter_value.as_mut().unwrap().public_key = "AAAA".into();
		let mut bad_data = text.clone();
		bad_data.sampled_value[0].signed_meter_value.as_mut().unwrap().signed_meter_data =
			"not a record".into();
		let request = MeterValuesRequest {
			evse_id: 1,
			meter_value: alloc::vec![text, b64, bad_key, bad_data],
		};
		let body = serde_json::to_vec(&alloc::vec![request]).unwrap();
		let parsed = parse_feed::<Max>(&body).unwrap();
		let key = crate::parse_meter_key(&der).unwrap();
		assert_eq!(
			parsed.ocmf,
			alloc::vec![
				OcmfEntry { public_key: key.clone(), record: record.as_bytes().to_vec() },
				OcmfEntry { public_key: key, record: record.as_bytes().to_vec() },
			]
		);
		assert!(parsed.bundles.is_empty());
		assert_eq!(
			parsed.skipped,
			alloc::vec![(2, FeedError::BadMeterKey), (3, FeedError::BadOcmfRecord)]
		);
	}

	#[test]
	fn junk_is_not_a_feed() {
		assert!(matches!(parse_feed::<Max>(b"<html>502</html>"), Err(FeedError::NotAFeed(_))));
		assert!(matches!(parse_feed::<Max>(b"{\"x\":1}"), Err(FeedError::NotAFeed(_))));
		assert!(matches!(
			parse_feed::<Max>(b"{\"format\":\"v0\",\"bundles\":[]}"),
			Err(FeedError::UnknownFormat(_))
		));
		assert!(matches!(parse_feed::<Max>(&[0xff, 0x00]), Err(FeedError::NotAFeed(_))));
	}

	#[test]
	fn rfc3339_round_trips() {
		for ms in [0u64, 951_782_400_000, 1_767_268_800_123, 4_102_444_799_999] {
			assert_eq!(parse_rfc3339_ms(&format_rfc3339_ms(ms)), Some(ms));
		}
		assert_eq!(parse_rfc3339_ms("2026-01-01T13:00:00+01:00"), Some(1_767_268_800_000));
		assert_eq!(parse_rfc3339_ms("2026-01-01T12:00:00.5Z"), Some(1_767_268_800_500));
		for bad in ["", "2026-01-01", "2026-13-01T00:00:00Z", "2026-01-01T12:00:00", "x"] {
			assert_eq!(parse_rfc3339_ms(bad), None, "{bad}");
		}
	}
}
