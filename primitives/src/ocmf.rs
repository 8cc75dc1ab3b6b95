//! OCMF (Open Charge Metering Format, S.A.F.E. e.V., versions 0.4 to 1.x): the signed meter
//! records of certified EV-charger meters (German Eichrecht), parsed and verified without `std`
//! so that the runtime, the node's offchain worker and the gateway agree byte for byte.
//!
//! A record is `OCMF|{payload}|{signature}`. The signature is ECDSA with SHA-256 over the
//! exact payload bytes between the first and the second `|`; nothing is re-serialized.
//!
//! What this module decides beyond the spec (the spec is
//! <https://github.com/SAFE-eV/OCMF-Open-Charge-Metering-Format>, `OCMF-en.md`):
//! - Fields of a reading that are omitted inherit the value of the reading before it, for
//!   every field (spec: "fields that have an identical value to the previous reading are
//!   omitted"); `RI` and `RU` form a group and must be given together.
//! - Mandatory: `PG`, a non-empty `RD`, `SD`, and per reading (after inheritance) `TM`, `RV`,
//!   `RI`, `RU`, `ST`. `MS` is not: KEBA wallboxes identify the meter by `GS` only.
//! - Duplicate JSON keys are refused, so no two parsers can read different values.
//! - `RI` is mapped by its OBIS `C.D` (and `E`, `F`) groups, decimal (`1-b:1.8.0`) or hex
//!   style (`01-00:01.08.00*FF`): `1.8` is the import register, `2.8` the export register,
//!   when `E` is `0` or a placeholder letter (tariff registers `1.8.1`… are parts of the total)
//!   and `F` is absent or `255`/`FF` (other `F` values are historical or vendor registers).
//!   Everything else (power `1.7.0`, the OCMF `B0…C3` transaction registers, `98.8.0`,
//!   durations) is kept but not mapped.
//! - `RV` is decimal text, a JSON number or a string (leading/trailing spaces allowed),
//!   exponent allowed; Wh and kWh are converted to whole Wh exactly, flooring fractions of a Wh.

use alloc::{string::String, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::{DevicePublicKey, DeviceState, Reading, TimestampMs, WattHours};

/// Longest record accepted, in bytes; longer records are refused before parsing.
pub const MAX_OCMF_LEN: u32 = 4096;
/// The header section, with its separator.
pub const OCMF_HEADER: &[u8] = b"OCMF|";
/// `SA` when a record gives none (the default since OCMF 0.4).
pub const DEFAULT_SIGNATURE_ALGORITHM: &str = "ECDSA-secp256r1-SHA256";
/// `SA` of ECDSA over secp256k1.
pub const SECP256K1_SIGNATURE_ALGORITHM: &str = "ECDSA-secp256k1-SHA256";

/// Why an OCMF record was refused.
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
pub enum OcmfError {
	/// Longer than [`MAX_OCMF_LEN`].
	TooLong,
	/// Not `OCMF|{payload}|{signature}`.
	NotOcmf,
	/// A section is not JSON of the OCMF shape (wrong types, duplicate keys, too deep).
	BadJson,
	/// A mandatory field is missing (or `RI` without `RU`, or the reverse).
	MissingField,
	/// `TM` is not `YYYY-MM-DDThh:mm:ss,fff±hhmm F` with a valid date and sync flag.
	BadTime,
	/// `RV` of an energy reading is not a non-negative decimal that fits in `u64` Wh.
	BadValue,
	/// `SA` is a curve the chain does not verify (brainpool, P-384, secp192…).
	UnsupportedAlgorithm,
	/// `SE` is not `hex` or `base64`, or `SM` is not `application/x-der`.
	UnsupportedEncoding,
	/// The registered key is not of the curve `SA` names.
	KeyMismatch,
	/// `SD` does not decode, or is neither DER nor 64 bytes of `r ‖ s`.
	MalformedSignature,
	/// The signature is not the key's over the payload.
	BadSignature,
	/// A reading's time is relative (`R`) or unknown (`U`), not synchronized or informative.
	UnsynchronizedTime,
	/// The meter reported an error: `ST` other than `G`, non-empty `EF`, or `TX` `X`.
	MeterError,
	/// An import or export register in a unit other than `Wh` or `kWh`.
	UnitMismatch,
	/// One register given twice at one time with different values.
	DuplicateTimestamp,
	/// A register's readings go back in time.
	TimeNotIncreasing,
	/// A register's value goes down.
	RegisterNotMonotonic,
	/// No import or export register reading.
	NoEnergyReadings,
}

impl OcmfError {
	/// A short English description, for CLIs and logs.
	pub fn as_str(&self) -> &'static str {
		match self {
			Self::TooLong => "record longer than 4096 bytes",
			Self::NotOcmf => "not an OCMF|payload|signature record",
			Self::BadJson => "section is not OCMF JSON",
			Self::MissingField => "mandatory field missing",
			Self::BadTime => "malformed reading time",
			Self::BadValue => "malformed energy value",
			Self::UnsupportedAlgorithm => "unsupported signature algorithm",
			Self::UnsupportedEncoding => "unsupported signature encoding",
			Self::KeyMismatch => "key curve does not match the signature algorithm",
			Self::MalformedSignature => "malformed signature data",
			Self::BadSignature => "signature does not verify",
			Self::UnsynchronizedTime => "meter clock not synchronized",
			Self::MeterError => "meter reported an error",
			Self::UnitMismatch => "energy register in a non-energy unit",
			Self::DuplicateTimestamp => "register given twice at one time",
			Self::TimeNotIncreasing => "register readings go back in time",
			Self::RegisterNotMonotonic => "register value decreased",
			Self::NoEnergyReadings => "no import or export register reading",
		}
	}
}

impl core::fmt::Display for OcmfError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(self.as_str())
	}
}

