"""PDF and image output of the one painter, byte-for-byte reproducible.

:func:`render_pdf` paints pages with QPdfWriter (PDF/A-1b mode: Qt writes the XMP metadata and
the sRGB output intent; [M] not validated here, no veraPDF on the build machines) and then
repairs the text layer: Qt's ToUnicode maps only cover the Basic Multilingual Plane, so
characters such as 𠮷 (U+20BB7) would draw correctly but not be extractable or searchable.
Qt numbers the glyphs of each embedded font in the order they are first drawn, and the painter
records what it drew, so the missing entries can be put back exactly (and are checked).

The output is deterministic (fixed document id and dates), so the SHA-256 of a rendered
document identifies its content: signatures are bound to that hash (forms/qt/signing.py).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import struct
import uuid
from collections.abc import Sequence

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QSizeF, QUuid
from PySide6.QtGui import QImage, QPagedPaintDevice, QPageLayout, QPageSize, QPainter, QPdfWriter

from forms.qt import fonts
from forms.model import FormData, FormDefinition, FormError
from forms.qt.painter import Calibration, PaintRecord, check_page, paint_page

PDF_DPI = 300
#: Fixed timestamp written into every PDF (Info and XMP) so renderings are reproducible;
#: the real time of rendering is in the journal entry that stores the document.
FIXED_PDF_DATE = "2000-01-01T00:00:00"
_ID_NAMESPACE = uuid.UUID("6f1c1e52-5a0e-4c8f-9d0a-2f6c7f4b8a11")

Page = tuple[FormDefinition, FormData]


def page_size(form: FormDefinition) -> QPageSize:
    """The QPageSize of a form's paper, in millimetres."""
    width, height = form.page_size_mm
    return QPageSize(QSizeF(width, height), QPageSize.Unit.Millimeter, form.paper,
                     QPageSize.SizeMatchPolicy.ExactMatch)


def render_pdf(pages: Sequence[Page], title: str, *, pdfa: bool = True,
               calibration: Calibration | None = None) -> bytes:
    """Paint ``pages`` (form, data) into one PDF and return its bytes (deterministic for the
    same input); each page has its form's paper size."""
    if not pages:
        raise FormError("没有要输出的页面。", code="forms.empty")
    raw, runs = _paint_pdf(pages, title, pdfa, calibration)
    return fix_text_layer(raw, runs)


def _paint_pdf(pages: Sequence[Page], title: str, pdfa: bool,
               calibration: Calibration | None) -> tuple[bytes, list]:
    fonts.families()
    for form, data in pages:
        check_page(form, data)  # before the painter starts: never a half-written PDF
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setTitle(title)
    writer.setCreator("counter-app forms")
    writer.setDocumentId(QUuid(str(uuid.uuid5(_ID_NAMESPACE, title))))
    if pdfa:
        writer.setPdfVersion(QPagedPaintDevice.PdfVersion.PdfVersion_A1b)
    record, painter_box = PaintRecord(), []
    try:
        _paint_all(writer, pages, calibration, record, painter_box)
    finally:
        for painter in painter_box:
            if painter.isActive():
                painter.end()
    buffer.close()
    return _fix_dates(bytes(buffer.data())), record.runs


def _paint_all(writer: QPdfWriter, pages: Sequence[Page], calibration: Calibration | None,
               record: PaintRecord, painter_box: list) -> None:
    painter: QPainter | None = None
    for index, (form, data) in enumerate(pages):
        writer.setPageLayout(QPageLayout(page_size(form), QPageLayout.Orientation.Portrait,
                                         QMarginsF(0, 0, 0, 0)))
        if painter is None:
            painter = QPainter(writer)
            painter_box.append(painter)
        elif index:
            writer.newPage()
        paint_page(painter, form, data, calibration, record)


def render_image(form: FormDefinition, data: FormData, dpi: int = 100,
                 calibration: Calibration | None = None) -> QImage:
    """Paint one page into a white QImage at ``dpi`` (the preview; tests compare it)."""
    return _paint_image(form, data, dpi, calibration)


