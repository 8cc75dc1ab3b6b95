//! Benchmarks (v2) for every call and for the telemetry hook.
//!
//! Each benchmark takes the heaviest path of its call: enrolling replaces a stale active
//! enrollment, withdrawing is late (reports to settlement), settling pays and reports both
//! feeds, the hook measures an enrolled device inside its window.

use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use openvpp_primitives::{
	AcceptedReadings, DeviceId, DeviceKind, DeviceRegistry, DeviceState, HourEnergy, RegionId,
	TimestampMs, Watts,
};
use sp_runtime::{
	traits::{Saturating, StaticLookup},
	Permill,
};

use crate::*;

const REGION: RegionId = 3;
/// 2026-01-01T12:00:00Z: when events are opened.
const NOON_MS: TimestampMs = 1_767_268_800_000;
/// Window start, 18:00.
const WINDOW_START: TimestampMs = NOON_MS + 6 * HOUR_MS;
/// Window end, 19:00.
const WINDOW_END: TimestampMs = WINDOW_START + HOUR_MS;

fn price<T: Config>() -> BalanceOf<T> {
	use frame_support::traits::fungible::Inspect;
	T::Currency::minimum_balance().max(1u32.into())
}

fn budget<T: Config>() -> BalanceOf<T> {
	price::<T>().saturating_mul(1_000_000u32.into())
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, budget::<T>().saturating_mul(10u32.into()));
	who
}

/// A funded operator of [`REGION`].
fn operator<T: Config>() -> T::AccountId {
	let who = funded::<T>("operator", 0);
	Operators::<T>::mutate(REGION, |operators| {
		let _ = operators.try_push(who.clone());
	});
	who
}

fn admin<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

fn bundle(
	device: DeviceId,
	from_ms: TimestampMs,
	to_ms: TimestampMs,
	energy_out_wh: u64,
	soc: Permill,
) -> AcceptedReadings {
	AcceptedReadings {
		device,
		kind: DeviceKind::Ev,
		region: REGION,
		from_ms,
		to_ms,
		energy_in_wh: 0,
		energy_out_wh,
		readings: 1,
		last_soc: Some(soc),
		last_state: DeviceState::Discharging,
		peak_power_w: 0,
		hours: HourEnergy::split(from_ms, to_ms, 0, energy_out_wh),
	}
}

/// An EV of a funded owner, full, with a baseline; and the power it can commit for an hour.
fn plugged_ev<T: Config>(index: u32) -> (T::AccountId, DeviceId, Watts) {
	let owner = funded::<T>("owner", index);
	let device = T::BenchmarkHelper::register_device(&owner, DeviceKind::Ev, REGION);
	Pallet::<T>::note_accepted(&bundle(device, NOON_MS - 900_000, NOON_MS, 0, Permill::one()));
	let nameplate = T::Devices::device(device).map(|view| view.nameplate);
	let power = nameplate
		.map(|n| n.max_export_w.min(u32::try_from(n.capacity_wh / 2).unwrap_or(u32::MAX)))
		.unwrap_or(1_000)
		.max(1);
	(owner, device, power)
}

fn new_event<T: Config>(operator: &T::AccountId) -> EventId {
	let id = NextEventId::<T>::get();
	let opened = Pallet::<T>::do_open_event(
		operator.clone(),
		REGION,
		Direction::Discharge,
		(WINDOW_START, WINDOW_END),
		100_000,
		price::<T>(),
		T::MaxParticipants::get(),
		budget::<T>(),
	);
	assert!(opened.is_ok());
	id
}

