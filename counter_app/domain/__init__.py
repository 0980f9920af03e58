"""Domain model: parties, cases and their state machines. Pure Python: no Qt, no I/O."""
