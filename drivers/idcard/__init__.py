"""Resident ID card readers (GA/T 467 SAM protocol) and the J/I/Y cards they also read.

Start here: ``interface.IdCardReader`` is the one interface; backends are
``sam_reader.SamReader`` (serial or USB transports in ``transport.py``; the simulator via
``samsim://`` URLs or a pty) and ``vendor_sdk`` (sdtapi/termb DLLs through ctypes).
``protocol`` frames, ``status`` SW3 errors, ``textblock`` parses the 256-byte text of all four
card types, ``wlt`` is the optional vendor photo decoder, ``poller`` the background loop.
"""

try:
    import serial
except ImportError:  # the parser and vendor backends still work; serial readers say why
    serial = None

# Let serial.serial_for_url("samsim://...") find drivers/idcard/protocol_samsim.py.
if serial is not None and "drivers.idcard" not in serial.protocol_handler_packages:
    serial.protocol_handler_packages.append("drivers.idcard")
