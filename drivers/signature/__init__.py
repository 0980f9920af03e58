"""Signature pads: the stroke model, the pad interface, a Qt pen/mouse backend and a simulator."""
