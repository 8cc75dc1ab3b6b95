//! # Feeds pallet
//!
//! Offchain workers that pull meter and EV data. The node operator lists HTTP feeds
//! (`openvpp-node --telemetry-feed <url>`, or the unsafe `openvpp_addFeed` RPC at run time);
//! after each imported block the worker of a node that holds a gateway key ([`KEY_TYPE`],
//! sr25519) fetches every feed with a deadline, reads OpenVPP bundle JSON or OCPP 2.0.1
//! `MeterValuesRequest`s ([`openvpp_primitives::feed`]), drops what the chain already has or
//! this node already submitted, checks the rest exactly as `telemetry.submit` will
//! ([`pallet_telemetry::Pallet::precheck`]) so the gateway never pays for a bundle it could have
//! known to be bad, and submits the good ones as signed `telemetry.submit` transactions.
//!
//! A feed that is down, slow or returns junk is logged (target `openvpp::feeds`), noted in its
//! [`FeedStatus`] and skipped; the worker runs beside block production and never affects it.
//! Feeds are untrusted input to a heap shared by all of them: a body is read up to
//! `MaxFeedBytes` and no further, parsed as a stream of capped entries
//! ([`openvpp_primitives::feed::parse_feed_limited`]), and one run reads at most
//! `MAX_ENTRIES_PER_RUN` entries over all feeds (the feeds left over go first next run), so
//! no body, however crafted, stops the other feeds.
//! What is new is decided from the chain alone: a device's next sequence number (for OCMF
//! records, its last reading time) is what its on-chain telemetry state says. While the
//! worker's last transaction is neither included nor `PendingTimeoutBlocks` old it waits, so
//! nothing is submitted twice; a submission that was dropped or never landed is simply
//! submitted again, and a device's later bundles never stall behind it.
//!
//! The pallet has no calls and no storage: its state is the node's offchain database, under
//! the keys in [`keys`], which the node writes from its command line and RPC.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod keys;
mod worker;

pub use keys::FeedStatus;
pub use pallet::*;
pub use worker::MAX_ENTRIES_PER_RUN;

/// Key type of the gateway key in the node keystore:
/// `openvpp-node key insert --key-type gtwy --scheme sr25519 --suri <secret>`.
pub const KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"gtwy");

/// The gateway key: an sr25519 application key under [`KEY_TYPE`].
pub mod crypto {
	use super::KEY_TYPE;
	use sp_runtime::{
		app_crypto::{app_crypto, sr25519},
		MultiSignature, MultiSigner,
	};
	app_crypto!(sr25519, KEY_TYPE);

	/// Signs the worker's transactions with the node's gateway key.
	pub struct GatewayAuthId;

	impl frame_system::offchain::AppCrypto<MultiSigner, MultiSignature> for GatewayAuthId {
		type RuntimeAppPublic = Public;
		type GenericSignature = sp_core::sr25519::Signature;
		type GenericPublic = sp_core::sr25519::Public;
	}
}

// FRAME's pallet macro expands to `expect` calls (metadata); nothing hand-written here uses it.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use frame_support::pallet_prelude::*;
	use frame_system::{
		offchain::{AppCrypto, CreateSignedTransaction},
		pallet_prelude::*,
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config
		+ CreateSignedTransaction<pallet_telemetry::Call<Self>>
		+ pallet_telemetry::Config
	{
		/// The gateway key the worker signs `telemetry.submit` with.
		type AuthorityId: AppCrypto<Self::Public, Self::Signature>;
		/// How long one feed may take to answer, body included, ms.
		#[pallet::constant]
		type FetchTimeoutMs: Get<u64>;
		/// Largest feed body read, bytes (at most `feed::MAX_FEED_BYTES`); reading stops past
		/// it and the feed is refused.
		#[pallet::constant]
		type MaxFeedBytes: Get<u32>;
		/// Bundles per submitted transaction (at most telemetry's `MaxBundlesPerCall`).
		#[pallet::constant]
		type MaxBundlesPerSubmission: Get<u32>;
		/// Blocks after which a submitted transaction that has not changed the gateway's nonce
		/// is presumed lost, so the worker submits again what the chain does not have.
		#[pallet::constant]
		type PendingTimeoutBlocks: Get<u32>;
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn offchain_worker(block: BlockNumberFor<T>) {
			crate::worker::run::<T>(block);
		}

		fn integrity_test() {
			assert!(
				T::MaxBundlesPerSubmission::get() > 0
					&& T::MaxBundlesPerSubmission::get()
						<= <T as pallet_telemetry::Config>::MaxBundlesPerCall::get(),
				"MaxBundlesPerSubmission must be in 1..=MaxBundlesPerCall"
			);
			assert!(
				T::MaxFeedBytes::get() > 0
					&& usize::try_from(T::MaxFeedBytes::get())
						.is_ok_and(|max| max <= openvpp_primitives::feed::MAX_FEED_BYTES),
				"MaxFeedBytes must be in 1..=feed::MAX_FEED_BYTES"
			);
		}
	}
}