/// The synchronization flag of a reading's time (`TM` suffix).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TimeSync {
	/// `U`: unknown, unsynchronized.
	Unknown,
	/// `I`: informative (info clock).
	Informative,
	/// `S`: synchronized.
	Synchronized,
	/// `R`: relative to an informative start time, a legally accurate duration only.
	Relative,
}

impl TimeSync {
	fn from_flag(flag: u8) -> Option<Self> {
		match flag {
			b'U' => Some(Self::Unknown),
			b'I' => Some(Self::Informative),
			b'S' => Some(Self::Synchronized),
			b'R' => Some(Self::Relative),
			_ => None,
		}
	}

	/// Whether the time is a wall-clock time the chain accepts (`S` or `I`).
	pub fn is_wall_clock(&self) -> bool {
		matches!(self, Self::Synchronized | Self::Informative)
	}
}

/// Which chain register an OBIS code (`RI`) is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Register {
	/// Active energy import total, OBIS `1.8.0`: energy into the device.
	Import,
	/// Active energy export total, OBIS `2.8.0`: energy out of the device.
	Export,
	/// Anything else; kept in the record but not mapped.
	Other,
}

/// The signature algorithm (`SA`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SignatureAlgorithm {
	/// `ECDSA-secp256r1-SHA256` (the default).
	EcdsaP256Sha256,
	/// `ECDSA-secp256k1-SHA256`.
	EcdsaSecp256k1Sha256,
	/// Any other `SA`, which the chain does not verify.
	Unsupported,
}

/// One reading (`RD` entry), inherited fields filled in.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OcmfReading {
	/// `TM` in ms since the Unix epoch (UTC).
	pub timestamp_ms: TimestampMs,
	/// `TM`'s synchronization flag.
	pub sync: TimeSync,
	/// `TX`, the reason of the reading (`B`, `C`, `T`, `E`, …), if any.
	pub tx: Option<u8>,
	/// `RI`, the OBIS code as written.
	pub obis: String,
	/// The register `RI` maps to.
	pub register: Register,
	/// `RU`, the unit.
	pub unit: String,
	/// `RV` as written (string values without their surrounding spaces).
	pub value: String,
	/// `RV` in whole Wh when `RU` is `Wh` or `kWh`, fractions of a Wh floored.
	pub value_wh: Option<WattHours>,
	/// `ST`, the meter status (`G` is good).
	pub status: String,
	/// `EF`, the error flags (empty when none).
	pub error_flags: String,
}

impl OcmfReading {
	/// Whether the meter vouches for this reading: status `G`, no error flags, no exception.
	pub fn meter_ok(&self) -> bool {
		self.status == "G" && self.error_flags.is_empty() && self.tx != Some(b'X')
	}
}

/// A parsed OCMF record. The raw record, which the chain keeps, holds every other field.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OcmfRecord {
	/// `FV`, the format version.
	pub format_version: Option<String>,
	/// `GS`, the gateway (signing component) serial.
	pub gateway_serial: Option<String>,
	/// `MV`, the meter vendor.
	pub meter_vendor: Option<String>,
	/// `MM`, the meter model.
	pub meter_model: Option<String>,
	/// `MS`, the meter serial.
	pub meter_serial: Option<String>,
	/// `PG`, the pagination (`T1187`, `F12`).
	pub pagination: String,
	/// `RD`, the readings, in record order.
	pub readings: Vec<OcmfReading>,
	/// Length of the signed payload section, bytes.
	pub payload_len: u32,
	/// `SA`.
	pub signature_algorithm: SignatureAlgorithm,
	/// `SD` decoded from `SE`: DER or `r ‖ s`.
	pub signature_data: Vec<u8>,
}

#[derive(Deserialize)]
struct PayloadJson<'a> {
	#[serde(rename = "FV")]
	format_version: Option<String>,
	#[serde(rename = "GS")]
	gateway_serial: Option<String>,
	#[serde(rename = "PG")]
	pagination: Option<String>,
	#[serde(rename = "MV")]
	meter_vendor: Option<String>,
	#[serde(rename = "MM")]
	meter_model: Option<String>,
	#[serde(rename = "MS")]
	meter_serial: Option<String>,
	#[serde(rename = "RD", borrow)]
	readings: Option<Vec<ReadingJson<'a>>>,
}

#[derive(Deserialize, Clone, Default)]
struct ReadingJson<'a> {
	#[serde(rename = "TM")]
	time: Option<String>,
	#[serde(rename = "TX")]
	tx: Option<String>,
	#[serde(rename = "RV", borrow)]
	value: Option<&'a RawValue>,
	#[serde(rename = "RI")]
	obis: Option<String>,
	#[serde(rename = "RU")]
	unit: Option<String>,
	#[serde(rename = "EF")]
	error_flags: Option<String>,
	#[serde(rename = "ST")]
	status: Option<String>,
}

impl<'a> ReadingJson<'a> {
	/// Takes every field `next` gives, keeps the rest (OCMF inheritance).
	fn inherit(&mut self, next: ReadingJson<'a>) {
		fn take<T>(slot: &mut Option<T>, new: Option<T>) {
			if new.is_some() {
				*slot = new;
			}
		}
		take(&mut self.time, next.time);
		take(&mut self.tx, next.tx);
		take(&mut self.value, next.value);
		take(&mut self.obis, next.obis);
		take(&mut self.unit, next.unit);
		take(&mut self.error_flags, next.error_flags);
		take(&mut self.status, next.status);
	}
}

#[derive(Deserialize)]
struct SignatureJson {
	#[serde(rename = "SA")]
	algorithm: Option<String>,
	#[serde(rename = "SE")]
	encoding: Option<String>,
	#[serde(rename = "SM")]
	mime: Option<String>,
	#[serde(rename = "SD")]
	data: Option<String>,
}

