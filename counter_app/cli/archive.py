"""``counter-app archive import FILE`` and ``counter-app archive search QUERY`` (补领档案库).

Both work on the data dir's encrypted archive index and journal every import and search as
``cli:<OS user>`` (docs/reissue.md gives the file columns and the JSON shapes; docs/audit.md
the audit). ``--purpose`` says why records are looked up; it is kept with the search.
"""

from __future__ import annotations

import json
from pathlib import Path

from counter_app.cli import EXIT_OK, EXIT_USAGE
from counter_app.context import Context


def register(sub) -> None:
    p = sub.add_parser("archive", help="import or search the historical archive (reissue)")
    asub = p.add_subparsers(dest="archive_command", required=True, metavar="ACTION")

    imp = asub.add_parser("import", help="import a CSV or JSON archive file (all rows or none)")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--format", choices=("csv", "json"),
                     help="file format (default: from the file name's suffix)")
    _common(imp)
    imp.set_defaults(func=run_import)

    search = asub.add_parser("search", help="search by ID number, name, pinyin, spouse, year")
    search.add_argument("query", metavar="QUERY",
                        help='e.g. "11010519601102042X", "刘秀英", "lxy 1986", "单志刚 曾淑芬"')
    search.add_argument("--purpose", default="命令行查询", metavar="TEXT",
                        help="why the records are looked up (kept in the audit; default "
                             "命令行查询)")
    _common(search)
    search.set_defaults(func=run_search)


def _common(parser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _open(ctx: Context):
    from counter_app.operators import cli_operator
    from counter_app.reissue import open_archive
    from counter_app.wiring.journal import open_journal

    journal = open_journal(ctx)
    return journal, open_archive(journal, cli_operator())


def run_import(args, ctx: Context) -> int:
    from counter_app.reissue import ArchiveImportError

    journal, archive = _open(ctx)
    try:
        report = archive.import_file(args.file, args.format)
    except ArchiveImportError as err:
        if not args.json:
            raise
        print(json.dumps(err.report.as_json(), ensure_ascii=False, indent=2))
        return EXIT_USAGE
    finally:
        archive.index.close()
        journal.close()
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    elif report.already_imported:
        print(f"该文件已导入过，未重复导入 already imported: {report.file} ({report.sha256[:12]})")
    else:
        print(f"已导入 imported {report.imported} / {report.rows} 条记录 rows: {report.file} "
              f"({report.sha256[:12]})")
    return EXIT_OK


def run_search(args, ctx: Context) -> int:
    journal, archive = _open(ctx)
    try:
        result = archive.search(args.query, purpose=args.purpose)
    finally:
        archive.index.close()
        journal.close()
    if args.json:
        print(json.dumps({"query": args.query, "kinds": result.kinds,
                          "truncated": result.truncated,
                          "results": [dict(h.record.as_json(), matched_role=h.matched_role)
                                      for h in result.hits]}, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not result.hits:
        print("没有找到相符的档案记录 no matching record")
    for hit in result.hits:
        r = hit.record
        kind = "结婚" if r.item == "marriage" else "离婚"
        print(f"{r.registration_date} {kind} {r.certificate_number} {r.office_name or r.office_code}"
              f"  男 {r.man.name} {r.man.id_number or '（无号码）'}"
              f"  女 {r.woman.name} {r.woman.id_number or '（无号码）'}  [{r.ref}]")
    if result.truncated:
        print("结果较多，只显示前 50 条：请加上配偶姓名或登记年份缩小范围 (truncated)")
    return EXIT_OK
