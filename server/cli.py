"""``antre-server`` commands (a Flask CLI group): run, database, demo, users, devices,
backup and restore, pruning old days."""

from __future__ import annotations

import errno
import gc
import os
import socket
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from server.config import (
    ASYNC_MODES,
    ConfigError,
    ServerConfig,
    lasting_secret_path,
    load_config,
    read_secret,
)
from server.state import AppState

CONFIG_META = "antre.config_path"


def _remember_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value:
        ctx.meta[CONFIG_META] = value
    return value


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="ANTRE_CONFIG",
    callback=_remember_config,
    expose_value=False,
    is_eager=True,
    help="TOML configuration file (ANTRE_* environment variables override it).",
)


def _load(overrides: dict[str, Any] | None = None) -> ServerConfig:
    path = click.get_current_context().meta.get(CONFIG_META)
    try:
        config = load_config(path)
        return config.with_overrides(**(overrides or {}))
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None


def _make_app() -> Flask:
    """The app for one-shot commands: no server loop, so no eventlet either."""
    from server.app import create_app

    return create_app(_load({"async_mode": "threading"}))


class AntreGroup(FlaskGroup):
    """Every command talks to the database; one that cannot be reached (PostgreSQL down,
    a wrong password or database name, an unwritable SQLite folder) is a one-line
    message naming it, not SQLAlchemy's traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from sqlalchemy.exc import OperationalError

        try:
            return super().invoke(ctx)
        except OperationalError as exc:
            reason = " ".join(str(exc.orig).split())
            raise click.ClickException(
                f"cannot use the database {_configured_db(ctx)}: {reason}"
            ) from None


def _configured_db(ctx: click.Context) -> str:
    try:
        return _describe_db(load_config(ctx.meta.get(CONFIG_META)).database_url)
    except ConfigError:
        return "(configuration unreadable)"


@click.group(
    cls=AntreGroup, create_app=_make_app, add_default_commands=False, add_version_option=False
)
@config_option
def cli() -> None:
    """Antre queue server for Mal Pelayanan Publik."""


def _state() -> AppState:
    state: AppState = current_app.extensions["antre"]
    return state


# --- run ---------------------------------------------------------------------------


def ensure_port_free(host: str, port: int) -> None:
    """Refuse to start on a port something already serves.

    eventlet listens with SO_REUSEPORT, so a second copy would bind happily and the
    kernel would split the clients between two servers with separate rooms.
    """
    probe_host = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)
    try:
        with socket.create_connection((probe_host, port), timeout=0.5):
            raise click.ClickException(
                f"port {port} is already served on {probe_host}; not starting"
            )
    except OSError:
        pass
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"port {port} on {host} is in use; not starting"
                ) from None
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None


@cli.command("run", with_appcontext=False)
@config_option
@click.option("--host", help="Address to listen on (0.0.0.0 for the hall LAN).")
@click.option("--port", type=int, help="Port to listen on.")
@click.option(
    "--async-mode", type=click.Choice(ASYNC_MODES), help="eventlet (default) or threading."
)
def run_command(host: str | None, port: int | None, async_mode: str | None) -> None:
    """Serve the API and Socket.IO."""
    from server.app import create_app
    from server.extensions import socketio
    from server.jobs import start_jobs

    config = _load({"host": host, "port": port, "async_mode": async_mode})
    ensure_port_free(config.host, config.port)
    app = create_app(config)
    serve_behind_proxies(app, config.proxy_hops)
    _require_schema(app)
    start_jobs(app)
    if config.message_queue and not config.secret_key_shared:
        click.echo(
            "warning: several processes (message_queue) but no secret_key or "
            "secret_key_file: each process signs web console sessions with its own key",
            err=True,
        )
    kwargs: dict[str, Any] = {"host": config.host, "port": config.port, "log_output": False}
    capacity = ""
    if config.async_mode == "eventlet":
        kwargs["max_size"] = connection_capacity(config.max_connections)
        capacity = f", up to {kwargs['max_size']} connections"
    click.echo(
        f"Antre server on http://{config.host}:{config.port} "
        f"({config.async_mode}, {_describe_db(config.database_url)}{capacity})",
    )
    if config.async_mode == "threading":
        kwargs["allow_unsafe_werkzeug"] = True
        # FlaskGroup marks the process as "run from the flask CLI", and app.run() then
        # returns at once instead of serving; this command is the server, so unmark it.
        os.environ.pop("FLASK_RUN_FROM_CLI", None)
    # Everything loaded so far lives as long as the process: keep it out of the garbage
    # collector's generations, so collections during the load stay short.
    gc.collect()
    gc.freeze()
    socketio.run(app, use_reloader=False, **kwargs)


# Files a server process holds besides its connections: the database pool, Redis,
# logs, the listening socket, Python's own.
FILES_RESERVED = 100


def connection_capacity(wanted: int) -> int:
    """How many connections this process may hold: ``wanted``, within its open-files limit.

    The soft limit is raised to the hard one first (Debian's default soft limit is 1024).
    Each connection is a file; were the limit reached, eventlet's accept would fail with
    EMFILE and its server loop would end, dropping every connection. Kept below it, a
    connection beyond the cap waits in the listen queue instead.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not Linux
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, wanted + FILES_RESERVED)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return max(1, min(wanted, soft - FILES_RESERVED))