/// Splits a record into its payload and signature sections, checking length and header.
pub fn split(record: &[u8]) -> Result<(&[u8], &[u8]), OcmfError> {
	if record.len() > usize::try_from(MAX_OCMF_LEN).unwrap_or(usize::MAX) {
		return Err(OcmfError::TooLong);
	}
	let rest = record.strip_prefix(OCMF_HEADER).ok_or(OcmfError::NotOcmf)?;
	let at = rest.iter().position(|b| *b == b'|').ok_or(OcmfError::NotOcmf)?;
	let (payload, tail) = rest.split_at_checked(at).ok_or(OcmfError::NotOcmf)?;
	let signature = tail.get(1..).ok_or(OcmfError::NotOcmf)?;
	// `|` is not allowed inside a section.
	if signature.contains(&b'|') {
		return Err(OcmfError::NotOcmf);
	}
	Ok((payload, signature))
}

/// Parses a record without checking its signature.
pub fn parse(record: &[u8]) -> Result<OcmfRecord, OcmfError> {
	let (payload, signature) = split(record)?;
	let body: PayloadJson = serde_json::from_slice(payload).map_err(|_| OcmfError::BadJson)?;
	let sig: SignatureJson = serde_json::from_slice(signature).map_err(|_| OcmfError::BadJson)?;

	let pagination = body.pagination.ok_or(OcmfError::MissingField)?;
	let entries = body.readings.ok_or(OcmfError::MissingField)?;
	if entries.is_empty() {
		return Err(OcmfError::MissingField);
	}
	let mut current = ReadingJson::default();
	let mut readings = Vec::with_capacity(entries.len());
	for entry in entries {
		if entry.obis.is_some() != entry.unit.is_some() {
			return Err(OcmfError::MissingField);
		}
		current.inherit(entry);
		readings.push(reading(&current)?);
	}

	let signature_algorithm = match sig.algorithm.as_deref() {
		None | Some(DEFAULT_SIGNATURE_ALGORITHM) => SignatureAlgorithm::EcdsaP256Sha256,
		Some(SECP256K1_SIGNATURE_ALGORITHM) => SignatureAlgorithm::EcdsaSecp256k1Sha256,
		Some(_) => SignatureAlgorithm::Unsupported,
	};
	match sig.mime.as_deref() {
		None | Some("application/x-der") => {}
		Some(_) => return Err(OcmfError::UnsupportedEncoding),
	}
	let data = sig.data.ok_or(OcmfError::MissingField)?;
	let signature_data = match sig.encoding.as_deref() {
		None | Some("hex") => {
			hex::decode(data.trim()).map_err(|_| OcmfError::MalformedSignature)?
		}
		Some("base64") => {
			use base64::Engine;
			base64::engine::general_purpose::STANDARD
				.decode(data.trim())
				.map_err(|_| OcmfError::MalformedSignature)?
		}
		Some(_) => return Err(OcmfError::UnsupportedEncoding),
	};

	Ok(OcmfRecord {
		format_version: body.format_version,
		gateway_serial: body.gateway_serial,
		meter_vendor: body.meter_vendor,
		meter_model: body.meter_model,
		meter_serial: body.meter_serial,
		pagination,
		readings,
		payload_len: u32::try_from(payload.len()).map_err(|_| OcmfError::TooLong)?,
		signature_algorithm,
		signature_data,
	})
}

/// Parses a record and checks its signature over the exact payload bytes with `key`.
///
/// `ECDSA-secp256r1-SHA256` needs a [`DevicePublicKey::P256`] key, `ECDSA-secp256k1-SHA256` a
/// [`DevicePublicKey::Ecdsa`] key. High-S signatures are valid on both curves.
pub fn verify(record: &[u8], key: &DevicePublicKey) -> Result<OcmfRecord, OcmfError> {
	let parsed = parse(record)?;
	let (payload, _) = split(record)?;
	match (parsed.signature_algorithm, key) {
		(SignatureAlgorithm::Unsupported, _) => Err(OcmfError::UnsupportedAlgorithm),
		(SignatureAlgorithm::EcdsaP256Sha256, DevicePublicKey::P256(pk)) => {
			use p256::ecdsa::{signature::Verifier, Signature, VerifyingKey};
			let rs = signature_rs(&parsed.signature_data)?;
			let sig = Signature::from_slice(&rs).map_err(|_| OcmfError::MalformedSignature)?;
			let sig = sig.normalize_s().unwrap_or(sig);
			let vk = VerifyingKey::from_sec1_bytes(&pk.0).map_err(|_| OcmfError::BadSignature)?;
			vk.verify(payload, &sig).map_err(|_| OcmfError::BadSignature)?;
			Ok(parsed)
		}
		(SignatureAlgorithm::EcdsaSecp256k1Sha256, DevicePublicKey::Ecdsa(pk)) => {
			use k256::ecdsa::{signature::Verifier, Signature, VerifyingKey};
			let rs = signature_rs(&parsed.signature_data)?;
			let sig = Signature::from_slice(&rs).map_err(|_| OcmfError::MalformedSignature)?;
			// k256 accepts low S only; (r, n - s) is the same ECDSA signature.
			let sig = sig.normalize_s().unwrap_or(sig);
			let vk =
				VerifyingKey::from_sec1_bytes(pk.as_ref()).map_err(|_| OcmfError::BadSignature)?;
			vk.verify(payload, &sig).map_err(|_| OcmfError::BadSignature)?;
			Ok(parsed)
		}
		_ => Err(OcmfError::KeyMismatch),
	}
}

