//! The offchain worker: fetch every feed, keep what is new and would be accepted, submit it.

use alloc::{collections::BTreeMap, format, string::String, vec, vec::Vec};
use frame_support::{traits::Get, BoundedVec};
use frame_system::{
	offchain::{SendSignedTransaction, SignMessage, Signer},
	pallet_prelude::BlockNumberFor,
};
use openvpp_primitives::{feed, ocmf, Bundle, DeviceId, DeviceRegistry};
use pallet_telemetry::{
	verify::VerifyContext, DeviceTelemetry, OcmfSubmission, RejectReason, TelemetryState,
};
use sp_runtime::{
	offchain::{
		http,
		storage::StorageValueRef,
		storage_lock::{StorageLock, Time},
		Duration,
	},
	traits::SaturatedConversion,
};

use crate::{
	keys::{self, FeedStatus, Pending},
	Config,
};

/// Log target of the worker.
pub const LOG_TARGET: &str = "openvpp::feeds";

/// Most feed entries one run reads, over all feeds: what the run holds in memory is bounded by
/// it, whatever the feeds serve. Feeds left over when it is spent are pulled first next run.
pub const MAX_ENTRIES_PER_RUN: usize = feed::MAX_FEED_ENTRIES.saturating_mul(4);

/// Bytes read from a response body at a time.
const READ_CHUNK: usize = 16 * 1024;

type BundleOf<T> = Bundle<<T as pallet_telemetry::Config>::MaxReadingsPerBundle>;

/// The feed URLs the node configured.
pub fn configured_feeds() -> Vec<Vec<u8>> {
	StorageValueRef::persistent(keys::FEEDS)
		.get::<Vec<Vec<u8>>>()
		.ok()
		.flatten()
		.unwrap_or_default()
}