def _paint_image(form: FormDefinition, data: FormData, dpi: int,
                 calibration: Calibration | None) -> QImage:
    fonts.families()
    width_mm, height_mm = form.page_size_mm
    # Rounded up, as PDF rasterisers (pdftoppm) size their pages.
    image = QImage(math.ceil(width_mm / 25.4 * dpi), math.ceil(height_mm / 25.4 * dpi),
                   QImage.Format.Format_RGB32)
    # The page is laid out at the PDF's resolution and scaled down by the painter: fonts are
    # sized in whole device pixels, so laying text out at 100 dpi would set it a little
    # narrower than the 300 dpi PDF. This way the preview is the PDF, only smaller.
    image.setDotsPerMeterX(round(PDF_DPI / 0.0254))
    image.setDotsPerMeterY(round(PDF_DPI / 0.0254))
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    try:
        painter.scale(dpi / PDF_DPI, dpi / PDF_DPI)
        paint_page(painter, form, data, calibration)
    finally:
        painter.end()
    return image


def _fix_dates(raw: bytes) -> bytes:
    """Replace Qt's 'now' timestamps by fixed ones of the same length (offsets unchanged)."""
    def same_length(match: re.Match[bytes], fixed: bytes) -> bytes:
        old = match.group(2)
        return match.group(1) + (fixed + b"0" * len(old))[:len(old)]

    raw = re.sub(rb"(/(?:CreationDate|ModDate) \()(D:[0-9]{14})",
                 lambda m: same_length(m, b"D:20000101000000"), raw)
    return re.sub(rb"(xmp:(?:CreateDate|ModifyDate|MetadataDate)(?:=\"|>))([0-9T:+\-]+)",
                  lambda m: same_length(m, b"2000-01-01T00:00:00+00:00"), raw)


def fix_text_layer(raw: bytes, runs: Sequence[tuple[int, list[tuple[int, str]]]]) -> bytes:
    """Rewrite each embedded font's ToUnicode map from what was drawn; return the new PDF.

    Qt's maps have two faults: characters beyond U+FFFF get no entry, and a glyph shared by
    a CJK radical and an ideograph (人 and ⼈ U+2F08) maps to the radical, so "本人" would be
    extracted as "本⼈"; glyphs chosen by shaping (Noto's digit alternates in an ID number)
    get no entry either. Qt numbers each font's glyphs in the order they are first drawn; the
    painter recorded the shaped glyph runs, so CID k is the k-th distinct glyph drawn. Every
    entry Qt did write is checked against that before the map is replaced.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
    writer.pdf_header = raw.split(b"\n", 1)[0]  # keep Qt's %PDF-1.4 (PDF/A-1 is PDF 1.4)
    order = _glyph_order(runs)
    for font in _document_fonts(writer):
        base = str(font.get("/BaseFont", ""))
        index = _font_index(base)
        if index is None:
            continue
        qt_map = _parse_cmap(font["/ToUnicode"].get_object().get_data().decode("latin-1"))
        mapping = _verified_mapping(qt_map, order.get(index, []), index,
                                    _glyph_count(font), base)
        stream = StreamObject()
        stream.set_data(_write_cmap(mapping).encode("ascii"))
        font[NameObject("/ToUnicode")] = writer._add_object(stream)
        _stable_subset_tag(font)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stable_subset_tag(font) -> None:
    """Qt's subset tag ("QUAAAA+") depends on how many fonts the process embedded before;
    derive it from the embedded font's bytes instead, so renderings are reproducible."""
    from pypdf.generic import NameObject

    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    digest = hashlib.sha256(descriptor["/FontFile2"].get_object().get_data()).digest()
    tag = "".join(chr(ord("A") + b % 26) for b in digest[:6])
    for obj, key in ((font, "/BaseFont"), (descendant, "/BaseFont"), (descriptor, "/FontName")):
        if key in obj:
            name = str(obj[key]).lstrip("/")
            stem = name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name
            obj[NameObject(key)] = NameObject(f"/{tag}+{stem}")


