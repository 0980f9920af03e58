"""Operator accounts, passwords, lockout and qualification, kept in the journal."""

from counter_app.operators.accounts import (LoginRefused, Operator, OperatorService,
                                            hash_password)
from counter_app.operators.province import LinkUnavailable, LoginVerdict, ProvinceLink

__all__ = ["LinkUnavailable", "LoginRefused", "LoginVerdict", "Operator", "OperatorService",
           "ProvinceLink", "hash_password"]