/// One run of the worker, after `block` was imported.
pub(crate) fn run<T: Config>(block: BlockNumberFor<T>) {
	let urls = configured_feeds();
	if urls.is_empty() {
		return;
	}
	let signer = Signer::<T, T::AuthorityId>::any_account();
	let Some((account, _)) = signer.sign_message(b"openvpp/feeds") else {
		log::debug!(
			target: LOG_TARGET,
			"{} feed(s) configured but no gateway key (type `gtwy`) in the keystore: not pulling",
			urls.len()
		);
		return;
	};
	let gateway = account.id;

	// Workers of consecutive blocks may overlap; one at a time. The lock outlives every fetch.
	let lock_ms = T::FetchTimeoutMs::get().saturating_mul(urls.len() as u64).saturating_add(10_000);
	let mut lock = StorageLock::<Time>::with_deadline(keys::LOCK, Duration::from_millis(lock_ms));
	let Ok(_guard) = lock.try_lock() else {
		log::debug!(target: LOG_TARGET, "the previous run is still fetching");
		return;
	};

	// While our last transaction is neither included nor presumed dropped, wait: the chain's
	// state is then exactly what we check new bundles against.
	let block_number: u64 = block.saturated_into();
	let chain_nonce: u64 = frame_system::Account::<T>::get(&gateway).nonce.saturated_into();
	let mut pending_ref = StorageValueRef::persistent(keys::PENDING);
	if let Ok(Some(pending)) = pending_ref.get::<Pending>() {
		if chain_nonce <= pending.nonce {
			let timeout = u64::from(T::PendingTimeoutBlocks::get());
			if block_number < pending.block.saturating_add(timeout) {
				log::debug!(
					target: LOG_TARGET,
					"waiting for the submission with nonce {} to be included",
					pending.nonce
				);
				return;
			}
			log::warn!(
				target: LOG_TARGET,
				"the submission with nonce {} was not included within {timeout} blocks: \
				 presumed lost, submitting again what the chain does not have",
				pending.nonce
			);
			pending_ref.clear();
		}
	}

	// Fetch and parse the feeds, from where the last run stopped, until the run's entry budget
	// is spent; one feed's trouble (down, junk, a hostile body) never stops the others.
	let resume_ref = StorageValueRef::persistent(keys::RESUME);
	let start = resume_ref
		.get::<u32>()
		.ok()
		.flatten()
		.and_then(|i| usize::try_from(i).ok())
		.filter(|i| *i < urls.len())
		.unwrap_or(0);
	let mut statuses: Vec<Option<FeedStatus>> = vec![None; urls.len()];
	let mut offered: Vec<(usize, BundleOf<T>)> = Vec::new();
	let mut offered_ocmf: Vec<(usize, feed::OcmfEntry)> = Vec::new();
	let mut budget = MAX_ENTRIES_PER_RUN;
	let mut resume_at = 0usize;
	for index in (start..urls.len()).chain(0..start) {
		if budget == 0 {
			log::debug!(target: LOG_TARGET, "entry budget spent: feeds from {index} on wait");
			resume_at = index;
			break;
		}
		let Some(url) = urls.get(index) else { continue };
		let mut status = load_status(url);
		status.last_block = block_number;
		let url_text = String::from_utf8_lossy(url);
		match fetch::<T>(&url_text).and_then(|body| {
			feed::parse_feed_limited::<T::MaxReadingsPerBundle>(&body, budget)
				.map_err(|e| format!("{e}"))
		}) {
			Ok(parsed) => {
				status.last_ok_ms = sp_io::offchain::timestamp().unix_millis();
				status.last_error.clear();
				for (entry, why) in &parsed.skipped {
					log::warn!(target: LOG_TARGET, "feed {url_text}: entry {entry} skipped: {why}");
				}
				if parsed.truncated > 0 {
					log::warn!(
						target: LOG_TARGET,
						"feed {url_text}: {} entries past the cap not read",
						parsed.truncated
					);
				}
				let read = parsed
					.bundles
					.len()
					.saturating_add(parsed.ocmf.len())
					.saturating_add(parsed.skipped.len());
				budget = budget.saturating_sub(read);
				let skipped = parsed.skipped.len().saturating_add(parsed.truncated);
				status.skipped = status.skipped.saturating_add(skipped as u64);
				offered.extend(parsed.bundles.into_iter().map(|b| (index, b)));
				offered_ocmf.extend(parsed.ocmf.into_iter().map(|o| (index, o)));
			}
			Err(e) => {
				log::warn!(target: LOG_TARGET, "feed {url_text} skipped: {e}");
				status.failures = status.failures.saturating_add(1);
				status.last_error = e.into_bytes();
			}
		}
		if let Some(slot) = statuses.get_mut(index) {
			*slot = Some(status);
		}
	}
	resume_ref.set(&u32::try_from(resume_at).unwrap_or(0));
	let feed_name = |index: usize| {
		String::from_utf8_lossy(urls.get(index).map(Vec::as_slice).unwrap_or_default()).into_owned()
	};

	// Keep what is new and would be accepted, device by device in order.
	offered.sort_by_key(|(_, b)| (b.device, b.first_seq));
	let ctx = pallet_telemetry::Pallet::<T>::verify_context();
	let mut devices: BTreeMap<DeviceId, DeviceCursor> = BTreeMap::new();
	let mut admitted: Vec<(usize, BundleOf<T>)> = Vec::new();
	let mut refused = |index: usize, what: String, reason: RejectReason| {
		log::warn!(
			target: LOG_TARGET,
			"feed {}: {what} not submitted, the chain would refuse it: {reason:?}",
			feed_name(index)
		);
		if let Some(status) = statuses.get_mut(index).and_then(Option::as_mut) {
			status.skipped = status.skipped.saturating_add(1);
		}
	};
	for (index, bundle) in offered {
		let cursor =
			devices.entry(bundle.device).or_insert_with(|| DeviceCursor::load::<T>(bundle.device));
		match cursor.admit::<T>(&gateway, &bundle, &ctx) {
			Admission::Known => {}
			Admission::Take => admitted.push((index, bundle)),
			Admission::Refuse(reason) => refused(
				index,
				format!("bundle of device {} from seq {}", bundle.device, bundle.first_seq),
				reason,
			),
		}
	}

	// OCMF records: the meter key names the device; oldest record first per device.
	let mut records: Vec<(usize, DeviceId, (u64, u64), Vec<u8>)> = Vec::new();
	for (index, entry) in offered_ocmf {
		let Some(device) =
			<T as pallet_telemetry::Config>::Devices::device_by_key(&entry.public_key)
		else {
			refused(index, String::from("OCMF record"), RejectReason::UnknownDevice);
			continue;
		};
		// (first, last) reading time: a session's periodic records before its end record.
		let span = ocmf::parse(&entry.record)
			.ok()
			.and_then(|r| {
				let times = r.readings.iter().map(|r| r.timestamp_ms);
				Some((times.clone().min()?, times.max()?))
			})
			.unwrap_or_default();
		records.push((index, device, span, entry.record));
	}
	records.sort_by_key(|(_, device, span, _)| (*device, *span));
	let mut admitted_ocmf: Vec<(usize, OcmfSubmission)> = Vec::new();
	for (index, device, _, record) in records {
		let cursor = devices.entry(device).or_insert_with(|| DeviceCursor::load::<T>(device));
		match cursor.admit_ocmf::<T>(&gateway, device, &record, &ctx) {
			Admission::Known => {}
			Admission::Take => match record.try_into() {
				Ok(record) => admitted_ocmf.push((index, OcmfSubmission { device, record })),
				Err(_) => refused(
					index,
					format!("OCMF record of device {device}"),
					RejectReason::Ocmf(ocmf::OcmfError::TooLong),
				),
			},
			Admission::Refuse(reason) => {
				refused(index, format!("OCMF record of device {device}"), reason)
			}
		}
	}

	// Submit in transactions of at most `MaxBundlesPerSubmission` bundles or records.
	let chunk_len = T::MaxBundlesPerSubmission::get().max(1) as usize;
	let mut nonce = chain_nonce;
	let mut submitted = |what: &str, indices: &[usize], sent: Option<bool>| -> bool {
		if sent != Some(true) {
			log::error!(target: LOG_TARGET, "the transaction pool refused a feed submission");
			return false;
		}
		for index in indices {
			if let Some(status) = statuses.get_mut(*index).and_then(Option::as_mut) {
				status.submitted = status.submitted.saturating_add(1);
			}
		}
		pending_ref.set(&Pending { nonce, block: block_number });
		nonce = nonce.saturating_add(1);
		log::info!(
			target: LOG_TARGET,
			"submitted {} {what} from feeds as gateway {:?}",
			indices.len(),
			gateway
		);
		true
	};
	for chunk in admitted.chunks(chunk_len) {
		let bundles: Vec<BundleOf<T>> = chunk.iter().map(|(_, b)| b.clone()).collect();
		let Ok(bundles) = BoundedVec::<_, T::MaxBundlesPerCall>::try_from(bundles) else {
			log::error!(target: LOG_TARGET, "MaxBundlesPerSubmission exceeds MaxBundlesPerCall");
			break;
		};
		let sent = signer
			.send_signed_transaction(|_| pallet_telemetry::Call::submit {
				bundles: bundles.clone(),
			})
			.map(|(_, result)| result.is_ok());
		let indices: Vec<usize> = chunk.iter().map(|(index, _)| *index).collect();
		if !submitted("bundle(s)", &indices, sent) {
			break;
		}
	}
	for chunk in admitted_ocmf.chunks(chunk_len) {
		let records: Vec<OcmfSubmission> = chunk.iter().map(|(_, r)| r.clone()).collect();
		let Ok(records) = BoundedVec::<_, T::MaxBundlesPerCall>::try_from(records) else {
			log::error!(target: LOG_TARGET, "MaxBundlesPerSubmission exceeds MaxBundlesPerCall");
			break;
		};
		let sent = signer
			.send_signed_transaction(|_| pallet_telemetry::Call::submit_ocmf {
				records: records.clone(),
			})
			.map(|(_, result)| result.is_ok());
		let indices: Vec<usize> = chunk.iter().map(|(index, _)| *index).collect();
		if !submitted("OCMF record(s)", &indices, sent) {
			break;
		}
	}

	for (url, status) in urls.iter().zip(statuses) {
		if let Some(status) = status {
			StorageValueRef::persistent(&keys::status(url)).set(&status);
		}
	}
}

