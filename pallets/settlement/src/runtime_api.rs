//! Runtime API: the read side of settlement.

use alloc::vec::Vec;
use openvpp_primitives::DeviceId;

use crate::{
	Certificate, CertificateId, DeviceValue, EpochStatus, HourIndex, Retirement, ValuationTable,
};

sp_api::decl_runtime_apis! {
	/// Rewards, epochs, valuation, credit, device value and green certificates.
	pub trait SettlementApi<AccountId, Balance>
	where
		AccountId: codec::Codec,
		Balance: codec::Codec,
	{
		/// Reward the device's owner could claim now.
		fn pending_rewards(device: DeviceId) -> Balance;
		/// The open epoch, the last closed one, and totals emitted and paid.
		fn epoch_info() -> EpochStatus<Balance>;
		/// Valuation parameters in force and pending, with region multipliers.
		fn valuation_table() -> ValuationTable<Balance>;
		/// Credit score 0..=1000 of a device (`None` for an unknown device).
		fn credit_score(device: DeviceId) -> Option<u16>;
		/// Lifetime value and energy by contribution of a device.
		fn device_value(device: DeviceId) -> Option<DeviceValue<Balance>>;
		/// Certificates an account holds.
		fn certificates_of(owner: AccountId) -> Vec<(CertificateId, Certificate<AccountId, Balance>)>;
		/// Retirement records of a consumer in hours `from_hour..=to_hour` (at most 31 days).
		fn retirements_of(consumer: AccountId, from_hour: HourIndex, to_hour: HourIndex) -> Vec<(HourIndex, Retirement)>;
	}
}
