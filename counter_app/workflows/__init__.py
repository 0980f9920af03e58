"""Qt-free workflows: what the counter's screens show and step through, computed from the
journal. The Qt pages in counter_app/ui are views over these."""
