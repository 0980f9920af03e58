"""Statutory forms as versioned data and the single painter for screen, PDF and printer."""
