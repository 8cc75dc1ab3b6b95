//! The offchain worker: fetch every feed, keep what is new and would be accepted, submit it.

use alloc::{collections::BTreeMap, format, string::String, vec::Vec};
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
	let pending_ref = StorageValueRef::persistent(keys::PENDING);
	if let Ok(Some(pending)) = pending_ref.get::<Pending>() {
		let timeout = u64::from(T::PendingTimeoutBlocks::get());
		if chain_nonce <= pending.nonce && block_number < pending.block.saturating_add(timeout) {
			log::debug!(
				target: LOG_TARGET,
				"waiting for the submission with nonce {} to be included",
				pending.nonce
			);
			return;
		}
	}

	// Fetch and parse every feed; one feed's trouble never stops the others.
	let mut statuses = Vec::with_capacity(urls.len());
	let mut offered: Vec<(usize, BundleOf<T>)> = Vec::new();
	let mut offered_ocmf: Vec<(usize, feed::OcmfEntry)> = Vec::new();
	for (index, url) in urls.iter().enumerate() {
		let mut status = load_status(url);
		status.last_block = block_number;
		let url_text = String::from_utf8_lossy(url);
		match fetch::<T>(&url_text).and_then(|body| {
			feed::parse_feed::<T::MaxReadingsPerBundle>(&body).map_err(|e| format!("{e}"))
		}) {
			Ok(parsed) => {
				status.last_ok_ms = sp_io::offchain::timestamp().unix_millis();
				status.last_error.clear();
				for (entry, why) in &parsed.skipped {
					log::warn!(target: LOG_TARGET, "feed {url_text}: entry {entry} skipped: {why}");
				}
				status.skipped = status.skipped.saturating_add(parsed.skipped.len() as u64);
				offered.extend(parsed.bundles.into_iter().map(|b| (index, b)));
				offered_ocmf.extend(parsed.ocmf.into_iter().map(|o| (index, o)));
			}
			Err(e) => {
				log::warn!(target: LOG_TARGET, "feed {url_text} skipped: {e}");
				status.failures = status.failures.saturating_add(1);
				status.last_error = e.into_bytes();
			}
		}
		statuses.push(status);
	}
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
		if let Some(status) = statuses.get_mut(index) {
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
			if let Some(status) = statuses.get_mut(*index) {
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
		StorageValueRef::persistent(&keys::status(url)).set(&status);
	}
}

fn load_status(url: &[u8]) -> FeedStatus {
	StorageValueRef::persistent(&keys::status(url)).get().ok().flatten().unwrap_or_default()
}

/// Fetches a feed's body within the deadline.
fn fetch<T: Config>(url: &str) -> Result<Vec<u8>, String> {
	let deadline =
		sp_io::offchain::timestamp().add(Duration::from_millis(T::FetchTimeoutMs::get()));
	let pending = http::Request::get(url)
		.add_header("Accept", "application/json")
		.deadline(deadline)
		.send()
		.map_err(|e| format!("cannot send the request: {e:?}"))?;
	let response = pending
		.try_wait(deadline)
		.map_err(|_| format!("no answer within {} ms", T::FetchTimeoutMs::get()))?
		.map_err(|e| format!("request failed: {e:?}"))?;
	if response.code != 200 {
		return Err(format!("HTTP status {}", response.code));
	}
	let max = T::MaxFeedBytes::get() as usize;
	let mut body = response.body();
	body.deadline(deadline);
	let mut bytes = Vec::new();
	for byte in body.by_ref() {
		if bytes.len() >= max {
			return Err(format!("body larger than {max} bytes"));
		}
		bytes.push(byte);
	}
	if let Some(e) = body.error() {
		return Err(format!("reading the body failed: {e:?}"));
	}
	Ok(bytes)
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

	/// Like [`Self::admit`] for an OCMF record, which carries no sequence number: a record
	/// with nothing newer than the device's last reading is known.
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
