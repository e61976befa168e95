"""Real processes on 127.0.0.1 for the tests and bench/: free ports, Sprintboard's environment,
`manage.py`, daphne, a throwaway redis-server, Debian's nginx in front, a PostgreSQL database
of their own. Every wait has a timeout; every process started here can be stopped by its owner.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SLUG = "wk-sprint-2024-women"
REDIS_SERVER = "/usr/bin/redis-server"
NGINX = "/usr/sbin/nginx"
STARTUP_TIMEOUT = 30
# For processes started outside the tests (bench/): the tests set their own (tests/settings.py).
FALLBACK_SECRET_KEY = "django-insecure-sprintboard-tests-and-bench-only"


class ProcessError(AssertionError):
    """A process did not start or did not answer as it should (an AssertionError: a test failure)."""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read(path):
    """The end of a log file, for failure messages ('' when there is none)."""
    if path is None:
        return ""
    try:
        return Path(path).read_text(errors="replace")[-4000:]
    except OSError:
        return ""


def wait_for_port(port, process, name, log=None, timeout=STARTUP_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ProcessError(f"{name} exited with {process.returncode} before listening:\n{read(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise ProcessError(f"{name} did not listen on 127.0.0.1:{port} within {timeout} s:\n{read(log)}")


def stop(process, name=None):
    """Stop a process we started: SIGTERM, then SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def environment(database, redis_url=None, **variables):
    """The environment of a Sprintboard process using `database` (a SQLite file's path, or a
    database URL) and, when given, the Redis at `redis_url` (else the in-process channel layer);
    `variables` added (e.g. BEHIND_PROXY="on")."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL", "DEBUG", "BEHIND_PROXY"}
    }
    env.setdefault("SECRET_KEY", FALLBACK_SECRET_KEY)
    env.update(
        DJANGO_SETTINGS_MODULE="sprintboard.settings",
        DATABASE_URL=database if "://" in str(database) else f"sqlite:///{database}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(variables)
    return env


def manage(env, *args, timeout=60):
    """`manage.py args` in a process of its own; fails unless it exits with 0."""
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if completed.returncode != 0:
        raise ProcessError(
            f"manage.py {' '.join(args)} exited with {completed.returncode}:\n"
            f"{completed.stdout}\n{completed.stderr}"
        )
    return completed


class Daphne:
    """daphne serving `app` on a fixed port of 127.0.0.1, which its owner can stop (or kill) and
    start again, with one log over every run. As a context manager: started, then stopped with
    its log printed (pytest shows it when the test failed)."""

    def __init__(self, env, directory, app="sprintboard.asgi:application", port=None, name="daphne"):
        self.env, self.app, self.name = env, app, name
        self.port = port or free_port()
        self.log = Path(directory) / f"{name}-{self.port}.log"
        self.process = None

    def start(self):
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), self.app],
                cwd=BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, self.process, self.name, self.log)

    def halt(self, how):
        """Stop daphne with the signal `how` and wait until it is gone."""
        self.process.send_signal(how)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise ProcessError(f"{self.name} did not exit within 10 s of {how.name}:\n{read(self.log)}")

    def stop(self):
        stop(self.process)

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exception):
        self.stop()
        print(f"--- {self.name} log ---\n{read(self.log)}")


class RedisServer:
    """A throwaway redis-server on 127.0.0.1 (no persistence) that can stop and start again on
    its port."""

    def __init__(self, directory):
        self.port, self.directory = free_port(), Path(directory)
        self.log, self.process = self.directory / "redis.log", None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        if not os.path.exists(REDIS_SERVER):
            raise ProcessError(f"{REDIS_SERVER} is missing: install the redis-server package")
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(
                [
                    *(REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, self.process, "redis-server", self.log)

    def stop(self):
        stop(self.process)


class Nginx:
    """Debian's nginx as an unprivileged process: its `http` block given (`http_config`), the
    pid file, logs and temporary files in `directory`, in the foreground."""

    def __init__(self, directory, http_config, port):
        self.directory, self.port = Path(directory), port
        self.log = self.directory / "nginx-error.log"
        self.config = self.directory / "nginx.conf"
        temp = " ".join(
            f"{kind}_temp_path {self.directory / ('nginx-' + kind)};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        self.config.write_text(
            f"pid {self.directory / 'nginx.pid'};\n"
            f"error_log {self.log} info;\n"
            "worker_processes 1;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            f"access_log {self.directory / 'nginx-access.log'};\n"
            f"{temp}\n"
            f"{http_config}\n"
            "}\n"
        )
        self.process = None

    def start(self):
        if not os.path.exists(NGINX):
            raise ProcessError(f"{NGINX} is missing: install the nginx package")
        self.process = subprocess.Popen(
            [
                NGINX,
                "-p",
                str(self.directory),
                "-c",
                str(self.config),
                "-e",
                str(self.log),
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, self.process, "nginx", self.log)

    def stop(self):
        stop(self.process)


def postgres_url():
    """DATABASE_URL when it names a PostgreSQL server (the CI's PostgreSQL run), else None."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@contextlib.contextmanager
def postgres_database(server_url):
    """A new, empty database on the PostgreSQL server of `server_url` (its role needs CREATEDB),
    dropped afterwards; yields its URL."""
    import psycopg

    name = f"sprintboard_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(server_url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))  # the database every server has
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
