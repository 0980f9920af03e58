"""Configuration: one typed registry of settings, a TOML file, and environment overrides.

Where a value comes from, highest first:

1. an environment variable ``COUNTER_APP_<KEY>`` (the key upper-cased, dots as underscores,
   e.g. ``COUNTER_APP_JOURNAL_KEY_STORE=file``);
2. the TOML file (``config.toml`` in the platform's config dir, or ``$COUNTER_APP_CONFIG``, or
   the CLI's ``--config``), where ``journal.key_store`` is written as ``[journal] key_store =``;
3. the default below.

Every setting is declared once with ``Setting(...)`` and documented by its ``help`` text;
``docs/configuration.md`` is generated from this registry (``counter-app config docs``) and a
test keeps the two equal.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import platformdirs

from counter_app.errors import ConfigError

APP_NAME = "counter-app"
ENV_PREFIX = "COUNTER_APP_"

_REGISTRY: dict[str, "Setting"] = {}


@dataclass(frozen=True)
class Setting:
    """One configuration key with its type, default and documentation."""

    key: str
    default: Any
    type_: type
    help: str
    choices: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        assert self.key not in _REGISTRY, f"duplicate setting {self.key}"
        _REGISTRY[self.key] = self

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.key.upper().replace(".", "_")

    def parse(self, raw: Any, source: str) -> Any:
        """Convert a TOML or environment value to this setting's type, or raise ConfigError."""
        try:
            value = _coerce(raw, self.type_)
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"配置项 {self.key} 的值无效（来自 {source}）：{raw!r}",
                detail=f"{self.key}: expected {self.type_.__name__}: {exc}",
            ) from None
        if self.choices and value not in self.choices:
            raise ConfigError(
                f"配置项 {self.key} 只能取 {', '.join(map(str, self.choices))}（来自 {source}）",
                detail=f"{self.key}={value!r} not in {self.choices}",
            )
        return value


def _coerce(raw: Any, type_: type) -> Any:
    if type_ is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError("not a boolean")
    if type_ in (int, float) and isinstance(raw, bool):
        raise TypeError("boolean given")
    return type_(raw)


# --- the settings ------------------------------------------------------------------------

