"""Basic Access Control, ICAO Doc 9303 Part 11 §4.3 (keys from the MRZ, mutual authentication).

The reader (IFD) side is what :mod:`drivers.pcsc.chip_reader` uses; the chip (IC) side is what
the emulated chip uses. Both are plain functions over bytes, so the worked example of
Appendix D reproduces exactly in tests.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from counter_app.domain.idnumber import mrz_check_digit
from drivers.base import DeviceError
from drivers.pcsc.crypto import ENC, MAC, des3_decrypt, des3_encrypt, kdf, retail_mac
from drivers.pcsc.mrz import Mrz


class BacError(DeviceError):
    """Mutual authentication failed: wrong MRZ data, or not the chip we talked to."""

    code = "pcsc.bac_failed"


def mrz_information(document_number: str, birth_date: str, expiry_date: str) -> str:
    """The BAC key input: document number (padded to 9 with '<') + check digit, birth date
    YYMMDD + check digit, expiry YYMMDD + check digit. Longer numbers are used whole."""
    number = document_number.upper().ljust(9, "<")
    return (number + mrz_check_digit(number) + birth_date + mrz_check_digit(birth_date)
            + expiry_date + mrz_check_digit(expiry_date))


def key_from_mrz(mrz: Mrz) -> str:
    """The BAC key input for a parsed :class:`drivers.pcsc.mrz.Mrz` (passport or permit)."""
    return mrz_information(mrz.document_number, mrz.birth_date, mrz.expiry_date)


@dataclass(frozen=True)
class BacKeys:
    """The document basic access keys derived from the MRZ."""

    seed: bytes
    k_enc: bytes
    k_mac: bytes


def derive_keys(mrz_info: str) -> BacKeys:
    """K_seed = SHA-1(MRZ_information)[:16]; K_enc, K_mac by the KDF (Appendix D.2)."""
    seed = hashlib.sha1(mrz_info.encode("ascii")).digest()[:16]
    return BacKeys(seed, kdf(seed, ENC), kdf(seed, MAC))


@dataclass(frozen=True)
class SessionKeys:
    """Secure-messaging keys and the initial send sequence counter (Appendix D.3)."""

    ks_enc: bytes
    ks_mac: bytes
    ssc: bytes


def session_keys(k_ifd: bytes, k_ic: bytes, rnd_ic: bytes, rnd_ifd: bytes) -> SessionKeys:
    """KS_seed = K_IFD xor K_IC; SSC = last 4 bytes of RND.IC || last 4 bytes of RND.IFD."""
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic))
    return SessionKeys(kdf(seed, ENC), kdf(seed, MAC), rnd_ic[4:] + rnd_ifd[4:])


@dataclass(frozen=True)
class IfdChallenge:
    """What the reader sends in EXTERNAL AUTHENTICATE, and the secrets it must remember."""

    rnd_ifd: bytes
    k_ifd: bytes
    command_data: bytes  # E_IFD || M_IFD, 40 bytes


def ifd_authenticate(keys: BacKeys, rnd_ic: bytes, rnd_ifd: bytes | None = None,
                     k_ifd: bytes | None = None) -> IfdChallenge:
    """Build E_IFD = 3DES(K_enc, RND.IFD || RND.IC || K.IFD) and M_IFD = MAC(K_mac, E_IFD)."""
    rnd_ifd = rnd_ifd if rnd_ifd is not None else os.urandom(8)
    k_ifd = k_ifd if k_ifd is not None else os.urandom(16)
    e_ifd = des3_encrypt(keys.k_enc, rnd_ifd + rnd_ic + k_ifd)
    return IfdChallenge(rnd_ifd, k_ifd, e_ifd + retail_mac(keys.k_mac, e_ifd))


def ifd_finish(keys: BacKeys, challenge: IfdChallenge, rnd_ic: bytes,
               response: bytes) -> SessionKeys:
    """Check the chip's answer (E_IC || M_IC) and derive the session keys."""
    if len(response) != 40:
        raise BacError("证件芯片认证应答长度不对，请重新放置证件。",
                       detail=f"EXTERNAL AUTHENTICATE answer of {len(response)} bytes")
    e_ic, m_ic = response[:32], response[32:]
    if not hmac.compare_digest(retail_mac(keys.k_mac, e_ic), m_ic):
        raise BacError("证件芯片认证失败（校验码不符），请核对证件号码、出生日期和有效期。",
                       detail="M_IC mismatch")
    r = des3_decrypt(keys.k_enc, e_ic)
    if r[:8] != rnd_ic or r[8:16] != challenge.rnd_ifd:
        raise BacError("证件芯片认证失败（随机数不符），请重新放置证件。",
                       detail="RND.IC/RND.IFD mismatch")
    return session_keys(challenge.k_ifd, r[16:32], rnd_ic, challenge.rnd_ifd)


def ic_respond(keys: BacKeys, command_data: bytes, rnd_ic: bytes,
               k_ic: bytes | None = None) -> tuple[bytes, SessionKeys]:
    """The chip's side of EXTERNAL AUTHENTICATE: verify, answer E_IC || M_IC, derive keys."""
    k_ic = k_ic if k_ic is not None else os.urandom(16)
    if len(command_data) != 40:
        raise BacError("认证数据长度错误。", detail=f"{len(command_data)} bytes")
    e_ifd, m_ifd = command_data[:32], command_data[32:]
    if not hmac.compare_digest(retail_mac(keys.k_mac, e_ifd), m_ifd):
        raise BacError("认证数据校验码不符。", detail="M_IFD mismatch")
    s = des3_decrypt(keys.k_enc, e_ifd)
    rnd_ifd, k_ifd = s[:8], s[16:32]
    if s[8:16] != rnd_ic:
        raise BacError("认证随机数不符。", detail="RND.IC mismatch")
    e_ic = des3_encrypt(keys.k_enc, rnd_ic + rnd_ifd + k_ic)
    return e_ic + retail_mac(keys.k_mac, e_ic), session_keys(k_ifd, k_ic, rnd_ic, rnd_ifd)
