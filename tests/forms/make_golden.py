"""Regenerate the golden page images: `QT_QPA_PLATFORM=offscreen .venv/bin/python
tests/forms/make_golden.py`. Look at every changed PNG before committing it.

Each golden is the first page of `counter-app forms render FORM --case <sample case>` as
rendered by pdftoppm at 50 dpi, in greyscale.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from PySide6.QtWidgets import QApplication

from forms.model import available_forms
from forms.qt.render import render_case_pdf

GOLDEN_DPI = 50

if __name__ == "__main__":
    from formcheck import GOLDEN, case_for

    app = QApplication([])
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        for form_id, _ in available_forms():
            pdf = Path(tmp) / f"{form_id}.pdf"
            pdf.write_bytes(render_case_pdf(form_id, case_for(form_id)))
            subprocess.run(["pdftoppm", "-r", str(GOLDEN_DPI), "-png", "-f", "1", "-l", "1",
                            "-gray", str(pdf), str(Path(tmp) / form_id)], check=True)
            page = next(Path(tmp).glob(f"{form_id}-*.png"))
            Image.open(page).convert("L").save(GOLDEN / f"{form_id}.png", optimize=True)
            print(GOLDEN / f"{form_id}.png")
