"""Operator accounts, passwords, lockout and qualification, kept in the journal; the permission
table and its guard (``require``); a supervisor's approval on the spot."""

from counter_app.operators.accounts import (LoginRefused, Operator, OperatorService,
                                            hash_password)
from counter_app.operators.permissions import PermissionRefused, cli_operator, may, require
from counter_app.operators.province import LinkUnavailable, LoginVerdict, ProvinceLink

__all__ = ["LinkUnavailable", "LoginRefused", "LoginVerdict", "Operator", "OperatorService",
           "PermissionRefused", "ProvinceLink", "cli_operator", "hash_password", "may",
           "require"]
