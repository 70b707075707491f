"""Server configuration: defaults, then a TOML file, then ``ANTRE_*`` environment variables.

The environment wins so an operator can override one value (a database URL, a secret)
without editing the file. Every value is checked here, once, with a message that names
the setting and where it came from.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlparse

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ASYNC_MODES = ("eventlet", "threading")
# The generic SMS gateway's request body, and how it wants the visitor's number written.
SMS_BODIES = ("form", "json")
SMS_NUMBER_FORMATS = ("+62", "62", "0")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(ValueError):
    """A setting has a value Antre cannot use; the message says which and why."""


def _port(value: Any) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
        raise ValueError("must be a whole number from 1 to 65535")
    return value


def _positive(value: Any) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError("must be a whole number of at least 1")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be non-empty text")
    return value.strip()


def _choice(options: tuple[str, ...], upper: bool = False) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = _text(value)
        text = text.upper() if upper else text.lower()
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return text

    return check


def _database_url(value: Any) -> str:
    text = _text(value)
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise ValueError("is not a database URL (e.g. sqlite:///instance/antre.sqlite3)") from exc
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError("must be a sqlite:// or postgresql:// URL")
    return text


def _redis_url(value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = _text(value)
    if urlparse(text).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("must be a redis:// URL (or empty for a single process)")
    return text


def _http_url(value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = _text(value).rstrip("/")
    if urlparse(text).scheme not in ("http", "https") or not urlparse(text).netloc:
        raise ValueError("must be an http:// or https:// URL")
    return text


def _secret(value: Any) -> str:
    text = _text(value)
    if len(text) < 16:
        raise ValueError("must be at least 16 characters")
    return text


def _field_name(value: Any) -> str:
    """A gateway's field or header name; dots reach into a JSON answer (``data.status``)."""
    text = _text(value)
    if not re.fullmatch(r"[A-Za-z0-9_.\[\]-]{1,64}", text):
        raise ValueError("must be 1-64 letters, digits or _ . - [ ]")
    return text


def _form_fields(value: Any) -> str:
    """Fixed fields every SMS request carries (``userkey=…&passkey=…``), as a query
    string: one text, so the environment can set it like the TOML file."""
    text = _text(value)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise ValueError("must be name=value pairs joined by & (userkey=abc&passkey=def)") from None
    if not pairs:
        raise ValueError("must be name=value pairs joined by & (userkey=abc&passkey=def)")
    return text


# Telegram's rule for a bot's username: 5-32 letters, digits or _, ending in "bot".
_BOT_USERNAME = re.compile(r"[A-Za-z0-9_]{2,29}[Bb][Oo][Tt]")


def _telegram_bot(value: Any) -> str:
    """The bot's username as the t.me link takes it. "@MppKotaBot" is refused, not
    mended: what is typed here is what the ticket page links to, and a near miss (a
    display name, a token) should be seen by whoever typed it."""
    text = _text(value)
    if not _BOT_USERNAME.fullmatch(text):
        raise ValueError(
            'must be the bot\'s username without "@": 5-32 letters, digits or _, '
            'ending in "bot" (e.g. MppKotaBot)'
        )
    return text


def _channel(value: Any) -> str:
    text = _text(value)
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", text):
        raise ValueError("must be 1-64 letters, digits or _ . : -")
    return text


def _path(value: Any) -> Path | None:
    if value in (None, ""):
        return None
    try:
        return Path(_text(value)).expanduser()
    except RuntimeError:  # "~someone" who has no home here
        raise ValueError(f"cannot expand ~ in {value!r}") from None


def _folder(value: Any) -> Path | None:
    path = _path(value)
    if path is not None and not path.is_dir():
        raise ValueError(f"is not a folder: {path}")
    return path


def _templates(value: Any) -> tuple[tuple[str, str], ...]:
    """``{called = "antre_dipanggil", …}`` in TOML, ``called=antre_dipanggil,…`` in the
    environment: the Cloud API template of each notice kind, named as Meta allows."""
    if isinstance(value, str):
        pairs = [item.split("=", 1) for item in value.split(",") if item.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError("must be kind=template_name pairs separated by commas")
        value = {kind.strip(): name.strip() for kind, name in pairs}
    if not isinstance(value, dict):
        raise ValueError("must be a table of notice kind = template name")
    for kind, name in value.items():
        if not re.fullmatch(r"[a-z_]{1,24}", str(kind)):
            raise ValueError(f"{kind!r} is not a notice kind")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,64}", name):
            raise ValueError(f"template names are 1-64 lowercase letters, digits or _: {name!r}")
    return tuple(sorted(value.items()))


