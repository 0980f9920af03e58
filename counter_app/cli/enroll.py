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
    p.add_argument("--accept-server-key", metavar="FINGERPRINT",
                   help="accept the server signing key with this fingerprint (SHA-256, as "
                        "printed): needed when the server presents a key other than the one "
                        "pinned at the last enrolment and no rotation statement vouches for it")
    p.set_defaults(func=run_enroll)


def run_enroll(args, ctx: Context) -> int:
    from counter_app.wiring.journal import open_journal
    from sync import enrolment, serverkey
    from sync.transport import Transport

    def transport(url, credentials):
        return Transport(url, credentials, connect_timeout_s=ctx.config["sync.connect_timeout_s"],
                         read_timeout_s=ctx.config["sync.read_timeout_s"],
                         ca_bundle=ctx.config["sync.ca_bundle"], allow_http=ctx.demo)

    with open_journal(ctx) as journal:
        result = enrolment.enroll(ctx.data_dir, journal, transport, args.server, args.office,
                                  accept_server_key=args.accept_server_key)
    print(f"enrolled machine {result.machine_id} for office {result.office_code} "
          f"({result.status}) at {result.server_url}")
    print(f"server key {result.server_key_id} fingerprint "
          f"{serverkey.fingerprint(result.server_public_key)}")
    return EXIT_OK
