"""``counter-app enroll --server URL --office CODE``: register this machine's key."""

from __future__ import annotations

from counter_app.cli import EXIT_OK
from counter_app.context import Context


def register(sub) -> None:
    p = sub.add_parser("enroll", help="register this machine with the provincial system "
                                      "for an office (technicians, once per machine)")
    p.add_argument("--server", required=True, metavar="URL", help="provincial exchange API URL")
    p.add_argument("--office", required=True, metavar="CODE",
                   help="the office's 6-digit division code, e.g. 110101")
    p.set_defaults(func=run_enroll)


def run_enroll(args, ctx: Context) -> int:
    from counter_app.wiring.journal import open_journal
    from sync import enrolment
    from sync.transport import Transport

    def transport(url, credentials):
        return Transport(url, credentials, connect_timeout_s=ctx.config["sync.connect_timeout_s"],
                         read_timeout_s=ctx.config["sync.read_timeout_s"])

    with open_journal(ctx) as journal:
        result = enrolment.enroll(ctx.data_dir, journal, transport, args.server, args.office)
    print(f"enrolled machine {result.machine_id} for office {result.office_code} "
          f"({result.status}) at {result.server_url}")
    return EXIT_OK