/// Maps a record's energy registers to the chain's readings: one per distinct time, oldest
/// first, import (`1.8.0`) as `energy_in_wh` and export (`2.8.0`) as `energy_out_wh`.
///
/// Times must be wall-clock (`S` or `I`), or relative (`R`) to an earlier wall-clock reading of
/// the same record (KEBA wallboxes write the end of a transaction so); `U`, and `R` without
/// an anchor, are [`OcmfError::UnsynchronizedTime`].
///
/// Each register's readings must go forward in time and never down; the registers may be
/// listed one after the other (as in the spec's example) or interleaved. At a time where a
/// register has no reading it keeps its previous value (its first value before it is first
/// read, so no energy is attributed to a time the meter did not report); a register the record
/// never reports is 0. The state is `Charging` if import advanced since the previous reading,
/// else `Discharging` if export advanced, else `Idle`.
pub fn to_readings(record: &OcmfRecord) -> Result<Vec<Reading>, OcmfError> {
	let mut import: Vec<(TimestampMs, WattHours)> = Vec::new();
	let mut export: Vec<(TimestampMs, WattHours)> = Vec::new();
	// A relative time (`R`) is the legally exact duration since an earlier reading of the
	// record added to that reading's time: as good a wall-clock time as its anchor, and
	// useless without one.
	let mut anchored = false;
	for r in &record.readings {
		if !r.meter_ok() {
			return Err(OcmfError::MeterError);
		}
		match r.sync {
			TimeSync::Synchronized | TimeSync::Informative => anchored = true,
			TimeSync::Relative if anchored => {}
			TimeSync::Relative | TimeSync::Unknown => return Err(OcmfError::UnsynchronizedTime),
		}
		let series = match r.register {
			Register::Import => &mut import,
			Register::Export => &mut export,
			Register::Other => continue,
		};
		let wh = r.value_wh.ok_or(OcmfError::UnitMismatch)?;
		match series.last() {
			Some(&(t, v)) if r.timestamp_ms == t && wh == v => continue,
			Some(&(t, _)) if r.timestamp_ms == t => return Err(OcmfError::DuplicateTimestamp),
			Some(&(t, _)) if r.timestamp_ms < t => return Err(OcmfError::TimeNotIncreasing),
			Some(&(_, v)) if wh < v => return Err(OcmfError::RegisterNotMonotonic),
			_ => series.push((r.timestamp_ms, wh)),
		}
	}
	if import.is_empty() && export.is_empty() {
		return Err(OcmfError::NoEnergyReadings);
	}

	let mut energy_in = import.first().map_or(0, |p| p.1);
	let mut energy_out = export.first().map_or(0, |p| p.1);
	let mut imports = import.iter().peekable();
	let mut exports = export.iter().peekable();
	let mut out: Vec<Reading> = Vec::with_capacity(import.len().max(export.len()));
	loop {
		let time = match (imports.peek(), exports.peek()) {
			(None, None) => break,
			(Some(a), None) => a.0,
			(None, Some(b)) => b.0,
			(Some(a), Some(b)) => a.0.min(b.0),
		};
		if let Some(&(_, v)) = imports.next_if(|p| p.0 == time) {
			energy_in = v;
		}
		if let Some(&(_, v)) = exports.next_if(|p| p.0 == time) {
			energy_out = v;
		}
		let state = match out.last() {
			Some(prev) if energy_in > prev.energy_in_wh => DeviceState::Charging,
			Some(prev) if energy_out > prev.energy_out_wh => DeviceState::Discharging,
			_ => DeviceState::Idle,
		};
		out.push(Reading {
			timestamp_ms: time,
			energy_in_wh: energy_in,
			energy_out_wh: energy_out,
			soc: None,
			state,
		});
	}
	Ok(out)
}

/// Builds a reading from the inherited fields.
fn reading(fields: &ReadingJson<'_>) -> Result<OcmfReading, OcmfError> {
	let time = fields.time.as_deref().ok_or(OcmfError::MissingField)?;
	let raw_value = fields.value.ok_or(OcmfError::MissingField)?;
	let obis = fields.obis.clone().ok_or(OcmfError::MissingField)?;
	let unit = fields.unit.clone().ok_or(OcmfError::MissingField)?;
	let status = fields.status.clone().ok_or(OcmfError::MissingField)?;
	let (timestamp_ms, sync) = parse_time(time)?;
	let tx = match fields.tx.as_deref().map(str::as_bytes) {
		None => None,
		Some([c]) if c.is_ascii_uppercase() => Some(*c),
		Some(_) => return Err(OcmfError::BadJson),
	};
	let value = value_text(raw_value)?;
	let scale = match unit.as_str() {
		"kWh" => Some(3),
		"Wh" => Some(0),
		_ => None,
	};
	let value_wh = match scale {
		Some(scale) => Some(decimal_to_integer(&value, scale).ok_or(OcmfError::BadValue)?),
		None => None,
	};
	Ok(OcmfReading {
		timestamp_ms,
		sync,
		tx,
		register: register_of(&obis),
		obis,
		unit,
		value,
		value_wh,
		status,
		error_flags: fields.error_flags.clone().unwrap_or_default(),
	})
}

/// `RV` as text: a JSON number as written, or a JSON string without surrounding spaces.
fn value_text(raw: &RawValue) -> Result<String, OcmfError> {
	let text = raw.get();
	if text.starts_with('"') {
		let s: String = serde_json::from_str(text).map_err(|_| OcmfError::BadValue)?;
		Ok(String::from(s.trim()))
	} else if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
		Ok(String::from(text))
	} else {
		Err(OcmfError::BadValue)
	}
}

/// The register an OBIS code names, from `[A-B:]C.D[.E][*F | .F]`.
fn register_of(obis: &str) -> Register {
	let groups = obis.rsplit(':').next().unwrap_or(obis);
	let mut parts = groups.split(['.', '*']);
	let (Some(c), Some(d)) = (parts.next(), parts.next()) else { return Register::Other };
	let e = parts.next();
	let f = parts.next();
	let is =
		|text: &str, value: u8| text.len() <= 2 && text.parse::<u8>().is_ok_and(|v| v == value);
	let total = e.is_none_or(|e| is(e, 0) || e.bytes().all(|b| b.is_ascii_lowercase()));
	let current = f.is_none_or(|f| f.eq_ignore_ascii_case("FF") || f == "255");
	if !is(d, 8) || !total || !current || parts.next().is_some() {
		return Register::Other;
	}
	if is(c, 1) {
		Register::Import
	} else if is(c, 2) {
		Register::Export
	} else {
		Register::Other
	}
}