DATA_DIR = Setting(
    "data_dir", "", str,
    "Directory holding the journal, attachments, logs and key file. Empty: the platform's "
    "user data dir (Linux ~/.local/share/counter-app, Windows %LOCALAPPDATA%\\counter-app).",
)
JOURNAL_KEY_STORE = Setting(
    "journal.key_store", "auto", str,
    "Where the machine key that encrypts the journal lives. 'keyring': the OS keystore "
    "(Windows Credential Manager/DPAPI, Secret Service on Linux); 'file': a key file in "
    "journal.key_dir (outside the data dir), readable only by the account running the app "
    "(DPAPI-protected on Windows); 'auto': keyring when a real "
    "backend exists, else file.",
    choices=("auto", "keyring", "file"),
)
JOURNAL_KEY_DIR = Setting(
    "journal.key_dir", "", str,
    "Directory outside the data dir that holds the machine key file (key_store 'file') and "
    "each data dir's journal anchor (the sealed head that detects a deleted, emptied or older "
    "journal). Owner-only. Empty: the platform's user state dir (Linux "
    "~/.local/state/counter-app-keys, Windows %LOCALAPPDATA%\\counter-app-keys). Must not "
    "lie inside the data dir (docs/security.md).",
)
JOURNAL_CLOCK_MAX_SKEW_S = Setting(
    "journal.clock_max_skew_s", 300, int,
    "Largest difference, in seconds, between the device clock and the last known server time "
    "before the clock is treated as untrusted and legal acts are refused.",
)
JOURNAL_CLOCK_SLACK_MS = Setting(
    "journal.clock_slack_ms", 1000, int,
    "How far, in milliseconds, the device clock may step back behind the last entry (e.g. an "
    "NTP correction) before it is reported as having gone backwards.",
)
LOG_LEVEL = Setting(
    "log.level", "INFO", str,
    "Level of the rotating log file (DEBUG, INFO, WARNING, ERROR). Personal data never appears "
    "at INFO or above; DEBUG is for technicians and may include device traces.",
    choices=("DEBUG", "INFO", "WARNING", "ERROR"),
)
LOG_MAX_BYTES = Setting(
    "log.max_bytes", 5_000_000, int, "Size at which the log file is rotated, in bytes.",
)
LOG_BACKUPS = Setting(
    "log.backups", 5, int, "How many rotated log files are kept.",
)
NUMBERING_LOW_WATER = Setting(
    "numbering.low_water", 50, int,
    "When this many certificate numbers (字号) or fewer are left in the blocks reserved for "
    "this machine for a certificate kind, division and year, allocating one also warns the "
    "registrar to request a new block from the provincial system. At zero, issuing is refused.",
)
SYNC_SERVER_URL = Setting(
    "sync.server_url", "", str,
    "Base URL of the provincial exchange API (e.g. https://hy.example.gov.cn/counter). Empty: "
    "the URL given to `counter-app enroll`, kept in the enrolment.",
)
SYNC_CA_BUNDLE = Setting(
    "sync.ca_bundle", "", str,
    "PEM file of the certificate authority (or authorities) the province's exchange server "
    "certificate must chain to. Set it to pin the province's CA: a certificate from any other "
    "CA is then refused. Empty: the CA bundle that ships with the client (certifi), or the "
    "one REQUESTS_CA_BUNDLE names. Plain "
    "http:// is refused except to this machine (127.0.0.1, localhost) and in demo mode.",
)
SYNC_CONNECT_TIMEOUT_S = Setting(
    "sync.connect_timeout_s", 5.0, float,
    "Seconds to wait for a connection to the provincial system before retrying later.",
)
SYNC_READ_TIMEOUT_S = Setting(
    "sync.read_timeout_s", 30.0, float,
    "Seconds the provincial system may stay silent during a request before the request is "
    "abandoned and retried (the upload resumes where the server says it stopped).",
)
SYNC_CHUNK_BYTES = Setting(
    "sync.chunk_bytes", 524288, int,
    "Size of one attachment upload request in bytes. Smaller chunks let new registrations "
    "overtake big scans sooner; larger ones cost fewer round trips.",
)
SYNC_PARALLEL_UPLOADS = Setting(
    "sync.parallel_uploads", 2, int,
    "How many attachments are sent at once, each on its own connection (the smallest first). "
    "On a lossy link a second connection keeps the line busy while the first waits out a "
    "lost packet; 1 sends one at a time.",
)
SYNC_RETRY_MAX_S = Setting(
    "sync.retry_max_s", 120.0, float,
    "How long `counter-app sync --once` keeps retrying (exponential backoff with jitter) "
    "before it gives up and exits 1; the app's background sync never gives up.",
)
SYNC_INTERVAL_S = Setting(
    "sync.interval_s", 60.0, float,
    "Seconds between sync cycles when everything is up to date (a new entry starts one early).",
)
AUTH_MAX_FAILURES = Setting(
    "auth.max_failures", 5, int,
    "Wrong passwords in a row after which an account is locked for auth.lockout_minutes "
    "(a supervisor can unlock it earlier).",
)
AUTH_LOCKOUT_MINUTES = Setting(
    "auth.lockout_minutes", 15, int, "How long a locked account stays locked, in minutes.",
)
AUTH_OFFLINE_GRACE_DAYS = Setting(
    "auth.offline_grace_days", 7, int,
    "How many days an account from the provincial system keeps working without a sync that "
    "confirms it; a disabled (离岗) account stops at the next sync or after this grace.",
)
AUTH_VERIFY_TIMEOUT_S = Setting(
    "auth.verify_timeout_s", 10.0, float,
    "Seconds the login waits for the provincial system's answer when a province account logs "
    "in on this machine for the first time (its password is checked by the province).",
)
UI_IDLE_LOCK_S = Setting(
    "ui.idle_lock_s", 300, int,
    "Seconds without keyboard or mouse input after which the counter locks its screen and "
    "asks for the operator's password again. 0 disables the lock.",
)
UI_LANGUAGE = Setting(
    "ui.language", "zh_CN", str,
    "Language of the screens: 'zh_CN' (Simplified Chinese, the registrars' language) or 'en' "
    "(English, for maintainers; resources/translations). Printed forms, journal records and "
    "messages from the business rules stay in Chinese.",
    choices=("zh_CN", "en"),
)
OFFICE_CODE = Setting(
    "office.code", "", str,
    "This counter's marriage registration office (a code from resources/rules/offices.toml, "
    "later from the provincial system at enrolment). It selects the rule packs in force. "
    "Empty: registration screens say the office is not set (demo mode uses 110105-HY).",
)
OFFICE_WINDOW = Setting(
    "office.window", 1, int,
    "This counter's window number (窗口号) at its office. The daily closing (日结) is made and "
    "signed per window; a supervisor's counter gets the other windows' signed closings from "
    "the provincial system by this number (docs/reports.md).",
)
IDCARD_PORT = Setting(
    "drivers.idcard.port", "", str,
    "Where the resident-ID card reader (SAM, GA/T 467) is: a serial device (COM3, /dev/ttyUSB0), "
    "a pyserial URL (samsim://?card=resident is the built-in simulator) or usb:VID:PID for USB "
    "bulk mode. Empty: not configured; `counter-app devices` then lists USB readers it finds.",
)
IDCARD_WLT_DECODER = Setting(
    "drivers.idcard.wlt_decoder", "", str,
    "Path of the reader vendor's licensed photo decoder library (WLT -> BMP, e.g. "
    "libwlt2bmp.so or WltRS.dll). Empty: the card photo is stored as it is and not shown.",
)
FINGERPRINT_DEVICE = Setting(
    "drivers.fingerprint.device", "", str,
    "Fingerprint pad: 'zkfp' (ZKTeco pad through the ZKFinger SDK's libzkfp.so / libzkfp.dll, "
    "found by the system's library search), 'zkfp:PATH' (that library file) or 'simulator'. "
    "Empty: none configured (demo mode uses the simulator); declarations then cannot be "
    "fingerprinted and the screen says so.",
)
VISION_MODELS_DIR = Setting(
    "vision.models_dir", "", str,
    "Directory holding the face models (face_detector.tflite, face_landmarker.task and the two "
    "dlib .dat files, see resources/models/PROVENANCE.toml). Empty: the bundled ones.",
)
VISION_MATCH_BACKEND = Setting(
    "vision.match_backend", "dlib", str,
    "Backend of the 1:1 face verification (人证核验): 'dlib' (built in, offline) or 'vendor' "
    "(a certified verification device whose driver registers itself under that name).",
)
VISION_LIVENESS = Setting(
    "vision.liveness", "blink,turn_left", str,
    "Liveness challenges the party is asked to do before the photo, in order, comma-separated: "
    "blink, turn_left, turn_right. Empty: no liveness challenge (the registrar's in-person "
    "check only). A party who cannot do them can be waived by the registrar, with the reason "
    "recorded.",
)
CAMERA_PORTRAIT_SOURCE = Setting(
    "camera.portrait_source", "0", str,
    "Portrait camera: an OpenCV device index (0, 1, ...), an RTSP/HTTP URL, 'simulator' (a test "
    "pattern) or 'simulator:PATH' (images, a directory, a video or a .playlist of images).",
)
CAMERA_DOCUMENT_SOURCE = Setting(
    "camera.document_source", "1", str,
    "Document camera (高拍仪): an OpenCV device index, an RTSP/HTTP URL, or 'simulator'.",
)
CAMERA_RESOLUTION = Setting(
    "camera.resolution", "1280x720", str,
    "Resolution requested from the portrait camera, WIDTHxHEIGHT (the camera may grant "
    "another; MJPG is requested so USB 2.0 cameras reach their full frame rate).",
)
CAMERA_DOCUMENT_RESOLUTION = Setting(
    "camera.document_resolution", "2592x1944", str,
    "Resolution requested from the document camera (高拍仪), WIDTHxHEIGHT. 2592x1944 (5 "
    "megapixels) gives an A4 page that fills the picture's height about 150-165 pixels per "
    "inch; documents.min_dpi refuses pages below the archive's minimum.",
)
DOCUMENTS_MIN_DPI = Setting(
    "documents.min_dpi", 150, int,
    "Lowest effective resolution of a photographed paper that is kept, in pixels per inch of "
    "paper (the camera's pixels at the page's farthest edge over the paper's real size). Lower "
    "pages are refused with a message asking for a retake.",
)

