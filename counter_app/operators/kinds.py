"""The journal entry kinds of operator accounts and log-ins (the strings never change: they
are in existing journals and in what sync uploads)."""

KIND_OPERATOR_ACCOUNT_SET = "operator.account_set"
KIND_OPERATOR_LOGIN_SUCCEEDED = "operator.login_succeeded"
KIND_OPERATOR_LOGIN_FAILED = "operator.login_failed"
KIND_OPERATOR_UNLOCKED = "operator.unlocked"

# Roles (counter_app.operators.permissions): an action refused by the permission table, a
# supervisor's approval given on the spot (voiding a blank and reprinting), roles changed.
KIND_OPERATOR_ACTION_REFUSED = "operator.action_refused"
KIND_OPERATOR_APPROVAL_GRANTED = "operator.approval_granted"
KIND_OPERATOR_ROLES_SET = "operator.roles_set"
