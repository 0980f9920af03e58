"""Per-printer calibration profiles, made from a printed calibration page and kept in the journal.

The calibration page (form ``printer_calibration``) carries two crosses at known positions.
A technician (the permission table's ``device.calibrate``) prints it on a spoiled blank or plain paper cut to size, measures with a ruler
where the crosses landed (millimetres from the paper's left and top edges) and enters the
figures. The printer is taken to map a nominal position n to ``offset + scale * n`` on each
axis; the profile is the correction that undoes it, in the form the painter applies
(forms.qt.painter.Calibration: drawn = offset' + scale' * n).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlite_utils

from counter_app.errors import CounterAppError
from counter_app.journal import Journal, projection
from counter_app.journal.entry import Entry
from counter_app.operators import require
from counter_app.printing.kinds import KIND_PRINTER_CALIBRATED

#: Centres of the two crosses of the calibration page, in mm (forms/definitions/
#: printer_calibration/v1.toml draws them there).
NOMINAL_MARKS = ((20.0, 20.0), (170.0, 108.0))
MAX_OFFSET_MM = 15.0
MAX_SCALE_ERROR = 0.05


class CalibrationError(CounterAppError):
    """A calibration is missing or its measurements cannot be right."""

    code = "printing.calibration"


@dataclass(frozen=True)
class CalibrationProfile:
    """The correction for one printer (same fields as forms.qt.painter.Calibration)."""

    printer: str
    offset_x_mm: float
    offset_y_mm: float
    scale_x: float
    scale_y: float

    def correction(self) -> dict[str, float]:
        """Keyword arguments for forms.qt.painter.Calibration (built by the Qt side)."""
        return {"offset_x_mm": self.offset_x_mm, "offset_y_mm": self.offset_y_mm,
                "scale_x": self.scale_x, "scale_y": self.scale_y}


def _axis(nominal: tuple[float, float], measured: tuple[float, float], axis: str):
    (n1, n2), (m1, m2) = nominal, measured
    scale = (m2 - m1) / (n2 - n1)
    offset = m1 - scale * n1
    if abs(scale - 1) > MAX_SCALE_ERROR or abs(offset) > MAX_OFFSET_MM:
        raise CalibrationError(
            f"{axis}方向的测量值不合理（偏移 {offset:.1f} mm，比例 {scale:.3f}）。请确认量的是"
            "十字中心到纸张边缘的距离，单位为毫米，然后重新输入。",
            detail=f"{axis}: offset {offset:.2f} scale {scale:.4f}")
    return 1 / scale, -offset / scale


def profile_from_measurement(printer: str, measured: tuple[tuple[float, float],
                                                        tuple[float, float]]) -> CalibrationProfile:
    """The correction for ``printer`` from where the two crosses were measured (x, y) in mm."""
    (x1, y1), (x2, y2) = measured
    (nx1, ny1), (nx2, ny2) = NOMINAL_MARKS
    scale_x, off_x = _axis((nx1, nx2), (x1, x2), "横")
    scale_y, off_y = _axis((ny1, ny2), (y1, y2), "纵")
    return CalibrationProfile(printer, round(off_x, 3), round(off_y, 3), round(scale_x, 5),
                              round(scale_y, 5))


def calibrate(journal: Journal, printer: str, measured, *, operator: str):
    """A technician's calibration of ``printer`` from the measured crosses: the profile is
    computed and journaled (CalibrationError when the figures cannot be right)."""
    require(journal, operator, "device.calibrate", record=printer)
    return save_profile(journal, profile_from_measurement(printer, measured), measured,
                        operator=operator)


def save_profile(journal: Journal, profile: CalibrationProfile, measured, *, operator: str):
    """Journal the profile ("printer.calibrated"); the newest one per printer is in force.
    Unguarded: :func:`calibrate` is the technician's way in; the demo's set-up calls this."""
    payload = asdict(profile) | {"measured": [list(m) for m in measured],
                                 "nominal": [list(n) for n in NOMINAL_MARKS]}
    return journal.append(KIND_PRINTER_CALIBRATED, payload, operator=operator)


def is_calibrated(journal: Journal, printer: str) -> bool:
    """Whether ``printer`` has a calibration profile in force."""
    return bool(journal.query("SELECT 1 FROM printer_calibration WHERE printer = ?", [printer]))


def load_profile(journal: Journal, printer: str) -> CalibrationProfile:
    """The profile in force for ``printer``; CalibrationError when it was never calibrated."""
    rows = journal.query("SELECT * FROM printer_calibration WHERE printer = ?", [printer])
    if not rows:
        raise CalibrationError(f"打印机“{printer}”尚未校准。请先打印校准页、测量并保存，"
                               "再打印证书，以免浪费空白证。", code="printing.not_calibrated")
    r = rows[0]
    return CalibrationProfile(printer, r["offset_x_mm"], r["offset_y_mm"], r["scale_x"],
                              r["scale_y"])


def calibrate_as_perfect(journal: Journal, printer: str, *, operator: str) -> None:
    """Demo and training printers (PDF files) are calibrated once as a perfect printer, as a
    technician would calibrate a real one before its first certificate."""
    if not is_calibrated(journal, printer):
        save_profile(journal, profile_from_measurement(printer, NOMINAL_MARKS), NOMINAL_MARKS,
                     operator=operator)


@projection("printer_calibration", version=1, tables=("printer_calibration",), schema=(
    """CREATE TABLE printer_calibration (
        printer TEXT PRIMARY KEY, offset_x_mm REAL NOT NULL, offset_y_mm REAL NOT NULL,
        scale_x REAL NOT NULL, scale_y REAL NOT NULL, operator TEXT, seq INTEGER NOT NULL)""",))
def apply_calibration(db: sqlite_utils.Database, entry: Entry) -> None:
    """The newest calibration of each printer."""
    if entry.kind == KIND_PRINTER_CALIBRATED:
        p = entry.payload
        db.execute("INSERT OR REPLACE INTO printer_calibration VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [p["printer"], p["offset_x_mm"], p["offset_y_mm"], p["scale_x"],
                    p["scale_y"], entry.operator, entry.seq])
