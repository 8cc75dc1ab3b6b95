//! The verification functions the fuzz target drives, run here over a few thousand inputs from
//! a fixed-seed generator: random bytes, mutated real bundles and random signed bundles. They
//! must never panic, and whatever they accept must satisfy the invariants of an accepted
//! bundle.

use codec::{Decode, Encode};
use frame_support::assert_ok;
use openvpp_primitives::{
	keys::{DeviceKeyPair, KeyScheme},
	pack_readings, DeviceKind, DeviceState, DeviceStatus, DeviceView, Nameplate, PackedReading,
};
use sp_runtime::{BoundedVec, Permill};

use super::{profiles::*, *};
use crate::verify::{
	check_readings, check_signature, verify_bundle, VerifiedBundle, VerifyContext,
};

/// SplitMix64: small, fast, and the same sequence on every run.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	fn below(&mut self, n: u64) -> u64 {
		self.next() % n.max(1)
	}

	/// A value biased to the edges: 0, 1, small, huge, or anything.
	fn edgy(&mut self) -> u64 {
		match self.below(6) {
			0 => 0,
			1 => 1,
			2 => self.below(5_000),
			3 => u64::MAX - self.below(3),
			4 => self.below(2_000_000),
			_ => self.next(),
		}
	}
}

fn key() -> DeviceKeyPair {
	DeviceKeyPair::from_uri(KeyScheme::Ed25519, "//Fuzz//device").unwrap()
}

fn views(key: &DeviceKeyPair) -> Vec<DeviceView<AccountId>> {
	[
		(DeviceKind::Ev, EV_NAMEPLATE),
		(DeviceKind::Battery, BATTERY_NAMEPLATE),
		(DeviceKind::SolarPv, SOLAR_NAMEPLATE),
		(DeviceKind::SmartMeter, METER_NAMEPLATE),
		(DeviceKind::HeatPump, Nameplate { capacity_wh: 0, max_import_w: 9_000, max_export_w: 0 }),
	]
	.into_iter()
	.map(|(kind, nameplate)| DeviceView {
		owner: OWNER,
		kind,
		region: REGION,
		nameplate,
		status: DeviceStatus::Active,
		signer: key.signer(),
		commissioned_ms: START_MS,
		attestations: 0,
		hardware: None,
		hardware_attested: false,
		eligibility: openvpp_primitives::RewardEligibility::Full,
	})
	.collect()
}

fn states(rng: &mut Rng) -> Vec<Option<TelemetryState>> {
	let mut random = || TelemetryState {
		last_seq: rng.edgy(),
		last_timestamp_ms: START_MS + rng.below(HOUR_MS),
		last_energy_in_wh: rng.edgy(),
		last_energy_out_wh: rng.edgy(),
		last_soc: (rng.below(2) == 0).then(|| Permill::from_parts(rng.below(1_000_001) as u32)),
		last_state: DeviceState::Charging,
		epoch: rng.below(u32::MAX as u64) as u32,
		epoch_energy_in_wh: rng.edgy(),
		epoch_energy_out_wh: rng.edgy(),
		epoch_readings: rng.below(u32::MAX as u64) as u32,
	};
	vec![None, Some(random()), Some(random())]
}

fn context() -> VerifyContext {
	VerifyContext {
		now_ms: START_MS + 2 * HOUR_MS,
		genesis: H256::repeat_byte(69),
		limits: crate::Pallet::<Test>::limits(),
	}
}

/// What must hold for any accepted bundle.
fn assert_invariants(
	state: Option<&TelemetryState>,
	bundle: &TestBundle,
	verified: &VerifiedBundle,
	ctx: &VerifyContext,
) {
	let n = bundle.readings.len() as u64;
	assert!(n > 0);
	assert_eq!(verified.readings.len() as u64, n);
	assert_eq!(verified.state.last_seq, bundle.first_seq + n - 1);
	assert_eq!(bundle.first_seq, state.map_or(0, |s| s.last_seq + 1));
	let last = verified.readings.last().unwrap();
	assert!(last.timestamp_ms <= ctx.now_ms + ctx.limits.max_future_drift_ms);
	assert!(verified.readings.windows(2).all(|w| w[0].timestamp_ms < w[1].timestamp_ms));
	if let Some(s) = state {
		assert!(verified.readings[0].timestamp_ms > s.last_timestamp_ms);
		assert!(last.energy_in_wh >= s.last_energy_in_wh);
		assert!(last.energy_out_wh >= s.last_energy_out_wh);
	}
	assert_eq!(pack_readings(&verified.readings).unwrap(), bundle.readings.to_vec());
	assert_eq!(verified.accepted.readings as u64, n);
	assert_eq!(verified.state.last_energy_in_wh, last.energy_in_wh);
}

