"""The supervisors' reports screen (daily closings, monthly statistics, charts, exports)."""
