"""The journal entry kinds of operator accounts and log-ins (the strings never change: they
are in existing journals and in what sync uploads)."""

KIND_OPERATOR_ACCOUNT_SET = "operator.account_set"
KIND_OPERATOR_LOGIN_SUCCEEDED = "operator.login_succeeded"
KIND_OPERATOR_LOGIN_FAILED = "operator.login_failed"
KIND_OPERATOR_UNLOCKED = "operator.unlocked"