/// An open event with one EV enrolled; returns (operator, owner, event, device, power).
fn enrolled<T: Config>() -> (T::AccountId, T::AccountId, EventId, DeviceId, Watts) {
	T::BenchmarkHelper::set_time_ms(NOON_MS);
	let operator = operator::<T>();
	let event = new_event::<T>(&operator);
	let (owner, device, power) = plugged_ev::<T>(1);
	let enrolled =
		Pallet::<T>::do_enroll(owner.clone(), event, device, power, Permill::zero(), None);
	assert!(enrolled.is_ok());
	(operator, owner, event, device, power)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_operator() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let mut operators = BoundedVec::<T::AccountId, T::MaxOperatorsPerRegion>::new();
		for i in 1..T::MaxOperatorsPerRegion::get() {
			let _ = operators.try_push(account("operator", i, 0));
		}
		Operators::<T>::insert(REGION, operators);
		let who: T::AccountId = account("operator", 0, 0);
		let lookup = T::Lookup::unlookup(who.clone());
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, REGION, lookup);
		assert!(Pallet::<T>::is_operator(REGION, &who));
		Ok(())
	}

	#[benchmark]
	fn remove_operator() -> Result<(), BenchmarkError> {
		let origin = admin::<T>()?;
		let mut operators = BoundedVec::<T::AccountId, T::MaxOperatorsPerRegion>::new();
		for i in 0..T::MaxOperatorsPerRegion::get() {
			let _ = operators.try_push(account("operator", i, 0));
		}
		Operators::<T>::insert(REGION, operators);
		let last = T::MaxOperatorsPerRegion::get().saturating_sub(1);
		let who: T::AccountId = account("operator", last, 0);
		let lookup = T::Lookup::unlookup(who.clone());
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, REGION, lookup);
		assert!(!Pallet::<T>::is_operator(REGION, &who));
		Ok(())
	}

	#[benchmark]
	fn open_event() {
		T::BenchmarkHelper::set_time_ms(NOON_MS);
		let operator = operator::<T>();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(operator.clone()),
			REGION,
			Direction::Discharge,
			WINDOW_START,
			WINDOW_END,
			100_000,
			price::<T>(),
			T::MaxParticipants::get(),
			budget::<T>(),
		);
		assert_eq!(Escrow::<T>::get(&operator), budget::<T>());
	}

	#[benchmark]
	fn cancel_event() {
		let (operator, _, event, _, _) = enrolled::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(operator.clone()), event);
		assert!(Escrow::<T>::get(&operator) == 0u32.into());
	}

	#[benchmark]
	fn enroll() {
		T::BenchmarkHelper::set_time_ms(NOON_MS);
		let operator = operator::<T>();
		let (owner, device, power) = plugged_ev::<T>(1);
		// The EV's last enrollment is in a cancelled event: a stale entry to replace.
		let old = new_event::<T>(&operator);
		assert!(Pallet::<T>::do_enroll(owner.clone(), old, device, power, Permill::zero(), None)
			.is_ok());
		assert!(Pallet::<T>::do_cancel_event(operator.clone(), old).is_ok());
		let event = new_event::<T>(&operator);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), event, device, power, Permill::zero(), None);
		assert_eq!(ActiveEnrollment::<T>::get(device), Some(event));
	}

	#[benchmark]
	fn withdraw() {
		let (_, owner, event, device, _) = enrolled::<T>();
		T::BenchmarkHelper::set_time_ms(WINDOW_START.saturating_add(60_000));
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), event, device);
		assert!(ActiveEnrollment::<T>::get(device).is_none());
	}

	#[benchmark]
	fn claim_payment() {
		let (_, owner, event, device, power) = enrolled::<T>();
		let delivered_wh = u64::from(power) / 2;
		Pallet::<T>::note_accepted(&bundle(
			device,
			WINDOW_START,
			WINDOW_END,
			delivered_wh,
			Permill::from_percent(60),
		));
		T::BenchmarkHelper::prepare_heaviest_settlement(device);
		T::BenchmarkHelper::set_time_ms(WINDOW_END);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), event, device);
		assert!(ActiveEnrollment::<T>::get(device).is_none());
	}

	#[benchmark]
	fn reclaim() {
		let (operator, _, event, _, _) = enrolled::<T>();
		T::BenchmarkHelper::set_time_ms(WINDOW_END.saturating_add(T::ClaimPeriodMs::get()));
		#[extrinsic_call]
		_(RawOrigin::Signed(operator.clone()), event);
		assert!(Escrow::<T>::get(&operator) == 0u32.into());
	}

	#[benchmark]
	fn on_readings_accepted() {
		let (_, _, event, device, power) = enrolled::<T>();
		let accepted = bundle(
			device,
			WINDOW_START,
			WINDOW_START.saturating_add(900_000),
			u64::from(power) / 4,
			Permill::from_percent(90),
		);
		#[block]
		{
			Pallet::<T>::note_accepted(&accepted);
		}
		assert!(Enrollments::<T>::get(event, device).is_some_and(|e| e.response_ms.is_some()));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