/// Runs every entry point on a bundle, for every view and state.
fn exercise(
	views: &[DeviceView<AccountId>],
	states: &[Option<TelemetryState>],
	bundle: &TestBundle,
	ctx: &VerifyContext,
) -> usize {
	let mut accepted = 0;
	for view in views {
		let signed = check_signature(view, bundle, ctx.genesis).is_ok();
		for state in states {
			let full = verify_bundle(view, state.as_ref(), bundle, ctx);
			let unsigned = check_readings(
				view,
				state.as_ref(),
				bundle.device,
				bundle.first_seq,
				&bundle.readings,
				ctx,
			);
			if let Ok(verified) = &unsigned {
				assert_invariants(state.as_ref(), bundle, verified, ctx);
			}
			if signed {
				assert_eq!(full, unsigned, "a valid signature must not change the verdict");
				accepted += usize::from(full.is_ok());
			} else {
				assert_eq!(full, Err(RejectReason::BadSignature));
			}
		}
	}
	accepted
}

#[test]
fn random_bytes_never_panic() {
	let key = key();
	let views = views(&key);
	let mut rng = Rng(0x0BE7_7E12_0F0D_2025);
	let states = states(&mut rng);
	let ctx = context();
	let mut decoded = 0;
	for _ in 0..2_000 {
		let len = rng.below(400) as usize;
		// Small bytes half the time, so enum tags and lengths are often valid.
		let bytes: Vec<u8> = (0..len)
			.map(|_| if rng.below(2) == 0 { rng.below(5) as u8 } else { rng.next() as u8 })
			.collect();
		if let Ok(bundle) = TestBundle::decode(&mut &bytes[..]) {
			decoded += 1;
			exercise(&views, &states, &bundle, &ctx);
		}
	}
	println!("random bytes: {decoded} of 2000 decoded as bundles");
}

#[test]
fn mutated_real_bundles_never_panic() {
	let key = key();
	let views = views(&key);
	let mut rng = Rng(0x5EED_0000_0000_0001);
	let mut states = states(&mut rng);
	let ctx = context();
	let readings = ev_day();
	let seed =
		key.signed_bundle::<MaxReadingsPerBundle>(ctx.genesis, 0, 0, &readings[0..8]).unwrap();
	// The seed must be accepted by the EV view with no state.
	assert!(verify_bundle(&views[0], None, &seed, &ctx).is_ok());
	states.push(None);
	let encoded = seed.encode();
	let (mut decoded, mut accepted) = (0, 0);
	for _ in 0..3_000 {
		let mut bytes = encoded.clone();
		for _ in 0..=rng.below(4) {
			let at = rng.below(bytes.len() as u64) as usize;
			match rng.below(4) {
				0 => bytes[at] ^= 1 << rng.below(8),
				1 => bytes[at] = [0x00, 0xFF, 0x7F, 0x80][rng.below(4) as usize],
				2 => bytes.truncate(at),
				_ => bytes.insert(at, rng.next() as u8),
			}
			if bytes.is_empty() {
				break;
			}
		}
		if let Ok(bundle) = TestBundle::decode(&mut &bytes[..]) {
			decoded += 1;
			accepted += exercise(&views, &states, &bundle, &ctx);
		}
	}
	println!("mutated bundles: {decoded} of 3000 decoded, {accepted} (view, state) acceptances");
	assert!(decoded > 500);
}

