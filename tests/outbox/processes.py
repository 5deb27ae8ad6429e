"""Real processes for the fault tests: a private redis-server (never the shared one on 6379)
and a Celery worker subprocess on it, against the test database, its mail written to files."""

import email
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from email.header import decode_header, make_header
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CELERY = Path(sys.executable).with_name("celery")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _stop(process, seconds=10):
    """SIGTERM the process group we started, then SIGKILL what is left after `seconds`."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(seconds)


class PrivateRedis:
    """A redis-server of our own on a free loopback port, in memory only (`--save ""`): a
    restart starts it empty, as a crashed broker without persistence comes back."""

    def __init__(self, log_dir):
        self.port = free_port()
        self.log = Path(log_dir) / f"redis-{self.port}.log"
        self.process = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, seconds=10):
        assert self.process is None or self.process.poll() is not None
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--logfile", str(self.log)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + seconds
        while not _answers(self.port):
            assert time.monotonic() < deadline, f"redis-server did not start: {self.log}"
            assert self.process.poll() is None, f"redis-server exited: {self.log}"
            time.sleep(0.05)

    def stop(self):
        if self.process is not None:
            _stop(self.process)
        assert not _answers(self.port)

    def queued(self, queue="celery"):
        """Messages waiting in a queue (a Redis list), read with the client Celery uses."""
        import redis

        client = redis.Redis.from_url(self.url())
        try:
            return client.llen(queue)
        finally:
            client.close()


def database_url(settings_dict):
    """The URL of the database Django uses now (the test database), for a subprocess."""
    user, password = settings_dict.get("USER") or "", settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


class WorkerProcess:
    """`celery -A partnercenter worker` (prefork, one child) in its own process group."""

    def __init__(self, *, broker_url, database_url, mail_dir, log_dir, extra_env=None):
        self.env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": broker_url,
                    "CELERY_TASK_ALWAYS_EAGER": "false", "PORTAL_READ_DOT_ENV": "false",
                    "DEBUG": "true",
                    # django-environ drops a slash of the path: four for an absolute one.
                    "EMAIL_URL": f"filemail:///{Path(mail_dir).resolve()}",
                    **(extra_env or {})}
        self.log = Path(log_dir) / "worker.log"
        self.process = None

    def start(self, seconds=60):
        self.log.write_text("")
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "partnercenter", "worker", "--concurrency=1",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             f"--hostname=fault-{os.getpid()}@localhost"],
            cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
            stdout=self.log.open("a"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + seconds
        while " ready." not in self.log.read_text():
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, self.log.read_text()[-3000:]
            time.sleep(0.1)

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.process is not None:
            _stop(self.process, seconds=20)


def read_mails(mail_dir):
    """Every message Django's file backend wrote to `mail_dir`, as email.message objects."""
    separator = "\n" + "-" * 79 + "\n"
    messages = []
    for path in sorted(Path(mail_dir).glob("*.log")):
        for chunk in path.read_text(errors="replace").split(separator):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.lstrip("\n")))
    return messages


def mail_counts(mail_dir):
    """{(recipient, subject): how many mails}, one count per address of To."""
    counts = Counter()
    for message in read_mails(mail_dir):
        subject = str(make_header(decode_header(message.get("Subject", ""))))
        for address in message.get_all("To", []):
            for one in address.split(","):
                counts[(one.strip(), subject)] += 1
    return counts
