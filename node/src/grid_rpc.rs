//! `openvpp_*` JSON-RPC for grid services and green certificates: EV and storage profiles,
//! demand-response events (also as OpenADR 3 objects), certificates and retirements. Thin
//! over the runtime APIs; balances are decimal strings (planck) so JavaScript keeps them exact.

use std::sync::Arc;

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use openvpp_primitives::{feed::format_rfc3339_ms, DeviceId, RegionId};
use openvpp_runtime::{opaque::Block, AccountId, Balance};
use pallet_settlement::{runtime_api::SettlementApi, CertificateId, HourIndex};
use pallet_v2g::{runtime_api::V2gApi, Direction, DrEvent, Enrollment, EventId};
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::crypto::Ss58Codec;
use sp_runtime::Permill;

use crate::openvpp_rpc::{api_error, error};

/// Most events one page returns.
pub const MAX_EVENT_PAGE: u32 = 100;
/// Longest period of retirements one call returns, hours (a year).
pub const MAX_RETIREMENT_HOURS: u64 = 366 * 24;
/// OpenADR program id of OpenVPP demand response in a region.
fn program_id(region: RegionId) -> String {
	format!("openvpp-dr-region-{region}")
}

/// The grid-service and certificate methods.
#[rpc(server)]
pub trait GridApi {
	/// An EV's profile: capacity, SoC, charging and plug state, participation history.
	#[method(name = "openvpp_evProfile")]
	fn ev_profile(&self, device: DeviceId) -> RpcResult<Option<Value>>;

	/// A storage device's (EV or battery) profile: energy stored, equivalent full cycles,
	/// response speed, regulation energy, participation history.
	#[method(name = "openvpp_storageProfile")]
	fn storage_profile(&self, device: DeviceId) -> RpcResult<Option<Value>>;

	/// One demand-response event, or null.
	#[method(name = "openvpp_drEvent")]
	fn dr_event(&self, id: EventId) -> RpcResult<Option<Value>>;

	/// Demand-response events of a region, oldest first, paged by `start_after` (≤ 100).
	#[method(name = "openvpp_drEvents")]
	fn dr_events(
		&self,
		region: RegionId,
		start_after: Option<EventId>,
		limit: Option<u32>,
	) -> RpcResult<Value>;

	/// A device's enrollment in an event, or null.
	#[method(name = "openvpp_enrollment")]
	fn enrollment(&self, event: EventId, device: DeviceId) -> RpcResult<Option<Value>>;

	/// A region's demand response as OpenADR 3 objects: the `PROGRAM` and its `EVENT`s.
	#[method(name = "openvpp_openAdrEvents")]
	fn open_adr_events(
		&self,
		region: RegionId,
		start_after: Option<EventId>,
		limit: Option<u32>,
	) -> RpcResult<Value>;

	/// A participant's delivery in an event as an OpenADR 3 `REPORT`, or null.
	#[method(name = "openvpp_openAdrReport")]
	fn open_adr_report(&self, event: EventId, device: DeviceId) -> RpcResult<Option<Value>>;

	/// Green certificates an account holds.
	#[method(name = "openvpp_certificates")]
	fn certificates(&self, owner: String) -> RpcResult<Vec<Value>>;

	/// Retirements of a consumer between two hours (inclusive, hours since the Unix epoch): the
	/// proof of hourly-matched green consumption over that period.
	#[method(name = "openvpp_retirements")]
	fn retirements(
		&self,
		consumer: String,
		from_hour: HourIndex,
		to_hour: HourIndex,
	) -> RpcResult<Value>;
}

/// Implementation over a client.
pub struct Grid<C> {
	client: Arc<C>,
}

impl<C> Grid<C> {
	/// New handler.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

fn percent(p: Permill) -> f64 {
	f64::from(p.deconstruct()) / 10_000.0
}

fn direction_name(d: Direction) -> &'static str {
	match d {
		Direction::Discharge => "discharge",
		Direction::Curtail => "curtail",
		Direction::Absorb => "absorb",
	}
}

fn ss58(owner: &str) -> RpcResult<AccountId> {
	AccountId::from_ss58check(owner)
		.map_err(|_| error(-32602, format!("{owner:?} is not an SS58 address")))
}

