//! The NFT credential of each device in a pallet-owned `pallet-nfts` collection.
//!
//! Items carry system (pallet-namespace) attributes with the device's public facts and have
//! transfers disabled, so they move only through this pallet.

use alloc::{string::ToString, vec::Vec};
use frame_support::traits::{
	tokens::nonfungibles_v2::{Create, Inspect, Mutate, Transfer},
	Get,
};
use openvpp_primitives::{DeviceId, DeviceKind, Nameplate, RegionId, TimestampMs};
use pallet_nfts::{CollectionConfig, CollectionSettings, ItemConfig, ItemSettings, MintSettings};
use sp_runtime::{traits::AccountIdConversion, DispatchError, DispatchResult};

use crate::{CollectionConfigOf, Config, Error, Event, Pallet};

/// Keys of the credential's attributes (pallet namespace of `pallet-nfts`). Values are ASCII:
/// decimal numbers, the kind's code, `yes`/`no`.
pub mod attribute_keys {
	/// Device kind code (`ev`, `battery`, `solar_pv`, `smart_meter`, `wind`, `heat_pump`).
	pub const KIND: &[u8] = b"kind";
	/// Usable capacity, Wh.
	pub const CAPACITY_WH: &[u8] = b"capacity_wh";
	/// Maximum import power, W.
	pub const MAX_IMPORT_W: &[u8] = b"max_import_w";
	/// Maximum export power, W.
	pub const MAX_EXPORT_W: &[u8] = b"max_export_w";
	/// Region id.
	pub const REGION: &[u8] = b"region";
	/// Commissioning time, ms since the Unix epoch.
	pub const COMMISSIONED_MS: &[u8] = b"commissioned_ms";
	/// Whether a certifier attests the device: `yes` or `no`.
	pub const ATTESTED: &[u8] = b"attested";
	/// All keys set at registration, in the order they are set.
	pub const ALL: [&[u8]; 7] =
		[KIND, CAPACITY_WH, MAX_IMPORT_W, MAX_EXPORT_W, REGION, COMMISSIONED_MS, ATTESTED];
	/// Manufacturer id of a hardware-attested device (decimal).
	pub const MANUFACTURER: &[u8] = b"manufacturer";
	/// Model id of a hardware-attested device (decimal).
	pub const MODEL: &[u8] = b"model";
	/// Serial-number hash of a hardware-attested device (64 hex digits).
	pub const SERIAL_HASH: &[u8] = b"serial_hash";
	/// Keys set for a device registered with a manufacturer's certificate.
	pub const HARDWARE: [&[u8]; 3] = [MANUFACTURER, MODEL, SERIAL_HASH];
	/// Reward the device has earned over its life, planck (set once it earned any, updated
	/// each time settlement credits an epoch's reward).
	pub const LIFETIME_REWARD: &[u8] = b"lifetime_reward";
}

fn decimal(n: u64) -> Vec<u8> {
	n.to_string().into_bytes()
}

fn yes_no(flag: bool) -> &'static [u8] {
	if flag {
		b"yes"
	} else {
		b"no"
	}
}

impl<T: Config> Pallet<T> {
	/// The pallet's account: owner and admin of the credential collection.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Settings of the credential collection: items transferable at collection level (the
	/// pallet disables each item), issuer-only minting, no supply cap.
	fn collection_config() -> CollectionConfigOf<T> {
		CollectionConfig {
			settings: CollectionSettings::all_enabled(),
			max_supply: None,
			mint_settings: MintSettings::default(),
		}
	}

	/// The credential collection `CollectionId`, created if it does not exist yet (owned by
	/// the pallet account, which pays `pallet-nfts`' collection deposit).
	///
	/// It is created with `pallet-nfts`' auto-increment, so that the pallet never claims an id
	/// the auto-increment would hand out later; if that yields another id, the call fails and
	/// (being transactional) creates nothing.
	pub(crate) fn credential_collection() -> Result<u32, DispatchError> {
		let collection = T::CollectionId::get();
		let pallet = Self::account_id();
		match T::Nfts::collection_owner(&collection) {
			Some(owner) if owner == pallet => return Ok(collection),
			Some(_) => return Err(Error::<T>::CollectionIdUnavailable.into()),
			None => {}
		}
		let created = T::Nfts::create_collection(&pallet, &pallet, &Self::collection_config())?;
		frame_support::ensure!(created == collection, Error::<T>::CollectionIdUnavailable);
		Self::deposit_event(Event::CredentialCollectionCreated { collection });
		Ok(collection)
	}

	/// Mints the credential of a new device to `owner`, sets its attributes, disables transfer.
	pub(crate) fn mint_credential(
		id: DeviceId,
		owner: &T::AccountId,
		kind: DeviceKind,
		nameplate: &Nameplate,
		region: RegionId,
		commissioned_ms: TimestampMs,
	) -> DispatchResult {
		use attribute_keys::*;
		let collection = Self::credential_collection()?;
		let config = ItemConfig { settings: ItemSettings::all_enabled() };
		// The owner pays `pallet-nfts`' item deposit, returned when the item is burned.
		T::Nfts::mint_into(&collection, &id, owner, &config, false)?;
		T::Nfts::set_attribute(&collection, &id, KIND, kind.code())?;
		T::Nfts::set_attribute(&collection, &id, CAPACITY_WH, &decimal(nameplate.capacity_wh))?;
		let import = decimal(u64::from(nameplate.max_import_w));
		T::Nfts::set_attribute(&collection, &id, MAX_IMPORT_W, &import)?;
		let export = decimal(u64::from(nameplate.max_export_w));
		T::Nfts::set_attribute(&collection, &id, MAX_EXPORT_W, &export)?;
		T::Nfts::set_attribute(&collection, &id, REGION, &decimal(u64::from(region)))?;
		T::Nfts::set_attribute(&collection, &id, COMMISSIONED_MS, &decimal(commissioned_ms))?;
		T::Nfts::set_attribute(&collection, &id, ATTESTED, yes_no(false))?;
		T::Nfts::disable_transfer(&collection, &id)
	}

