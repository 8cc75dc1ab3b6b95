//! # Device identity
//!
//! The registry of OpenVPP's physical energy assets (EVs, batteries, solar PV, smart meters,
//! wind turbines, heat pumps). Each device gets:
//!
//! - a record with its owner, kind, nameplate, grid region, lifecycle status, authorized
//!   gateways and operating counters, under a sequential [`DeviceId`] that is never reused;
//! - a device key (sr25519 or ed25519) whose holder proved possession at registration by
//!   signing [`openvpp_primitives::possession_message`] with [`REGISTER_DOMAIN`], the chain's
//!   genesis hash, the owner and the owner's [`RegistrationNonce`] (one proof, one use);
//! - an NFT credential in a pallet-owned collection of `pallet-nfts` (item id = device id),
//!   carrying the nameplate and attestation status as attributes. The NFT moves only with
//!   [`Pallet::transfer_device`], so the NFT holder is always the owner of record;
//! - a deposit held from the owner with [`HoldReason::DeviceDeposit`]: `DeviceDeposit` at
//!   registration and `KeyDeposit` for each key a rotation adds, moved with the device on
//!   transfer; decommissioning releases it but for `RetainedDeposit` and the key deposits, which
//!   stay held for the record, counters and key entries that are kept for good.
//!
//! A transfer clears the device's gateways. Unless the device's key is sealed in a
//! manufacturer-certified secure element (whose certificate's root key is not revoked), the
//! previous owner may hold the key, so the device stops (`SuspendedByOwner`, listed in
//! [`AwaitingKey`]) until the new owner proves possession of a key of its own with
//! [`Pallet::rotate_key`]; until then telemetry refuses every bundle for it.
//!
//! The admin origin registers grid regions (with their policy for unattested devices),
//! certifiers (installers, auditors), manufacturers with root keys and the device models they
//! publish. A device registered with a manufacturer's certificate (see
//! [`openvpp_primitives::DeviceCertificate`]) is *hardware-attested* while the certificate is
//! valid; revoking the root key that signed it ends that, checked in O(1) whenever the
//! registry view of the device is read ([`hardware`]). Other pallets read the registry through
//! [`openvpp_primitives::DeviceRegistry`]; clients through [`runtime_api::DeviceIdentityApi`].
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

mod admin;
mod attestation;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod hardware;
// Native builds too: the runtime's live-state test checks a node's exported state with them.
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod invariants;
mod lifecycle;
#[cfg(test)]
mod mock;
mod nft;
mod read;
mod registry;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use nft::attribute_keys;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible;
use frame_system::pallet_prelude::BlockNumberFor;

/// Log target of the pallet.
pub const LOG_TARGET: &str = "runtime::device-identity";

/// Balance of the currency deposits are held in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// What a call takes where it names an account (an address the runtime's lookup resolves).
pub type AccountIdLookupOf<T> =
	<<T as frame_system::Config>::Lookup as sp_runtime::traits::StaticLookup>::Source;

/// How the pallet creates its NFT collection in `pallet-nfts`.
pub type CollectionConfigOf<T> =
	pallet_nfts::CollectionConfig<BalanceOf<T>, BlockNumberFor<T>, u32>;

/// The stored device record of a runtime.
pub type DeviceRecordOf<T> = DeviceRecord<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	<T as Config>::MaxGateways,
	<T as Config>::MaxMetadataLen,
>;

/// The stored region of a runtime.
pub type RegionOf<T> = Region<<T as Config>::MaxRegionNameLen>;

/// The stored certifier of a runtime.
pub type CertifierOf<T> = Certifier<<T as Config>::MaxCertifierNameLen>;

/// The stored manufacturer of a runtime.
pub type ManufacturerOf<T> =
	Manufacturer<<T as Config>::MaxCertifierNameLen, <T as Config>::MaxRootKeys>;

/// The stored device model of a runtime.
pub type DeviceModelOf<T> = DeviceModel<<T as Config>::MaxCertifierNameLen>;

/// A device certificate as a runtime's calls take it.
pub type DeviceCertificateOf<T> =
	openvpp_primitives::DeviceCertificate<<T as frame_system::Config>::AccountId>;

