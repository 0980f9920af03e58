"""The ``counter-app`` command line.

``counter-app`` alone starts the GUI; subcommands are for technicians, tests and other tools.
Each subcommand lives in its own module listed in ``COMMAND_MODULES``; the module exposes
``register(subparsers)`` and sets ``func(args, ctx) -> int`` on its parsers. Heavy imports
(Qt, OpenCV, mediapipe) happen inside the command functions, so ``counter-app journal ...``
starts fast.

Exit codes: 0 success; 1 the check failed (e.g. a broken journal); 2 bad input or an error the
user can act on (the message says what); 70 an unexpected internal error (logged, no traceback
on screen).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from pathlib import Path

from counter_app import __version__, config, logs, memory
from counter_app.context import Context
from counter_app.errors import CounterAppError
from counter_app.resources import resource_path

log = logging.getLogger(__name__)
# Until logs.setup() has run (e.g. the config file itself is bad), log records go nowhere
# rather than to stderr through logging's last-resort handler.
logging.getLogger().addHandler(logging.NullHandler())

#: Subcommand modules under counter_app.cli, in the order ``--help`` lists them.
COMMAND_MODULES = ("journal", "config_cmd", "idcard", "devices", "forms", "print_cmd",
                   "sync", "enroll", "provincial_sim", "rules", "face", "scan",
                   "archive", "operators", "doctor", "report", "demo_cmd", "audit")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="counter-app",
        description="婚姻登记窗口客户端 — marriage-registration counter client. "
                    "Without a command, starts the GUI.",
    )
    parser.add_argument("--version", action="version", version=f"counter-app {__version__}")
    parser.add_argument("--data-dir", type=Path, help="data directory (journal, logs, keys)")
    parser.add_argument("--config", type=Path, help="configuration file (TOML)")
    parser.add_argument("--demo", action="store_true",
                        help="demo mode: simulated devices, a demo data dir, the built-in "
                             "provincial simulator")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"counter_app.cli.{name}").register(sub)
    return parser


def make_context(args: argparse.Namespace) -> Context:
    overrides = {}
    if args.data_dir:
        overrides["data_dir"] = str(args.data_dir)
    elif args.demo:
        overrides["data_dir"] = str(demo_data_dir())
    cfg = config.load(args.config, overrides=overrides)
    if args.demo:
        # A demo journal holds no real people; a key file keeps it independent of the keystore.
        # Devices not configured explicitly are the simulators.
        demo_values = {"journal.key_store": "file", "printing.receipt_printer": "simulator",
                       "office.code": "110105-HY", "drivers.idcard.port": "samsim://demo",
                       "camera.portrait_source": "simulator:" + str(
                           resource_path("demo", "portrait.playlist")),
                       # The demo camera's person can blink, not turn (a still picture).
                       "vision.liveness": "blink",
                       "camera.document_source": "simulator"}
        for key, value in demo_values.items():
            if key == "journal.key_store" or cfg.sources[key] == "default":
                cfg.values[key], cfg.sources[key] = value, "demo"
    return Context(config=cfg, demo=args.demo, program=program_name(args))


def demo_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(config.APP_NAME, appauthor=False)) / "demo"


def program_name(args: argparse.Namespace) -> str:
    """How this run names itself to a second one on the same data dir (the lock file)."""
    if args.command is None:
        return f"counter-app 窗口{'（演示模式）' if args.demo else ''}"
    words = [args.command] + [str(value) for name, value in sorted(vars(args).items())
                              if name.endswith("_command") and value]
    return "counter-app " + " ".join(words)


def main(argv: list[str] | None = None) -> int:
    # First, before any thread starts: glibc's allocator bounded (counter_app/memory.py).
    allocator = memory.bound_allocator()
    try:
        parser = build_parser()
    except Exception as exc:  # noqa: BLE001 - a broken install must still say what is wrong
        print(f"内部错误 internal error: the command line cannot be built: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    args = parser.parse_args(argv)
    # Every file the app creates (journal, attachments, logs, sync state, prints) is the
    # account's alone; the data dir itself is made 0700 when the journal opens.
    if os.name != "nt":
        os.umask(0o077)
    try:
        ctx = make_context(args)
        logs.setup(ctx.data_dir, ctx.config["log.level"], ctx.config["log.max_bytes"],
                   ctx.config["log.backups"])
        log.debug("allocator: %s", allocator)
        if args.command is None:
            from counter_app.app import run_gui

            return run_gui(ctx)
        return int(args.func(args, ctx) or 0)
    except CounterAppError as err:
        log.warning("command failed: %s (%s) %s", err.code, type(err).__name__, err.detail)
        print(f"错误 error: {err.message_zh}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `counter-app ... | head` closed the pipe: not an error; keep Python quiet at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception:  # noqa: BLE001 - the last line of defence: log it, say it briefly
        log.exception("unexpected error in command %s", args.command)
        exc = sys.exc_info()[1]
        print(f"内部错误 internal error: {type(exc).__name__}: {exc} "
              f"(详情见日志 see the log in the data dir)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
