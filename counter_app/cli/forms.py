"""``counter-app forms list`` and ``counter-app forms render FORM_ID --case CASE.json --out OUT.pdf``
(each render is audited in the data dir's journal as ``cli:<OS user>``: counter_app.cli.audit)."""

from __future__ import annotations

import os
from pathlib import Path

from counter_app.cli import EXIT_OK
from counter_app.context import Context
from counter_app.errors import CounterAppError


def register(sub) -> None:
    p = sub.add_parser("forms", help="list the statutory forms or render one to PDF")
    fsub = p.add_subparsers(dest="forms_command", required=True, metavar="ACTION")
    lst = fsub.add_parser("list", help="every form id, version and title")
    lst.set_defaults(func=run_list)
    render = fsub.add_parser("render", help="fill a form from a case file and write a PDF")
    render.add_argument("form_id", metavar="FORM_ID")
    render.add_argument("--case", type=Path, required=True, metavar="CASE.json")
    render.add_argument("--out", type=Path, required=True, metavar="OUT.pdf")
    render.add_argument("--version", type=int, default=None, help="form version (default newest)")
    render.set_defaults(func=run_render)


def run_list(args, ctx: Context) -> int:
    from forms.model import available_forms, load_form

    for form_id, version in available_forms():
        form = load_form(form_id, version)
        per = "每方一页" if form.per_party else ""
        print(f"{form_id}\tv{version}\t{form.paper}\t{form.title}\t{per}".rstrip())
    return EXIT_OK


def _forms_render():
    # Imported on use: forms.qt.render paints with QtGui, which the rest of the CLI does not need.
    # (pyproject's layer contract lists this edge: the one CLI command that paints.)
    import forms.qt.render

    return forms.qt.render


def run_render(args, ctx: Context) -> int:
    # Rendering needs no window system: the offscreen platform works on a server, over SSH
    # and in CI alike (only this process is affected).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from counter_app.cli.audit import audited_print

    # The case file is read and checked (in rendering) before the journal is opened: a bad
    # file is refused with nothing written; a good one is audited, then written out.
    pdf = _forms_render().render_case_pdf(args.form_id, args.case, version=args.version)
    with audited_print(ctx, f"forms render {args.form_id}", args.case) as done:
        try:
            args.out.write_bytes(pdf)
        except OSError as err:
            raise CounterAppError(f"无法写入文件 {args.out}：{err.strerror}",
                                  code="forms.write_failed") from None
        done(args.out)
    print(f"{args.out}\t{len(pdf)} bytes")
    return EXIT_OK