/// `value × 10^scale`, floored, for a non-negative decimal (`12.345`, `1.606848e7`).
fn decimal_to_integer(text: &str, scale: i64) -> Option<u64> {
	let (mantissa, exponent) = match text.split_once(['e', 'E']) {
		Some((m, e)) => (m, e),
		None => (text, "0"),
	};
	let exponent = {
		// At most 4 digits: no meter writes 1e10000 and this keeps the shift in range.
		let (negative, digits) = match exponent.split_at_checked(1) {
			Some(("-", d)) => (true, d),
			Some(("+", d)) => (false, d),
			_ => (false, exponent),
		};
		if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
			return None;
		}
		let magnitude: i64 = digits.parse().ok()?;
		if negative {
			magnitude.checked_neg()?
		} else {
			magnitude
		}
	};
	let (int_part, frac_part) = match mantissa.split_once('.') {
		Some((i, f)) => (i, f),
		None => (mantissa, ""),
	};
	let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
	if (int_part.is_empty() && frac_part.is_empty())
		|| !digits_ok(int_part)
		|| !digits_ok(frac_part)
	{
		return None;
	}
	let frac_len = i64::try_from(frac_part.len()).ok()?;
	// value = digits × 10^shift
	let shift = exponent.checked_add(scale)?.checked_sub(frac_len)?;
	let digits = int_part.bytes().chain(frac_part.bytes()).skip_while(|b| *b == b'0');
	let count = i64::try_from(int_part.len().checked_add(frac_part.len())?).ok()?;
	let leading_zeros =
		i64::try_from(int_part.bytes().chain(frac_part.bytes()).take_while(|b| *b == b'0').count())
			.ok()?;
	let significant = count.checked_sub(leading_zeros)?;
	// Digits kept after flooring away the `-shift` last ones.
	let keep = if shift < 0 { significant.checked_add(shift)?.max(0) } else { significant };
	let mut value: u64 = 0;
	for b in digits.take(usize::try_from(keep).ok()?) {
		value = value.checked_mul(10)?.checked_add(u64::from(b.checked_sub(b'0')?))?;
	}
	if shift > 0 && value != 0 {
		value = value.checked_mul(10u64.checked_pow(u32::try_from(shift).ok()?)?)?;
	}
	Some(value)
}

/// Parses `TM`: `YYYY-MM-DDThh:mm:ss[,fff]±hhmm F` (also `.` for `,`, 1 to 9 fraction digits,
/// `±hh:mm` or `Z`), to UTC ms and the sync flag.
fn parse_time(text: &str) -> Result<(TimestampMs, TimeSync), OcmfError> {
	let (time, flag) = match text.as_bytes() {
		[time @ .., b' ', flag] => (time, *flag),
		_ => return Err(OcmfError::BadTime),
	};
	let sync = TimeSync::from_flag(flag).ok_or(OcmfError::BadTime)?;
	let ms = utc_ms(time).ok_or(OcmfError::BadTime)?;
	Ok((ms, sync))
}

/// A reader over ASCII bytes for [`utc_ms`].
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
	fn number(&mut self, len: usize) -> Option<u64> {
		let (head, rest) = self.0.split_at_checked(len)?;
		let mut value: u64 = 0;
		for b in head {
			if !b.is_ascii_digit() {
				return None;
			}
			value = value.checked_mul(10)?.checked_add(u64::from(b.checked_sub(b'0')?))?;
		}
		self.0 = rest;
		Some(value)
	}

	fn eat(&mut self, c: u8) -> Option<()> {
		self.eat_if(|b| b == c).map(|_| ())
	}

	fn eat_if(&mut self, f: impl Fn(u8) -> bool) -> Option<u8> {
		match self.0.split_first() {
			Some((b, rest)) if f(*b) => {
				self.0 = rest;
				Some(*b)
			}
			_ => None,
		}
	}
}

const MS_PER_SECOND: u64 = 1000;
const SECONDS_PER_DAY: u64 = 86_400;

