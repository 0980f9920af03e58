"""Device drivers: one interface per device kind, real backends and a simulator each."""
