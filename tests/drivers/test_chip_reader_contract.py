"""Contract for the chip-document kind: ``IcaoChipReader`` reads the same document whether the
APDUs go straight to the emulated chip or through pcscd + vpcd + pyscard."""

from __future__ import annotations

import pytest
from pcsc import SPECIMEN_KEY, SPECIMEN_MRZ, connect_when_present, face_image
from pcsc.conftest import pcscd  # noqa: F401 - the session fixture that starts pcscd

from drivers.pcsc import bac
from drivers.pcsc.chip_reader import IcaoChipReader
from drivers.pcsc.emulated_chip import EmulatedIcaoChip, VpcdCard


class ChipContract:
    @pytest.fixture
    def transmit(self):
        raise NotImplementedError

    def test_reads_the_specimen(self, transmit):
        doc = IcaoChipReader(transmit).read_document(bac.mrz_information(*SPECIMEN_KEY))
        assert doc.mrz.valid and doc.mrz.given_names == "ANNA MARIA"
        assert doc.face is not None and doc.face.width == 96

    def test_wrong_key_is_a_bac_error(self, transmit):
        with pytest.raises(bac.BacError):
            IcaoChipReader(transmit).read_document(bac.mrz_information("X1234567", "740812",
                                                                       "120415"))


class TestEmulatedInProcess(ChipContract):
    @pytest.fixture
    def transmit(self):
        return EmulatedIcaoChip(SPECIMEN_MRZ, face_image()).execute


@pytest.mark.integration
class TestThroughPcscd(ChipContract):
    @pytest.fixture
    def transmit(self, pcscd):  # noqa: F811
        card = VpcdCard(EmulatedIcaoChip(SPECIMEN_MRZ, face_image())).insert()
        conn = connect_when_present("Virtual PCD 00 00")
        yield conn.transmit
        conn.close()
        card.remove()