fn history_json(h: &pallet_v2g::ParticipationHistory) -> Value {
	json!({
		"eventsJoined": h.events_joined,
		"eventsSettled": h.events_settled,
		"eventsDelivered": h.events_delivered,
		"energyDeliveredWh": h.energy_delivered_wh,
		"reliabilityPercent": percent(h.reliability),
		"activeEvent": h.active_event,
	})
}

fn event_json(id: EventId, e: &DrEvent<AccountId, Balance>) -> Value {
	json!({
		"id": id,
		"operator": e.operator.to_ss58check(),
		"region": e.region,
		"direction": direction_name(e.direction),
		"windowStartMs": e.window_start_ms,
		"windowEndMs": e.window_end_ms,
		"targetPowerW": e.target_power_w,
		"pricePerKwh": e.price_per_kwh.to_string(),
		"maxParticipants": e.max_participants,
		"participants": e.participants,
		"committedPowerW": e.committed_power_w,
		"budget": e.budget.to_string(),
		"remaining": e.remaining.to_string(),
		"reserved": e.reserved.to_string(),
		"paid": e.paid.to_string(),
		"refunded": e.refunded.to_string(),
		"deliveredWh": e.delivered_wh,
		"status": format!("{:?}", e.status),
	})
}

fn enrollment_json(e: &Enrollment<Balance>) -> Value {
	json!({
		"committedPowerW": e.committed_power_w,
		"socFloorPercent": percent(e.soc_floor),
		"departureMs": e.departure_ms,
		"windowEndMs": e.window_end_ms,
		"committedWh": e.committed_wh,
		"maxPayout": e.max_payout.to_string(),
		"baselineW": e.baseline_w,
		"deliveredWh": e.delivered_wh,
		"responseMs": e.response_ms,
		"paid": e.paid.to_string(),
		"status": format!("{:?}", e.status),
	})
}

/// ISO 8601 duration of whole seconds (`PT1H30M`, `PT45S`).
fn iso_duration(ms: u64) -> String {
	let secs = ms / 1_000;
	let (h, m, s) = (secs / 3_600, secs % 3_600 / 60, secs % 60);
	let mut out = String::from("PT");
	if h > 0 {
		out.push_str(&format!("{h}H"));
	}
	if m > 0 {
		out.push_str(&format!("{m}M"));
	}
	if s > 0 || (h == 0 && m == 0) {
		out.push_str(&format!("{s}S"));
	}
	out
}

/// Planck per kWh as VPP per kWh (12 decimals).
fn vpp(planck: Balance) -> f64 {
	planck as f64 / 1e12
}

/// The OpenADR 3 `PROGRAM` of a region.
fn open_adr_program(region: RegionId) -> Value {
	json!({
		"id": program_id(region),
		"objectType": "PROGRAM",
		"programName": format!("OpenVPP demand response, region {region}"),
		"programType": "DEMAND_RESPONSE",
		"retailerName": "OpenVPP",
		"targets": [{ "type": "REGION", "values": [region.to_string()] }],
		"payloadDescriptors": [
			{ "objectType": "EVENT_PAYLOAD_DESCRIPTOR", "payloadType": "PRICE",
			  "units": "KWH", "currency": "VPP" },
			{ "objectType": "EVENT_PAYLOAD_DESCRIPTOR", "payloadType": "DISPATCH_SETPOINT",
			  "units": "KW" },
		],
	})
}

/// An event as an OpenADR 3 `EVENT`: one interval over the window with its price and the
/// power asked for (positive: delivered to the grid; negative: absorbed from it).
fn open_adr_event(id: EventId, e: &DrEvent<AccountId, Balance>) -> Value {
	let kw = e.target_power_w as f64 / 1_000.0;
	let setpoint = match e.direction {
		Direction::Discharge | Direction::Curtail => kw,
		Direction::Absorb => -kw,
	};
	let period = json!({
		"start": format_rfc3339_ms(e.window_start_ms),
		"duration": iso_duration(e.window_end_ms.saturating_sub(e.window_start_ms)),
	});
	json!({
		"id": format!("openvpp-dr-event-{id}"),
		"objectType": "EVENT",
		"programID": program_id(e.region),
		"eventName": format!("{} {kw} kW", direction_name(e.direction)),
		"priority": 0,
		"targets": [
			{ "type": "REGION", "values": [e.region.to_string()] },
			{ "type": "OPENVPP_DIRECTION", "values": [direction_name(e.direction)] },
		],
		"payloadDescriptors": [
			{ "objectType": "EVENT_PAYLOAD_DESCRIPTOR", "payloadType": "PRICE",
			  "units": "KWH", "currency": "VPP" },
			{ "objectType": "EVENT_PAYLOAD_DESCRIPTOR", "payloadType": "DISPATCH_SETPOINT",
			  "units": "KW" },
		],
		"intervalPeriod": period,
		"intervals": [{
			"id": 0,
			"payloads": [
				{ "type": "PRICE", "values": [vpp(e.price_per_kwh)] },
				{ "type": "DISPATCH_SETPOINT", "values": [setpoint] },
			],
		}],
	})
}

