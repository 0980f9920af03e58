"""BAC and 3DES secure messaging reproduce ICAO Doc 9303 Part 11 Appendix D exactly.

Source of every value below: ICAO Doc 9303 "Machine Readable Travel Documents", Eighth
Edition 2021, Part 11 "Security Mechanisms for MRTDs", Appendix D "Worked example: Basic
Access Control" — D.2 (computing keys from the key seed), D.3 (authentication and
establishment of session keys), D.4 (secure messaging). The same numbers appear in the test
suites of independent implementations (e.g. AndyQ/NFCPassportReader BACTests.swift and
tsenger/animamea SecureMessagingTest.java, found with the code-search tool), which we used to
cross-check our transcription.
"""

from __future__ import annotations

from drivers.pcsc import bac
from drivers.pcsc.crypto import adjust_parity, retail_mac
from drivers.pcsc.sm import SecureChannel


def H(text: str) -> bytes:
    return bytes.fromhex(text)


# Appendix D.2: document number L898902C<, birth 690806, expiry 940623.
MRZ_INFO = "L898902C<369080619406236"
K_SEED = H("239AB9CB282DAF66231DC5A4DF6BFBAE")
K_ENC = H("AB94FDECF2674FDFB9B391F85D7F76F2")
K_MAC = H("7962D9ECE03D1ACD4C76089DCE131543")
# Appendix D.3
RND_IC = H("4608F91988702212")
RND_IFD = H("781723860C06C226")
K_IFD = H("0B795240CB7049B01C19B33E32804F0B")
CMD_DATA = H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"
             "5F1448EEA8AD90A7")
K_IC = H("0B4F80323EB3191CB04970CB4052790B")
RESP_DATA = H("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F"
              "2F2D235D074D7449")
KS_ENC = H("979EC13B1CBFE9DCD01AB0FED307EAE5")
KS_MAC = H("F1CB1F1FB5ADF208806B89DC579DC1F8")
SSC = H("887022120C06C226")


def test_d2_mrz_information_and_document_keys():
    assert bac.mrz_information("L898902C", "690806", "940623") == MRZ_INFO
    keys = bac.derive_keys(MRZ_INFO)
    assert (keys.seed, keys.k_enc, keys.k_mac) == (K_SEED, K_ENC, K_MAC)


def test_d2_parity_adjustment_of_ka_and_kb():
    # D.2: Ka = AB94FCEDF2664EDF becomes AB94FDECF2674FDF after parity adjustment.
    assert adjust_parity(H("AB94FCEDF2664EDF")) == H("AB94FDECF2674FDF")
    assert adjust_parity(H("B9B291F85D7F77F2")) == H("B9B391F85D7F76F2")


def test_d3_reader_challenge_eifd_and_mifd():
    challenge = bac.ifd_authenticate(bac.derive_keys(MRZ_INFO), RND_IC, RND_IFD, K_IFD)
    assert challenge.command_data == CMD_DATA
    assert retail_mac(K_MAC, CMD_DATA[:32]) == H("5F1448EEA8AD90A7")


def test_d3_chip_response_and_session_keys_on_both_sides():
    keys = bac.derive_keys(MRZ_INFO)
    response, chip_session = bac.ic_respond(keys, CMD_DATA, RND_IC, K_IC)
    assert response == RESP_DATA
    challenge = bac.ifd_authenticate(keys, RND_IC, RND_IFD, K_IFD)
    reader_session = bac.ifd_finish(keys, challenge, RND_IC, RESP_DATA)
    for session in (chip_session, reader_session):
        assert (session.ks_enc, session.ks_mac, session.ssc) == (KS_ENC, KS_MAC, SSC)


def test_d3_session_key_seed():
    # KSseed = K.IFD xor K.IC = 0036D272F5C350ACAC50C3F572D23600
    assert bytes(a ^ b for a, b in zip(K_IFD, K_IC)) == H("0036D272F5C350ACAC50C3F572D23600")


def test_d4_secure_messaging_select_and_read_ef_com():
    ch = SecureChannel(KS_ENC, KS_MAC, int.from_bytes(SSC, "big"))
    # D.4.1 SELECT EF.COM
    assert ch.protect(H("00A4020C02011E")) == H(
        "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
    assert ch.ssc == 0x887022120C06C227
    assert ch.unprotect(H("990290008E08FA855A5D4C50A8ED9000")) == (b"", b"\x90\x00")
    assert ch.ssc == 0x887022120C06C228
    # D.4.2 READ BINARY of the first four bytes
    assert ch.protect(H("00B0000004")) == H("0CB000000D9701048E08ED6705417E96BA5500")
    data, sw = ch.unprotect(H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"))
    assert (data, sw) == (H("60145F01"), b"\x90\x00")
    # D.4.3 READ BINARY of the remaining 18 bytes from offset 4
    assert ch.protect(H("00B0000412")) == H("0CB000040D9701128E082EA28A70F3C7B53500")
    data, _ = ch.unprotect(H("871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A99029000"
                             "8E08C8B2787EAEA07D749000"))
    assert data == H("04303130365F36063034303030305C026175")
    assert ch.ssc == 0x887022120C06C22C