fn is_leap(year: u64) -> bool {
	(year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days from 1970-01-01 to `year-month-day`, for year ≥ 1970.
fn days_since_epoch(year: u64, month: u64, day: u64) -> Option<u64> {
	const BEFORE_MONTH: [u64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
	let leaps_before = |y: u64| {
		let y = y.checked_sub(1)?;
		y.checked_div(4)?.checked_sub(y.checked_div(100)?)?.checked_add(y.checked_div(400)?)
	};
	let years = year.checked_sub(1970)?;
	let leap_days = leaps_before(year)?.checked_sub(leaps_before(1970)?)?;
	let month_index = usize::try_from(month.checked_sub(1)?).ok()?;
	let mut days = years.checked_mul(365)?.checked_add(leap_days)?;
	days = days.checked_add(*BEFORE_MONTH.get(month_index)?)?;
	if month > 2 && is_leap(year) {
		days = days.checked_add(1)?;
	}
	days.checked_add(day.checked_sub(1)?)
}

fn days_in_month(year: u64, month: u64) -> u64 {
	match month {
		2 if is_leap(year) => 29,
		2 => 28,
		4 | 6 | 9 | 11 => 30,
		_ => 31,
	}
}

fn utc_ms(time: &[u8]) -> Option<TimestampMs> {
	let mut c = Cursor(time);
	let year = c.number(4)?;
	c.eat(b'-')?;
	let month = c.number(2)?;
	c.eat(b'-')?;
	let day = c.number(2)?;
	c.eat(b'T')?;
	let hour = c.number(2)?;
	c.eat(b':')?;
	let minute = c.number(2)?;
	c.eat(b':')?;
	let second = c.number(2)?;
	let mut millis: u64 = 0;
	if c.eat_if(|b| b == b',' || b == b'.').is_some() {
		let mut count = 0u32;
		while let Some(d) = c.eat_if(|b| b.is_ascii_digit()) {
			count = count.checked_add(1)?;
			if count <= 3 {
				millis = millis.checked_mul(10)?.checked_add(u64::from(d.checked_sub(b'0')?))?;
			}
		}
		if count == 0 || count > 9 {
			return None;
		}
		for _ in count..3 {
			millis = millis.checked_mul(10)?;
		}
	}
	let offset_s: i64 = if c.eat(b'Z').is_some() {
		0
	} else {
		let sign = c.eat_if(|b| b == b'+' || b == b'-')?;
		let oh = c.number(2)?;
		let _ = c.eat(b':');
		let om = c.number(2)?;
		if oh > 23 || om > 59 {
			return None;
		}
		let s = i64::try_from(oh.checked_mul(3600)?.checked_add(om.checked_mul(60)?)?).ok()?;
		if sign == b'-' {
			s.checked_neg()?
		} else {
			s
		}
	};
	if !c.0.is_empty() {
		return None;
	}
	if !(1970..=9999).contains(&year)
		|| !(1..=12).contains(&month)
		|| day == 0
		|| day > days_in_month(year, month)
		|| hour > 23
		|| minute > 59
		|| second > 59
	{
		return None;
	}
	let local_s = days_since_epoch(year, month, day)?
		.checked_mul(SECONDS_PER_DAY)?
		.checked_add(hour.checked_mul(3600)?)?
		.checked_add(minute.checked_mul(60)?)?
		.checked_add(second)?;
	let utc_s = i64::try_from(local_s).ok()?.checked_sub(offset_s)?;
	u64::try_from(utc_s).ok()?.checked_mul(MS_PER_SECOND)?.checked_add(millis)
}

/// The 64-byte `r ‖ s` of `SD`: lenient DER (leading zeros stripped, up to 32 significant
/// bytes per integer, left-padded), else exactly 64 bytes taken as `r ‖ s`.
fn signature_rs(data: &[u8]) -> Result<[u8; 64], OcmfError> {
	if data.first() == Some(&0x30) {
		if let Some(rs) = der_rs(data) {
			return Ok(rs);
		}
	}
	<[u8; 64]>::try_from(data).map_err(|_| OcmfError::MalformedSignature)
}

fn der_rs(data: &[u8]) -> Option<[u8; 64]> {
	let (&tag, rest) = data.split_first()?;
	if tag != 0x30 {
		return None;
	}
	let (len, body) = der_len(rest)?;
	if body.len() != len {
		return None;
	}
	let (r, rest) = der_uint(body)?;
	let (s, rest) = der_uint(rest)?;
	if !rest.is_empty() {
		return None;
	}
	let mut out = [0u8; 64];
	out.get_mut(32usize.checked_sub(r.len())?..32)?.copy_from_slice(r);
	out.get_mut(64usize.checked_sub(s.len())?..64)?.copy_from_slice(s);
	Some(out)
}

/// A DER length (short form, or long form with one byte: signatures are under 256 bytes).
fn der_len(data: &[u8]) -> Option<(usize, &[u8])> {
	match data.split_first()? {
		(&len, rest) if len < 0x80 => Some((usize::from(len), rest)),
		(0x81, rest) => {
			let (&len, rest) = rest.split_first()?;
			Some((usize::from(len), rest))
		}
		_ => None,
	}
}

/// An INTEGER's magnitude without leading zeros (at most 32 bytes), and the bytes after it.
fn der_uint(data: &[u8]) -> Option<(&[u8], &[u8])> {
	let (&tag, rest) = data.split_first()?;
	if tag != 0x02 {
		return None;
	}
	let (len, rest) = der_len(rest)?;
	if len == 0 {
		return None;
	}
	let (value, rest) = rest.split_at_checked(len)?;
	let first = value.iter().position(|b| *b != 0).unwrap_or(value.len());
	let value = value.get(first..)?;
	if value.len() > 32 {
		return None;
	}
	Some((value, rest))
}

/// The identity a meter writes into every record it signs (`GI`/`GS` name the signing
/// gateway component, `MV`/`MM`/`MS` the meter).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MeterIdentity {
	/// `GI`, the gateway (charger) identification.
	pub gateway_id: String,
	/// `GS`, the gateway serial.
	pub gateway_serial: String,
	/// `MV`, the meter vendor.
	pub vendor: String,
	/// `MM`, the meter model.
	pub model: String,
	/// `MS`, the meter serial (the serial number its certificate names).
	pub serial: String,
}

/// One reading to write: time (synchronized), the reason `TX` (`B`, `T`, `E` …) and the
/// import register `1-0:1.8.0` in Wh, written in kWh with three decimals as meters do.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct MeterSample {
	/// ms since the Unix epoch.
	pub timestamp_ms: TimestampMs,
	/// `TX`.
	pub tx: u8,
	/// Import register, Wh.
	pub import_wh: WattHours,
}

/// Writes the payload section of a record the way an Eichrecht meter does (OCMF 1.0 fields,
/// one `RD` entry per sample, the import register in kWh): the bytes a meter signs. Used by
/// simulators, benchmarks and tests; the chain only ever reads records.
pub fn write_payload(
	identity: &MeterIdentity,
	pagination: &str,
	samples: &[MeterSample],
) -> String {
	use core::fmt::Write;
	let mut out = String::with_capacity(samples.len().saturating_mul(96).saturating_add(192));
	// Writing to a `String` cannot fail.
	let _ = write!(
		out,
		r#"{{"FV":"1.0","GI":{},"GS":{},"GV":"1.0","PG":{},"MV":{},"MM":{},"MS":{},"MF":"1.0","IS":true,"IF":["RFID_PLAIN","OCCP_AUTH"],"IT":"ISO14443","ID":"0000000000","RD":["#,
		json_string(&identity.gateway_id),
		json_string(&identity.gateway_serial),
		json_string(pagination),
		json_string(&identity.vendor),
		json_string(&identity.model),
		json_string(&identity.serial),
	);
	for (i, s) in samples.iter().enumerate() {
		let separator = if i == 0 { "" } else { "," };
		let _ = write!(
			out,
			r#"{separator}{{"TM":"{} S","TX":"{}","RV":{}.{:03},"RI":"1-0:1.8.0","RU":"kWh","RT":"AC","EF":"","ST":"G"}}"#,
			format_time(s.timestamp_ms),
			char::from(s.tx),
			s.import_wh.checked_div(1000).unwrap_or_default(),
			s.import_wh.checked_rem(1000).unwrap_or_default(),
		);
	}
	out.push_str("]}");
	out
}

/// Assembles a record from its payload and an ECDSA signature (DER), hex-encoded with the
/// default algorithm named: `OCMF|{payload}|{"SA":"ECDSA-secp256r1-SHA256","SD":"…"}`.
pub fn write_record(payload: &str, signature_der: &[u8]) -> String {
	alloc::format!(
		r#"OCMF|{payload}|{{"SA":"{DEFAULT_SIGNATURE_ALGORITHM}","SD":"{}"}}"#,
		hex::encode_upper(signature_der)
	)
}

/// Signs `payload` with a P-256 key (ECDSA over SHA-256, DER) and assembles the record, as a
/// certified meter does.
pub fn sign_record_p256(payload: &str, key: &p256::ecdsa::SigningKey) -> String {
	use p256::ecdsa::{signature::Signer, Signature};
	let signature: Signature = key.sign(payload.as_bytes());
	write_record(payload, signature.to_der().as_bytes())
}

/// A JSON string literal of `text` (quotes and backslashes escaped, control characters as
/// `\u00XX`).
fn json_string(text: &str) -> String {
	use core::fmt::Write;
	let mut out = String::with_capacity(text.len().saturating_add(2));
	out.push('"');
	for c in text.chars() {
		match c {
			'"' => out.push_str("\\\""),
			'\\' => out.push_str("\\\\"),
			c if u32::from(c) < 0x20 => {
				let _ = write!(out, "\\u{:04x}", u32::from(c));
			}
			c => out.push(c),
		}
	}
	out.push('"');
	out
}

/// `TM` without its flag: `YYYY-MM-DDThh:mm:ss,fff+0000` (UTC).
pub fn format_time(ms: TimestampMs) -> String {
	let (secs, millis) = (ms / MS_PER_SECOND, ms % MS_PER_SECOND);
	let (mut days, rest) = (secs / SECONDS_PER_DAY, secs % SECONDS_PER_DAY);
	let mut year = 1970u64;
	loop {
		let in_year = if is_leap(year) { 366 } else { 365 };
		if days < in_year {
			break;
		}
		days = days.saturating_sub(in_year);
		year = year.saturating_add(1);
	}
	let mut month = 1u64;
	while month < 12 && days >= days_in_month(year, month) {
		days = days.saturating_sub(days_in_month(year, month));
		month = month.saturating_add(1);
	}
	alloc::format!(
		"{year:04}-{month:02}-{:02}T{:02}:{:02}:{:02},{millis:03}+0000",
		days.saturating_add(1),
		rest / 3600,
		rest % 3600 / 60,
		rest % 60,
	)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn decimals_convert_exactly_and_floor_sub_wh() {
		assert_eq!(decimal_to_integer("1234.567", 3), Some(1_234_567));
		assert_eq!(decimal_to_integer("12.345", 3), Some(12_345));
		assert_eq!(decimal_to_integer("1246.0129", 3), Some(1_246_012));
		assert_eq!(decimal_to_integer("0.2596", 3), Some(259));
		assert_eq!(decimal_to_integer("2935.6", 3), Some(2_935_600));
		assert_eq!(decimal_to_integer("00000000.000", 3), Some(0));
		assert_eq!(decimal_to_integer("1.606848e7", 0), Some(16_068_480));
		assert_eq!(decimal_to_integer("1.6086276E+7", 0), Some(16_086_276));
		assert_eq!(decimal_to_integer("1709.539307", 0), Some(1709));
		assert_eq!(decimal_to_integer("7753", 0), Some(7753));
		assert_eq!(decimal_to_integer("5e-1", 3), Some(500));
		assert_eq!(decimal_to_integer("12e-9999", 3), Some(0));
		assert_eq!(decimal_to_integer(".5", 3), Some(500));
		assert_eq!(decimal_to_integer("18446744073709551.615", 3), Some(u64::MAX));
		assert_eq!(decimal_to_integer("18446744073709551.616", 3), None);
		assert_eq!(decimal_to_integer("1e9999", 3), None);
		for bad in ["", ".", "-1.0", "1,5", "1.2.3", "0x10", "1e", "e5", "1e+-2", "NaN", "1 000"] {
			assert_eq!(decimal_to_integer(bad, 3), None, "{bad}");
		}
	}

	#[test]
	fn times_parse_to_utc_ms() {
		// 2018-07-24T11:22:04Z.
		let base = 1_532_431_324_000;
		assert_eq!(
			parse_time("2018-07-24T13:22:04,000+0200 S"),
			Ok((base, TimeSync::Synchronized))
		);
		assert_eq!(
			parse_time("2018-07-24T13:22:04.123+02:00 I"),
			Ok((base + 123, TimeSync::Informative))
		);
		assert_eq!(parse_time("2018-07-24T11:22:04Z R"), Ok((base, TimeSync::Relative)));
		assert_eq!(parse_time("2018-07-24T06:22:04,5-0500 U"), Ok((base + 500, TimeSync::Unknown)));
		assert_eq!(
			parse_time("2024-02-29T00:00:00,000+0000 S").map(|t| t.0),
			Ok(1_709_164_800_000)
		);
		assert_eq!(parse_time("1970-01-01T01:21:45,000+0100 U").map(|t| t.0), Ok(1_305_000));
		for bad in [
			"2018-07-24T13:22:04,000+0200",
			"2018-07-24T13:22:04,000+0200 X",
			"2018-07-24T13:22:04,000+0200  S",
			"2023-02-29T00:00:00,000+0000 S",
			"2018-13-24T13:22:04,000+0200 S",
			"2018-07-24T24:00:00,000+0200 S",
			"2018-07-24T13:60:04,000+0200 S",
			"2018-07-24 13:22:04,000+0200 S",
			"2018-07-24T13:22:04,+0200 S",
			"1970-01-01T00:30:00,000+0100 S",
			"18-07-24T13:22:04,000+0200 S",
			"2018-07-24T13:22:04,000+2400 S",
			"2018-07-24T13:22:04,000 S",
		] {
			assert_eq!(parse_time(bad), Err(OcmfError::BadTime), "{bad}");
		}
	}

	#[test]
	fn obis_codes_map_by_c_d_e_f() {
		for import in [
			"1-b:1.8.0",
			"1-0:1.8.0",
			"01-00:01.08.00*FF",
			"01-0B:01.08.00*FF",
			"01-00:01.08.00.FF",
			"1-0:1.8.0*255",
			"1-b:1.8.e",
			"1.8.0",
		] {
			assert_eq!(register_of(import), Register::Import, "{import}");
		}
		for export in ["1-b:2.8.0", "1-0:2.8.0.FF", "01-00:02.08.00*FF"] {
			assert_eq!(register_of(export), Register::Export, "{export}");
		}
		for other in [
			"1-0:1.7.0",
			"1-0:1.8.1",
			"1-0:1.8.0*198",
			"01-0B:B1.08.00*FF",
			"01-00:C0.08.00*FF",
			"1-0:98.8.0.FF",
			"01-00:00.08.06.FF",
			"1-0:16.7.0",
			"",
			"garbage",
		] {
			assert_eq!(register_of(other), Register::Other, "{other}");
		}
	}

	#[test]
	fn der_is_read_leniently_and_garbage_is_not() {
		let mut minimal = vec![0x30, 0x44, 0x02, 0x20];
		minimal.extend([0x11; 32]);
		minimal.extend([0x02, 0x20]);
		minimal.extend([0x22; 32]);
		let rs = der_rs(&minimal).unwrap();
		assert_eq!(&rs[..32], &[0x11; 32]);
		assert_eq!(&rs[32..], &[0x22; 32]);
		// Short integers are left-padded; a zero-padded one is stripped.
		let short = [0x30, 0x08, 0x02, 0x02, 0x00, 0x05, 0x02, 0x02, 0x01, 0x02];
		let rs = der_rs(&short).unwrap();
		assert_eq!(rs[31], 5);
		assert_eq!(&rs[62..], &[1, 2]);
		// 33 significant bytes, a trailing byte, a wrong tag, a truncated body: refused.
		let mut long = vec![0x30, 0x26, 0x02, 0x21];
		long.extend([0x01; 33]);
		long.extend([0x02, 0x01, 0x01]);
		assert!(der_rs(&long).is_none());
		let mut trailing = short.to_vec();
		trailing[1] += 1;
		trailing.push(0);
		assert!(der_rs(&trailing).is_none());
		assert!(der_rs(&[0x30, 0x06, 0x04, 0x01, 0x01, 0x02, 0x01, 0x01]).is_none());
		assert!(der_rs(&[0x30, 0x06, 0x02, 0x01]).is_none());
		assert_eq!(signature_rs(&[0x30; 63]), Err(OcmfError::MalformedSignature));
		assert!(signature_rs(&[0x30; 64]).is_ok(), "not DER, 64 bytes: r || s");
	}

	#[test]
	fn written_records_verify_and_map_to_the_samples() {
		let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
		let public = crate::DevicePublicKey::P256(
			crate::p256_compress(key.verifying_key().to_encoded_point(false).as_bytes()).unwrap(),
		);
		let identity = MeterIdentity {
			gateway_id: "CHARGER \"7\"".into(),
			gateway_serial: "GS-7".into(),
			vendor: "OpenVPP".into(),
			model: "EM-340".into(),
			serial: "EM340-000123".into(),
		};
		// 2026-12-02T10:00:00Z and 15 minutes of 11 kW charging.
		let start = 1_796_205_600_000;
		let samples = [
			MeterSample { timestamp_ms: start, tx: b'B', import_wh: 1_234_567 },
			MeterSample { timestamp_ms: start + 900_000, tx: b'E', import_wh: 1_237_317 },
		];
		let record = sign_record_p256(&write_payload(&identity, "T12", &samples), &key);
		let parsed = verify(record.as_bytes(), &public).unwrap();
		assert_eq!(parsed.meter_serial.as_deref(), Some("EM340-000123"));
		assert_eq!(parsed.pagination, "T12");
		let readings = to_readings(&parsed).unwrap();
		assert_eq!(readings.len(), 2);
		assert_eq!(readings[0].timestamp_ms, start);
		assert_eq!(readings[0].energy_in_wh, 1_234_567);
		assert_eq!(readings[1].timestamp_ms, start + 900_000);
		assert_eq!(readings[1].energy_in_wh, 1_237_317);
		assert_eq!(format_time(start), "2026-12-02T10:00:00,000+0000");
		assert_eq!(format_time(951_827_696_789), "2000-02-29T12:34:56,789+0000");
	}
}
