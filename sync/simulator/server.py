"""The provincial simulator's HTTP server (stdlib ThreadingHTTPServer, HTTP/1.1 keep-alive).

It implements docs/sync-protocol.md with its own storage (``store``/``ledger``) and injects the
faults of ``faults.parse(SPEC)``. Used by demo mode, the tests and the benchmark.
"""

from __future__ import annotations

import json
import logging
import math
import re
import ssl
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import protocol, serverkey, signing
from sync.simulator import accounts
from sync.simulator import faults as faultmod
from sync.simulator.ledger import LedgerError
from sync.simulator.store import SimStore, now

log = logging.getLogger(__name__)
MAX_JSON_BYTES = 8 * 1024 * 1024
MAX_CHUNK_BYTES = 16 * 1024 * 1024
ATTACHMENT_PATH = re.compile(r"^/v1/attachments/([0-9a-f]{64})$")
ATTACHMENT_CONTENT_PATH = re.compile(r"^/v1/attachments/([0-9a-f]{64})/content$")
REFERENCE_PATH = re.compile(r"^/v1/reference/([a-z_]+)$")


class Simulator:
    """Storage, keys, faults and the nonce cache shared by all request threads."""

    def __init__(self, data_dir: Path, faults: faultmod.Faults | None = None) -> None:
        self.store = SimStore(Path(data_dir))
        accounts.install(self.store)
        self.faults = faults or faultmod.Faults()
        self._key_path = Path(data_dir) / "server_ed25519.pem"
        self._rotations_path = Path(data_dir) / "server_key_rotations.json"
        if not self._key_path.exists():
            signing.save_private_key(Ed25519PrivateKey.generate(), self._key_path, None)
        self._load_key()
        self._nonces: dict[str, float] = {}
        self._nonce_lock = threading.Lock()
        self.last_results: dict[str, list] = {}
        with self.store.tx() as store:
            for n, id_number in enumerate(self.faults.married):
                store.db.execute("INSERT OR IGNORE INTO persons VALUES (?, 'married', ?, ?)",
                                 [id_number, f"seed-{n}", "000000"])

    def _load_key(self) -> None:
        self.key = signing.load_private_key(self._key_path, None)
        self.public_key = signing.public_key_b64(self.key)
        self.key_id = "sim-" + protocol.sha256_hex(self.public_key.encode())[:12]

    @property
    def key_rotations(self) -> list[dict]:
        """Every rotation statement so far, oldest first (sent with enrolment answers)."""
        if not self._rotations_path.exists():
            return []
        return list(json.loads(self._rotations_path.read_text(encoding="utf-8")))

    def rotate_key(self) -> None:
        """Replace the signing key; the old key signs a statement naming the new one."""
        new = Ed25519PrivateKey.generate()
        new_b64 = signing.public_key_b64(new)
        statement = serverkey.rotation_statement(
            self.key_id, self.public_key, "sim-" + protocol.sha256_hex(new_b64.encode())[:12],
            new_b64, protocol.iso(self.server_now()))
        rotation = {"statement": statement,
                    "signature": signing.b64(self.key.sign(protocol.answer_bytes(statement)))}
        self._rotations_path.write_text(json.dumps([*self.key_rotations, rotation]),
                                        encoding="utf-8")
        signing.save_private_key(new, self._key_path, None)
        self._load_key()

    def server_now(self) -> datetime:
        return now() + timedelta(seconds=self.faults.skew_s)

    def sign(self, message: bytes) -> dict:
        signature = self.key.sign(message)
        if self.faults.lies_about("bad_signature"):
            signature = bytes([signature[0] ^ 1]) + signature[1:]
        return {"signature": signing.b64(signature), "key_id": self.key_id}

    def fresh_nonce(self, nonce: str) -> bool:
        """True the first time a nonce is seen within the skew window (replay protection)."""
        horizon = time.monotonic()
        with self._nonce_lock:
            if len(self._nonces) > 10000:
                self._nonces = {k: t for k, t in self._nonces.items() if t > horizon}
            if self._nonces.get(nonce, 0) > horizon:
                return False
            self._nonces[nonce] = horizon + 2 * protocol.MAX_SKEW_S
            return True


