"""Form definitions as data: loading, validation and layout (pure Python, no Qt).

A form definition is a TOML file ``forms/definitions/<form_id>/v<N>.toml``. It names the
paper, says where its layout comes from (``layout_note``), and lists items in millimetres
from the top-left corner of the page. ``table`` items are laid out here into label/value
cells, so the painter only ever sees absolute boxes (:class:`Box`) and tests can check every
field's position without Qt. docs/forms.md describes the format.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from counter_app.errors import CounterAppError

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

#: Paper sizes in millimetres (width, height). ``certificate`` is the inner page of a
#: 结婚证/离婚证 booklet opened flat (two pages of about 9.5 cm x 12.8 cm side by side, fed
#: horizontally). [M] the size is from a secondary source (law.md §4 [F]); the per-printer
#: calibration (counter_app/printing) absorbs the difference from real blanks.
PAPERS: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "certificate": (190.0, 128.0)}

ITEM_TYPES = ("text", "paragraph", "field", "table", "image", "signature", "fingerprint",
              "line", "rect")
_PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")


class FormError(CounterAppError):
    """A form definition or the data for a form is unusable."""

    code = "forms.invalid"


@dataclass(frozen=True)
class Box:
    """A rectangle in millimetres: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Item:
    """One laid-out thing to paint: static text, a labelled value, an image slot, a line."""

    kind: str                    # text | paragraph | value | label | image | signature |
    box: Box                     # fingerprint | line | rect | cell
    text: str = ""               # static text or a template with {key} placeholders
    key: str = ""                # data key of a value or an image slot
    size: float = 10.5           # font size in points
    align: str = "left"          # left | center | right
    bold: bool = False
    border: bool = False
    required: bool = False
    fmt: str = ""                # "" | date | choice
    choices: tuple[str, ...] = ()
    #: Printed on the blank already (certificate labels): shown in the preview and the PDF
    #: copy, never sent to the certificate printer.
    preprinted: bool = False
    label: str = ""              # the label of a table value (for messages)


@dataclass(frozen=True)
class FormDefinition:
    """A versioned statutory form: metadata and its laid-out items."""

    form_id: str
    version: int
    title: str
    paper: str
    layout_note: str
    legal_basis: str
    per_party: bool
    items: tuple[Item, ...]
    effective_from: str = ""

    @property
    def page_size_mm(self) -> tuple[float, float]:
        """The page size in millimetres (width, height)."""
        return PAPERS[self.paper]

    def keys(self) -> list[str]:
        """Every data key the form shows (values, template placeholders and image slots)."""
        seen: list[str] = []
        for item in self.items:
            for key in ([item.key] if item.key else []) + _PLACEHOLDER.findall(item.text):
                if key not in seen:
                    seen.append(key)
        return seen

    def label_for(self, key: str) -> str:
        """The label a key's value is shown under (the key itself when it has none)."""
        return next((i.label for i in self.items if i.key == key and i.label), key)

    def required_keys(self) -> list[str]:
        """The keys that must have a value before the form may be printed."""
        return [i.key for i in self.items if i.required and i.key]


def available_forms() -> list[tuple[str, int]]:
    """Every (form_id, version) defined under forms/definitions, sorted."""
    found = []
    for path in sorted(DEFINITIONS_DIR.glob("*/v*.toml")):
        found.append((path.parent.name, int(path.stem[1:])))
    return found


def load_form(form_id: str, version: int | None = None) -> FormDefinition:
    """Load and lay out a form definition; the newest version unless one is named."""
    versions = [v for f, v in available_forms() if f == form_id]
    if not versions:
        raise FormError(f"没有这个表格：{form_id}。可用的表格见 counter-app forms list。",
                        detail=f"unknown form {form_id!r}", code="forms.unknown")
    chosen = max(versions) if version is None else version
    if chosen not in versions:
        raise FormError(f"表格 {form_id} 没有第 {chosen} 版。", code="forms.unknown_version")
    return _load(DEFINITIONS_DIR / form_id / f"v{chosen}.toml")


@lru_cache(maxsize=64)
def _load(path: Path) -> FormDefinition:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise FormError(f"表格定义文件有误：{path.name}", detail=str(err)) from err
    return parse_definition(raw, path.parent.name, int(path.stem[1:]))


