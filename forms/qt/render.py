"""High-level rendering: a form for a case file, as PDF bytes or preview images."""

from __future__ import annotations

from pathlib import Path

from forms.case_data import load_case, pages_for
from forms.model import FormData, FormDefinition, FormError, load_form
from forms.qt.pdf import render_pdf


def ensure_gui_application() -> None:
    """QPainter needs a QGuiApplication; create one (offscreen-capable) when none exists."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        ensure_gui_application.app = QGuiApplication(["counter-app-forms"])  # keep it alive


def case_pages(form_id: str, case_path: Path,
               version: int | None = None) -> list[tuple[FormDefinition, FormData]]:
    """The filled pages of a form for the case in ``case_path`` (paths relative to it)."""
    form = load_form(form_id, version)
    pages = pages_for(form, load_case(case_path), Path(case_path).resolve().parent)
    for _, data in pages:
        missing = data.missing(form)
        if missing:
            labels = "、".join(f"{form.label_for(k)}（{k}）" for k in missing)
            raise FormError(f"{form.title}缺少必填内容：{labels}。法定表格不得留空。",
                            code="forms.missing_field")
    return pages


def render_case_pdf(form_id: str, case_path: Path, version: int | None = None) -> bytes:
    """Render a form for a case file into PDF bytes (deterministic)."""
    ensure_gui_application()
    pages = case_pages(form_id, case_path, version)
    return render_pdf(pages, f"{pages[0][0].title} {pages[0][1].values.get('case.date', '')}")


def render_spec_pages(specs, title: str) -> bytes:
    """One PDF from page specifications (form_id, values, images), e.g. the case archive
    file that counter_app.archive_file orders; each page is checked for required values."""
    ensure_gui_application()
    pages = []
    for form_id, values, images in specs:
        form = load_form(form_id)
        data = FormData(dict(values), dict(images))
        pages.append((form, data))
    return render_pdf(pages, title)