class Dropped(Exception):
    """The handler decided to close the connection without an answer (a fault)."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ProvincialSim/1"
    #: A connection silent this long (a cut link) is closed; what arrived is kept.
    timeout = 30
    # Headers and body leave in one segment; otherwise Nagle plus the client's delayed ACK
    # add 40 ms to every answer.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    sim: Simulator  # set on the subclass by make_server
    body_consumed = False

    def log_message(self, fmt: str, *args: object) -> None:
        log.debug("sim %s " + fmt, self.address_string(), *args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def _handle(self, method: str) -> None:
        from sync.simulator import routes

        #: Set by the routes once the request body is read (or drained) in full.
        self.body_consumed = False
        try:
            status, body = routes.dispatch(self, method)
            self._answer(status, body)
        except LedgerError as err:
            # A refusal may come before the request body was read (e.g. a wrong upload offset):
            # unread body bytes would be taken for the next request on this keep-alive
            # connection, so such an answer closes it (the client reconnects).
            status, retryable = protocol.ERRORS.get(err.code, (500, True))
            extra = dict(err.extra)
            if retryable:
                # every retryable error says when (docs §10): 0 = at once
                wait = 1 if status in (403, 429, 503) else 0
                extra["retry_after_s"] = math.ceil(float(extra.get("retry_after_s", wait)))
            self._answer(status, protocol.error_body(err.code, err.message, **extra),
                         close=int(self.headers.get("Content-Length") or 0) > 0
                         and not self.body_consumed,
                         retry_after=extra.get("retry_after_s"))
        except Dropped:
            self.close_connection = True
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as exc:
            log.exception("simulator error on %s %s", method, self.path)
            self._answer(500, protocol.error_body("internal", repr(exc), retry_after_s=1),
                         retry_after=1)

    def _answer(self, status: int, body: dict, close: bool = False,
                retry_after: int | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        server_time = protocol.iso(self.sim.server_now())
        try:
            self.send_response(status)
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header(protocol.HDR_SERVER_TIME, server_time)
            for name, value in self._answer_signature(status, server_time, data).items():
                self.send_header(name, value)
            if retry_after is not None:
                self.send_header("Retry-After", str(retry_after))
            self.end_headers()
            self.wfile.write(data)
        except (ConnectionError, TimeoutError):
            self.close_connection = True


    def _answer_signature(self, status: int, server_time: str, data: bytes) -> dict[str, str]:
        """Every answer to a request with a nonce is signed over it (docs §4.3)."""
        nonce = self.headers.get(protocol.HDR_NONCE) if self.headers else None
        if not nonce:
            return {}
        signed = self.sim.sign(protocol.answer_to_sign(status, self.command, self.path, nonce,
                                                       server_time, data))
        return {protocol.HDR_ANSWER_SIGNATURE: signed["signature"],
                protocol.HDR_KEY_ID: signed["key_id"]}


class SimulatorServer:
    """A running simulator: ``start()`` in a thread, ``url``, ``stop()``."""

    def __init__(self, data_dir: Path, host: str = "127.0.0.1", port: int = 0,
                 faults: faultmod.Faults | None = None,
                 tls: tuple[Path, Path] | None = None) -> None:
        """``tls``: (certificate chain PEM, private key PEM) to serve https."""
        self.sim = Simulator(data_dir, faults)
        handler = type("BoundHandler", (Handler,), {"sim": self.sim})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            # the handshake runs in the request's thread (on its first read), not in accept()
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True,
                                                    do_handshake_on_connect=False)
            self.scheme = "https"
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        # An AF_INET server's address: host is the str given to __init__, never bytes.
        return f"{self.scheme}://{host}:{port}"  # type: ignore[str-bytes-safe]

    def start(self) -> SimulatorServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="provincial-sim",
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.sim.store.close()

    def __enter__(self) -> SimulatorServer:  # noqa: PYI034
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def query(handler: BaseHTTPRequestHandler) -> tuple[str, dict[str, str]]:
    parts = urlsplit(handler.path)
    return parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}
