"""3DES primitives of ICAO Doc 9303 Part 11 (BAC and 3DES secure messaging).

Key derivation (§9.7.1): SHA-1(seed || counter)[:16] with DES parity adjusted. Encryption:
two-key 3DES in CBC mode with a zero IV. MAC: ISO/IEC 9797-1 MAC algorithm 3 ("retail MAC",
single DES CBC with K1, then D(K2), E(K1) on the last block) over data padded with ISO/IEC
9797-1 padding method 2 (0x80 then zeros). Checked against Doc 9303 Part 11 Appendix D.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

ZERO_IV = bytes(8)
ENC, MAC = 1, 2


def pad(data: bytes) -> bytes:
    """ISO/IEC 9797-1 padding method 2 to a multiple of 8 bytes."""
    padded = data + b"\x80"
    return padded + bytes(-len(padded) % 8)


def unpad(data: bytes) -> bytes:
    """Remove method-2 padding; ValueError if there is none."""
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise ValueError("missing ISO 9797-1 padding")
    return stripped[:-1]


def adjust_parity(key: bytes) -> bytes:
    """Set each byte's lowest bit so the byte has odd parity (DES key convention)."""
    out = bytearray()
    for b in key:
        high = b & 0xFE
        out.append(high | (high.bit_count() + 1) % 2)
    return bytes(out)


def kdf(seed: bytes, counter: int) -> bytes:
    """A 16-byte 3DES key from ``seed`` (counter 1: encryption, 2: MAC), parity adjusted."""
    digest = hashlib.sha1(seed + counter.to_bytes(4, "big")).digest()
    return adjust_parity(digest[:16])


def _tdes(key: bytes) -> TripleDES:
    # Expand to the 24-byte form (K1 K2 K1, or K K K for single DES): same cipher, and the
    # form cryptography keeps supporting (16- and 8-byte keys are deprecated there).
    if len(key) == 8:
        key = key * 3
    elif len(key) == 16:
        key = key + key[:8]
    return TripleDES(key)


def _cipher(key: bytes, iv: bytes = ZERO_IV) -> Cipher:
    return Cipher(_tdes(key), modes.CBC(iv))


def des3_encrypt(key: bytes, data: bytes) -> bytes:
    """3DES-CBC with a zero IV; ``data`` must be a multiple of 8 bytes."""
    enc = _cipher(key).encryptor()
    return enc.update(data) + enc.finalize()


def des3_decrypt(key: bytes, data: bytes) -> bytes:
    """Inverse of :func:`des3_encrypt`."""
    dec = _cipher(key).decryptor()
    return dec.update(data) + dec.finalize()


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 over ``pad(data)``; 8 bytes."""
    k1, k2 = key[:8], key[8:16]
    enc = Cipher(_tdes(k1), modes.CBC(ZERO_IV)).encryptor()  # 8-byte key = single DES
    chained = enc.update(pad(data)) + enc.finalize()
    last = chained[-8:]
    dec = Cipher(_tdes(k2), modes.ECB()).decryptor()
    step = dec.update(last) + dec.finalize()
    enc1 = Cipher(_tdes(k1), modes.ECB()).encryptor()
    return enc1.update(step) + enc1.finalize()
