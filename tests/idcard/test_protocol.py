"""SAM frames byte for byte (identity.md §1.3, checksums recomputed there), the incremental
decoder's resynchronisation, and fuzzing: any byte stream gives frames or FrameError."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.idcard import protocol
from drivers.idcard.samples import SAMPLES


def h(text: str) -> bytes:
    return bytes.fromhex(text)


@pytest.mark.parametrize("command,data,expected", [
    (protocol.FIND_CARD, b"", "AA AA AA 96 69 00 03 20 01 22"),
    (protocol.SELECT_CARD, b"", "AA AA AA 96 69 00 03 20 02 21"),
    (protocol.READ_TEXT_PHOTO, b"", "AA AA AA 96 69 00 03 30 01 32"),
    (protocol.READ_TEXT_PHOTO_FP, b"", "AA AA AA 96 69 00 03 30 10 23"),
    (protocol.SAM_STATUS, b"", "AA AA AA 96 69 00 03 11 FF ED"),
    ((0x61, 0xFF), b"\x50", "AA AA AA 96 69 00 04 61 FF 50 CA"),
])
def test_request_frames_are_byte_exact(command, data, expected):
    assert protocol.build_request(command, data) == h(expected)


def test_response_frames_are_byte_exact():
    # Find OK and select OK as published (identity.md §1.3).
    assert protocol.build_response(0x9F, bytes(4)) == h("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
    assert protocol.build_response(0x90, bytes(8)) == h(
        "AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C")


@pytest.mark.parametrize("with_fp,fp_len,total", [(False, 0, 1295), (True, 1024, 2321),
                                                  (True, 512, 1809), (True, 0, 1297)])
def test_read_response_sizes_match_the_published_totals(with_fp, fp_len, total):
    files = protocol.CardFiles(SAMPLES["resident"].files.text, bytes(1024), bytes(fp_len))
    frame = protocol.build_response(0x90, protocol.build_read_data(files, with_fp))
    assert len(frame) == total
    start = 16 if with_fp else 14  # 30 01: text at frame offset 14; 30 10 adds a third length
    assert frame[start:start + 256] == files.text
    body = protocol.decode_frame(frame)
    back = protocol.split_read_data(protocol.parse_response_body(body).data, with_fp)
    assert back == files


def test_decoder_skips_garbage_and_partial_preambles():
    frame = protocol.build_response(0x9F, bytes(4))
    dec = protocol.FrameDecoder()
    dec.feed(b"\x00\xff\xaa\xaa\x96\xaa\xaa\xaa" + frame)
    assert dec.next_body() == frame[7:-1]
    assert dec.discarded == 8
    assert dec.next_body() is None


def test_decoder_handles_a_frame_split_at_every_byte():
    frame = protocol.build_response(0x90, b"hello")
    dec = protocol.FrameDecoder()
    bodies = []
    for b in b"\x13\x37" + frame + frame:
        dec.feed(bytes([b]))
        body = dec.next_body()
        if body is not None:
            bodies.append(body)
    assert bodies == [frame[7:-1]] * 2


def test_bad_checksum_raises_once_then_the_stream_continues():
    good = protocol.build_response(0x90, b"ok")
    bad = good[:-1] + bytes([good[-1] ^ 1])
    dec = protocol.FrameDecoder()
    dec.feed(bad + good)
    with pytest.raises(protocol.FrameError) as err:
        dec.next_body()
    assert "校验" in err.value.message_zh
    assert dec.next_body() == good[7:-1]


def test_absurd_length_is_treated_as_noise():
    good = protocol.build_response(0x80)
    dec = protocol.FrameDecoder()
    dec.feed(protocol.PREAMBLE + b"\xff\xff" + good)
    assert dec.next_body() == good[7:-1]


def test_split_read_data_rejects_inconsistent_lengths():
    data = protocol.build_read_data(SAMPLES["hmt"].files, False)
    with pytest.raises(protocol.FrameError):
        protocol.split_read_data(data[:-1], False)
    with pytest.raises(protocol.FrameError):
        protocol.split_read_data(b"\x00", False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=40), st.just(protocol.PREAMBLE),
                          st.builds(protocol.build_response, st.integers(0, 255),
                                    st.binary(max_size=30))), max_size=12))
def test_fuzzed_streams_give_frames_or_frame_errors(chunks):
    dec = protocol.FrameDecoder()
    for chunk in chunks:
        dec.feed(chunk)
        for _ in range(50):
            try:
                body = dec.next_body()
            except protocol.FrameError:
                continue
            if body is None:
                break
            assert len(body) >= 1
            protocol.parse_response_body(body) if len(body) >= 3 else None


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 255), st.binary(max_size=3000))
def test_build_and_decode_round_trip(sw3, data):
    frame = protocol.build_response(sw3, data)
    resp = protocol.parse_response_body(protocol.decode_frame(b"\x00junk" + frame))
    assert (resp.sw3, resp.data) == (sw3, data)


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.binary(max_size=1400),
    st.builds(lambda sw3, data: protocol.build_response(sw3, data),
              st.sampled_from([0x90, 0x41, 0x80, 0x91, 0x33]), st.binary(max_size=1300)),
    st.builds(lambda head, block: protocol.build_response(0x90, head + block),
              st.sampled_from([b"\x01\x00\x04\x00", b"\x01\x00\x00\x00", b"\x01\x00\x00\x10"]),
              st.binary(min_size=256, max_size=300))))
def test_fuzzed_files_for_idcard_parse_give_a_record_or_a_typed_error(data):
    from counter_app.errors import CounterAppError
    from drivers.idcard.parse_input import record_from_bytes

    try:
        record = record_from_bytes(data)
    except CounterAppError as exc:
        assert exc.message_zh
        return
    assert record.card_type in ("resident", "hmt_residence_permit", "foreign_2017",
                                "foreign_2023")


class _RandomLine:
    """A transport whose far end answers every request with the given bytes."""

    address = "fuzz"

    def __init__(self, answers):
        self.answers, self.pending = list(answers), b""

    def write(self, data):
        self.pending += self.answers.pop(0) if self.answers else b""

    def read(self, size, timeout):
        out, self.pending = self.pending[:size], self.pending[size:]
        return out

    def discard_input(self):
        pass

    def close(self):
        pass


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=64),
                          st.builds(protocol.build_response, st.integers(0, 255),
                                    st.binary(max_size=16))), max_size=6))
def test_a_reader_on_a_noisy_line_returns_or_raises_device_errors(answers):
    from counter_app.errors import CounterAppError
    from drivers.idcard.sam_reader import SamReader

    reader = SamReader(_RandomLine(answers), timeout=0.01)
    try:
        reader.read_card()
    except CounterAppError as exc:  # DeviceError, or CardDataError for unparseable card data
        assert exc.message_zh