def _count(value: Any) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 5:
        raise ValueError("must be a whole number from 0 to 5")
    return value


def _days(value: Any) -> int | None:
    if value in (None, "", 0, "0"):
        return None
    return _positive(value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on"):
        return True
    if isinstance(value, str) and value.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


# name -> (TOML table, TOML key, check)
_SPEC: dict[str, tuple[str, str, Callable[[Any], Any]]] = {
    "host": ("server", "host", _text),
    "port": ("server", "port", _port),
    "async_mode": ("server", "async_mode", _choice(ASYNC_MODES)),
    "public_url": ("server", "public_url", _http_url),
    "proxy_hops": ("server", "proxy_hops", _count),
    "database_url": ("database", "url", _database_url),
    "message_queue": ("socketio", "message_queue", _redis_url),
    "message_queue_channel": ("socketio", "channel", _channel),
    "secret_key": ("security", "secret_key", _secret),
    "secret_key_file": ("security", "secret_key_file", _path),
    "secure_cookies": ("security", "secure_cookies", _bool),
    "retention_days": ("retention", "days", _days),
    "log_level": ("logging", "level", _choice(LOG_LEVELS, upper=True)),
    "sqlite_synchronous": ("database", "sqlite_synchronous", _choice(("full", "normal"))),
    "expiry_interval_seconds": ("server", "expiry_interval_seconds", _positive),
    "max_connections": ("server", "max_connections", _positive),
    "socket_recheck_seconds": ("server", "socket_recheck_seconds", _positive),
    "demo": ("server", "demo", _bool),
    "board_clips_dir": ("board", "clips_dir", _folder),
    # Notices to visitors' phones (docs/notifications.md#configuration).
    "notify_in_server": ("notify", "in_server", _bool),
    "notify_interval_seconds": ("notify", "interval_seconds", _positive),
    "notify_timeout_seconds": ("notify", "timeout_seconds", _positive),
    "notify_fonnte_token": ("notify", "fonnte_token", _text),
    "notify_fonnte_url": ("notify", "fonnte_url", _http_url),
    "notify_fonnte_per_minute": ("notify", "fonnte_per_minute", _positive),
    "notify_telegram_token": ("notify", "telegram_token", _text),
    "notify_telegram_bot": ("notify", "telegram_bot", _telegram_bot),
    "notify_telegram_url": ("notify", "telegram_url", _http_url),
    "notify_telegram_webhook_secret": ("notify", "telegram_webhook_secret", _text),
    "notify_telegram_per_minute": ("notify", "telegram_per_minute", _positive),
    "notify_whatsapp_token": ("notify", "whatsapp_token", _text),
    "notify_whatsapp_phone_number_id": ("notify", "whatsapp_phone_number_id", _text),
    "notify_whatsapp_app_secret": ("notify", "whatsapp_app_secret", _text),
    "notify_whatsapp_verify_token": ("notify", "whatsapp_verify_token", _text),
    "notify_whatsapp_url": ("notify", "whatsapp_url", _http_url),
    "notify_whatsapp_version": ("notify", "whatsapp_version", _text),
    "notify_whatsapp_per_minute": ("notify", "whatsapp_per_minute", _positive),
    "notify_whatsapp_templates": ("notify", "whatsapp_templates", _templates),
    "notify_fonnte_webhook_secret": ("notify", "fonnte_webhook_secret", _secret),
    "notify_wablas_token": ("notify", "wablas_token", _text),
    "notify_wablas_url": ("notify", "wablas_url", _http_url),
    "notify_wablas_per_minute": ("notify", "wablas_per_minute", _positive),
    "notify_wablas_webhook_secret": ("notify", "wablas_webhook_secret", _secret),
    "notify_sms_url": ("notify", "sms_url", _http_url),
    "notify_sms_body": ("notify", "sms_body", _choice(SMS_BODIES)),
    "notify_sms_number_field": ("notify", "sms_number_field", _field_name),
    "notify_sms_text_field": ("notify", "sms_text_field", _field_name),
    "notify_sms_number_format": ("notify", "sms_number_format", _choice(SMS_NUMBER_FORMATS)),
    "notify_sms_auth_header": ("notify", "sms_auth_header", _field_name),
    "notify_sms_auth_value": ("notify", "sms_auth_value", _text),
    "notify_sms_fields": ("notify", "sms_fields", _form_fields),
    "notify_sms_success_field": ("notify", "sms_success_field", _field_name),
    "notify_sms_success_value": ("notify", "sms_success_value", _text),
    "notify_sms_id_field": ("notify", "sms_id_field", _field_name),
    "notify_sms_idempotency_field": ("notify", "sms_idempotency_field", _field_name),
    "notify_sms_per_minute": ("notify", "sms_per_minute", _positive),
    "notify_sms_webhook_secret": ("notify", "sms_webhook_secret", _secret),
    "notify_sms_inbound_number_field": ("notify", "sms_inbound_number_field", _field_name),
    "notify_sms_inbound_text_field": ("notify", "sms_inbound_text_field", _field_name),
}


@dataclass(frozen=True)
class ServerConfig:
    """The server's settings, loaded and checked once at start-up (defaults, TOML, the
    ``ANTRE_*`` environment): the one object ``create_app`` and the entry point read."""

    host: str = "127.0.0.1"
    port: int = 5080
    async_mode: str = "eventlet"
    public_url: str | None = None
    # Reverse proxies (nginx) in front whose X-Forwarded-For/-Proto/-Host are trusted:
    # without it every client seems to come from 127.0.0.1, and one person's failed
    # logins would lock the address of the whole hall.
    proxy_hops: int = 0
    database_url: str = "sqlite:///instance/antre.sqlite3"
    message_queue: str | None = None
    # Flask-SocketIO's own default; installations sharing one Redis each need their own.
    message_queue_channel: str = "flask-socketio"
    secret_key: str = field(default="", repr=False)
    secret_key_file: Path | None = None
    # False when no secret was configured and this process made up its own: fine for one
    # process, wrong for several (each would refuse the others' session cookies).
    secret_key_shared: bool = True
    # The console's cookies carry the Secure flag: on whenever browsers reach the server
    # over https (nginx with TLS in front); off, they would not be sent over plain http.
    secure_cookies: bool = False
    log_level: str = "INFO"
    sqlite_synchronous: str = "full"
    expiry_interval_seconds: int = 60
    # Connections one eventlet process serves at once: every board, counter PC, kiosk,
    # console page and phone holds one for as long as it is open. eventlet's own default
    # (1024) is below what a busy hall's phones reach (docs/benchmarks.md).
    max_connections: int = 10_000
    # How often each process re-checks the logins behind its open sockets, so a socket
    # outlives its logout, disabled user or revoked device by at most this long.
    socket_recheck_seconds: int = 30
    # Days of tickets ``antre-server prune`` keeps; None: keep everything.
    retention_days: int | None = None
    demo: bool = False
    # Recorded call-out words (display_board's clip names) the browser board plays when
    # its browser has no Indonesian voice; None: that board only chimes.
    board_clips_dir: Path | None = None
    # Notices (docs/notifications.md): a channel is on when its token is set. The worker
    # runs in the server unless ``in_server`` is off (``antre-server notify-worker``).
    notify_in_server: bool = True
    notify_interval_seconds: int = 2
    # Each provider call's connect and read timeout; a notice's lease is a little longer.
    notify_timeout_seconds: int = 10
    notify_fonnte_token: str | None = field(default=None, repr=False)
    notify_fonnte_url: str = "https://api.fonnte.com"
    # Fonnte's own advice is a pause between messages so the device's WhatsApp account
    # is not flagged as a spammer; 20 a minute is one every 3 seconds.
    notify_fonnte_per_minute: int = 20
    notify_telegram_token: str | None = field(default=None, repr=False)
    notify_telegram_bot: str | None = None  # the bot's username, for t.me deep links
    notify_telegram_url: str = "https://api.telegram.org"
    # setWebhook's secret_token: Telegram sends it back in X-Telegram-Bot-Api-Secret-Token.
    notify_telegram_webhook_secret: str | None = field(default=None, repr=False)
    # Telegram's FAQ: about 30 messages a second in bulk, one a second to one chat.
    notify_telegram_per_minute: int = 1200
    # WhatsApp Business Cloud API (Meta); preferred over Fonnte when both are configured.
    notify_whatsapp_token: str | None = field(default=None, repr=False)
    notify_whatsapp_phone_number_id: str | None = None
    notify_whatsapp_app_secret: str | None = field(default=None, repr=False)  # webhooks
    # The verify token typed into the Meta app's webhook settings (the GET handshake).
    notify_whatsapp_verify_token: str | None = field(default=None, repr=False)
    notify_whatsapp_url: str = "https://graph.facebook.com"
    notify_whatsapp_version: str = "v21.0"
    # Meta allows 80 messages a second per number; one a second is plenty for a hall.
    notify_whatsapp_per_minute: int = 60
    # Notice kind -> the approved template's name, over ``notices.texts.TEMPLATE_NAMES``.
    notify_whatsapp_templates: tuple[tuple[str, str], ...] = ()
    # Fonnte signs nothing: its incoming-message webhook proves itself by this secret in
    # its URL (``/hooks/fonnte/<secret>``), which only the hall and Fonnte know.
    notify_fonnte_webhook_secret: str | None = field(default=None, repr=False)
    # Wablas (a second WhatsApp gateway): the device token, or ``token.secret_key`` for
    # accounts that have a secret key, and the hall's Wablas server (``https://jogja.wablas.com``).
    notify_wablas_token: str | None = field(default=None, repr=False)
    notify_wablas_url: str | None = None
    notify_wablas_per_minute: int = 20  # the same caution as Fonnte: one every 3 s
    notify_wablas_webhook_secret: str | None = field(default=None, repr=False)
    # A generic HTTP SMS gateway, on when its URL is set
    # (docs/notifications.md#sms-a-generic-http-gateway).
    notify_sms_url: str | None = field(default=None, repr=False)  # may carry a key
    notify_sms_body: str = "form"
    notify_sms_number_field: str = "to"
    notify_sms_text_field: str = "message"
    notify_sms_number_format: str = "62"
    notify_sms_auth_header: str = "Authorization"
    notify_sms_auth_value: str | None = field(default=None, repr=False)
    notify_sms_fields: str | None = field(default=None, repr=False)  # userkey=…&passkey=…
    notify_sms_success_field: str | None = None
    notify_sms_success_value: str | None = None
    notify_sms_id_field: str | None = None
    # Only for a gateway that drops a repeated request carrying the same value there.
    notify_sms_idempotency_field: str | None = None
    notify_sms_per_minute: int = 60
    # The gateway's inbound-SMS callback (``/hooks/sms/<secret>``), for STOP by SMS, and
    # its names for the sender's number and the text.
    notify_sms_webhook_secret: str | None = field(default=None, repr=False)
    notify_sms_inbound_number_field: str = "from"
    notify_sms_inbound_text_field: str = "message"
    source: str = "defaults"
    # The settings the TOML file, the environment or an option gave: the console's
    # notice channel settings (server.channel_settings) fill only the others.
    set_keys: frozenset[str] = frozenset()
    # Those of ``set_keys`` that came from ``ANTRE_*`` (the console names the variable).
    env_keys: frozenset[str] = frozenset()

    def with_overrides(self, **values: Any) -> ServerConfig:
        """Checked overrides (from command-line options, tests)."""
        checked = {}
        for name, value in values.items():
            if value is None:
                continue
            checked[name] = _check(name, value, "option")
        return replace(self, **checked, set_keys=self.set_keys | frozenset(checked))

    @property
    def notices_on(self) -> bool:
        """Whether any notice channel is configured (the test ``server.notify.channels``
        builds its adapters by; asked by every queue command, so no adapter is built)."""
        whatsapp = bool(self.notify_whatsapp_token and self.notify_whatsapp_phone_number_id)
        gateways = self.notify_fonnte_token or (self.notify_wablas_token and self.notify_wablas_url)
        return whatsapp or bool(gateways or self.notify_telegram_token or self.notify_sms_url)

    @property
    def whatsapp_cloud(self) -> bool:
        """Whether WhatsApp goes through Meta's Cloud API (preferred over Fonnte)."""
        return bool(self.notify_whatsapp_token and self.notify_whatsapp_phone_number_id)

    @property
    def sqlite_path(self) -> Path | None:
        url = make_url(self.database_url)
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        return Path(url.database)


def check_setting(name: str, value: Any, where: str) -> Any:
    """``value`` as setting ``name`` holds it, by the rules of the file and environment;
    ConfigError (naming ``where``) when it breaks them."""
    return _check(name, value, where)


def setting_place(name: str) -> tuple[str, str]:
    """The TOML table and key of setting ``name``."""
    table, key, _ = _SPEC[name]
    return table, key


def secret_settings() -> frozenset[str]:
    """The settings never shown or logged (``repr=False`` in ServerConfig)."""
    return frozenset(f.name for f in fields(ServerConfig) if not f.repr and f.name in _SPEC)


def _check(name: str, value: Any, where: str) -> Any:
    check = _SPEC[name][2]
    try:
        return check(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc} (got {value!r})") from None


def load_config(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> ServerConfig:
    """Defaults < TOML file < ``ANTRE_*`` environment. Raises ConfigError on a bad value."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    sources = ["defaults"]
    if path is not None:
        values.update(_from_toml(Path(path)))
        sources.append(str(path))
    from_env: set[str] = set()
    for name in _SPEC:
        var = f"ANTRE_{name.upper()}"
        if var in env:
            values[name] = _check(name, env[var], var)
            sources.append(var)
            from_env.add(name)
    explicit = frozenset(values)
    if not values.get("secret_key") and values.get("secret_key_file") is not None:
        values["secret_key"] = read_secret(values["secret_key_file"])
    if not values.get("secret_key"):
        values["secret_key"] = secrets.token_urlsafe(32)
        values["secret_key_shared"] = False
    _check_notify(values)
    known = {f.name for f in fields(ServerConfig)}
    return ServerConfig(
        **{k: v for k, v in values.items() if k in known},
        source=", ".join(sources),
        set_keys=explicit,
        env_keys=frozenset(from_env),
    )


def check_notify(values: Mapping[str, Any]) -> None:
    """The rules across notice settings (ConfigError), for the console's merged values."""
    _check_notify(values)


def _check_notify(values: Mapping[str, Any]) -> None:
    """Settings that are wrong together: a hall sends WhatsApp through one gateway (two
    would each need their own linked phone, and which one a visitor hears from would
    be a guess), Wablas has no default server, and an SMS success value needs its field."""
    if values.get("notify_fonnte_token") and values.get("notify_wablas_token"):
        raise ConfigError(
            "[notify] fonnte_token and wablas_token are both set: a hall sends WhatsApp "
            "through one gateway; remove one of them"
        )
    if values.get("notify_wablas_token") and not values.get("notify_wablas_url"):
        raise ConfigError(
            "[notify] wablas_token needs wablas_url, the hall's Wablas server "
            "(e.g. https://jogja.wablas.com, as shown in the Wablas dashboard)"
        )
    if values.get("notify_sms_success_value") and not values.get("notify_sms_success_field"):
        raise ConfigError("[notify] sms_success_value needs sms_success_field")


def read_secret(path: Path) -> str:
    """The key several processes share (sessions and CSRF tokens of the web console),
    kept in a file readable by the server's user only, so it stays out of the
    environment and of ``ps``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"secret_key_file: cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"secret_key_file {path}: not text (write it with: head -c 48 /dev/urandom | base64)"
        ) from None
    try:
        return _secret(text)
    except ValueError as exc:
        raise ConfigError(f"secret_key_file {path}: {exc}") from None


SECRET_FILE_NAME = "antre.secret"


def lasting_secret_path(config: ServerConfig) -> Path:
    """Where a server with no configured secret keeps the one it made up: beside the
    SQLite database, or in ``instance/`` of the working folder for PostgreSQL."""
    folder = config.sqlite_path.parent if config.sqlite_path is not None else Path("instance")
    return folder / SECRET_FILE_NAME


def with_lasting_secret(config: ServerConfig) -> ServerConfig:
    """``config`` with a secret that outlives the process when none was configured.

    The personal-data key (NIKs encrypted at rest, docs/booking.md) is derived from the
    secret: a secret made up per start would leave every stored NIK unreadable after a
    restart. So the first start writes one to a file only the server's user may read
    (mode 0600, created exclusively, so two processes starting at once agree on the
    first one written) and later starts read it back.
    """
    if config.secret_key_shared:
        return config
    path = lasting_secret_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return replace(config, secret_key=read_secret(path), secret_key_file=path)
    except OSError as exc:
        raise ConfigError(f"cannot write the server's secret to {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(config.secret_key + "\n")
    return replace(config, secret_key_file=path)


def _from_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    by_place = {(table, key): name for name, (table, key, _) in _SPEC.items()}
    out: dict[str, Any] = {}
    for table, entries in data.items():
        if not isinstance(entries, dict):
            raise ConfigError(f"{path}: [{table}] must be a table")
        for key, value in entries.items():
            name = by_place.get((table, key))
            if name is None:
                raise ConfigError(f"{path}: unknown setting [{table}] {key}")
            out[name] = _check(name, value, f"{path} [{table}] {key}")
    return out
