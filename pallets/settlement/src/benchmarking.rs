//! Benchmarks (v2) for every call and for the hooks telemetry and the block run.
//!
//! Epoch close and claim touch a fixed set of keys per epoch and per claimed device; neither
//! depends on how many devices exist. Their benchmarks have a component `d` for the fleet, from
//! one device to [`BENCHMARKED_FLEET`], whose per-device state is written straight to storage
//! (see [`fleet`]); the fitted slope over `d` shows the cost does not grow with it.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get,
	},
	BoundedVec,
};
use frame_system::RawOrigin;
use openvpp_primitives::{
	AcceptedReadings, DeviceId, DeviceKind, DeviceState, HourEnergy, RegionId,
};
use sp_runtime::{
	traits::{Saturating, StaticLookup, Zero},
	FixedU128, Permill,
};

use crate::*;

const REGION: RegionId = 1;
/// 2026-01-01T12:00:00Z.
const NOON_MS: u64 = 1_767_268_800_000;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::Currency::minimum_balance()
		.saturating_add(T::CertificateDeposit::get())
		.saturating_mul(1_000_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

fn fill_pot<T: Config>() {
	let amount = T::Currency::minimum_balance().saturating_mul(1_000_000_000u32.into());
	T::Currency::set_balance(&Pallet::<T>::pot_account(), amount);
}

fn standard_params<T: Config>() {
	ActiveParams::<T>::put(ValuationParams::standard(1_000_000u32.into(), 1_000_000_000u32.into()));
}

fn report<T: Config>(device: DeviceId, kind: DeviceKind, energy_in_wh: u64, energy_out_wh: u64) {
	Pallet::<T>::note_accepted(&AcceptedReadings {
		device,
		kind,
		region: REGION,
		from_ms: NOON_MS.saturating_sub(900_000),
		to_ms: NOON_MS,
		energy_in_wh,
		energy_out_wh,
		readings: 4,
		last_soc: None,
		last_state: DeviceState::Discharging,
		peak_power_w: 5_000,
		hours: HourEnergy::split(
			NOON_MS.saturating_sub(900_000),
			NOON_MS,
			energy_in_wh,
			energy_out_wh,
		),
	});
}

/// Ids of the devices [`fleet`] writes, far above those the registry hands out.
const FLEET_BASE: DeviceId = 1 << 48;
/// Points each fleet device holds in its epoch.
const FLEET_POINTS: Points = 1_000_000;

/// The per-device state `count` devices that reported in `epoch` leave in this pallet: their
/// unsettled points (counted in the epoch's total) and, `with_rewards`, their earlier reward,
/// pending and in their lifetime value (so every map a claim touches holds the fleet). Written
/// straight to storage under ids the registry never hands out, so that a fleet of 100,000 is
/// cheap to set up; the reward is counted as emitted, so the pot's outstanding reward covers
/// it as on a real chain.
fn fleet<T: Config>(count: u32, epoch: EpochIndex, with_rewards: bool) {
	let reward: BalanceOf<T> = 1_000u32.into();
	for i in 0..count {
		let device = FLEET_BASE.saturating_add(u64::from(i));
		DeviceEpochPoints::<T>::insert(device, EpochPoints { epoch, points: FLEET_POINTS });
		if with_rewards {
			PendingRewards::<T>::insert(device, reward);
			DeviceValues::<T>::insert(
				device,
				DeviceValue {
					lifetime_points: FLEET_POINTS,
					lifetime_reward: reward,
					energy_wh: Default::default(),
				},
			);
		}
	}
	Epochs::<T>::mutate(epoch, |info| {
		let info = info.get_or_insert_with(Default::default);
		info.total_points =
			info.total_points.saturating_add(FLEET_POINTS.saturating_mul(count.into()));
	});
	if with_rewards {
		TotalEmitted::<T>::mutate(|total| {
			*total = total.saturating_add(reward.saturating_mul(count.into()))
		});
	}
}

fn admin<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

/// The hour [`report`] books energy in: its readings end at noon, so the hour before it.
fn report_hour() -> HourIndex {
	valuation::hour_of(NOON_MS.saturating_sub(1))
}

/// A solar device with 5 kWh of generation before noon and a certificate for all of it.
fn certified<T: Config>(owner: &T::AccountId) -> (DeviceId, CertificateId) {
	let device = T::BenchmarkHelper::register_device(owner, DeviceKind::SolarPv, REGION, true);
	report::<T>(device, DeviceKind::SolarPv, 0, 5_000);
	let hour = report_hour();
	let id = NextCertificateId::<T>::get();
	let issued = Pallet::<T>::do_issue_certificates(owner.clone(), device, hour, 5_000);
	assert!(issued.is_ok());
	(device, id)
}

/// A certificate of `owner` with 2 kWh of it split off and offered to `to`; the offered record.
fn offered_part<T: Config>(owner: &T::AccountId, to: &T::AccountId) -> CertificateId {
	let (_, id) = certified::<T>(owner);
	let part = NextCertificateId::<T>::get();
	let offered = Pallet::<T>::do_offer_certificate(owner.clone(), id, to.clone(), 2_000);
	assert!(offered.is_ok());
	part
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_price() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			DeviceKind::SolarPv,
			Contribution::Generation,
			1_000u32.into(),
		);
		assert!(PendingParams::<T>::get().is_some());
		Ok(())
	}

	#[benchmark]
	fn set_region_multiplier() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, REGION, FixedU128::from_rational(12, 10));
		assert!(RegionMultipliers::<T>::get(REGION).is_some());
		Ok(())
	}

	#[benchmark]
	fn set_time_of_use() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let multipliers = alloc::boxed::Box::new([FixedU128::from_rational(11, 10); HOURS_PER_DAY]);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, multipliers);
		assert!(PendingParams::<T>::get().is_some());
		Ok(())
	}

	#[benchmark]
	fn set_multipliers() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let premium = FixedU128::from_rational(12, 10);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, premium, premium, Permill::from_percent(50));
		assert!(PendingParams::<T>::get().is_some());
		Ok(())
	}

	#[benchmark]
	fn set_emission() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1_000_000u32.into());
		assert!(PendingParams::<T>::get().is_some());
		Ok(())
	}

	#[benchmark]
	fn fund_pot() {
		let caller = funded::<T>("caller", 0);
		let amount = T::Currency::minimum_balance().saturating_mul(1_000u32.into());
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), amount);
		assert!(T::Currency::balance(&Pallet::<T>::pot_account()) >= amount);
	}

	/// `n` devices claimed; `d` other devices with points in the same epoch, pending reward and
	/// lifetime value.
	#[benchmark]
	fn claim(
		n: Linear<1, { T::MaxDevicesPerClaim::get() }>,
		d: Linear<1, { BENCHMARKED_FLEET }>,
	) -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		fill_pot::<T>();
		standard_params::<T>();
		let epoch = CurrentEpoch::<T>::get();
		let mut devices = Vec::new();
		for _ in 0..n {
			let device =
				T::BenchmarkHelper::register_device(&owner, DeviceKind::Battery, REGION, true);
			report::<T>(device, DeviceKind::Battery, 2_000, 5_000);
			devices.push(device);
		}
		fleet::<T>(d, epoch, true);
		// Past the epoch's grace epoch: it is closed.
		Pallet::<T>::advance_epoch(epoch.saturating_add(2));
		let devices: BoundedVec<DeviceId, T::MaxDevicesPerClaim> =
			devices.try_into().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), devices);
		assert!(!TotalPaid::<T>::get().is_zero());
		Ok(())
	}

	#[benchmark]
	fn issue_certificates() {
		let owner = funded::<T>("owner", 0);
		let device = T::BenchmarkHelper::register_device(&owner, DeviceKind::SolarPv, REGION, true);
		report::<T>(device, DeviceKind::SolarPv, 0, 5_000);
		let hour = report_hour();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), device, hour, 5_000);
		assert!(Certificates::<T>::get(0).is_some());
	}

	/// Offering a part: it is split off into a new record of the sender's.
	#[benchmark]
	fn offer_certificate() {
		let owner = funded::<T>("owner", 0);
		let to = funded::<T>("to", 1);
		let (_, id) = certified::<T>(&owner);
		let lookup = T::Lookup::unlookup(to.clone());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), id, lookup, 2_000);
		assert_eq!(CertificateCount::<T>::get(&owner), 2);
		assert_eq!(CertificateCount::<T>::get(&to), 0);
		assert_eq!(Pallet::<T>::certificate_offers_to(&to, 1).len(), 1);
	}

	#[benchmark]
	fn accept_certificate() {
		let owner = funded::<T>("owner", 0);
		let to = funded::<T>("to", 1);
		let part = offered_part::<T>(&owner, &to);
		#[extrinsic_call]
		_(RawOrigin::Signed(to.clone()), part);
		assert_eq!(CertificateCount::<T>::get(&to), 1);
		assert!(CertificateOffers::<T>::get(part).is_none());
	}

	/// The worst case: the rejected part goes back into the record it was split off from.
	#[benchmark]
	fn reject_certificate() {
		let owner = funded::<T>("owner", 0);
		let to = funded::<T>("to", 1);
		let part = offered_part::<T>(&owner, &to);
		#[extrinsic_call]
		_(RawOrigin::Signed(to), part);
		assert!(Certificates::<T>::get(part).is_none());
		assert_eq!(CertificateCount::<T>::get(&owner), 1);
	}

	/// The worst case: the cancelled part goes back into the record it was split off from.
	#[benchmark]
	fn cancel_certificate_offer() {
		let owner = funded::<T>("owner", 0);
		let to = funded::<T>("to", 1);
		let part = offered_part::<T>(&owner, &to);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), part);
		assert!(Certificates::<T>::get(part).is_none());
		assert_eq!(CertificateCount::<T>::get(&owner), 1);
	}

	#[benchmark]
	fn retire() {
		let owner = funded::<T>("owner", 0);
		let (_, id) = certified::<T>(&owner);
		let meter =
			T::BenchmarkHelper::register_device(&owner, DeviceKind::SmartMeter, REGION, true);
		report::<T>(meter, DeviceKind::SmartMeter, 8_000, 0);
		let hour = report_hour();
		// The consumer's records for the hour are one short of full.
		let filler = Retirement {
			meter,
			certificate: id,
			provenance: Certificates::<T>::get(id).map(|c| c.provenance).unwrap_or(Provenance {
				device: meter,
				kind: DeviceKind::SolarPv,
				region: REGION,
				hour,
				attested: true,
				from_storage: false,
			}),
			amount_wh: 0,
		};
		let mut records = BoundedVec::<Retirement, T::MaxRetirementsPerHour>::new();
		while records.len() < (T::MaxRetirementsPerHour::get() as usize).saturating_sub(1) {
			if records.try_push(filler).is_err() {
				break;
			}
		}
		Retirements::<T>::insert(&owner, hour, records);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, 5_000, meter);
		assert!(Certificates::<T>::get(id).is_none());
	}

	/// The hook in a block inside the open epoch (chain time is read, nothing closes).
	#[benchmark]
	fn on_initialize_idle() {
		CurrentEpoch::<T>::put(Pallet::<T>::epoch_of(NOON_MS));
		T::BenchmarkHelper::set_time_ms(NOON_MS);
		#[block]
		{
			Pallet::<T>::do_on_initialize();
		}
		assert_eq!(CurrentEpoch::<T>::get(), Pallet::<T>::epoch_of(NOON_MS));
	}

	/// The hook in the first block past an epoch boundary: `d` devices reported in the epoch
	/// it closes (one registered device and `d - 1` more written by [`fleet`]), and pending
	/// valuation parameters take effect.
	#[benchmark]
	fn on_initialize_close_epoch(d: Linear<1, { BENCHMARKED_FLEET }>) {
		let owner = funded::<T>("owner", 0);
		fill_pot::<T>();
		standard_params::<T>();
		// The epoch before noon, in its grace epoch (the noon hour) until the next one starts.
		let closing = Pallet::<T>::epoch_of(NOON_MS).saturating_sub(1);
		CurrentEpoch::<T>::put(closing.saturating_add(1));
		let device = T::BenchmarkHelper::register_device(&owner, DeviceKind::Battery, REGION, true);
		report::<T>(device, DeviceKind::Battery, 2_000, 5_000);
		fleet::<T>(d.saturating_sub(1), closing, false);
		PendingParams::<T>::put((
			closing.saturating_add(2),
			ValuationParams::standard(2_000_000u32.into(), 1_000_000_000u32.into()),
		));
		// The first block whose parent's time is past the grace epoch's end.
		T::BenchmarkHelper::set_time_ms(
			NOON_MS.saturating_add(Pallet::<T>::epoch_duration_ms()).saturating_add(6_000),
		);
		#[block]
		{
			Pallet::<T>::do_on_initialize();
		}
		assert_eq!(LastClosedEpoch::<T>::get(), Some(closing));
		assert!(Epochs::<T>::get(closing).and_then(|info| info.rate).is_some());
		assert!(PendingParams::<T>::get().is_none());
	}

	#[benchmark]
	fn on_readings_accepted() {
		let owner = funded::<T>("owner", 0);
		fill_pot::<T>();
		standard_params::<T>();
		let device = T::BenchmarkHelper::register_device(&owner, DeviceKind::Battery, REGION, true);
		report::<T>(device, DeviceKind::Battery, 2_000, 5_000);
		// The device's previous epoch is closed (its grace epoch is over too) and gets settled
		// on the next report.
		Pallet::<T>::advance_epoch(CurrentEpoch::<T>::get().saturating_add(2));
		let bundle = AcceptedReadings {
			device,
			kind: DeviceKind::Battery,
			region: REGION,
			from_ms: NOON_MS,
			to_ms: NOON_MS.saturating_add(900_000),
			energy_in_wh: 1_000,
			energy_out_wh: 1_200,
			readings: 4,
			last_soc: Some(Permill::from_percent(60)),
			last_state: DeviceState::Discharging,
			peak_power_w: 5_000,
			hours: HourEnergy::split(NOON_MS, NOON_MS.saturating_add(900_000), 1_000, 1_200),
		};
		#[block]
		{
			Pallet::<T>::note_accepted(&bundle);
		}
		assert!(!PendingRewards::<T>::get(device).is_zero());
	}

	#[benchmark]
	fn note_delivery() {
		let owner = funded::<T>("owner", 0);
		let device = T::BenchmarkHelper::register_device(&owner, DeviceKind::Ev, REGION, true);
		#[block]
		{
			let noted = Pallet::<T>::do_note_delivery(device, Permill::from_percent(80));
			assert!(noted.is_ok());
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
