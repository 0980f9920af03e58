"""Sync goodput over a shaped, lossy link, against a naive uploader in the same run.

    ./dev bench sync [--cases 6] [--scans 3] [--scan-kb 200] [--cut-every 20] [--cut-for 8]

Needs root (Linux): it creates two network namespaces joined by a veth pair (10.77.77.1 and
10.77.77.2, nothing else is reachable), shapes both directions with tbf at 1 Mbit/s and drops
5 % of packets at random both ways with nftables (the kernel has no netem,
../shared/reference/feasibility.md §8), runs the provincial simulator in one namespace and
the client in the other, and removes everything at the end (also on Ctrl-C or error).

Scenarios: the sync engine (signed, resumable 256 KB chunks) and a naive uploader (one
requests.post per file, restarting a failed file from byte 0), each on the lossy link and on
the lossy link cut completely for --cut-for seconds every --cut-every seconds. Goodput is the
attachment bytes delivered divided by the elapsed time, as a fraction of 1 Mbit/s. After each
engine run the simulator's storage is checked: every entry and attachment present once and
byte-identical (duplicates and losses are reported, not assumed).
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLI_NS, SRV_NS = "casync_c", "casync_s"
CLI_IF, SRV_IF = "casync_vc", "casync_vs"
CLI_IP, SRV_IP = "10.77.77.1", "10.77.77.2"
SYNC_PORT, NAIVE_PORT = 8080, 8081
LINK_BPS = 1_000_000
PY = sys.executable


# The journals made here keep their keys and anchors in a temporary key dir, not the
# user's (journal.key_dir).
KEY_DIR = tempfile.mkdtemp(prefix="counter-app-bench-keys-")
atexit.register(shutil.rmtree, KEY_DIR, True)
os.environ["COUNTER_APP_JOURNAL_KEY_DIR"] = KEY_DIR


def sh(*cmd: str, check: bool = True, input_: str | None = None) -> None:
    subprocess.run(cmd, check=check, input=input_, text=True, timeout=30,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL if not check else None)


def setup_link() -> None:
    teardown_link()
    sh("ip", "netns", "add", CLI_NS)
    sh("ip", "netns", "add", SRV_NS)
    sh("ip", "link", "add", CLI_IF, "netns", CLI_NS, "type", "veth", "peer", "name", SRV_IF,
       "netns", SRV_NS)
    for ns, dev, ip in ((CLI_NS, CLI_IF, CLI_IP), (SRV_NS, SRV_IF, SRV_IP)):
        sh("ip", "-n", ns, "addr", "add", f"{ip}/24", "dev", dev)
        sh("ip", "-n", ns, "link", "set", dev, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "netns", "exec", ns, "ethtool", "-K", dev, "tso", "off", "gso", "off", "gro",
           "off", check=False)
        sh("tc", "-n", ns, "qdisc", "add", "dev", dev, "root", "tbf", "rate", "1mbit",
           "burst", "16kb", "latency", "400ms")
    rules = f"""table inet chaos {{
      chain in {{ type filter hook input priority 0; iifname "{SRV_IF}" numgen random mod 100 < 5 drop; }}
      chain out {{ type filter hook output priority 0; oifname "{SRV_IF}" numgen random mod 100 < 5 drop; }}
    }}"""
    sh("ip", "netns", "exec", SRV_NS, "nft", "-f", "-", input_=rules)


def teardown_link() -> None:
    for ns in (CLI_NS, SRV_NS):
        sh("ip", "netns", "del", ns, check=False)


def cut(on: bool) -> None:
    if on:
        rules = f"""table inet cut {{
          chain in {{ type filter hook input priority -10; iifname "{SRV_IF}" drop; }}
          chain out {{ type filter hook output priority -10; oifname "{SRV_IF}" drop; }}
        }}"""
        sh("ip", "netns", "exec", SRV_NS, "nft", "-f", "-", input_=rules)
    else:
        sh("ip", "netns", "exec", SRV_NS, "nft", "delete", "table", "inet", "cut", check=False)


class Cutter(threading.Thread):
    """Cuts the link completely for ``for_s`` seconds every ``every_s`` seconds."""

    def __init__(self, every_s: float, for_s: float) -> None:
        super().__init__(daemon=True)
        self.every_s, self.for_s = every_s, for_s
        self.stop = threading.Event()
        self.cuts = 0
        self.cut_s = 0.0

    def run(self) -> None:
        while not self.stop.wait(self.every_s):
            cut(True)
            self.cuts += 1
            began = time.monotonic()
            self.stop.wait(self.for_s)
            cut(False)
            self.cut_s += time.monotonic() - began
        cut(False)


# --- the server side (runs inside the server namespace) ------------------------------------
def serve(folder: Path) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from sync.simulator.server import SimulatorServer

    sim = SimulatorServer(folder / "sim", SRV_IP, SYNC_PORT).start()
    counts: dict[str, int] = {}
    lock = threading.Lock()

    class Naive(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 30

        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            data = self.rfile.read(length)
            if len(data) != length:
                return
            with lock:
                counts[self.path] = counts.get(self.path, 0) + 1
                (folder / "naive.json").write_text(json.dumps(counts))
            body = json.dumps({"received": len(data)}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    naive = ThreadingHTTPServer((SRV_IP, NAIVE_PORT), Naive)
    naive.daemon_threads = True
    print("ready", flush=True)
    try:
        naive.serve_forever()
    finally:
        sim.stop()


# --- the client side (runs inside the client namespace) ------------------------------------
def make_scans(args, seed: int) -> list[list[bytes]]:
    rng = __import__("random").Random(seed)
    return [[rng.randbytes(args.scan_kb * 1024) for _ in range(args.scans)]
            for _ in range(args.cases)]


def client_engine(args, workdir: Path) -> dict:
    import logging

    from counter_app.journal import Journal
    from counter_app.wiring.journal import PROJECTION_MODULES
    from sync import enrolment
    from sync.engine import EngineSettings, SyncEngine
    from sync.transport import Transport

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(relativeCreated)8.0f ms %(message)s")
    data = workdir / "client"
    data.mkdir(parents=True)
    journal = Journal.open(data, key_store="file", projections=PROJECTION_MODULES)
    url = f"http://{SRV_IP}:{SYNC_PORT}"
    # plain http on the benchmark's private veth link (the rule allows it only in demo mode
    # and to this machine): TLS would cost both uploaders alike
    enrolment.enroll(data, journal,
                     lambda u, c: Transport(u, c, read_timeout_s=20, allow_http=True), url,
                     "532529")
    total = 0
    for n, scans in enumerate(make_scans(args, args.seed)):
        refs = [journal.put_attachment(s, "image/jpeg") for s in scans]
        total += sum(len(s) for s in scans)
        journal.append("case.captured", {"n": n}, operator="bench", case_id=f"case{n}",
                       attachments=refs)
    settings = EngineSettings(connect_timeout_s=5, read_timeout_s=10, backoff_base_s=0.2,
                              backoff_cap_s=2.0, max_attempts=1_000_000, allow_http=True,
                              parallel_uploads=args.parallel)
    engine = SyncEngine(journal, data, settings=settings)
    started = time.monotonic()
    result = engine.run_once(deadline_s=args.deadline)
    elapsed = time.monotonic() - started
    engine.close()
    journal.close()
    return {"ok": result.ok, "error": result.error and result.error.detail,
            "elapsed_s": elapsed, "bytes": total,
            "machine_id": json.loads((data / "sync" / "enrolment.json").read_text())[
                "machine_id"], "client_dir": str(data)}


def client_naive(args, workdir: Path) -> dict:
    import requests

    files = [s for scans in make_scans(args, args.seed + 1) for s in scans]
    started, attempts = time.monotonic(), 0
    session = requests.Session()
    for data in files:
        name = hashlib.sha256(data).hexdigest()
        while time.monotonic() - started < args.deadline:
            attempts += 1
            try:
                r = session.post(f"http://{SRV_IP}:{NAIVE_PORT}/{name}", data=data,
                                 timeout=(5, 10))
                if r.status_code == 200 and r.json()["received"] == len(data):
                    break
            except requests.RequestException:
                session.close()
                session = requests.Session()
                time.sleep(0.2)
    elapsed = time.monotonic() - started
    return {"ok": elapsed < args.deadline, "elapsed_s": elapsed,
            "bytes": sum(map(len, files)), "attempts": attempts, "files": len(files)}


# --- the orchestrator ----------------------------------------------------------------------
def in_ns(ns: str, *argv: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(["ip", "netns", "exec", ns, PY, __file__, *argv], cwd=ROOT,
                            env={**os.environ, "COUNTER_APP_JOURNAL_KEY_STORE": "file"}, **kw)


def run_scenario(args, workdir: Path, mode: str, cuts: bool) -> dict:
    args.seed += 1  # different files in every scenario (the naive server counts by hash)
    folder = workdir / f"{mode}-{'cuts' if cuts else 'lossy'}-{args.seed}"
    cutter = Cutter(args.cut_every, args.cut_for) if cuts else None
    proc = in_ns(CLI_NS, "_client", mode, str(folder), *client_args(args),
                 stdout=subprocess.PIPE, text=True)
    if cutter:
        cutter.start()
    out, _ = proc.communicate(timeout=args.deadline + 120)
    if cutter:
        cutter.stop.set()
        cutter.join()
    result = json.loads(out.strip().splitlines()[-1])
    result.update(mode=mode, cuts=cutter.cuts if cutter else 0,
                  cut_s=cutter.cut_s if cutter else 0.0,
                  profile="cut link" if cuts else "lossy link")
    result["goodput"] = result["bytes"] * 8 / result["elapsed_s"] / LINK_BPS
    result["goodput_up"] = result["bytes"] * 8 / (result["elapsed_s"] - result["cut_s"]) / LINK_BPS
    return result


def client_args(args) -> list[str]:
    return ["--cases", str(args.cases), "--scans", str(args.scans), "--scan-kb",
            str(args.scan_kb), "--deadline", str(args.deadline), "--seed", str(args.seed),
            *(["--verbose"] if args.verbose else [])]


def check_engine_run(workdir: Path, result: dict) -> dict:
    """Zero duplicates, zero loss: the simulator's storage against the client's journal."""
    from counter_app.journal import Journal
    from sync.simulator.store import SimStore

    store = SimStore(workdir / "sim")
    ledger = store.ledger(result["machine_id"])
    with Journal.open(Path(result["client_dir"]), key_store="file") as journal:
        local = [(e.seq, e.entry_id, e.hash) for e in journal.entries()]
        shas = {r["sha256"] for e in journal.entries() for r in e.attachments}
    stored = [(e["seq"], e["entry_id"], e["hash"]) for e in ledger]
    missing = [s for s in shas if not store.blob_path(s).exists()
               or hashlib.sha256(store.blob_path(s).read_bytes()).hexdigest() != s]
    completions = {r[0]: r[1] for r in store.db.execute(
        "SELECT sha256, completions FROM attachments")}
    store.close()
    return {"entries_match": stored == local, "entries": len(local),
            "lost_attachments": len(missing),
            "duplicate_attachments": sum(max(0, completions.get(s, 0) - 1) for s in shas)}


def naive_duplicates(workdir: Path) -> int:
    path = workdir / "naive.json"
    counts = json.loads(path.read_text()) if path.exists() else {}
    return sum(n - 1 for n in counts.values() if n > 1)


def orchestrate(args) -> int:
    if os.geteuid() != 0 or sys.platform != "linux":
        print("bench/sync.py needs root on Linux (network namespaces, tc, nft)")
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="bench-sync-", dir=ROOT / ".cache"))
    size_mb = args.cases * args.scans * args.scan_kb * 1024 / 1e6
    print(f"{args.cases} cases x {args.scans} scans x {args.scan_kb} KB = {size_mb:.1f} MB per "
          f"run; link tbf 1 Mbit/s both ways, 5 % random loss both ways; cuts: "
          f"{args.cut_for:g} s every {args.cut_every:g} s; engine: {args.parallel} "
          f"attachment(s) at once; {args.repeat} run(s) each")
    setup_link()
    server = in_ns(SRV_NS, "_serve", str(workdir), stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        rows = []
        for cuts in (False, True):
            for _ in range(args.repeat):  # engine and naive in turn: both see the same load
                for mode in ("engine", "naive"):
                    dup_before = naive_duplicates(workdir)
                    result = run_scenario(args, workdir, mode, cuts)
                    if mode == "engine":
                        result.update(check_engine_run(workdir, result))
                    else:
                        result["duplicate_attachments"] = naive_duplicates(workdir) - dup_before
                    print_row(result)
                    rows.append(result)
        print_summary(rows)
    finally:
        server.terminate()
        server.wait(timeout=10)
        teardown_link()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def print_row(r: dict) -> None:
    label = f"{'sync engine' if r['mode'] == 'engine' else 'naive post'} " \
            f"{'(cuts x' + str(r['cuts']) + ')' if r['cuts'] else '(lossy)':<10}"
    extra = (f"entries ok {r['entries_match']} ({r['entries']}), lost {r['lost_attachments']}, "
             f"dup {r['duplicate_attachments']}" if r["mode"] == "engine"
             else f"{r['attempts']} posts for {r['files']} files, "
                  f"dup {r['duplicate_attachments']}")
    if r.get("error"):
        extra += f"  last error: {r['error']}"
    print(f"{label:<24} {r['bytes'] / 1e6:5.2f} MB in {r['elapsed_s']:6.1f} s  goodput "
          f"{r['goodput'] * 100:5.1f} % of 1 Mbit/s ({r['goodput_up'] * 100:5.1f} % of link-up "
          f"time)  {'ok' if r['ok'] else 'UNFINISHED'}  "
          f"{extra}", flush=True)


def print_summary(rows: list[dict]) -> None:
    """Median goodput per profile and mode, and whether the engine kept up with the naive
    uploader on each profile of this run."""
    import statistics

    for label in ("lossy link", "cut link"):
        medians = {}
        for mode in ("engine", "naive"):
            runs = [r["goodput"] for r in rows if r["mode"] == mode and r["profile"] == label]
            medians[mode] = statistics.median(runs) if runs else float("nan")
        verdict = "not slower" if medians["engine"] >= medians["naive"] else "SLOWER"
        print(f"{label:<10}: median goodput engine {medians['engine'] * 100:5.1f} %, naive "
              f"{medians['naive'] * 100:5.1f} % ({len(runs)} runs each) - engine {verdict}",
              flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("role", nargs="?", default="", help=argparse.SUPPRESS)
    p.add_argument("extra", nargs="*", help=argparse.SUPPRESS)
    p.add_argument("--cases", type=int, default=6)
    p.add_argument("--scans", type=int, default=3)
    p.add_argument("--scan-kb", type=int, default=200)
    p.add_argument("--cut-every", type=float, default=20.0)
    p.add_argument("--cut-for", type=float, default=8.0)
    p.add_argument("--deadline", type=float, default=240.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=1,
                   help="runs of each profile and uploader, in turn (medians are printed)")
    p.add_argument("--parallel", type=int, default=2,
                   help="attachments the engine sends at once (sync.parallel_uploads)")
    p.add_argument("--verbose", action="store_true", help="log the client's sync errors")
    p.add_argument("--keep", action="store_true", help="keep the work dir (.cache/bench-sync-*)")
    args = p.parse_args(argv)
    if args.role == "_serve":
        serve(Path(args.extra[0]))
        return 0
    if args.role == "_client":
        mode, folder = args.extra
        fn = client_engine if mode == "engine" else client_naive
        print(json.dumps(fn(args, Path(folder))), flush=True)
        return 0
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
