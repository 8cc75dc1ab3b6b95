//! The custom origins referenda on the OpenVPP tracks dispatch with.

/// A pallet that only declares the origins (and the governance pace of the chain).
#[frame_support::pallet]
pub mod pallet_custom_origins {
	use frame_support::{pallet_prelude::*, traits::TypedGet};

	/// Configuration (nothing to configure).
	#[pallet::config]
	pub trait Config: frame_system::Config {}

	/// The custom-origins pallet.
	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Governance pace: `true` on development chains, where every track runs in blocks
	/// rather than days so a referendum passes in about a minute.
	#[pallet::storage]
	pub type FastGovernance<T> = StorageValue<_, bool, ValueQuery>;

	/// Genesis: the governance pace.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Run the tracks in blocks instead of days (development chains only).
		pub fast_governance: bool,
		#[serde(skip)]
		#[doc(hidden)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			FastGovernance::<T>::put(self.fast_governance);
		}
	}

	/// Origins of the OpenVPP tracks.
	#[derive(
		PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// Grid administration: regions, grid operators, certifiers, suspending a device for
		/// fraud.
		GridAdmin,
		/// Valuation: prices, multipliers, reward emission.
		ValuationAdmin,
		/// Treasury spends and topping up the reward pot.
		Treasurer,
	}

	macro_rules! decl_unit_ensures {
		( $name:ident ) => {
			#[doc = concat!("Succeeds for the `", stringify!($name), "` origin only.")]
			pub struct $name;
			impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for $name
			where
				for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
			{
				type Success = ();
				fn try_origin(o: O) -> Result<Self::Success, O> {
					if matches!(o.caller().try_into(), Ok(Origin::$name)) {
						Ok(())
					} else {
						Err(o)
					}
				}
				#[cfg(feature = "runtime-benchmarks")]
				fn try_successful_origin() -> Result<O, ()> {
					Ok(O::from(Origin::$name))
				}
			}
		};
	}
	decl_unit_ensures!(GridAdmin);
	decl_unit_ensures!(ValuationAdmin);

	/// Succeeds for the `Treasurer` origin with the most it may spend at once.
	pub struct Treasurer<MaxSpend>(core::marker::PhantomData<MaxSpend>);
	impl<O, MaxSpend> EnsureOrigin<O> for Treasurer<MaxSpend>
	where
		O: OriginTrait + From<Origin>,
		for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
		MaxSpend: TypedGet,
	{
		type Success = MaxSpend::Type;
		fn try_origin(o: O) -> Result<Self::Success, O> {
			if matches!(o.caller().try_into(), Ok(Origin::Treasurer)) {
				Ok(MaxSpend::get())
			} else {
				Err(o)
			}
		}
		#[cfg(feature = "runtime-benchmarks")]
		fn try_successful_origin() -> Result<O, ()> {
			Ok(O::from(Origin::Treasurer))
		}
	}
}
