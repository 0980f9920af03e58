"""The audit of views, prints and exports of records (counter_app.audit.log; docs/audit.md)."""

from counter_app.audit.log import (AuditError, AuditRow, list_entries, operators_seen,
                                   parse_since, record_case_opened, record_exported,
                                   record_printed)

__all__ = ["AuditError", "AuditRow", "list_entries", "operators_seen", "parse_since",
           "record_case_opened", "record_exported", "record_printed"]