impl<C> Grid<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
	C::Api: V2gApi<Block, AccountId, Balance>,
{
	/// A page of a region's events at the best block, and the page size used.
	fn events_page(
		&self,
		region: RegionId,
		start_after: Option<EventId>,
		limit: Option<u32>,
	) -> RpcResult<(Vec<(EventId, DrEvent<AccountId, Balance>)>, u32)> {
		let at = self.client.info().best_hash;
		let limit = limit.unwrap_or(20).clamp(1, MAX_EVENT_PAGE);
		let events = self
			.client
			.runtime_api()
			.events_in_region(at, region, start_after, limit)
			.map_err(api_error)?;
		Ok((events, limit))
	}
}

impl<C> GridApiServer for Grid<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: V2gApi<Block, AccountId, Balance> + SettlementApi<Block, AccountId, Balance>,
{
	fn ev_profile(&self, device: DeviceId) -> RpcResult<Option<Value>> {
		let at = self.client.info().best_hash;
		let profile = self.client.runtime_api().ev_profile(at, device).map_err(api_error)?;
		Ok(profile.map(|p| {
			json!({
				"device": p.device,
				"capacityWh": p.capacity_wh,
				"maxImportW": p.max_import_w,
				"maxExportW": p.max_export_w,
				"socPercent": p.soc.map(percent),
				"state": p.state.map(|s| openvpp_primitives::feed::state_name(s)),
				"charging": p.charging,
				"pluggedIn": p.plugged_in,
				"lastSeenMs": p.last_seen_ms,
				"history": history_json(&p.history),
			})
		}))
	}

	fn storage_profile(&self, device: DeviceId) -> RpcResult<Option<Value>> {
		let at = self.client.info().best_hash;
		let profile = self.client.runtime_api().storage_profile(at, device).map_err(api_error)?;
		Ok(profile.map(|p| {
			json!({
				"device": p.device,
				"kind": String::from_utf8_lossy(p.kind.code()),
				"capacityWh": p.capacity_wh,
				"socPercent": p.soc.map(percent),
				"energyStoredWh": p.energy_stored_wh,
				"dischargeThroughputWh": p.discharge_throughput_wh,
				"equivalentFullCycles": p.equivalent_full_cycles_milli as f64 / 1_000.0,
				"bestResponseMs": p.best_response_ms,
				"averageResponseMs": p.average_response_ms,
				"regulationEnergyWh": p.regulation_energy_wh,
				"history": history_json(&p.history),
			})
		}))
	}

	fn dr_event(&self, id: EventId) -> RpcResult<Option<Value>> {
		let at = self.client.info().best_hash;
		let event = self.client.runtime_api().event(at, id).map_err(api_error)?;
		Ok(event.map(|e| event_json(id, &e)))
	}

	fn dr_events(
		&self,
		region: RegionId,
		start_after: Option<EventId>,
		limit: Option<u32>,
	) -> RpcResult<Value> {
		let (events, limit) = self.events_page(region, start_after, limit)?;
		let next = (events.len() == limit as usize).then(|| events.last().map(|(id, _)| *id));
		Ok(json!({
			"region": region,
			"events": events.iter().map(|(id, e)| event_json(*id, e)).collect::<Vec<_>>(),
			"next": next.flatten(),
		}))
	}

	fn enrollment(&self, event: EventId, device: DeviceId) -> RpcResult<Option<Value>> {
		let at = self.client.info().best_hash;
		let e = self.client.runtime_api().enrollment(at, event, device).map_err(api_error)?;
		Ok(e.map(|e| enrollment_json(&e)))
	}

	fn open_adr_events(
		&self,
		region: RegionId,
		start_after: Option<EventId>,
		limit: Option<u32>,
	) -> RpcResult<Value> {
		let (events, _) = self.events_page(region, start_after, limit)?;
		Ok(json!({
			"program": open_adr_program(region),
			"events": events.iter().map(|(id, e)| open_adr_event(*id, e)).collect::<Vec<_>>(),
		}))
	}

