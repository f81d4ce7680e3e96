"""Running the service: the config, the socket, uvicorn, and a clean stop.

The socket is bound here, before uvicorn starts, so that a bad host or a port in use
is a DriftcheckError naming the option (exit 2), not a log line. Loopback is the
default; any other address is an explicit choice, said on stderr at start.

SIGTERM and Ctrl-C: uvicorn stops taking requests, the scheduler abandons its cycle
after the database in progress, and the process exits 0. (uvicorn re-raises the signal
it caught once it has shut down, which would end the process by that signal instead;
`_Server` keeps it from doing so.)
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import socket
import sys
import threading
from collections.abc import Generator

import uvicorn

from driftcheck.config import MAX_INTERVAL, Config, load_config
from driftcheck.errors import ConfigError
from driftcheck.serve.app import create_app
from driftcheck.serve.service import Service, targets_of

log = logging.getLogger("driftcheck.serve")


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        with super().capture_signals():
            yield
            # Handled: a graceful stop is an exit 0, not a death by the signal.
            self._captured_signals.clear()


def _option(cfg: Config, key: str, given: object) -> str:
    """How a message names a setting: the option, or the key in the config file."""
    if given is not None or f"serve.{key}" not in cfg.from_file:
        value = given if given is not None else getattr(cfg.serve, key)
        return f"--{key} {value}"
    return f"[serve] {key} = {getattr(cfg.serve, key)!r} in {cfg.source}"


def bind(host: str, port: int, host_label: str, port_label: str) -> socket.socket:
    """A listening socket on host:port, or a ConfigError naming the culprit."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConfigError(
            f"{host_label}: not an address this machine can listen on ({exc})",
            hint="use an IP address of this machine, e.g. --host 127.0.0.1 (the default)",
            code="usage",
        ) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"{port_label}: the port is in use on {host}",
                hint="stop what listens there, or choose another port (--port)",
                code="usage",
            ) from None
        if exc.errno == errno.EACCES:
            raise ConfigError(
                f"{port_label}: permission denied on {host}",
                hint="ports below 1024 need privileges: choose another port, e.g. --port 9466",
                code="usage",
            ) from None
        raise ConfigError(
            f"{host_label}: cannot listen on {host} port {port}: {exc.strerror or exc}",
            hint="use an address of this machine, e.g. --host 127.0.0.1 (the default)",
            code="usage",
        ) from None
    sock.setblocking(False)
    return sock


def _loopback(sock: socket.socket) -> bool:
    try:
        return ipaddress.ip_address(sock.getsockname()[0]).is_loopback
    except ValueError:
        return False


def _log_to_stderr(quiet: bool) -> None:
    """The service's own lines (and uvicorn's errors) on stderr, once set up to serve."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("driftcheck serve: %(message)s"))
    for name in ("driftcheck.serve", "uvicorn"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING if quiet else logging.INFO)
        logger.propagate = False
    logging.getLogger("uvicorn").setLevel(logging.WARNING)


def run(
    config: str | None = None,
    host: str | None = None,
    port: int | None = None,
    interval: int | None = None,
    quiet: bool = False,
) -> int:
    """Serve until SIGTERM or Ctrl-C; 0 then. Bad input raises DriftcheckError."""
    cfg = load_config(config)
    targets = targets_of(cfg)
    if interval is not None and not 1 <= interval <= MAX_INTERVAL:
        raise ConfigError(
            f"--interval {interval}: expected a number of seconds, 1 to {MAX_INTERVAL} (7 days)",
            hint="e.g. --interval 300 (the default)",
            code="usage",
        )
    every = interval if interval is not None else cfg.serve.interval
    if port is not None and not 1 <= port <= 65535:
        raise ConfigError(
            f"--port {port}: expected a port number, 1 to 65535",
            hint="e.g. --port 9466 (the default)",
            code="usage",
        )
    address = host if host is not None else cfg.serve.host
    number = port if port is not None else cfg.serve.port
    sock = bind(address, number, _option(cfg, "host", host), _option(cfg, "port", port))
    _log_to_stderr(quiet)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    if not _loopback(sock):
        log.warning(
            "listening on %s, not loopback: anyone who can reach this address can read "
            "the reports (%s)",
            address,
            _option(cfg, "host", host),
        )
    for t in targets:
        if not t.databases():  # not an error: a fleet may be empty for a while
            log.warning(
                "target %s: %s matches no database now (%s); it is checked again every cycle",
                t.name,
                t.db,
                t.label,
            )
    service = Service(cfg, targets, interval=every, metrics_databases=cfg.serve.metrics_databases)
    app = create_app(service)
    server = _Server(
        uvicorn.Config(
            app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
    )
    log.info(
        "http://%s:%d/ (%s, every %d s; read-only)",
        shown,
        bound_port,
        ", ".join(f"{t.name}: {t.db}" for t in targets),
        every,
    )
    service.start()
    try:
        server.run(sockets=[sock])
    finally:
        stopper = threading.Thread(target=service.shutdown, kwargs={"timeout": 3.0}, daemon=True)
        stopper.start()
        stopper.join(4.0)
        sock.close()
    log.info("stopped")
    return 0
