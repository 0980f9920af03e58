"""Counter accounts for tests that act through the services: the services read the operator's
roles from the journal (counter_app.operators.permissions), so a test names its operators
with their roles instead of weakening the check.

    add_staff(journal)                      # the usual ids below
    add_accounts(journal, {"kiosk": ["technician"]})
"""

from __future__ import annotations

from counter_app.journal import Journal
from counter_app.operators import OperatorService, hash_password

#: The operator ids the suite uses and their roles (password "pw" for all).
STAFF = {
    "reg01": ["registrar"], "reg02": ["registrar"], "op": ["registrar"], "demo": ["registrar"],
    "admin": ["supervisor"], "boss": ["registrar", "supervisor"], "tech": ["technician"],
}
PASSWORD = "pw"
_HASH = hash_password(PASSWORD, salt=b"\0" * 16)  # scrypt once, not per account


def add_accounts(journal: Journal, accounts: dict[str, list[str]]) -> None:
    """Local accounts ``id -> roles`` (those not there yet), password ``PASSWORD``."""
    service = OperatorService(journal)
    for operator_id, roles in accounts.items():
        if service.record(operator_id) is None:
            service.set_account(operator_id, operator_id, list(roles), None,
                                password_hash=_HASH)


def add_staff(journal: Journal) -> Journal:
    """The suite's usual operators (``STAFF``); returns the journal."""
    add_accounts(journal, STAFF)
    return journal