	/// Moves a credential to `to`, the only way it can move.
	pub(crate) fn transfer_credential(id: DeviceId, to: &T::AccountId) -> DispatchResult {
		let collection = Self::credential_collection()?;
		T::Nfts::enable_transfer(&collection, &id)?;
		T::Nfts::transfer(&collection, &id, to)?;
		T::Nfts::disable_transfer(&collection, &id)
	}

	/// Writes a hardware-attested device's manufacturer, model and serial hash.
	pub(crate) fn set_credential_hardware(
		id: DeviceId,
		attestation: &crate::HardwareAttestation,
	) -> DispatchResult {
		use attribute_keys::*;
		let collection = Self::credential_collection()?;
		let manufacturer = decimal(u64::from(attestation.manufacturer));
		T::Nfts::set_attribute(&collection, &id, MANUFACTURER, &manufacturer)?;
		T::Nfts::set_attribute(&collection, &id, MODEL, &decimal(u64::from(attestation.model)))?;
		let mut serial = Vec::with_capacity(64);
		for b in attestation.serial_hash.as_bytes() {
			serial.extend_from_slice(alloc::format!("{b:02x}").as_bytes());
		}
		T::Nfts::set_attribute(&collection, &id, SERIAL_HASH, &serial)?;
		T::Nfts::set_attribute(&collection, &id, ATTESTED, yes_no(true))
	}

	/// Removes the hardware attributes (a certified device whose key was replaced).
	pub(crate) fn clear_credential_hardware(id: DeviceId) -> DispatchResult {
		let collection = T::CollectionId::get();
		for key in attribute_keys::HARDWARE {
			if Self::credential_attribute(id, key).is_some() {
				T::Nfts::clear_attribute(&collection, &id, key)?;
			}
		}
		Ok(())
	}

	/// Burns a credential held by `owner` and clears its attributes (`pallet-nfts` leaves an
	/// item's attributes behind when it burns it).
	pub(crate) fn burn_credential(id: DeviceId, owner: &T::AccountId) -> DispatchResult {
		let collection = Self::credential_collection()?;
		for key in attribute_keys::ALL {
			T::Nfts::clear_attribute(&collection, &id, key)?;
		}
		Self::clear_credential_hardware(id)?;
		if Self::credential_attribute(id, attribute_keys::LIFETIME_REWARD).is_some() {
			T::Nfts::clear_attribute(&collection, &id, attribute_keys::LIFETIME_REWARD)?;
		}
		T::Nfts::enable_transfer(&collection, &id)?;
		T::Nfts::burn(&collection, &id, Some(owner))
	}

	/// Updates the credential's attestation attribute (no-op once burned); a device with a
	/// manufacturer's certificate stays `yes`.
	pub(crate) fn set_credential_attested(id: DeviceId, attested: bool) -> DispatchResult {
		let certified = crate::Devices::<T>::get(id).is_some_and(|r| r.hardware.is_some());
		let attested = attested || certified;
		let collection = T::CollectionId::get();
		if T::Nfts::owner(&collection, &id).is_none() {
			return Ok(());
		}
		T::Nfts::set_attribute(&collection, &id, attribute_keys::ATTESTED, yes_no(attested))
	}

	/// Writes the lifetime reward into the credential. A credential that is gone (burned at
	/// decommissioning) gets none: `pallet-nfts` would keep an attribute of a burned item for
	/// good. A failure leaves the attribute as it was: it mirrors settlement's record, which
	/// stays the truth.
	pub(crate) fn set_credential_lifetime_reward(id: DeviceId, reward: u128) {
		let collection = T::CollectionId::get();
		if T::Nfts::owner(&collection, &id).is_none() {
			return;
		}
		let value = reward.to_string().into_bytes();
		if let Err(e) =
			T::Nfts::set_attribute(&collection, &id, attribute_keys::LIFETIME_REWARD, &value)
		{
			log::debug!(target: "runtime::device-identity", "credential {id}: {e:?}");
		}
	}

	/// Holder of a device's credential, if it exists.
	pub fn credential_holder(id: DeviceId) -> Option<T::AccountId> {
		T::Nfts::owner(&T::CollectionId::get(), &id)
	}

	/// Whether a device's credential can be moved outside this pallet (it never should).
	pub fn credential_transferable(id: DeviceId) -> bool {
		T::Nfts::can_transfer(&T::CollectionId::get(), &id)
	}

	/// A credential attribute's value, as `pallet-nfts` stores it.
	pub fn credential_attribute(id: DeviceId, key: &[u8]) -> Option<Vec<u8>> {
		T::Nfts::system_attribute(&T::CollectionId::get(), Some(&id), key)
	}
}