fn load_status(url: &[u8]) -> FeedStatus {
	StorageValueRef::persistent(&keys::status(url)).get().ok().flatten().unwrap_or_default()
}

/// Fetches a feed's body within the deadline, reading at most `MaxFeedBytes` (and never more
/// than [`feed::MAX_FEED_BYTES`]): a longer body is refused as soon as it is known to be one,
/// from its `Content-Length` or once reading passes the cap, without reading the rest.
fn fetch<T: Config>(url: &str) -> Result<Vec<u8>, String> {
	let deadline =
		sp_io::offchain::timestamp().add(Duration::from_millis(T::FetchTimeoutMs::get()));
	let pending = http::Request::get(url)
		.add_header("Accept", "application/json")
		.deadline(deadline)
		.send()
		.map_err(|e| format!("cannot send the request: {e:?}"))?;
	let mut response = pending
		.try_wait(deadline)
		.map_err(|_| format!("no answer within {} ms", T::FetchTimeoutMs::get()))?
		.map_err(|e| format!("request failed: {e:?}"))?;
	if response.code != 200 {
		return Err(format!("HTTP status {}", response.code));
	}
	let max =
		usize::try_from(T::MaxFeedBytes::get()).unwrap_or(usize::MAX).min(feed::MAX_FEED_BYTES);
	let declared =
		response.headers().find("content-length").and_then(|len| len.trim().parse::<usize>().ok());
	if let Some(len) = declared.filter(|len| *len > max) {
		return Err(format!("body of {len} bytes is larger than {max} bytes"));
	}
	let mut bytes = Vec::with_capacity(declared.unwrap_or(0));
	let mut chunk = vec![0u8; READ_CHUNK];
	loop {
		let read =
			sp_io::offchain::http_response_read_body(response.id, &mut chunk, Some(deadline))
				.map_err(|e| format!("reading the body failed: {e:?}"))?;
		let part = usize::try_from(read)
			.ok()
			.and_then(|read| chunk.get(..read))
			.ok_or_else(|| String::from("the body reader overran its buffer"))?;
		if part.is_empty() {
			return Ok(bytes);
		}
		if bytes.len().saturating_add(part.len()) > max {
			return Err(format!("body larger than {max} bytes"));
		}
		bytes.extend_from_slice(part);
	}
}

