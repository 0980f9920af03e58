"""The marriage registration screens (a wizard over counter_app.workflows)."""
