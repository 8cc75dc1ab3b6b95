//! Test vectors shared by the OCMF and meter-key tests.
#![allow(
	dead_code,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]

use serde_json::Value;

/// Vectors made by `vectors/gen_ocmf_vectors.py` with Python `cryptography`.
pub const GENERATED: &str = include_str!("../vectors/ocmf_vectors.json");
/// Records and keys published by third parties, with their sources.
pub const THIRD_PARTY: &str = include_str!("../vectors/third_party_ocmf.txt");

/// The generated vectors as JSON.
pub fn generated() -> Value {
	serde_json::from_str(GENERATED).expect("ocmf_vectors.json is JSON")
}

/// One published record.
pub struct Published {
	/// Short name.
	pub name: String,
	/// Where it was copied from.
	pub source: String,
	/// The record, byte for byte.
	pub record: String,
	/// The key text as published.
	pub key: String,
}

/// Every record of `third_party_ocmf.txt`.
pub fn third_party() -> Vec<Published> {
	let mut out = Vec::new();
	let mut current: Option<Published> = None;
	for line in THIRD_PARTY.lines() {
		if let Some(name) = line.strip_prefix("name: ") {
			out.extend(current.take());
			current = Some(Published {
				name: name.into(),
				source: String::new(),
				record: String::new(),
				key: String::new(),
			});
		} else if let Some(p) = current.as_mut() {
			if let Some(v) = line.strip_prefix("source: ") {
				p.source = v.into();
			} else if let Some(v) = line.strip_prefix("record: ") {
				p.record = v.into();
			} else if let Some(v) = line.strip_prefix("key: ") {
				p.key = v.into();
			}
		}
	}
	out.extend(current);
	assert!(out.iter().all(|p| !p.record.is_empty() && !p.key.is_empty() && !p.source.is_empty()));
	out
}

/// The published record called `name`.
pub fn published(name: &str) -> Published {
	third_party().into_iter().find(|p| p.name == name).unwrap_or_else(|| panic!("{name}"))
}
