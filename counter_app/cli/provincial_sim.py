"""``counter-app provincial-sim --port P --data DIR [--faults SPEC]``."""

from __future__ import annotations

from pathlib import Path

from counter_app.cli import EXIT_OK
from counter_app.context import Context
from counter_app.errors import CounterAppError


def register(sub) -> None:
    p = sub.add_parser("provincial-sim", help="run the provincial-system simulator "
                                              "(demo mode, tests, benchmarks)")
    p.add_argument("--port", type=int, required=True, metavar="P", help="TCP port on 127.0.0.1")
    p.add_argument("--data", type=Path, required=True, metavar="DIR",
                   help="the simulator's own storage directory")
    p.add_argument("--faults", metavar="SPEC", default="",
                   help="e.g. 5xx=0.1,drop=0.1,lost_ack=0.1,dup_ack=0.1,slow=0.1,timeout=0.02,"
                        "reject=0.05,married=ID+ID,seed=1 (see docs/sync-protocol.md)")
    p.add_argument("--tls-cert", type=Path, metavar="PEM",
                   help="serve https with this certificate chain (with --tls-key)")
    p.add_argument("--tls-key", type=Path, metavar="PEM", help="the certificate's private key")
    p.set_defaults(func=run_sim)


def run_sim(args, ctx: Context) -> int:
    from sync.simulator import faults
    from sync.simulator.server import SimulatorServer

    try:
        spec = faults.parse(args.faults)
    except ValueError as exc:
        raise CounterAppError(f"故障参数无效：{exc}", detail=str(exc),
                              code="sync.sim_faults") from None
    try:
        tls = (args.tls_cert, args.tls_key) if args.tls_cert and args.tls_key else None
        server = SimulatorServer(args.data, "127.0.0.1", args.port, spec, tls=tls)
    except OSError as exc:
        raise CounterAppError(f"无法在端口 {args.port} 启动模拟器：{exc.strerror}",
                              detail=repr(exc), code="sync.sim_port") from None
    print(f"provincial simulator listening on {server.url} (data {args.data})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
        server.sim.store.close()
    return EXIT_OK
