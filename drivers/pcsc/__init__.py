"""PC/SC (pyscard) chip documents: e-passports and the chip exit-entry permits (ICAO 9303).

Start here: ``chip_reader.IcaoChipReader`` is the one interface (BAC, then EF.COM/DG1/DG2
under secure messaging) over any ``transmit(apdu) -> response``; ``monitor`` gives the
pyscard transmit (``PcscConnection``), reader/card presence (``PresenceMonitor``) and
``detect()``; ``emulated_chip`` is the simulator (an in-process chip, and ``VpcdCard`` to put
it into pcscd through vsmartcard's vpcd). ``bac``/``sm``/``crypto`` are Doc 9303 Part 11,
``lds`` Part 10, ``mrz`` Parts 4-6.

Resident ID cards and the J/I/Y cards are *not* readable here (their data sits behind the
licensed SAM): see ``drivers.idcard``.
"""
