//! Grid operators per region.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

use crate::{mock::*, Error, Event, Operators};

#[test]
fn the_admin_registers_and_removes_operators() {
	test(|| {
		assert_ok!(V2g::add_operator(RuntimeOrigin::root(), REGION, ALICE));
		assert_eq!(Operators::<Test>::get(REGION).to_vec(), vec![GRID_OP, ALICE]);
		assert!(V2g::is_operator(REGION, &ALICE));
		assert_eq!(V2g::operators_of(REGION), vec![GRID_OP, ALICE]);
		assert!(!V2g::is_operator(OTHER_REGION, &ALICE));
		assert!(v2g_events().contains(&Event::OperatorAdded { region: REGION, operator: ALICE }));
		assert_ok!(V2g::remove_operator(RuntimeOrigin::root(), REGION, GRID_OP));
		assert_eq!(Operators::<Test>::get(REGION).to_vec(), vec![ALICE]);
		assert!(
			v2g_events().contains(&Event::OperatorRemoved { region: REGION, operator: GRID_OP })
		);
		assert_ok!(V2g::remove_operator(RuntimeOrigin::root(), REGION, ALICE));
		assert!(!Operators::<Test>::contains_key(REGION));
	});
}

#[test]
fn operator_errors_leave_state_unchanged() {
	test(|| {
		assert_noop!(
			V2g::add_operator(RuntimeOrigin::signed(GRID_OP), REGION, ALICE),
			DispatchError::BadOrigin
		);
		assert_noop!(
			V2g::remove_operator(RuntimeOrigin::signed(GRID_OP), REGION, GRID_OP),
			DispatchError::BadOrigin
		);
		assert_noop!(
			V2g::add_operator(RuntimeOrigin::root(), REGION, GRID_OP),
			Error::<Test>::AlreadyOperator
		);
		assert_ok!(V2g::add_operator(RuntimeOrigin::root(), REGION, ALICE));
		assert_noop!(
			V2g::add_operator(RuntimeOrigin::root(), REGION, BOB),
			Error::<Test>::TooManyOperators
		);
		assert_noop!(
			V2g::remove_operator(RuntimeOrigin::root(), REGION, BOB),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			V2g::remove_operator(RuntimeOrigin::root(), 9, BOB),
			Error::<Test>::NotOperator
		);
	});
}
