"""A man in the middle for tests: an HTTP proxy on 127.0.0.1 that forwards to the simulator
and may rewrite an answer's body (keeping its headers, signature included) or replay an old
one. What a wrong server or an attacker on a plain-http link could do."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

HOP = {"connection", "content-length", "transfer-encoding", "keep-alive", "host"}
#: (method, path, status, body) -> a new body, or None to pass the answer on unchanged.
Tamper = Callable[[str, str, int, bytes], "bytes | None"]


class TamperingProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.tamper: Tamper | None = None
        self.answers: dict[str, tuple[int, dict, bytes]] = {}  # last answer per path
        #: Paths answered with the last recorded answer (headers too), not forwarded.
        self.replay: set[str] = set()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else None
                path = self.path.split("?")[0]
                if path in proxy.replay and path in proxy.answers:
                    status, out_headers, body = proxy.answers[path]
                else:
                    status, out_headers, body = self._upstream(data)
                    proxy.answers[path] = (status, out_headers, body)
                self.send_response(status)
                for name, value in out_headers.items():
                    if name.lower() not in HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _upstream(self, data: bytes | None) -> tuple[int, dict, bytes]:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
                answer = requests.request(self.command, proxy.upstream + self.path, data=data,
                                          headers=headers, timeout=10)
                body = answer.content
                if proxy.tamper is not None:
                    changed = proxy.tamper(self.command, self.path.split("?")[0],
                                           answer.status_code, body)
                    body = body if changed is None else changed
                return answer.status_code, dict(answer.headers), body

            do_GET = do_POST = do_PATCH = _forward

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def rewrite_json(path: str, change: Callable[[dict], None]) -> Tamper:
    """A tamper that edits the JSON answer of one path (successful answers only)."""

    def tamper(method: str, got: str, status: int, body: bytes) -> bytes | None:
        if got != path or status != 200:
            return None
        value = json.loads(body)
        change(value)
        return json.dumps(value, ensure_ascii=False).encode("utf-8")

    return tamper
