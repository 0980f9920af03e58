"""The journal entry kinds of operator accounts and log-ins (the strings never change: they
are in existing journals and in what sync uploads)."""

KIND_OPERATOR_ACCOUNT_SET = "operator.account_set"
KIND_OPERATOR_LOGIN_SUCCEEDED = "operator.login_succeeded"
KIND_OPERATOR_LOGIN_FAILED = "operator.login_failed"
KIND_OPERATOR_UNLOCKED = "operator.unlocked"

# Accounts from the province (docs/sync-protocol.md §13): an account as the operators
# collection holds it (no password), its removal from the collection, what a complete pull
# confirmed and when, and the local scrypt verifier kept after the province verified a password.
KIND_OPERATOR_PROVINCE_ACCOUNT = "operator.province_account"
KIND_OPERATOR_PROVINCE_REMOVED = "operator.province_removed"
KIND_OPERATOR_ACCOUNTS_CONFIRMED = "operator.accounts_confirmed"
KIND_OPERATOR_VERIFIER_SET = "operator.verifier_set"
# Roles (counter_app.operators.permissions): an action refused by the permission table, a
# supervisor's approval given on the spot (voiding a blank and reprinting), roles changed.
KIND_OPERATOR_ACTION_REFUSED = "operator.action_refused"
KIND_OPERATOR_APPROVAL_GRANTED = "operator.approval_granted"
KIND_OPERATOR_ROLES_SET = "operator.roles_set"