// FRAME's pallet macro expands to `expect` calls (metadata, storage info, error encoding);
// nothing hand-written in this module uses `expect`: the logic lives in the feature modules.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::{string::String, vec::Vec};
	use frame_support::{
		pallet_prelude::*,
		traits::{tokens::nonfungibles_v2, UnixTime},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use openvpp_primitives::{
		AccuracyClass, DeviceId, DeviceKind, DevicePublicKey, DeviceSignature, DeviceStatus,
		KeyScheme, ManufacturerId, ModelId, Nameplate, OnDeviceDecommissioned, RegionId,
		UnattestedPolicy,
	};
	use sp_core::H256;
	use sp_runtime::traits::{StaticLookup, Zero};

	/// Storage layout version; bump it with a `VersionedMigration` on every layout change.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	/// The device-identity pallet.
	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the device registry.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Currency the device deposit is held in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reason, which includes this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// The NFT pallet holding the device credentials (`pallet-nfts`).
		type Nfts: nonfungibles_v2::Inspect<Self::AccountId, ItemId = DeviceId, CollectionId = u32>
			+ nonfungibles_v2::Create<Self::AccountId, CollectionConfigOf<Self>>
			+ nonfungibles_v2::Mutate<Self::AccountId, pallet_nfts::ItemConfig>
			+ nonfungibles_v2::Transfer<Self::AccountId>;

		/// Id of the `pallet-nfts` collection of the credentials.
		///
		/// The pallet creates it through `pallet-nfts`' auto-increment (never by claiming an
		/// id, which would stall the auto-increment for every other collection), so this must
		/// be the id the next created collection gets: 0 on a fresh chain, where genesis
		/// creates it.
		#[pallet::constant]
		type CollectionId: Get<u32>;

		/// Id of the pallet's account, which owns the credential collection.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Grid administration: regions, certifiers and suspension for fraud.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Wall-clock time, for commissioning and attestation times.
		type UnixTime: UnixTime;

		/// Deposit held from the owner for each registered device.
		#[pallet::constant]
		type DeviceDeposit: Get<BalanceOf<Self>>;

		/// Most gateways a device may authorize besides its owner.
		#[pallet::constant]
		type MaxGateways: Get<u32>;

		/// Longest device metadata, bytes.
		#[pallet::constant]
		type MaxMetadataLen: Get<u32>;

		/// Most attestations a device may hold at once (at most 255).
		#[pallet::constant]
		type MaxAttestations: Get<u32>;

		/// Longest region name, bytes.
		#[pallet::constant]
		type MaxRegionNameLen: Get<u32>;

		/// Longest certifier, manufacturer or model name, bytes.
		#[pallet::constant]
		type MaxCertifierNameLen: Get<u32>;

		/// Most root keys a manufacturer may have registered over its life (never removed).
		#[pallet::constant]
		type MaxRootKeys: Get<u32>;

		/// Deposit held from the owner for each key a rotation adds: every key a device ever had
		/// stays in [`DeviceByKey`] for good (never registered again, records signed with it
		/// still recognized), so the deposit stays held after decommissioning.
		#[pallet::constant]
		type KeyDeposit: Get<BalanceOf<Self>>;

		/// Part of `DeviceDeposit` that stays held when a device is decommissioned: it pays for
		/// what is kept for good (the record, its counters, its first key and its serial).
		#[pallet::constant]
		type RetainedDeposit: Get<BalanceOf<Self>>;

		/// Pallets keeping per-device state, told when a device is decommissioned so that they
		/// remove it.
		type OnDecommissioned: OnDeviceDecommissioned<Self::AccountId>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Deposit for a registered device and the keys it added; released on decommissioning
		/// but for the part that pays for what is kept for good.
		#[codec(index = 0)]
		DeviceDeposit,
	}

	/// Device records by id. Decommissioned devices stay, so their ids are never reused.
	#[pallet::storage]
	pub type Devices<T: Config> = StorageMap<_, Twox64Concat, DeviceId, DeviceRecordOf<T>>;

	/// The id the next registered device gets.
	#[pallet::storage]
	pub type NextDeviceId<T: Config> = StorageValue<_, DeviceId, ValueQuery>;

	/// Device id by device key. Keys of decommissioned devices and rotated-out keys stay, so a
	/// key is never registered twice; each key a rotation adds is paid for by `KeyDeposit`.
	#[pallet::storage]
	pub type DeviceByKey<T: Config> = StorageMap<_, Blake2_128Concat, DeviceKey, DeviceId>;

	/// Devices (not decommissioned) of each owner, for paged reads.
	#[pallet::storage]
	pub type DevicesByOwner<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		DeviceId,
		(),
		OptionQuery,
	>;

	/// Grid regions by id.
	#[pallet::storage]
	pub type Regions<T: Config> = StorageMap<_, Twox64Concat, RegionId, RegionOf<T>>;

	/// Registered certifiers.
	#[pallet::storage]
	pub type Certifiers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, CertifierOf<T>>;

	/// Attestations by device and certifier; at most `MaxAttestations` per device.
	#[pallet::storage]
	pub type Attestations<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		DeviceId,
		Blake2_128Concat,
		T::AccountId,
		Attestation,
		OptionQuery,
	>;

	/// Manufacturers by id.
	#[pallet::storage]
	pub type Manufacturers<T: Config> =
		StorageMap<_, Twox64Concat, ManufacturerId, ManufacturerOf<T>>;

	/// The id the next manufacturer gets.
	#[pallet::storage]
	pub type NextManufacturerId<T: Config> = StorageValue<_, ManufacturerId, ValueQuery>;

	/// Device models by id.
	#[pallet::storage]
	pub type Models<T: Config> = StorageMap<_, Twox64Concat, ModelId, DeviceModelOf<T>>;

	/// The id the next model gets.
	#[pallet::storage]
	pub type NextModelId<T: Config> = StorageValue<_, ModelId, ValueQuery>;

	/// Device by (manufacturer, serial hash): a serial is registered once, ever.
	#[pallet::storage]
	pub type DeviceBySerial<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ManufacturerId, Identity, H256, DeviceId>;

	/// Lifetime operating counters by device.
	#[pallet::storage]
	pub type Counters<T: Config> = StorageMap<_, Twox64Concat, DeviceId, LifetimeCounters>;

	/// Nonce the next proof of possession of an owner must sign; incremented by every
	/// registration and key rotation of that owner.
	#[pallet::storage]
	pub type RegistrationNonce<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Devices transferred with a key their previous owner may hold. Such a device is
	/// `SuspendedByOwner` and cannot be reactivated until its new owner rotates its key; the
	/// entry goes with the rotation (or the decommissioning). At most one per device, paid for
	/// by the device deposit.
	#[pallet::storage]
	pub type AwaitingKey<T: Config> = StorageMap<_, Twox64Concat, DeviceId, (), OptionQuery>;

	/// Operating log: every lifecycle change names the device.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A grid region was registered.
		RegionCreated {
			/// Region id.
			region: RegionId,
			/// Bidding-zone code.
			zone_code: BoundedVec<u8, ConstU32<MAX_ZONE_CODE_LEN>>,
		},
		/// The NFT collection of device credentials was created.
		CredentialCollectionCreated {
			/// Collection id in `pallet-nfts`.
			collection: u32,
		},
		/// A device was registered and its credential minted.
		DeviceRegistered {
			/// New device id.
			device: DeviceId,
			/// Owner.
			owner: T::AccountId,
			/// Kind of asset.
			kind: DeviceKind,
			/// Grid region.
			region: RegionId,
			/// Device key.
			signer: DevicePublicKey,
			/// Deposit held from the owner.
			deposit: BalanceOf<T>,
		},
		/// A registered device is hardware-attested by its manufacturer's certificate.
		DeviceCertified {
			/// Device.
			device: DeviceId,
			/// Manufacturer.
			manufacturer: ManufacturerId,
			/// Model.
			model: ModelId,
			/// blake2-256 of the serial number.
			serial_hash: H256,
		},
		/// A region's policy for unattested devices changed.
		RegionPolicySet {
			/// Region id.
			region: RegionId,
			/// The new policy.
			unattested: UnattestedPolicy,
		},
		/// A manufacturer was registered.
		ManufacturerCreated {
			/// Its id.
			manufacturer: ManufacturerId,
			/// Root keys it starts with.
			root_keys: u32,
		},
		/// A root key was added to a manufacturer.
		RootKeyAdded {
			/// Manufacturer.
			manufacturer: ManufacturerId,
			/// Index of the new key.
			index: u8,
		},
		/// A root key was retired (rotated out): no new certificates, old ones hold.
		RootKeyRetired {
			/// Manufacturer.
			manufacturer: ManufacturerId,
			/// Index of the key.
			index: u8,
		},
		/// A root key was revoked: every certificate it signed is invalid from now on.
		RootKeyRevoked {
			/// Manufacturer.
			manufacturer: ManufacturerId,
			/// Index of the key.
			index: u8,
		},
		/// A device model was published.
		ModelCreated {
			/// Its id.
			model: ModelId,
			/// Its manufacturer.
			manufacturer: ManufacturerId,
			/// Kind of asset.
			kind: DeviceKind,
		},
		/// A device (its NFT and deposit) moved to a new owner.
		DeviceTransferred {
			/// Device.
			device: DeviceId,
			/// Previous owner.
			from: T::AccountId,
			/// New owner.
			to: T::AccountId,
		},
		/// A transferred device is stopped until its new owner rotates its key, because the
		/// previous owner may hold the current one.
		DeviceAwaitingKey {
			/// Device.
			device: DeviceId,
			/// The owner who must present a key.
			owner: T::AccountId,
		},
		/// A device's key was replaced; the old key stays retired.
		DeviceKeyRotated {
			/// Device.
			device: DeviceId,
			/// Previous key.
			old_signer: DevicePublicKey,
			/// New key.
			new_signer: DevicePublicKey,
		},
		/// A gateway may now submit the device's readings.
		GatewayAuthorized {
			/// Device.
			device: DeviceId,
			/// Gateway account.
			gateway: T::AccountId,
		},
		/// A gateway may no longer submit the device's readings.
		GatewayRevoked {
			/// Device.
			device: DeviceId,
			/// Gateway account.
			gateway: T::AccountId,
		},
		/// A device was suspended by its owner or by the admin origin.
		DeviceSuspended {
			/// Device.
			device: DeviceId,
			/// `SuspendedByOwner` or `SuspendedByAdmin`.
			status: DeviceStatus,
		},
		/// A suspended device is active again.
		DeviceReactivated {
			/// Device.
			device: DeviceId,
		},
		/// A device was retired for good: credential burned, deposit released but for the part
		/// that pays for what is kept.
		DeviceDecommissioned {
			/// Device.
			device: DeviceId,
			/// Last owner.
			owner: T::AccountId,
			/// Deposit released to the owner.
			deposit_released: BalanceOf<T>,
			/// Deposit that stays held from the owner for the record and key entries kept.
			deposit_retained: BalanceOf<T>,
		},
		/// A certifier was registered.
		CertifierAdded {
			/// Certifier account.
			certifier: T::AccountId,
		},
		/// A certifier was removed; its attestations stay until revoked.
		CertifierRemoved {
			/// Certifier account.
			certifier: T::AccountId,
		},
		/// A certifier attested a device (or replaced its earlier attestation).
		DeviceAttested {
			/// Device.
			device: DeviceId,
			/// Certifier.
			certifier: T::AccountId,
			/// What is attested.
			kind: AttestationKind,
			/// Hash of the evidence.
			evidence: H256,
		},
		/// An attestation was withdrawn.
		AttestationRevoked {
			/// Device.
			device: DeviceId,
			/// Certifier whose attestation it was.
			certifier: T::AccountId,
		},
	}

	/// Why a call was refused. A refused call changes nothing.
	#[pallet::error]
	pub enum Error<T> {
		/// A region with this id exists already.
		RegionExists,
		/// No region with this id.
		UnknownRegion,
		/// The region name is longer than `MaxRegionNameLen`.
		RegionNameTooLong,
		/// The zone code is empty, longer than 16 bytes, or not ASCII uppercase letters, digits
		/// and `-`.
		InvalidZoneCode,
		/// The UTC offset is outside -12:00 ..= +14:00.
		InvalidUtcOffset,
		/// This device key is (or was) registered to a device.
		DuplicateDeviceKey,
		/// The device key is not a valid point of its curve.
		InvalidDeviceKey,
		/// The proof of possession is not the device key's signature over the expected payload
		/// (domain, this chain's genesis hash, the caller, the caller's current nonce).
		InvalidPossessionProof,
		/// Storage devices (EV, battery) need a capacity; other kinds must have none.
		CapacityMismatch,
		/// The capacity is above what a device of this kind can have.
		CapacityTooLarge,
		/// A generator without export power, or a load without import power.
		PowerMissing,
		/// The power is above what a device of this kind can have, or a pure load exports.
		PowerImplausible,
		/// The free balance does not cover the deposit (`DeviceDeposit` to register,
		/// `KeyDeposit` to rotate).
		InsufficientDeposit,
		/// Every device id has been used.
		DeviceIdsExhausted,
		/// The caller's registration nonce cannot advance any more.
		NonceExhausted,
		/// No device with this id.
		UnknownDevice,
		/// The caller does not own the device.
		NotOwner,
		/// The device is decommissioned.
		DeviceDecommissioned,
		/// The device must be active for this.
		NotActive,
		/// The device is suspended already.
		AlreadySuspended,
		/// The device is not suspended (by the party trying to reactivate it).
		NotSuspended,
		/// The admin origin suspended the device; only it can lift the suspension.
		SuspendedByAdmin,
		/// The new owner is the current owner.
		TransferToSelf,
		/// The new owner's account cannot take the deposit on hold (it does not exist).
		RecipientCannotHoldDeposit,
		/// The device has `MaxGateways` gateways already.
		TooManyGateways,
		/// The gateway is authorized already.
		GatewayAlreadyAuthorized,
		/// The gateway is not authorized for the device.
		GatewayNotFound,
		/// The caller is not a registered certifier.
		NotCertifier,
		/// The account is a certifier already.
		CertifierExists,
		/// The certifier name is longer than `MaxCertifierNameLen`.
		CertifierNameTooLong,
		/// The device has `MaxAttestations` attestations already.
		TooManyAttestations,
		/// No attestation of the device by this certifier.
		AttestationNotFound,
		/// The credential collection id (`CollectionId`) belongs to another owner, or
		/// `pallet-nfts` would give the new collection another id.
		CollectionIdUnavailable,
		/// No manufacturer with this id.
		UnknownManufacturer,
		/// The manufacturer name or model name is empty or longer than `MaxCertifierNameLen`.
		InvalidName,
		/// A manufacturer needs at least one root key, at most `MaxRootKeys` over its life.
		TooManyRootKeys,
		/// No manufacturer needs a root key twice, and no root key is a device key.
		DuplicateRootKey,
		/// No root key with this index.
		UnknownRootKey,
		/// The root key is retired or revoked already.
		RootKeyNotActive,
		/// No model with this id.
		UnknownModel,
		/// The model's maximum nameplate is implausible for its kind.
		InvalidModelRating,
		/// The certificate's model belongs to another manufacturer.
		ModelOfAnotherManufacturer,
		/// The certificate's root key was retired before signing (it signs no new certificates).
		RootKeyRetired,
		/// The certificate's root key was revoked.
		RootKeyRevoked,
		/// The certificate is not the named root key's signature over its body.
		InvalidCertificateSignature,
		/// The certificate's validity has not started yet.
		CertificateNotYetValid,
		/// The certificate's validity has ended.
		CertificateExpired,
		/// The certificate's validity period is empty (ends before it starts).
		InvalidValidityPeriod,
		/// The certificate names another device key than the one presented.
		CertificateForAnotherKey,
		/// The device key's scheme is not the one the model's devices use.
		KeySchemeNotOfModel,
		/// The certificate's nameplate exceeds the model's maximum rating.
		NameplateAboveModelRating,
		/// A device with this manufacturer and serial number is (or was) registered.
		SerialAlreadyRegistered,
		/// The certificate may be used only by the account it names.
		CertificateBoundToAnotherOwner,
		/// The model's devices cannot sign a proof of possession, so the certificate must name
		/// the owner.
		CertificateMustNameOwner,
		/// The model's devices sign a proof of possession; it is missing.
		ProofOfPossessionMissing,
		/// The device was transferred with a key its previous owner may hold: the new owner
		/// must rotate it (`rotate_key`) before the device can run again.
		AwaitingKeyRotation,
	}

	/// Regions, certifiers and devices the chain starts with.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Regions: id, name, zone code, UTC offset in minutes
		/// (`[1, "Germany-Luxembourg", "DE-LU", 60]` in a chain spec).
		pub regions: Vec<(RegionId, String, String, i16)>,
		/// Certifiers: account, name.
		pub certifiers: Vec<(T::AccountId, String)>,
		/// Devices registered without a proof of possession (genesis is trusted): owner,
		/// kind, nameplate, region, key. Owners must be funded for the deposit.
		pub devices: Vec<(T::AccountId, DeviceKind, Nameplate, RegionId, DevicePublicKey)>,
		/// Policies for unattested devices by region (a region not listed is attested-only).
		pub region_policies: Vec<(RegionId, UnattestedPolicy)>,
		/// Manufacturers (ids 0, 1, ... in order): name, root keys.
		pub manufacturers: Vec<(String, Vec<DevicePublicKey>)>,
		/// Models (ids 0, 1, ... in order): manufacturer, name, kind, maximum nameplate,
		/// accuracy class, key scheme, whether devices sign a proof of possession.
		pub models:
			Vec<(ManufacturerId, String, DeviceKind, Nameplate, AccuracyClass, KeyScheme, bool)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::build_genesis(self);
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxGateways::get() > 0, "MaxGateways must allow a gateway");
			assert!(T::MaxAttestations::get() > 0, "MaxAttestations must allow an attestation");
			assert!(
				T::MaxAttestations::get() <= u32::from(u8::MAX),
				"MaxAttestations must fit the registry view's u8 count"
			);
			assert!(T::MaxMetadataLen::get() > 0, "MaxMetadataLen must allow metadata");
			assert!(T::MaxRegionNameLen::get() > 0, "MaxRegionNameLen must allow a name");
			assert!(T::MaxCertifierNameLen::get() > 0, "MaxCertifierNameLen must allow a name");
			assert!(
				T::MaxRootKeys::get() > 0 && T::MaxRootKeys::get() <= u32::from(u8::MAX),
				"MaxRootKeys must allow a key and fit a u8 index"
			);
			assert!(!T::DeviceDeposit::get().is_zero(), "DeviceDeposit must not be zero");
			assert!(!T::KeyDeposit::get().is_zero(), "KeyDeposit must not be zero");
			assert!(!T::RetainedDeposit::get().is_zero(), "RetainedDeposit must not be zero");
			assert!(
				T::RetainedDeposit::get() <= T::DeviceDeposit::get(),
				"RetainedDeposit must be a part of DeviceDeposit"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a grid region (admin origin).
		///
		/// `zone_code` is the bidding-zone style code (`DE-LU`, `NL`); `utc_offset_minutes`
		/// the offset of local standard time (CET = 60).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_region())]
		pub fn create_region(
			origin: OriginFor<T>,
			id: RegionId,
			name: Vec<u8>,
			zone_code: Vec<u8>,
			utc_offset_minutes: i16,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_create_region(id, name, zone_code, utc_offset_minutes)
		}

		/// Registers a device owned by the caller and mints its NFT credential.
		///
		/// `proof` is the device key's signature over
		/// `possession_message(REGISTER_DOMAIN, genesis_hash, caller, nonce)` with the caller's
		/// current `RegistrationNonce`. Holds `DeviceDeposit` from the caller. `metadata` longer
		/// than `MaxMetadataLen` does not decode.
		#[pallet::call_index(1)]
		#[pallet::weight(Pallet::<T>::register_weight(proof.scheme()))]
		pub fn register_device(
			origin: OriginFor<T>,
			kind: DeviceKind,
			nameplate: Nameplate,
			region: RegionId,
			metadata: BoundedVec<u8, T::MaxMetadataLen>,
			signer: DevicePublicKey,
			proof: DeviceSignature,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register(owner, kind, nameplate, region, metadata, signer, proof).map(|_| ())
		}

		/// Transfers a device to a new owner: its NFT moves, and so does the held deposit.
		///
		/// Authorized gateways are cleared; the new owner authorizes its own. Unless the key is
		/// sealed in a certified secure element, the device stops (`SuspendedByOwner`, in
		/// [`AwaitingKey`]) until the new owner rotates its key: the previous owner may hold it.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::transfer_device())]
		pub fn transfer_device(
			origin: OriginFor<T>,
			id: DeviceId,
			new_owner: AccountIdLookupOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let new_owner = T::Lookup::lookup(new_owner)?;
			Self::do_transfer(owner, id, new_owner)
		}

		/// Replaces a device's key (owner), e.g. after a hardware swap, a key compromise or a
		/// transfer.
		///
		/// `proof` is the new key's signature over
		/// `possession_message(ROTATE_DOMAIN, genesis_hash, caller, nonce)`. The old key stays
		/// retired; `KeyDeposit` is held from the caller for the new key's entry. A device
		/// awaiting its new owner's key becomes active.
		#[pallet::call_index(3)]
		#[pallet::weight(Pallet::<T>::rotate_weight(proof.scheme()))]
		pub fn rotate_key(
			origin: OriginFor<T>,
			id: DeviceId,
			new_signer: DevicePublicKey,
			proof: DeviceSignature,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_rotate_key(owner, id, new_signer, proof)
		}

		/// Allows a gateway account to submit the device's readings (owner).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::authorize_gateway())]
		pub fn authorize_gateway(
			origin: OriginFor<T>,
			id: DeviceId,
			gateway: AccountIdLookupOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let gateway = T::Lookup::lookup(gateway)?;
			Self::do_authorize_gateway(owner, id, gateway)
		}

		/// Withdraws a gateway's authorization (owner).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::revoke_gateway())]
		pub fn revoke_gateway(
			origin: OriginFor<T>,
			id: DeviceId,
			gateway: AccountIdLookupOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let gateway = T::Lookup::lookup(gateway)?;
			Self::do_revoke_gateway(owner, id, gateway)
		}

		/// Suspends an active device (owner): its readings are refused until reactivated.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::suspend())]
		pub fn suspend(origin: OriginFor<T>, id: DeviceId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_suspend(owner, id)
		}

		/// Reactivates a device the owner suspended (owner); a device awaiting its new owner's
		/// key after a transfer is reactivated by `rotate_key` instead.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::reactivate())]
		pub fn reactivate(origin: OriginFor<T>, id: DeviceId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_reactivate(owner, id)
		}

		/// Suspends a device for suspected fraud (admin origin); the owner cannot lift it,
		/// transfer, rotate or decommission the device meanwhile.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::admin_suspend())]
		pub fn admin_suspend(origin: OriginFor<T>, id: DeviceId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_admin_suspend(id)
		}

		/// Lifts an admin suspension (admin origin); the device becomes active.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::admin_reactivate())]
		pub fn admin_reactivate(origin: OriginFor<T>, id: DeviceId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_admin_reactivate(id)
		}

		/// Retires a device for good (owner): burns its NFT, drops its gateways, attestations and
		/// metadata, has the other pallets remove their per-device state
		/// ([`Config::OnDecommissioned`]) and releases the deposit but for `RetainedDeposit` and
		/// the key deposits. The id and keys are never reused; counters stay readable.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::decommission()
			.saturating_add(T::OnDecommissioned::on_device_decommissioned_weight()))]
		pub fn decommission(origin: OriginFor<T>, id: DeviceId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_decommission(owner, id)
		}

		/// Registers a certifier (admin origin).
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::add_certifier())]
		pub fn add_certifier(
			origin: OriginFor<T>,
			who: AccountIdLookupOf<T>,
			name: Vec<u8>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			Self::do_add_certifier(who, name)
		}

		/// Removes a certifier (admin origin). Its attestations stay until revoked by it or
		/// by the admin origin.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::remove_certifier())]
		pub fn remove_certifier(origin: OriginFor<T>, who: AccountIdLookupOf<T>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			Self::do_remove_certifier(who)
		}

		/// Attests an active device (certifier): `kind` says what, `evidence` is the hash of
		/// the document kept off chain. Replaces the caller's earlier attestation of it.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::attest())]
		pub fn attest(
			origin: OriginFor<T>,
			id: DeviceId,
			kind: AttestationKind,
			evidence: H256,
		) -> DispatchResult {
			let certifier = ensure_signed(origin)?;
			Self::do_attest(certifier, id, kind, evidence)
		}

		/// Withdraws the caller's attestation of a device (also after the caller stopped being
		/// a certifier).
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::revoke_attestation())]
		pub fn revoke_attestation(origin: OriginFor<T>, id: DeviceId) -> DispatchResult {
			let certifier = ensure_signed(origin)?;
			Self::do_revoke_attestation(certifier, id)
		}

		/// Withdraws a certifier's attestation of a device (admin origin), e.g. one left by a
		/// removed certifier.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::admin_revoke_attestation())]
		pub fn admin_revoke_attestation(
			origin: OriginFor<T>,
			id: DeviceId,
			certifier: AccountIdLookupOf<T>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let certifier = T::Lookup::lookup(certifier)?;
			Self::do_revoke_attestation(certifier, id)
		}

		/// Registers a hardware-attested device owned by the caller: kind and nameplate come
		/// from its manufacturer's `certificate`, which must be valid now, signed by an active
		/// root key, for a registered model and within the model's rating.
		///
		/// `signer` is the device key, which the certificate must name; `proof` its proof of
		/// possession (as for `register_device`); a model whose devices cannot sign one takes
		/// `None` and a certificate that names the caller.
		#[pallet::call_index(16)]
		#[pallet::weight(Pallet::<T>::register_certified_weight(certificate, proof.as_ref()))]
		pub fn register_certified_device(
			origin: OriginFor<T>,
			region: RegionId,
			metadata: BoundedVec<u8, T::MaxMetadataLen>,
			signer: DevicePublicKey,
			certificate: DeviceCertificateOf<T>,
			proof: Option<DeviceSignature>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register_certified(owner, region, metadata, signer, certificate, proof)
				.map(|_| ())
		}

		/// Sets what a region pays devices without a valid hardware attestation (admin origin).
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::set_region_policy())]
		pub fn set_region_policy(
			origin: OriginFor<T>,
			region: RegionId,
			unattested: UnattestedPolicy,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_region_policy(region, unattested)
		}

		/// Registers a manufacturer with its root keys (admin origin).
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::create_manufacturer(root_keys.len() as u32))]
		pub fn create_manufacturer(
			origin: OriginFor<T>,
			name: Vec<u8>,
			root_keys: Vec<DevicePublicKey>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_create_manufacturer(name, root_keys).map(|_| ())
		}

		/// Adds a root key to a manufacturer (admin origin), e.g. the successor in a rotation.
		#[pallet::call_index(19)]
		#[pallet::weight(T::WeightInfo::add_root_key())]
		pub fn add_root_key(
			origin: OriginFor<T>,
			manufacturer: ManufacturerId,
			key: DevicePublicKey,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_add_root_key(manufacturer, key)
		}

		/// Retires a root key (admin origin): it signs no new certificates; the devices it
		/// certified stay attested (the end of a rotation).
		#[pallet::call_index(20)]
		#[pallet::weight(T::WeightInfo::retire_root_key())]
		pub fn retire_root_key(
			origin: OriginFor<T>,
			manufacturer: ManufacturerId,
			index: u8,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_end_root_key(manufacturer, index, false)
		}

		/// Revokes a compromised root key (admin origin): every device it certified loses its
		/// attestation (and with it rewards and green certificates where the region demands
		/// attestation), checked when each device is next read, without a loop over devices.
		#[pallet::call_index(21)]
		#[pallet::weight(T::WeightInfo::revoke_root_key())]
		pub fn revoke_root_key(
			origin: OriginFor<T>,
			manufacturer: ManufacturerId,
			index: u8,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_end_root_key(manufacturer, index, true)
		}

		/// Publishes a device model of a manufacturer (admin origin).
		#[pallet::call_index(22)]
		#[pallet::weight(T::WeightInfo::create_model())]
		pub fn create_model(
			origin: OriginFor<T>,
			manufacturer: ManufacturerId,
			name: Vec<u8>,
			kind: DeviceKind,
			max_nameplate: Nameplate,
			accuracy_class: AccuracyClass,
			key_scheme: KeyScheme,
			proof_of_possession: bool,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let model = DeviceModel {
				manufacturer,
				name: BoundedVec::try_from(name).map_err(|_| Error::<T>::InvalidName)?,
				kind,
				max_nameplate,
				accuracy_class,
				key_scheme,
				proof_of_possession,
			};
			Self::do_create_model(model).map(|_| ())
		}
	}
}
