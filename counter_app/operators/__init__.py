"""Operator accounts, passwords, lockout and qualification, kept in the journal."""

from counter_app.operators.accounts import (LoginRefused, Operator, OperatorService,
                                            hash_password)

__all__ = ["LoginRefused", "Operator", "OperatorService", "hash_password"]