def serve_behind_proxies(app: Flask, hops: int) -> None:
    """Take the client's address, scheme and host from the ``hops`` proxies in front
    (nginx): the login throttle counts failures per client address."""
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )


def _describe_db(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _require_schema(app: Flask) -> None:
    from server.migrate import current_revision, head_revision

    with app.app_context():
        current = current_revision(_state().db.engine)
        if current != head_revision():
            raise click.ClickException(
                "the database schema is not current "
                f"({current or 'empty'} != {head_revision()}); run: antre-server db upgrade"
            )


# --- database ------------------------------------------------------------------------


@cli.group("db")
def db_group() -> None:
    """Schema migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Bring the database schema to REVISION (default: the newest)."""
    from server.migrate import upgrade

    upgrade(_state().db.engine, revision)
    click.echo(f"database at {revision}")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Take the schema back to REVISION (may drop data added since)."""
    from server.migrate import downgrade

    downgrade(_state().db.engine, revision)
    click.echo(f"database at {revision}")


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Print the schema revision of the database."""
    from server.migrate import current_revision

    click.echo(current_revision(_state().db.engine) or "empty")


@cli.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the schema in an empty database (the same as ``db upgrade``)."""
    from server.migrate import upgrade

    upgrade(_state().db.engine, "head")
    click.echo("database ready")


# --- demo, users, devices --------------------------------------------------------------


def _personal_data_key(state: Any) -> Any:
    """The server's key for bookings' personal data (the app state's, or one from the
    configured secret), so the demo's bookings read as the server's own."""
    from server.domain.identity import PersonalDataKey

    key = getattr(state, "personal_data_key", None)
    return key if key is not None else PersonalDataKey.from_secret(state.config.secret_key)


@cli.command("seed-demo")
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Demo only: keep the demo devices' tokens in this private file and reuse them on "
    "the next run, so client configs keep working (scripts/demo: instance/demo/tokens.json).",
)
@click.option(
    "--hours",
    type=click.Choice(["real", "around-the-clock"]),  # server.demo.hours.CHOICES
    help="Give the demo's services the demo data's opening hours, or open them around the "
    "clock to try the demo at any hour. Default: leave them as they are.",
)
@with_appcontext
def seed_demo_command(token_file: Path | None, hours: str | None) -> None:
    """Load the demo hall (MPP Kabupaten Tangerang) and print every login and device token.

    Safe to run again: the hall is created once, into an empty database (a database
    holding another hall is refused). The demo's device tokens are renewed on each run
    (only their hashes are stored, so this is the one moment they can be shown), unless
    --token-file keeps them.
    """
    from server.demo.seed import NotTheDemoHall, seed_demo
    from server.demo.tokens import TokenFileError, read_tokens, write_tokens

    state = _state()
    try:
        kept = read_tokens(token_file) if token_file is not None else None
        with state.db.write() as session:
            credentials = seed_demo(
                session,
                state.clock(),
                kept_tokens=kept,
                hours=hours,
                booking_key=_personal_data_key(state),
            )
        if token_file is not None:
            write_tokens(token_file, {name: token for _, name, _, token in credentials.devices})
            credentials.token_note = f"kept in {token_file} for the next run"
    except (NotTheDemoHall, TokenFileError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(credentials.render())


@cli.command("demo-configs")
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The demo token file seed-demo --token-file wrote.",
)
@click.option(
    "--into",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("instance/demo"),
    show_default=True,
    help="Folder for the configs (replaced on each run).",
)
@click.option("--host", help="The server's address (default: as antre-server run would use).")
@click.option("--port", type=int, help="The server's port (default: as antre-server run would).")
@with_appcontext
def demo_configs_command(
    token_file: Path, folder: Path, host: str | None, port: int | None
) -> None:
    """Write ready configs for the demo's kiosk, boards and counter client, and print the
    one command that starts each. Demo only: the configs hold the demo's device tokens."""
    from server.demo.client_configs import (
        DemoConfigError,
        client_commands,
        server_url_for_clients,
        write_client_configs,
    )
    from server.demo.tokens import TokenFileError, read_tokens

    state = _state()
    url = server_url_for_clients(host or state.config.host, port or state.config.port)
    try:
        tokens = read_tokens(token_file)
        with state.db.read() as session:
            configs = write_client_configs(session, tokens, folder, url)
    except (DemoConfigError, TokenFileError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(client_commands(configs, url))


@cli.command("demo-phone", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=5090, show_default=True, help="Port to listen on.")
@click.option(
    "--token",
    envvar="ANTRE_NOTIFY_FONNTE_TOKEN",
    required=True,
    help="The device token it accepts (default: ANTRE_NOTIFY_FONNTE_TOKEN, the server's).",
)
def demo_phone_command(host: str, port: int, token: str) -> None:
    """Demo only: a stand-in for Fonnte's WhatsApp gateway whose page shows the messages
    the server sends (point [notify] fonnte_url at it). Nothing leaves this machine; the
    last 200 messages are kept in memory, under masked numbers."""
    from server.demo.phone import MAX_MESSAGES, DemoPhone

    ensure_port_free(host, port)
    phone = DemoPhone(token, host, port)
    click.echo(f"Demo phone on {phone.url}/ (Fonnte's /send; the last {MAX_MESSAGES} messages)")
    try:
        phone.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        phone.server.server_close()


@cli.command("notice-channels")
@with_appcontext
def notice_channels_command() -> None:
    """Print the notice channels in effect (the file, ANTRE_* and the console's
    settings), one a line with the adapter that serves it; nothing when there is none."""
    from server.notify.channels import configured_channels

    for name, adapter in sorted(configured_channels(_state().notice_config()).items()):
        click.echo(f"{name} {type(adapter).__name__}")


@cli.command("add-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "supervisor", "officer"]), required=True)
@click.option("--agency", "agency_code", help="Agency code (required for supervisor and officer).")
@click.option("--name", "display_name", help="Name shown in the clients.")
@click.password_option(help="Password (asked when not given).")
@with_appcontext
def add_user(
    username: str, role: str, agency_code: str | None, display_name: str | None, password: str
) -> None:
    """Create a user; the password is stored hashed."""
    from server.domain.errors import DomainError
    from server.domain.users import create_user

    state = _state()
    try:
        with state.db.write() as session:
            user = create_user(session, username, password, role, agency_code, display_name)
            click.echo(f"user {user.username} ({user.role.value}) created")
    except DomainError as exc:
        raise click.ClickException(exc.message) from None


@cli.command("unlock-user")
@click.argument("username")
@with_appcontext
def unlock_user_command(username: str) -> None:
    """Lift the login lock that failed logins put on USERNAME (no console needed).

    Anyone can lock a known account name for up to 15 minutes by guessing its
    password; this lets its owner (the admin, most of all) in again at once. A lock on
    a client address is not lifted: it ends by itself, at most 15 minutes after that
    address's last failed login.
    """
    from server.domain.errors import DomainError
    from server.domain.login_throttle import locks_now, unlock_user

    state = _state()
    now = state.clock()
    try:
        with state.db.write() as session:
            was_locked = unlock_user(session, username, now)
            addresses = locks_now(session, now).addresses
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    name = username.strip().lower()
    if was_locked:
        click.echo(f"user {name} unlocked: the next login with the right password works")
    else:
        click.echo(f"user {name} was not locked; its failed logins are forgotten")
    if addresses:
        click.echo(
            f"note: {addresses} client address(es) are locked too (the monitor shows them); "
            "such a lock ends by itself within 15 minutes"
        )


@cli.command("add-device")
@click.argument("name")
@click.option(
    "--kind", type=click.Choice(["kiosk", "display", "counter", "survey", "portal"]), required=True
)
@click.option("--zone", "zone_code", help="Zone code (required for a display).")
@click.option(
    "--agency",
    "agency_code",
    help="Agency code (a counter terminal only; kiosks and displays serve the hall).",
)
@click.option(
    "--counter",
    "counter_id",
    type=int,
    help="Counter id (for a counter terminal or a survey tablet).",
)
@with_appcontext
def add_device(
    name: str, kind: str, zone_code: str | None, agency_code: str | None, counter_id: int | None
) -> None:
    """Register a device and print its token: shown this once, stored only as a hash."""
    from server.domain.devices import register_device
    from server.domain.errors import DomainError

    state = _state()
    try:
        with state.db.write() as session:
            device, token = register_device(
                session, name, kind, zone_code, agency_code, counter_id, state.clock()
            )
            click.echo(f"device {device.name} ({device.kind.value}) registered")
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"token (shown once): {token}")


@cli.command("expire-day")
@with_appcontext
def expire_day() -> None:
    """Expire every ticket of an earlier day that is still open (the server does this too)."""
    from server.jobs import expire_now

    count = expire_now(current_app)
    click.echo(f"{count} tickets expired")


@cli.command("notify-worker")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option(
    "--poll",
    is_flag=True,
    help="Only poll every interval_seconds: no LISTEN or Redis wake "
    "(e.g. behind PgBouncer in transaction mode, where LISTEN does not work).",
)
@with_appcontext
def notify_worker_command(once: bool, poll: bool) -> None:
    """Send the visitors' notices (for a large hall: set [notify] in_server = false).

    With no channel configured it waits for one (set up on the console, within a few
    seconds); ``--once`` with none is an error, as there is nothing it could send."""
    import logging

    from server.notify.channels import CurrentWorker
    from server.notify.wake import Pause, waker_for
    from server.notify.worker import worker_name

    state = _state()
    worker = CurrentWorker(state.notice_config, state.db, state.clock)
    current = worker.refresh()
    if current is None and once:
        raise click.ClickException(
            "no notice channel configured ([notify] in the config, or on the console)"
        )
    logging.basicConfig(level=state.config.log_level, format="%(asctime)s %(name)s %(message)s")
    channels = ", ".join(sorted(current.channels)) if current else "no channel yet"
    click.echo(f"notice worker {current.owner if current else worker_name()}: {channels}")
    if once:
        click.echo(f"{worker.run_once()} notices sent or settled")
        return
    config = state.config
    # Woken at once when a command queues a notice (server.notify.wake); else it polls.
    waker = (
        Pause()
        if poll
        else waker_for(config.database_url, config.message_queue, config.message_queue_channel)
    )
    try:
        while True:
            worker.run_once()
            waker.wait(worker.interval)
    finally:
        waker.close()


# --- backup ----------------------------------------------------------------------------


@cli.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup(destination: str) -> None:
    """Copy the database to DESTINATION while the server keeps running.

    SQLite: the online backup API (a consistent copy, writers only pause briefly).
    PostgreSQL: ``pg_dump`` in custom format (restore with ``pg_restore``).
    """
    from server.backup import backup_database, backup_secret

    config = _state().config
    try:
        size = backup_database(config.database_url, Path(destination))
        secret = (
            None
            if config.secret_key_shared
            else backup_secret(lasting_secret_path(config), Path(destination))
        )
    except (OSError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written: {destination} ({size} bytes)")
    if secret is not None:
        click.echo(
            f"server secret written: {secret} (0600). It decrypts the bookings' NIKs: "
            "store it with the backup, as safely as a password"
        )
    else:
        click.echo(
            "the server's secret is configured (secret_key or secret_key_file) and not "
            "copied: keep it safe apart from the backup; a restore needs it for the NIKs"
        )


@cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Overwrite a database that already holds tables.")
@with_appcontext
def restore(source: str, replace: bool) -> None:
    """Load a backup made by ``antre-server backup`` into the configured database.

    Stop every server process first. The database should be empty (a new SQLite file,
    or ``createdb``); a database holding tables is refused unless --replace.
    """
    from server.backup import restore_database
    from server.migrate import current_revision, head_revision, is_known_revision

    state = _state()
    state.db.dispose()  # this command's own pool must not hold the file or a session
    try:
        restore_database(state.config.database_url, Path(source), replace=replace)
    except (OSError, RuntimeError) as exc:  # RestoreRefused too: a clear message, no trace
        raise click.ClickException(str(exc)) from None
    revision = current_revision(state.db.engine)
    if revision is None:
        raise click.ClickException(f"restored {source}, but it holds no schema revision")
    if not is_known_revision(revision):
        # A later Antre's backup: db upgrade cannot know its revision, and this version's
        # server would misread its tables.
        raise click.ClickException(
            f"restored {source}, but its schema {revision} is newer than this "
            f"Antre ({head_revision()}): install the Antre version that made the backup "
            "before starting the server"
        )
    click.echo(f"restored {source} (schema {revision})")
    _restore_secret(state.config, Path(source))
    if revision != head_revision():
        click.echo("the backup is of an older schema: run antre-server db upgrade")


def _restore_secret(config: ServerConfig, source: Path) -> None:
    """The server's secret back from beside the backup, or a word on what to do."""
    from server.backup import restore_secret, secret_copy_path

    copy = secret_copy_path(source.resolve())
    if config.secret_key_shared:
        try:
            differs = copy.is_file() and read_secret(copy) != config.secret_key
        except ConfigError:
            differs = True
        if differs:
            click.echo(
                f"the backup's secret {copy} is not the configured one: the restored NIKs "
                f"can be read only under it (secret_key_file = {copy}, copied somewhere safe)"
            )
        return
    try:
        outcome = restore_secret(source, lasting_secret_path(config))
    except OSError as exc:
        raise click.ClickException(f"the server's secret was not restored: {exc}") from None
    if outcome == "missing":
        click.echo(
            f"no server secret beside the backup ({copy.name}): bookings' NIKs stay "
            "unreadable unless the secret of the server that made it is put back"
        )
    elif outcome == "restored":
        click.echo(f"server secret restored to {lasting_secret_path(config)} (0600)")


# --- pruning ---------------------------------------------------------------------------


@cli.command("prune")
@click.option(
    "--older-than-days",
    "days",
    type=click.IntRange(min=1),
    help="Keep this many days before today (default: retention_days of the configuration).",
)
@click.option(
    "--archive",
    type=click.Path(dir_okay=False, writable=True),
    help="Append the rows to this gzip file of JSON lines before deleting them.",
)
@click.option("--batch-size", type=click.IntRange(min=1, max=5000), default=500, show_default=True)
@with_appcontext
def prune_command(days: int | None, archive: str | None, batch_size: int) -> None:
    """Delete tickets, their event log, counter events and numbering rows of old days, and
    empty old bookings' personal data (name, phone, NIK; the bookings stay for the reports).

    Never today's nor anything newer than the cutoff; in batches of short transactions,
    so it may run while the hall is open, and may be run again after an interruption.
    """
    from server.domain.retention import ArchiveDamaged, Cutoff, JsonLinesArchive, prune
    from server.domain.settings import load_settings

    state = _state()
    days = days or state.config.retention_days
    if days is None:
        raise click.ClickException(
            "how many days to keep? give --older-than-days N or set [retention] days"
        )
    with state.db.read() as session:
        timezone = load_settings(session).timezone
    cutoff = Cutoff.older_than(days, state.clock(), timezone)
    click.echo(f"pruning service dates before {cutoff.date.isoformat()} ({days} days kept)")
    try:
        sink = JsonLinesArchive(Path(archive)) if archive else None
    except (OSError, ArchiveDamaged) as exc:
        raise click.ClickException(f"archive: {exc}") from None
    try:
        result = prune(state.db.write, cutoff, batch_size=batch_size, archive=sink)
    finally:
        if sink is not None:
            sink.close()
    for table, count in sorted(result.rows.items()):
        click.echo(f"  {table}: {count} rows")
    where = f"; archived to {archive}" if archive else ""
    click.echo(f"done in {result.batches} batches{where}")


# --- simulate -------------------------------------------------------------------------


@cli.command("simulate", with_appcontext=False)
@click.option(
    "--url", default="http://127.0.0.1:5080", show_default=True, help="The running server."
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0.01),
    default=20.0,
    show_default=True,
    help="1 = real time; 20 = an 8-hour day in about 25 minutes.",
)
@click.option(
    "--day",
    "window",
    default="08:00-16:00",
    show_default=True,
    help="Which hours of the hall's day to play (HH:MM-HH:MM).",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="The same seed plays the same day."
)
@click.option("--visitors", type=click.IntRange(min=1), default=1500, show_default=True)
@click.option(
    "--phones",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Visitors whose phone follows their ticket over Socket.IO.",
)
@click.option(
    "--boards-per-zone",
    type=click.IntRange(min=1, max=20),
    default=1,
    show_default=True,
    help="Boards each display token connects (all are checked for every call).",
)
@click.option("--agencies", help="Play only these agency codes (comma-separated).")
@click.option(
    "--tokens-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("instance/demo/tokens.json"),
    show_default=True,
    help="Device tokens (kiosks, boards) as seed-demo --token-file writes them.",
)
@click.option(
    "--officer",
    "officers",
    multiple=True,
    help="An officer's user name (repeat; default: the demo's petugas.<agency>).",
)
@click.option(
    "--officer-password",
    envvar="ANTRE_SIM_OFFICER_PASSWORD",
    help="The officers' password (default: the demo's).",
)
@click.option("--admin-user", help="An admin login for the reports (default: the demo's).")
@click.option("--admin-password", envvar="ANTRE_SIM_ADMIN_PASSWORD")
@click.option(
    "--server-pid",
    type=int,
    help="The server process to measure (default: the one listening on the port).",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="HH:MM=KIND",
    help="Break something at that time of the simulated day (repeat): server-restart, "
    "redis-restart, kiosk-cut or board-offline. See docs/simulation.md.",
)
@click.option(
    "--server-command",
    help="How to start the server again after a server-restart kills it (a shell command, "
    "run in its own process group and stopped at the end of the run).",
)
@click.option(
    "--redis-restart-command",
    default="service redis-server restart",
    show_default=True,
    help="How a redis-restart restarts Redis (a shell command that returns once it is done).",
)
@click.option("--redis-url", help="Redis to wait for after a redis-restart (redis://...).")
@click.option(
    "--board-url",
    "board_urls",
    multiple=True,
    help="With faults: boards connect to these server addresses in turn (repeat; "
    "default: --url), as a balancer spreads them over a hall's processes.",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the summary as JSON here."
)
def simulate_command(
    url: str,
    speed: float,
    window: str,
    seed: int,
    visitors: int,
    phones: int,
    boards_per_zone: int,
    agencies: str | None,
    tokens_file: Path,
    officers: tuple[str, ...],
    officer_password: str | None,
    admin_user: str | None,
    admin_password: str | None,
    server_pid: int | None,
    faults: tuple[str, ...],
    server_command: str | None,
    redis_restart_command: str,
    redis_url: str | None,
    board_urls: tuple[str, ...],
    out: Path | None,
) -> None:
    """Play a whole hall day against a running server through its public API, measure it,
    and compare the day's reports with what was done (exit 1 when they differ, a board or
    phone missed a call, or the server grew over 10 % after the warm-up; with --fault,
    also when a fault could not be made, a confirmed ticket did not end on the server,
    or a board or phone ended showing other than the server). See docs/simulation.md."""
    from server.demo.tokens import TokenFileError
    from server.simulation.command import DayRequest, SimulationStopped, simulate_day
    from server.simulation.faults import FaultOptions, parse_fault
    from server.simulation.hall import demo_credentials
    from server.simulation.plan import PlanOptions, parse_day
    from server.simulation.runner import RunOptions
    from server.simulation.summary import render

    try:
        start, end = parse_day(window)
        schedule = FaultOptions(
            faults=tuple(parse_fault(f) for f in faults),
            server_command=server_command,
            redis_restart_command=redis_restart_command,
            redis_url=redis_url,
        )
        schedule.check()
        credentials = demo_credentials(tokens_file)
    except (ValueError, TokenFileError) as exc:
        raise click.ClickException(str(exc)) from None
    if officers:
        credentials.officers = list(officers)
    if officer_password:
        credentials.officer_password = officer_password
    if admin_user or admin_password:
        credentials.admin = (
            admin_user or credentials.admin[0],
            admin_password or credentials.admin[1],
        )
    request = DayRequest(
        run=RunOptions(
            url=url,
            speed=speed,
            server_pid=server_pid,
            faults=schedule,
            board_urls=board_urls,
            boards_per_zone=boards_per_zone,
        ),
        plan=PlanOptions(visitors=visitors, start=start, end=end, seed=seed, phones=phones),
        credentials=credentials,
        agencies=[a.strip() for a in agencies.split(",") if a.strip()] if agencies else None,
        out=out,
    )
    try:
        summary = simulate_day(request, say=click.echo)
    except (SimulationStopped, ValueError) as exc:
        raise click.ClickException(f"simulation stopped: {exc}") from None
    click.echo(render(summary))
    if not summary["ok"]:
        raise SystemExit(1)


if __name__ == "__main__":  # pragma: no cover - `python -m server.cli`
    cli.main(prog_name="antre-server")