#[test]
fn random_signed_bundles_are_accepted_only_when_consistent() {
	let key = key();
	let views = views(&key);
	let mut rng = Rng(0xC0FF_EE00_D15E_A5E5);
	let ctx = context();
	let mut accepted = 0;
	for round in 0..1_500 {
		let mut states = states(&mut rng);
		// Mostly plausible previous states, so later checks are reached.
		let plausible = TelemetryState {
			last_seq: rng.below(1_000),
			last_timestamp_ms: START_MS + rng.below(HOUR_MS),
			last_energy_in_wh: rng.below(10_000_000),
			last_energy_out_wh: rng.below(10_000_000),
			last_soc: Some(Permill::from_parts(rng.below(1_000_001) as u32)),
			last_state: DeviceState::Idle,
			epoch: 0,
			epoch_energy_in_wh: 0,
			epoch_energy_out_wh: 0,
			epoch_readings: 0,
		};
		states.push(Some(plausible));
		let count = rng.below(12);
		// Half the bundles carry no SoC (so non-storage views can accept them) and mostly
		// plausible deltas; the rest anything.
		let wild = rng.below(2) == 0;
		let packed: Vec<PackedReading> = (0..count)
			.map(|i| {
				let delta = |rng: &mut Rng| match (wild, rng.below(4)) {
					(false, 0..=2) => rng.below(1_500),
					_ => [0, rng.below(3_000), rng.edgy()][rng.below(3) as usize],
				};
				let energy_in_wh = delta(&mut rng);
				let energy_out_wh = delta(&mut rng);
				let time_ms = if wild {
					[0, 1, QUARTER_MS, rng.edgy()][rng.below(4) as usize]
				} else {
					QUARTER_MS
				};
				PackedReading {
					time_ms: if i == 0 {
						plausible.last_timestamp_ms + 1 + rng.below(HOUR_MS)
					} else {
						time_ms
					},
					energy_in_wh: if i == 0 {
						plausible.last_energy_in_wh.wrapping_add(energy_in_wh)
					} else {
						energy_in_wh
					},
					energy_out_wh: if i == 0 {
						plausible.last_energy_out_wh.wrapping_add(energy_out_wh)
					} else {
						energy_out_wh
					},
					soc_bp: if wild {
						[None, Some(rng.below(10_002) as u16), Some(rng.next() as u16)]
							[rng.below(3) as usize]
					} else {
						None
					},
					state: [DeviceState::Idle, DeviceState::Charging, DeviceState::Offline]
						[rng.below(3) as usize],
				}
			})
			.collect();
		let first_seq = if rng.below(4) == 0 { rng.edgy() } else { plausible.last_seq + 1 };
		let device = round % 7;
		let signature = key.sign_bundle(ctx.genesis, device, first_seq, &packed);
		let bundle = TestBundle {
			device,
			first_seq,
			readings: BoundedVec::truncate_from(packed),
			signature,
		};
		accepted += exercise(&views, &states, &bundle, &ctx);
	}
	println!("random signed bundles: {accepted} (view, state) acceptances");
	assert!(accepted > 0, "the generator must reach acceptance sometimes");
}

#[test]
fn random_batches_through_the_pallet_keep_its_invariants() {
	new_test_ext().execute_with(|| {
		let mut rng = Rng(0xBA7C_4E55_0000_0042);
		let battery =
			TestDevice::register(DeviceKind::Battery, BATTERY_NAMEPLATE, "//Fuzz/battery");
		let ev = TestDevice::register(DeviceKind::Ev, EV_NAMEPLATE, "//Fuzz/ev");
		let traces = [(&battery, battery_two_days()), (&ev, ev_day())];
		let mut next = [0usize, 0usize];
		for _ in 0..60 {
			let mut bundles = Vec::new();
			for (i, (device, readings)) in traces.iter().enumerate() {
				if next[i] >= readings.len() {
					continue;
				}
				let len = 1 + rng.below(6) as usize;
				let end = (next[i] + len).min(readings.len());
				let mut chunk = readings[next[i]..end].to_vec();
				// Tampering the chain must refuse: more energy than the nameplate allows, a SoC
				// jump of 50 points, readings days ahead of chain time.
				let tamper = next[i] > 0 && rng.below(3) == 0;
				if tamper {
					let r = rng.below(chunk.len() as u64) as usize;
					match rng.below(3) {
						0 => chunk[r..]
							.iter_mut()
							.for_each(|x| x.energy_in_wh += 20_000 + rng.below(20_000)),
						1 if chunk[r].soc.unwrap().deconstruct() <= 500_000 => {
							let soc = chunk[r].soc.unwrap().deconstruct();
							chunk[r].soc = Some(Permill::from_parts(soc + 500_000));
						}
						1 => chunk[r..]
							.iter_mut()
							.for_each(|x| x.energy_out_wh += 20_000 + rng.below(20_000)),
						_ => chunk[r..].iter_mut().for_each(|x| x.timestamp_ms += 3 * 24 * HOUR_MS),
					}
				}
				let seq = if rng.below(10) == 0 { rng.below(400) } else { next[i] as u64 };
				if let Ok(bundle) = device.key.signed_bundle(genesis(), device.id, seq, &chunk) {
					bundles.push((i, end, tamper, bundle));
				}
			}
			if bundles.is_empty() {
				continue;
			}
			let latest =
				bundles.iter().map(|(i, end, _, _)| traces[*i].1[*end - 1].timestamp_ms).max();
			set_now(latest.unwrap_or(START_MS) + 1_000);
			let before: Vec<_> = traces.iter().map(|(d, _)| d.snapshot().state).collect();
			assert_ok!(submit(bundles.iter().map(|(_, _, _, b)| b.clone()).collect()));
			for (i, end, tampered, _) in &bundles {
				let device = traces[*i].0;
				let state = device.snapshot().state;
				if *tampered {
					assert_eq!(state, before[*i], "a tampered bundle was accepted");
				}
				if state != before[*i] && state.map(|s| s.last_seq + 1) == Some(*end as u64) {
					next[*i] = *end;
				}
			}
			Telemetry::do_try_state().unwrap();
		}
		println!("random batches: readings accepted per device {next:?}");
		assert!(next.iter().all(|n| *n > 20), "the devices made progress: {next:?}");
	});
}