def parse_definition(raw: dict[str, Any], form_id: str, version: int) -> FormDefinition:
    """Validate a definition's raw TOML data and lay its tables out into items."""
    for key in ("title", "paper", "layout_note", "items"):
        if key not in raw:
            raise FormError(f"表格 {form_id} 的定义缺少 {key}。", code="forms.definition")
    if raw["paper"] not in PAPERS:
        raise FormError(f"表格 {form_id} 的纸张 {raw['paper']} 未知。", code="forms.definition")
    items: list[Item] = []
    for n, spec in enumerate(raw["items"]):
        kind = spec.get("type")
        if kind not in ITEM_TYPES:
            raise FormError(f"表格 {form_id} 第 {n + 1} 项的类型 {kind} 未知。",
                            code="forms.definition")
        items.extend(_table(spec) if kind == "table" else [_item(spec, kind)])
    width, height = PAPERS[raw["paper"]]
    for item in items:
        b = item.box
        if b.x < 0 or b.y < 0 or b.x + b.w > width + 0.01 or b.y + b.h > height + 0.01:
            raise FormError(f"表格 {form_id} 的 {item.key or item.text[:10]} 超出纸张。",
                            detail=f"{b} outside {width}x{height}", code="forms.definition")
    return FormDefinition(form_id, version, raw["title"], raw["paper"], raw["layout_note"],
                          raw.get("legal_basis", ""), bool(raw.get("per_party", False)),
                          tuple(items), raw.get("effective_from", ""))


def _item(spec: dict[str, Any], kind: str) -> Item:
    box = Box(*[float(v) for v in spec["box"]])
    kind = "value" if kind == "field" else kind
    return Item(kind, box, text=spec.get("text", ""), key=spec.get("key", ""),
                size=float(spec.get("size", 10.5)), align=spec.get("align", "left"),
                bold=bool(spec.get("bold", False)), border=bool(spec.get("border", False)),
                required=bool(spec.get("required", False)), fmt=spec.get("format", ""),
                choices=tuple(spec.get("choices", ())),
                preprinted=bool(spec.get("preprinted", False)))


def _table(spec: dict[str, Any]) -> list[Item]:
    """Lay a grid of label/value cells out row by row (``columns`` pairs per row)."""
    left, top, width = float(spec["left"]), float(spec["top"]), float(spec["width"])
    row_h, label_w = float(spec.get("row_height", 10)), float(spec.get("label_width", 30))
    columns, size = int(spec.get("columns", 1)), float(spec.get("size", 10.5))
    preprinted = bool(spec.get("preprinted_labels", False))
    pair_w = width / columns
    items: list[Item] = []
    col, y = 0, top
    for cell in spec["cells"]:
        span = min(int(cell.get("span", 1)), columns)
        if col + span > columns:
            col, y = 0, y + row_h
        rows = float(cell.get("rows", 1))
        x = left + col * pair_w
        lw = float(cell.get("label_width", label_w))
        h = row_h * rows
        items.append(Item("label", Box(x, y, lw, h), text=cell["label"], size=size,
                          align="center", border=not preprinted, preprinted=preprinted))
        items.append(Item("cell" if "text" in cell else "value",
                          Box(x + lw, y, pair_w * span - lw, h), text=cell.get("text", ""),
                          key=cell.get("key", ""), size=float(cell.get("size", size)),
                          border=not preprinted, required=bool(cell.get("required", False)),
                          label=cell["label"],
                          fmt=cell.get("format", ""), choices=tuple(cell.get("choices", ()))))
        col += span
        if rows > 1 or col >= columns:
            col, y = 0, y + h
    return items


def fill_template(text: str, values: dict[str, Any]) -> str:
    """Replace ``{key}`` placeholders with formatted values (empty when missing)."""
    return _PLACEHOLDER.sub(lambda m: format_value(values.get(m.group(1)), ""), text)


def format_value(value: Any, fmt: str) -> str:
    """The text shown for a value: dates as 2026年11月22日, lists joined, None empty."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "；".join(format_value(v, fmt) for v in value)
    text = str(value)
    if fmt == "date" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
        if match:
            y, m, d = match.groups()
            return f"{y}年{m}月{d}日"
    return text


@dataclass
class FormData:
    """The values for one rendering of a form: text values and image slots (bytes)."""

    values: dict[str, Any] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)
    #: Signature pen strokes per slot: (pad width, pad height, strokes of (x, y, pressure)
    #: in pad units), as drivers.signature.model.Signature.for_form() gives them.
    strokes: dict[str, tuple[float, float, list[list[tuple[float, float, float]]]]] = field(
        default_factory=dict)
    #: Charts per slot (``chart`` items, reports): forms.charts.ChartSpec, drawn as vectors.
    charts: dict[str, Any] = field(default_factory=dict)

    def missing(self, form: FormDefinition) -> list[str]:
        """Required keys without a value (the form must not be printed blank there)."""
        return [k for k in form.required_keys()
                if not self.values.get(k) and k not in self.images and k not in self.strokes]
