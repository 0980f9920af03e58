"""Operator accounts, passwords, lockout and qualification, kept in the journal; the permission
table and its guard (``require``); a supervisor's approval on the spot."""

from counter_app.operators.accounts import (LoginRefused, Operator, OperatorService,
                                            hash_password)
from counter_app.operators.permissions import PermissionRefused, cli_operator, may, require

__all__ = ["LoginRefused", "Operator", "OperatorService", "PermissionRefused", "cli_operator",
           "hash_password", "may", "require"]