PRINTING_RECEIPT_PRINTER = Setting(
    "printing.receipt_printer", "", str,
    "Receipt/queue-ticket printer (ESC/POS): '' (none configured; demo mode uses the "
    "simulator), 'simulator', 'network:HOST[:PORT]' (LAN printer, "
    "port 9100 by default), 'usb:VID:PID' (hex, e.g. usb:04b8:0e15), 'serial:DEVICE[:BAUD]' "
    "or 'file:PATH' (a device node such as /dev/usb/lp0, or a capture file).",
)
PRINTING_RECEIPT_CHINESE_FONT = Setting(
    "printing.receipt_chinese_font", True, bool,
    "Whether the receipt printer has a GBK Chinese font. false: Chinese text is printed as an "
    "image drawn with the bundled font (slower, but right on printers without one).",
)
PRINTING_CERTIFICATE_PRINTER = Setting(
    "printing.certificate_printer", "", str,
    "System printer name for certificate booklets (结婚证/离婚证 inner pages). Empty: ask each "
    "time. Each printer needs its own calibration (printed calibration page) before use.",
)
PRINTING_FORMS_PRINTER = Setting(
    "printing.forms_printer", "", str,
    "System printer name for A4 forms (声明书, 审查处理表, 回执...). Empty: the system default.",
)