def _glyph_order(runs) -> dict[int, list[tuple[int, str]]]:
    """Per font, the distinct (glyph, character) pairs in first-use order (CID 1, 2, ...)."""
    order: dict[int, list[tuple[int, str]]] = {}
    seen: dict[int, set[int]] = {}
    for index, pairs in runs:
        glyphs = seen.setdefault(index, {0})
        for glyph, char in pairs:
            if glyph not in glyphs:
                glyphs.add(glyph)
                order.setdefault(index, []).append((glyph, char))
    return order


def _verified_mapping(qt_map: dict[int, str], order: list[tuple[int, str]], index: int,
                      count: int, base: str) -> dict[int, str]:
    def fail(why: str) -> FormError:
        return FormError("生成 PDF 时文字层无法校验，请联系技术人员。", detail=f"{base}: {why}",
                         code="forms.pdf_text_layer")

    if len(order) != count - 1:
        raise fail(f"{count - 1} glyphs embedded, {len(order)} drawn")
    mapping: dict[int, str] = {}
    for cid, (glyph, char) in enumerate(order, start=1):
        written = qt_map.get(cid)
        if written and len(written) == 1 and fonts.glyph_index(index, written) != glyph:
            raise fail(f"CID {cid}: Qt wrote U+{ord(written):04X}, drawn glyph {glyph}")
        if char and not char.isspace():
            mapping[cid] = char
        elif written:
            mapping[cid] = written
    return mapping


def _parse_cmap(cmap: str) -> dict[int, str]:
    """CID -> text from a ToUnicode CMap (bfrange with arrays or start values, bfchar)."""
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for lo, hi, rest in re.findall(r"<(\w+)>\s*<(\w+)>\s*(\[[^\]]*\]|<\w+>)", block):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                for offset, value in enumerate(re.findall(r"<(\w+)>", rest)):
                    mapping[lo_i + offset] = _decode_utf16(value)
            else:
                start = int(rest[1:-1], 16)
                for offset in range(hi_i - lo_i + 1):
                    mapping[lo_i + offset] = chr(start + offset)
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for cid, value in re.findall(r"<(\w+)>\s*<(\w+)>", block):
            mapping[int(cid, 16)] = _decode_utf16(value)
    return {cid: text for cid, text in mapping.items() if cid and text != "\x00"}


def _write_cmap(mapping: dict[int, str]) -> str:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):  # at most 100 entries per block (PDF 32000 9.10.3)
        chunk = items[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{cid:04X}> <{text.encode('utf-16-be').hex().upper()}>" for cid, text in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines) + "\n"


def _decode_utf16(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be", errors="replace")


def _font_index(base_font: str) -> int | None:
    stem = base_font.lstrip("/").split("+")[-1]
    return fonts.FONT_PS_NAMES.index(stem) if stem in fonts.FONT_PS_NAMES else None


def _document_fonts(writer) -> list:
    seen, found = set(), []
    for page in writer.pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        for ref in (font_dict.get_object().values() if font_dict else []):
            font = ref.get_object()
            if id(font) not in seen and "/ToUnicode" in font:
                seen.add(id(font))
                found.append(font)
    return found


def _glyph_count(font) -> int:
    """Glyphs in the embedded subset: numGlyphs of the embedded TrueType's maxp table."""
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    data = descriptor["/FontFile2"].get_object().get_data()
    tables = struct.unpack(">H", data[4:6])[0]
    for n in range(tables):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * n:28 + 16 * n])
        if tag == b"maxp":
            return struct.unpack(">H", data[offset + 4:offset + 6])[0]
    raise FormError("生成 PDF 时字体数据异常，请联系技术人员。", detail="no maxp table",
                    code="forms.pdf_text_layer")