/// What the worker knows of a device while it sorts a run's bundles.
///
/// It starts from the chain: the worker runs only when its last submission was included or
/// presumed dropped, so what is not on chain now is to be (re)submitted.
struct DeviceCursor {
	/// The next sequence number that is not on chain nor admitted in this run.
	next_seq: u64,
	/// The state the device would be in after the bundles admitted so far (`None`: as stored).
	state: Option<TelemetryState>,
}

enum Admission {
	/// On chain or submitted already: nothing to do.
	Known,
	/// New and would be accepted.
	Take,
	/// New, but the chain would refuse it.
	Refuse(RejectReason),
}

impl DeviceCursor {
	/// Starts right after the device's last reading on chain (0 for a device without one).
	fn load<T: Config>(device: DeviceId) -> Self {
		let state = DeviceTelemetry::<T>::get(device);
		let on_chain = state.map(|s| s.last_seq.saturating_add(1)).unwrap_or(0);
		Self { next_seq: on_chain, state: None }
	}

	fn admit<T: Config>(
		&mut self,
		gateway: &T::AccountId,
		bundle: &BundleOf<T>,
		ctx: &VerifyContext,
	) -> Admission {
		// At or before the chain's last reading (or taken earlier in this run): a bundle is
		// signed whole, so one that starts there can never be accepted again.
		if bundle.first_seq < self.next_seq {
			return Admission::Known;
		}
		match pallet_telemetry::Pallet::<T>::precheck(gateway, bundle, self.state, ctx) {
			Ok(state) => {
				self.next_seq = state.last_seq.saturating_add(1);
				self.state = Some(state);
				Admission::Take
			}
			Err(reason) => Admission::Refuse(reason),
		}
	}

	/// Like [`Self::admit`] for an OCMF record, which carries no sequence number: the chain's
	/// last reading time is its cursor, and a record with nothing newer is known.
	fn admit_ocmf<T: Config>(
		&mut self,
		gateway: &T::AccountId,
		device: DeviceId,
		record: &[u8],
		ctx: &VerifyContext,
	) -> Admission {
		match pallet_telemetry::Pallet::<T>::precheck_ocmf(gateway, device, record, self.state, ctx)
		{
			Ok(state) => {
				self.next_seq = state.last_seq.saturating_add(1);
				self.state = Some(state);
				Admission::Take
			}
			Err(RejectReason::SequenceReplayed) => Admission::Known,
			Err(reason) => Admission::Refuse(reason),
		}
	}
}
