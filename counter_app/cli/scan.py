"""``counter-app scan IMAGE... --out OUT.jpg|OUT.pdf``: straighten photographed pages.

Each image: find the page, correct the perspective, remove residual skew, scale to the paper
at the stated resolution and store as JPEG (colour or grey; bitonal pages as 0/255 grey
JPEG, or PNG when OUT ends in .png), or all pages into one PDF when OUT ends in .pdf.
"""

from __future__ import annotations

import json
from pathlib import Path

from counter_app.cli import EXIT_OK
from counter_app.context import Context
from counter_app.errors import CounterAppError

A_RATIO = 297 / 210


def register(sub) -> None:
    p = sub.add_parser("scan", help="straighten photographed document pages (JPEG or PDF)")
    p.add_argument("images", type=Path, nargs="+", metavar="IMAGE")
    p.add_argument("--out", type=Path, required=True, metavar="OUT",
                   help="OUT.jpg (one file per page: OUT-2.jpg, ...) or OUT.pdf (all pages)")
    p.add_argument("--dpi", type=int, default=200, help="stated resolution (default 200)")
    p.add_argument("--paper", default="auto", choices=("auto", "A4", "A5", "B5", "none"),
                   help="paper size to scale to; auto: A4 when a page edge was found and the "
                        "page has A-paper proportions, else the captured size")
    p.add_argument("--mode", default="colour", choices=("colour", "grey", "bitonal"))
    p.add_argument("--require-page", action="store_true",
                   help="fail when no page edge is found (default: straighten the whole image)")
    p.add_argument("--json", action="store_true", help="print JSON, one object per page")
    p.set_defaults(func=run_scan)


def _paper_for(image, choice: str, page_found: bool) -> str | None:
    if choice == "none":
        return None
    if choice != "auto":
        return choice
    if not page_found:          # a whole camera frame (4:3 is close to A4's 1.41) is no page
        return None
    h, w = image.shape[:2]
    ratio = max(h, w) / min(h, w)
    return "A4" if abs(ratio - A_RATIO) / A_RATIO < 0.08 else None


def run_scan(args, ctx: Context) -> int:
    from counter_app.vision.archive import ArchiveOptions, page_bytes, prepare_page, write_pdf
    from counter_app.vision.document import scan_page
    from counter_app.vision.image_io import load_bgr

    if args.dpi < 50 or args.dpi > 1200:
        raise CounterAppError("分辨率应在 50 到 1200 dpi 之间", detail=f"dpi={args.dpi}",
                              code="scan.bad_dpi")
    suffix = args.out.suffix.lower()
    if suffix not in (".jpg", ".jpeg", ".png", ".pdf"):
        raise CounterAppError("输出文件应以 .jpg、.png 或 .pdf 结尾", detail=str(args.out),
                              code="scan.bad_output")
    pages, reports = [], []
    for index, path in enumerate(args.images, start=1):
        result = scan_page(load_bgr(path), require_page=args.require_page)
        options = ArchiveOptions(dpi=args.dpi, paper=_paper_for(result.image, args.paper,
                                                       result.corners is not None),
                                 mode=args.mode)
        page = prepare_page(result.image, options)
        pages.append(page)
        target = None
        if suffix != ".pdf":
            target = args.out if index == 1 else args.out.with_name(
                f"{args.out.stem}-{index}{args.out.suffix}")
            _write(target, page_bytes(page, fmt="PNG" if suffix == ".png" else "JPEG"))
        reports.append({"image": str(path), "page_found": result.corners is not None,
                        "corners": None if result.corners is None
                        else [[round(float(v), 1) for v in c] for c in result.corners],
                        "skew": round(result.skew, 2), "size": list(page.image.size),
                        "dpi": page.dpi, "effective_dpi": page.effective_dpi,
                        "out": str(target or args.out)})
    if suffix == ".pdf":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_pdf(pages, args.out)
    _print_reports(reports, args.json)
    return EXIT_OK


def _print_reports(reports: list[dict], as_json: bool) -> None:
    for report in reports:
        if as_json:
            print(json.dumps(report, ensure_ascii=False))
        else:
            found = "找到纸张边缘" if report["page_found"] else "未找到纸张边缘，已整图校正"
            print(f"{report['image']}: {found}, 倾斜 skew {report['skew']}°, "
                  f"{report['size'][0]}x{report['size'][1]} px @ {report['dpi']} dpi "
                  f"(实际 effective {report['effective_dpi']} dpi) -> {report['out']}")


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise CounterAppError(f"无法写入输出文件：{path}", detail=str(exc),
                              code="scan.write_failed") from None