	fn open_adr_report(&self, event: EventId, device: DeviceId) -> RpcResult<Option<Value>> {
		let at = self.client.info().best_hash;
		let api = self.client.runtime_api();
		let Some(e) = api.event(at, event).map_err(api_error)? else { return Ok(None) };
		let Some(enrollment) = api.enrollment(at, event, device).map_err(api_error)? else {
			return Ok(None);
		};
		let period = json!({
			"start": format_rfc3339_ms(e.window_start_ms),
			"duration": iso_duration(e.window_end_ms.saturating_sub(e.window_start_ms)),
		});
		Ok(Some(json!({
			"id": format!("openvpp-dr-report-{event}-{device}"),
			"objectType": "REPORT",
			"programID": program_id(e.region),
			"eventID": format!("openvpp-dr-event-{event}"),
			"clientName": format!("device-{device}"),
			"reportName": format!("delivery of device {device} in event {event}"),
			"payloadDescriptors": [
				{ "objectType": "REPORT_PAYLOAD_DESCRIPTOR", "payloadType": "DELTA_USAGE",
				  "readingType": "SUMMED", "units": "KWH" },
				{ "objectType": "REPORT_PAYLOAD_DESCRIPTOR", "payloadType": "BASELINE",
				  "readingType": "DIRECT_READ", "units": "KW" },
			],
			"resources": [{
				"resourceName": format!("device-{device}"),
				"intervalPeriod": period,
				"intervals": [{
					"id": 0,
					"payloads": [
						{ "type": "DELTA_USAGE", "values": [enrollment.delivered_wh as f64 / 1_000.0] },
						{ "type": "BASELINE", "values": [f64::from(enrollment.baseline_w) / 1_000.0] },
					],
				}],
			}],
			"openvpp": {
				"committedWh": enrollment.committed_wh,
				"deliveredWh": enrollment.delivered_wh,
				"responseMs": enrollment.response_ms,
				"paid": enrollment.paid.to_string(),
				"status": format!("{:?}", enrollment.status),
			},
		})))
	}

	fn certificates(&self, owner: String) -> RpcResult<Vec<Value>> {
		let owner = ss58(&owner)?;
		let at = self.client.info().best_hash;
		let certificates =
			self.client.runtime_api().certificates_of(at, owner).map_err(api_error)?;
		Ok(certificates
			.into_iter()
			.map(|(id, c): (CertificateId, _)| {
				json!({
					"id": id,
					"owner": c.owner.to_ss58check(),
					"amountWh": c.amount_wh,
					"provenance": {
						"device": c.provenance.device,
						"kind": String::from_utf8_lossy(c.provenance.kind.code()),
						"region": c.provenance.region,
						"hour": c.provenance.hour,
						"hourStart": format_rfc3339_ms(c.provenance.hour.saturating_mul(3_600_000)),
						"attested": c.provenance.attested,
						"fromStorage": c.provenance.from_storage,
					},
				})
			})
			.collect())
	}

	fn retirements(
		&self,
		consumer: String,
		from_hour: HourIndex,
		to_hour: HourIndex,
	) -> RpcResult<Value> {
		let who = ss58(&consumer)?;
		if to_hour < from_hour || to_hour - from_hour > MAX_RETIREMENT_HOURS {
			return Err(error(-32602, "the period must run forward and span at most 366 days"));
		}
		let at = self.client.info().best_hash;
		let retirements = self
			.client
			.runtime_api()
			.retirements_of(at, who, from_hour, to_hour)
			.map_err(api_error)?;
		let total: u64 = retirements.iter().map(|(_, r)| r.amount_wh).sum();
		Ok(json!({
			"consumer": consumer,
			"fromHour": from_hour,
			"toHour": to_hour,
			"totalWh": total,
			"retirements": retirements.iter().map(|(hour, r)| json!({
				"hour": hour,
				"hourStart": format_rfc3339_ms(hour.saturating_mul(3_600_000)),
				"meter": r.meter,
				"certificate": r.certificate,
				"amountWh": r.amount_wh,
				"source": {
					"device": r.provenance.device,
					"kind": String::from_utf8_lossy(r.provenance.kind.code()),
					"region": r.provenance.region,
					"attested": r.provenance.attested,
				},
			})).collect::<Vec<_>>(),
		}))
	}
}
