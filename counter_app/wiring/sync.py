"""The sync engine and thread configured from the settings (the app and ``counter-app sync``)."""

from __future__ import annotations

from collections.abc import Callable

from typing import TYPE_CHECKING, Any

from counter_app.context import Context
from counter_app.journal import Journal
from counter_app.operators import LoginVerdict

# The sync modules (requests among them) are imported where they are used, on the sync
# thread or in the report, not while the window is built: a third of a second at start-up.
if TYPE_CHECKING:
    from sync.background import BackgroundSync
    from sync.engine import SyncEngine


def make_engine(journal: Journal, ctx: Context, server: str | None = None) -> SyncEngine:
    """A SyncEngine configured from the settings (``server`` overrides sync.server_url)."""
    from sync.engine import EngineSettings, SyncEngine

    cfg = ctx.config
    settings = EngineSettings(connect_timeout_s=cfg["sync.connect_timeout_s"],
                              read_timeout_s=cfg["sync.read_timeout_s"],
                              chunk_bytes=cfg["sync.chunk_bytes"],
                              ca_bundle=cfg["sync.ca_bundle"], allow_http=ctx.demo,
                              parallel_uploads=max(1, cfg["sync.parallel_uploads"]))
    return SyncEngine(journal, ctx.data_dir, server_url=server or cfg["sync.server_url"] or None,
                      settings=settings)


def background_sync(ctx: Context, journal: Journal) -> BackgroundSync:
    """The app's sync thread (not started); demo mode's runs the built-in simulator."""
    from sync.background import BackgroundSync

    married = None
    if ctx.demo:
        from counter_app.demo import ALREADY_MARRIED

        married = tuple(ALREADY_MARRIED)
    return BackgroundSync(journal, ctx.data_dir, lambda: make_engine(journal, ctx),
                          ctx.config["sync.interval_s"], demo_married=married)


def province_link(ctx: Context, journal: Journal,
                  background: BackgroundSync | None = None) -> Callable[[str, str], LoginVerdict]:
    """The login's link to the province (a province account's first login on this machine):
    the running sync engine's server and clock offset when there is one (demo mode's simulator
    moves to a new port at each start), else the enrolment's server."""

    def verify(operator_id: str, password: str) -> LoginVerdict:
        from sync.login_verification import verify_login

        return verify_login(ctx.data_dir, journal, operator_id, password,
                            read_timeout_s=ctx.config["auth.verify_timeout_s"],
                            **link_settings(ctx, background))

    return verify


def link_settings(ctx: Context, background: BackgroundSync | None) -> dict[str, Any]:
    """How a one-off exchange outside the sync loop reaches the province: the running sync
    engine's server and clock offset when there is one (demo mode's simulator moves to a new
    port at each start), else the configured or enrolled server; the pinned CA; http only in
    demo mode."""
    engine = background.engine if background is not None else None
    url = engine.transport.base_url if engine is not None else None
    return {"server_url": url or ctx.config["sync.server_url"] or None,
            "offset_ms": engine.transport.offset_ms if engine is not None else 0,
            "connect_timeout_s": ctx.config["sync.connect_timeout_s"],
            "ca_bundle": ctx.config["sync.ca_bundle"], "allow_http": ctx.demo}


def sync_status(ctx: Context, journal: Journal) -> Callable[[], dict]:
    """A function that reports the outbox (the shape of ``counter-app sync status --json``)."""

    def report() -> dict:
        from sync import enrolment, outbox
        from sync.background import is_enrolled
        from sync.engine import state_label_key
        from sync.state import SyncState

        state = SyncState(enrolment.sync_dir(ctx.data_dir) / "state.db",
                          label_key=state_label_key(journal))
        try:
            result = outbox.status(journal, state)
        finally:
            state.close()
        result["enrolled"] = is_enrolled(ctx.data_dir)
        return result

    return report
