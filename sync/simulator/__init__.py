"""The provincial-system simulator: the exchange protocol with its own storage and faults."""