@dataclass
class Config:
    """Resolved settings for one run. Look values up by key: ``config["journal.key_store"]``."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    file: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def data_dir(self) -> Path:
        configured = self.values.get("data_dir") or ""
        if configured:
            return Path(configured).expanduser()
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

    @property
    def key_dir(self) -> Path:
        configured = self.values.get("journal.key_dir") or ""
        return Path(configured).expanduser() if configured else platform_key_dir()


def platform_key_dir() -> Path:
    """Where machine keys and journal anchors live when journal.key_dir is not set: a
    directory of its own in the user state dir, never inside the default data dir."""
    return Path(platformdirs.user_state_dir(APP_NAME + "-keys", appauthor=False))


def default_config_file() -> Path:
    """The TOML file read when neither ``--config`` nor ``$COUNTER_APP_CONFIG`` names one."""
    env = os.environ.get(ENV_PREFIX + "CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def load(path: Path | None = None, env: dict[str, str] | None = None,
         overrides: dict[str, Any] | None = None) -> Config:
    """Resolve every setting from ``overrides`` (CLI flags), the environment, the file, defaults.
    A file named by ``path`` (``--config``) or ``$COUNTER_APP_CONFIG`` must exist; only the
    platform's default file may be absent (no configuration yet)."""
    env = dict(os.environ) if env is None else env
    named = path is not None or bool(os.environ.get(ENV_PREFIX + "CONFIG"))
    path = path or default_config_file()
    if named and not path.exists():
        raise ConfigError(f"找不到配置文件：{path}（--config 或 COUNTER_APP_CONFIG 指定的文件不存在）",
                          detail=f"config file {path} missing")
    from_file = _read_file(path)
    cfg = Config(file=path)
    for key, setting in _REGISTRY.items():
        if overrides and overrides.get(key) is not None:
            cfg.values[key], cfg.sources[key] = overrides[key], "command line"
        elif setting.env_name in env:
            cfg.values[key] = setting.parse(env[setting.env_name], setting.env_name)
            cfg.sources[key] = setting.env_name
        elif key in from_file:
            cfg.values[key] = setting.parse(from_file[key], str(path))
            cfg.sources[key] = str(path)
        else:
            cfg.values[key], cfg.sources[key] = setting.default, "default"
    return cfg


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"配置文件格式错误：{path}", detail=str(exc)) from None
    except OSError as exc:  # a directory, no permission
        raise ConfigError(f"无法读取配置文件：{path}（{exc.strerror or exc}）",
                          detail=f"read {path}: {exc}") from None
    flat = dict(_flatten(data))
    unknown = sorted(set(flat) - set(_REGISTRY))
    if unknown:
        raise ConfigError(
            f"配置文件中有未知的配置项：{', '.join(unknown)}（{path}）",
            detail=f"unknown keys {unknown}",
        )
    return flat


def _flatten(data: dict[str, Any], prefix: str = ""):
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, full + ".")
        else:
            yield full, value


def settings() -> list[Setting]:
    """Every declared setting, in declaration order."""
    return list(_REGISTRY.values())


def render_docs(describe: Callable[[Setting], str] | None = None) -> str:
    """The Markdown of docs/configuration.md, generated from the registry."""
    lines = [
        "# Configuration",
        "",
        "Generated by `counter-app config docs` from `counter_app/config.py`; do not edit by hand.",
        "",
        "Settings are read from `config.toml` in the platform's config directory (Linux",
        "`~/.config/counter-app/config.toml`, Windows `%LOCALAPPDATA%\\counter-app\\config.toml`),",
        "or the file named by `$COUNTER_APP_CONFIG` or `--config`. A key `a.b` is written as",
        "`b = ...` under the table `[a]`. Each setting can be overridden by the environment",
        "variable shown, which wins over the file.",
        "",
        "| key | environment | type | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for s in settings():
        choices = f" One of: {', '.join(map(str, s.choices))}." if s.choices else ""
        lines.append(
            f"| `{s.key}` | `{s.env_name}` | {s.type_.__name__} | `{s.default!r}` | "
            f"{s.help}{choices} |"
        )
    return "\n".join(lines) + "\n"
