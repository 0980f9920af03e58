"""Reusable widgets of the counter UI."""
