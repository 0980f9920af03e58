"""The home page: today's work, the outbox and the device lights."""
