"""Every report, by key: a new report is one more definition here (model.Definition)."""

from __future__ import annotations

from counter_app.reports.daily import DAILY
from counter_app.reports.model import Definition
from counter_app.reports.monthly import MONTHLY

REPORTS: dict[str, Definition] = {d.key: d for d in (DAILY, MONTHLY)}
