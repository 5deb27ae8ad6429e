"""A bounded soak: the portal served by gunicorn, a Celery worker and beat on a private Redis,
signed-in users on the main pages and actions, and the worker SIGKILLed every minute.

    .venv/bin/python benchmarks/soak.py                  # 10 minutes, database `soak`
    .venv/bin/python benchmarks/soak.py --minutes 2
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/soak2 .venv/bin/python benchmarks/soak.py

Everything runs on this machine and talks over loopback only: a redis-server of its own on a
free port (broker and cache, in memory), gunicorn on 127.0.0.1, `celery worker` and `celery
beat` subprocesses, and threads of HTTP clients that sign in through the sign-in page (CSRF
cookie and header, as a browser's htmx does). The database is PostgreSQL, one of its own
(created when missing, migrated and loaded with the demo data by the script; the shared
`postgres`, `test` and `test_test` are refused). Mail goes to Django's file backend in a
temporary folder and is counted per recipient and subject.

At the end it waits (bounded, --drain) for the background work to finish, then reports
requests and p50/p95 per page or action, errors (5xx, connection errors and unexpected
answers; goal 0), orders submitted vs completed exactly once, mails sent exactly once, and
writes benchmarks/results/soak.local.json. Exit status: 0 every goal met, 1 a goal missed,
2 the soak could not start.
"""

import argparse
import contextlib
import email
import html
import http.client
import json
import os
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from email.header import decode_header, make_header
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import generate as gen

ROOT = gen.ROOT
RESULTS = ROOT / "benchmarks" / "results" / "soak.local.json"
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soak"
DEMO_PASSWORD = "Demo-pass-2026"

# Who signs in (the demo data's accounts) and their workspaces.
PROVIDER = ("provider@contoso.test", "contoso")
RESELLER = ("reseller@northwind.test", "northwind")
CUSTOMER = ("admin@adatum.onpartnercenter.test", "adatum")

# Shorter than the production defaults so that orders whose worker was killed are picked up
# again within the soak (the lease stays above the task's hard time limit, as it must).
WORKER_SETTINGS = {
    "CELERY_TASK_SOFT_TIME_LIMIT": "20",
    "CELERY_TASK_TIME_LIMIT": "30",
    "PORTAL_ORDER_LEASE_SECONDS": "40",
    "PORTAL_ORDER_STUCK_SECONDS": "30",
}


class SetupError(Exception):
    pass


def log(message):
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port, process, seconds, what, log_path=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupError(f"{what} exited ({process.returncode}): {tail(log_path)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise SetupError(f"{what} did not listen on 127.0.0.1:{port} within {seconds}s")


def tail(path, chars=2000):
    try:
        return Path(path).read_text(errors="replace")[-chars:] if path else ""
    except OSError:
        return ""


def stop_group(process, seconds=15):
    """End a process group we started: SIGTERM, then SIGKILL what is left."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(seconds)


def percentile(values, fraction):
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


# ------------------------------------------------------------------ database and services


def prepare_database(env):
    """Create the soak database when missing, migrate it, load the demo data."""
    import psycopg2
    from psycopg2 import sql

    url = urlsplit(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    if url.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SetupError("the soak needs PostgreSQL (DATABASE_URL=postgres://...)")
    if name in gen.PROTECTED_DATABASES:
        raise SetupError(f"refusing the shared database {name!r}: point DATABASE_URL at one "
                         f"of its own (default {DEFAULT_DATABASE_URL})")
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SetupError("the soak runs on loopback only: DATABASE_URL must be local")
    connection = psycopg2.connect(host=url.hostname, port=url.port or 5432,
                                  user=url.username or "postgres", password=url.password,
                                  dbname="postgres")
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                log(f"creating database {name}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()
    # Set-up runs without the soak's Redis (not started yet): a local-memory cache, tasks
    # inline, its mail (if any) dropped.
    setup_env = {**env, "DEBUG": "true", "REDIS_URL": "", "EMAIL_URL": "dummymail://"}
    for args in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=setup_env,
                       check=True, stdout=subprocess.DEVNULL, timeout=600)
    # DEBUG off serves the collected, hashed static files (whitenoise's manifest).
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                   cwd=ROOT, env=env, check=True, timeout=600)
    subprocess.run([sys.executable, str(ROOT / "locale" / "catalogs.py")], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, timeout=300)


class Services:
    """redis-server, gunicorn, celery worker and beat: each a process group of ours."""

    def __init__(self, env, work, *, web_workers, worker_concurrency):
        self.env, self.work = env, work
        self.web_workers, self.worker_concurrency = web_workers, worker_concurrency
        self.redis = self.web = self.worker = self.beat = None
        self.worker_starts = 0

    def _spawn(self, args, name):
        logfile = (self.work / f"{name}.log").open("a")
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                stdout=logfile, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def start(self):
        redis_port, web_port = self.env["SOAK_REDIS_PORT"], int(self.env["SOAK_WEB_PORT"])
        self.redis = self._spawn(["redis-server", "--port", redis_port, "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no"], "redis")
        wait_port(int(redis_port), self.redis, 10, "redis-server", self.work / "redis.log")
        self.web = self._spawn(
            [str(BIN / "gunicorn"), "partnercenter.wsgi:application",
             "--bind", f"127.0.0.1:{web_port}", "--workers", str(self.web_workers),
             "--worker-class", "gthread", "--threads", "4", "--timeout", "60",
             "--graceful-timeout", "10"], "gunicorn")
        self.start_worker()
        self.beat = self._spawn(
            [str(BIN / "celery"), "-A", "partnercenter", "beat", "--loglevel=INFO",
             "--schedule", str(self.work / "celerybeat-schedule")], "beat")
        wait_port(web_port, self.web, 60, "gunicorn", self.work / "gunicorn.log")
        # The port opens before the application is loaded: wait for an answer (/healthz).
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", web_port, timeout=30)
                connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                if connection.getresponse().status == 200:
                    connection.close()
                    break
            if time.monotonic() > deadline:
                raise SetupError(f"gunicorn does not answer /healthz: "
                                 f"{tail(self.work / 'gunicorn.log')}")
            time.sleep(0.5)

    def start_worker(self):
        self.worker_starts += 1
        self.worker = self._spawn(
            [str(BIN / "celery"), "-A", "partnercenter", "worker", "--loglevel=INFO",
             f"--concurrency={self.worker_concurrency}", "--without-gossip",
             "--without-mingle", f"--hostname=soak{self.worker_starts}@localhost"], "worker")

    def kill_worker(self):
        """SIGKILL the worker and its pool children at once, as the OOM killer or a lost
        machine would: no warm shutdown, unacknowledged messages stay with the broker."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(10)

    def alive(self):
        return {name: process is not None and process.poll() is None for name, process in
                [("redis", self.redis), ("web", self.web), ("worker", self.worker),
                 ("beat", self.beat)]}

    def stop(self):
        for process in (self.web, self.beat, self.worker, self.redis):
            stop_group(process)


# ------------------------------------------------------------------ HTTP clients


class Client:
    """One browser: a keep-alive connection, cookies, the CSRF header on every POST."""

    def __init__(self, port, stats):
        self.port, self.stats = port, stats
        self.cookies = {}
        self.connection = None

    def _request(self, method, path, body=None):
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in (1, 2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port,
                                                             timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.connection.close()
                self.connection = None
                # A kept-alive connection the server closed while idle: once more on a new
                # one, as a browser does; a new connection failing counts.
                if attempt == 2 or not reused:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, response.getheader("Location", ""), content.decode(
            "utf-8", "replace")

    def call(self, name, method, path, data=None, expect=(200,)):
        """One timed request, recorded under `name`; returns (status, location, html) or None
        after a connection error."""
        from urllib.parse import urlencode

        body = urlencode(data or {}, doseq=True) if method == "POST" else None
        started = time.perf_counter()
        try:
            status, location, text = self._request(method, path, body)
        except (OSError, http.client.HTTPException) as error:
            self.stats.record(name, None, time.perf_counter() - started,
                              f"{type(error).__name__}: {error}", path)
            return None
        problem = None if status in expect else f"HTTP {status} (expected {expect})"
        self.stats.record(name, status, time.perf_counter() - started, problem, path)
        return status, location, text

    def get(self, name, path, expect=(200,)):
        return self.call(name, "GET", path, expect=expect)

    def post(self, name, path, data, expect=(302,)):
        return self.call(name, "POST", path, data, expect=expect)

    def sign_in(self, user, password):
        self.get("sign-in page", "/accounts/login/")
        answer = self.post("sign-in", "/accounts/login/", {"login": user, "password": password})
        if answer is None or answer[0] != 302:
            raise SetupError(f"{user} could not sign in: {answer and answer[0]}")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.statuses = defaultdict(Counter)
        self.errors = []  # 5xx and connection errors
        self.unexpected = []  # other answers than the one the flow expects
        self.counters = Counter()

    def record(self, name, status, seconds, problem, path):
        with self.lock:
            self.times[name].append(seconds * 1000)
            self.statuses[name][str(status) if status else "connection error"] += 1
            if problem:
                entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "name": name,
                         "path": path, "status": status, "problem": problem}
                (self.errors if status is None or status >= 500
                 else self.unexpected).append(entry)

    def count(self, what, n=1):
        with self.lock:
            self.counters[what] += n


# ------------------------------------------------------------------ what the users do

_INPUT_VALUE = r'name="{}"[^>]*value="([^"]*)"'
_TEXTAREA = r'<textarea[^>]*name="{}"[^>]*>(.*?)</textarea>'


def field(text, name, textarea=False):
    pattern = (_TEXTAREA if textarea else _INPUT_VALUE).format(re.escape(name))
    match = re.search(pattern, text, re.DOTALL)
    return html.unescape(match.group(1)) if match else None


class World:
    """Ids the users need, read once from the database, and what they hand each other."""

    def __init__(self, tag):
        from apps.catalog.models import Offer
        from apps.customers.models import Customer
        from apps.organizations.models import Organization

        self.tag = tag
        organizations = {o.slug: o for o in Organization.objects.filter(
            slug__in=["contoso", "northwind", "adatum"])}
        self.contoso, self.northwind = organizations["contoso"], organizations["northwind"]
        self.adatum = Customer.objects.get(organization__slug="adatum")
        offers = list(Offer.objects.filter(is_active=True, min_licenses__lte=3,
                                           max_licenses__gte=5).order_by("code"))
        if len(offers) < 2:
            raise SetupError("the catalog needs two offers that take 3 to 5 licenses")
        self.wizard_offer, self.add_offer = offers[0], offers[1]
        self.lock = threading.Lock()
        self.sequence = 0
        self.submitted_orders = []  # order ids from Submit's redirect
        self.add_subscription_keys = []  # idempotency keys of Add subscription orders
        self.new_customers = queue.Queue()  # order ids whose customer may get Add subscription
        self.to_answer = defaultdict(queue.Queue)  # handler slug -> support request paths
        self.partnership_sends = []  # (email, subject)
        self.support_titles = []

    def next(self):
        with self.lock:
            self.sequence += 1
            return self.sequence


def wizard_submit(client, world):
    n = world.next()
    prefix = f"soak{world.tag}{n}"
    base = "/o/contoso/customers/new/"
    step = f"new_customer_{world.contoso.pk.hex}-current_step"
    start = client.get("wizard: start", f"{base}?reseller={world.northwind.pk}",
                       expect=(302,))  # to the first step, as a browser follows
    if start is None or client.get("wizard: details page", start[1] or base) is None:
        return
    details = {"company_name": f"Soak {world.tag} {n} Ltd", "domain_prefix": prefix,
               "contact_first_name": "Sam", "contact_last_name": "Soak",
               "contact_email": f"it@{prefix}.example", "contact_phone": "+1 425 555 0100",
               "country": "US", "city": "Redmond", "postal_code": "98052",
               "street": "1 Soak Way", "language": "en", "reseller": str(world.northwind.pk)}
    offer = world.wizard_offer
    steps = [
        ("wizard: details", f"{base}details/",
         {**{f"details-{k}": v for k, v in details.items()}, step: "details"}),
        ("wizard: subscriptions", f"{base}subscriptions/",
         {"subscriptions-offers": [str(offer.pk)], f"subscriptions-licenses_{offer.pk}": "5",
          step: "subscriptions"}),
    ]
    for name, path, data in steps:
        if client.post(name, path, data) is None:
            return
    review = client.get("wizard: review", f"{base}review/")
    key = review and field(review[2], "review-idempotency_key")
    if not key:
        client.stats.count("wizard: no key on review")
        return
    answer = client.post("wizard: Submit", f"{base}review/",
                         {"review-idempotency_key": key, step: "review"})
    if answer and answer[0] == 302:
        match = re.search(r"/orders/([0-9a-f-]{36})/confirmation/", answer[1])
        if match:
            with world.lock:
                world.submitted_orders.append(match.group(1))
            world.new_customers.put(match.group(1))
            client.get("order confirmation", answer[1])


def add_subscription(client, world):
    from apps.customers.models import Customer
    from apps.orders.models import Order

    try:
        order_id = world.new_customers.get_nowait()
    except queue.Empty:
        return False
    order = Order.objects.filter(pk=order_id).values("customer_id", "status").first()
    customer_active = order and Customer.objects.filter(
        pk=order["customer_id"], status=Customer.Status.ACTIVE).exists()
    if not customer_active:
        world.new_customers.put(order_id)  # not provisioned yet: later
        return False
    path = f"/o/contoso/customers/{order['customer_id']}/subscriptions/new/"
    if client.get("Add subscription: form", path) is None:
        return True
    key = str(uuid.uuid4())
    offer = world.add_offer
    answer = client.post("Add subscription: Submit", path, {
        "offers": [str(offer.pk)], "idempotency_key": key, "reseller": str(world.northwind.pk),
        f"licenses_{offer.pk}": "3"})
    if answer and answer[0] == 302:
        with world.lock:
            world.add_subscription_keys.append(key)
    return True


def support_request(client, world):
    title = f"Soak {world.tag} request {world.next()}"
    answer = client.post("support request: Submit", "/o/adatum/support/new/", {
        "subscription": "", "title": title, "severity": "high",
        "description": "Mailboxes do not sync since this morning."})
    if answer and answer[0] == 302:
        with world.lock:
            world.support_titles.append(title)
        match = re.search(r"/support/([0-9a-f-]{36})/", answer[1])
        if match:
            from apps.support.models import SupportRequest

            handler = SupportRequest.objects.filter(pk=match.group(1)).values_list(
                "handled_by__slug", flat=True).first()
            world.to_answer[handler].put(match.group(1))


def support_reply(client, world, slug):
    try:
        request_id = world.to_answer[slug].get_nowait()
    except queue.Empty:
        return False
    page = client.get("support request page", f"/o/{slug}/support/{request_id}/")
    key = page and field(page[2], "idempotency_key")
    if key:
        client.post("support reply: Submit", f"/o/{slug}/support/{request_id}/reply/",
                    {"body": "We are looking into it.", "idempotency_key": key})
    return True


def partnership_send(client, world):
    n = world.next()
    address = f"partner{n}.{world.tag}@soak-reseller.test"
    answer = client.post("partnership request: create", "/o/contoso/resellers/request/",
                         {"email": address, "name": f"Soak reseller {n}"})
    if not answer or answer[0] != 302:
        return
    draft = client.get("partnership request: draft", answer[1])
    body = draft and field(draft[2], "body", textarea=True)
    if not body:
        client.stats.count("partnership: no draft body")
        return
    subject = f"Partner with Contoso ({world.tag} {n})"
    sent = client.post("partnership request: Send", answer[1],
                       {"subject": subject, "body": body})
    if sent and sent[0] == 302:
        with world.lock:
            world.partnership_sends.append((address, subject))


def pages_for(slug, world):
    base = f"/o/{slug}/"
    if slug == "contoso":
        return [("dashboard", base), ("Customers", f"{base}customers/"),
                ("Indirect resellers", f"{base}resellers/"), ("Orders", f"{base}orders/"),
                ("support", f"{base}support/"),
                ("customer's subscriptions", f"{base}customers/{world.adatum.pk}/subscriptions/")]
    if slug == "northwind":
        return [("dashboard", base), ("Customers", f"{base}customers/"),
                ("support", f"{base}support/"),
                ("customer's subscriptions", f"{base}customers/{world.adatum.pk}/subscriptions/")]
    return [("dashboard", base), ("support", f"{base}support/"),
            ("subscriptions", f"{base}subscriptions/")]


def user_loop(role, client, world, stop, think, rng):
    """Pages and actions in a loop until `stop`; the actions are a quarter of the turns."""
    from django.db import connection

    slug = role[1]
    pages = pages_for(slug, world)
    try:
        while not stop.is_set():
            roll = rng.random()
            if slug == "contoso" and roll < 0.10:
                wizard_submit(client, world)
            elif slug == "contoso" and roll < 0.17:
                if not add_subscription(client, world):
                    name, path = rng.choice(pages)
                    client.get(name, path)
            elif slug == "contoso" and roll < 0.20:
                partnership_send(client, world)
            elif slug == "adatum" and roll < 0.15:
                support_request(client, world)
            elif slug != "adatum" and roll < 0.30 and support_reply(client, world, slug):
                pass
            else:
                name, path = rng.choice(pages)
                client.get(name, path)
            stop.wait(think * (0.5 + rng.random()))
    finally:
        connection.close()


def killer_loop(services, stop, every, stats, kills):
    """SIGKILL the worker every `every` seconds and start a new one at once."""
    while not stop.wait(every):
        services.kill_worker()
        kills.append(datetime.now(UTC).isoformat(timespec="seconds"))
        services.start_worker()
        stats.count("worker kills")


# ------------------------------------------------------------------ the tally


def read_mails(mail_dir):
    separator = "\n" + "-" * 79 + "\n"
    counts = Counter()
    for path in sorted(Path(mail_dir).glob("*.log")):
        for chunk in path.read_text(errors="replace").split(separator):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.lstrip("\n"))
            subject = str(make_header(decode_header(message.get("Subject", ""))))
            for to in message.get_all("To", []):
                for address in to.split(","):
                    counts[(address.strip().lower(), subject)] += 1
    return counts


def background_done(world, run_started):
    from apps.orders.models import Order
    from apps.outbox.models import OutboxMessage
    from apps.support.models import SupportMessage

    open_orders = Order.objects.filter(submitted_at__gte=run_started).exclude(
        status__in=[Order.Status.COMPLETED, Order.Status.FAILED]).count()
    pending = OutboxMessage.objects.filter(created_at__gte=run_started, status="pending").count()
    unsent = SupportMessage.objects.filter(created_at__gte=run_started, kind__in=[
        "opened", "reply"], notified_at__isnull=True).count()
    return open_orders, pending, unsent


def tally(world, run_started, mail_dir):
    """Orders and mails of this run, checked against the database and the mail files."""
    from apps.accounts.models import User
    from apps.audit.models import AuditEvent
    from apps.customers.models import Customer
    from apps.orders.models import CredentialHandover, Order
    from apps.organizations.roles import Role
    from apps.organizations.selectors import member_emails
    from apps.outbox.models import OutboxMessage
    from apps.subscriptions.models import Subscription
    from apps.support.models import SupportMessage

    orders = Order.objects.filter(submitted_at__gte=run_started,
                                  kind__in=[Order.Kind.NEW_CUSTOMER, Order.Kind.NEW_SUBSCRIPTION])
    problems = []
    by_status, attempts = Counter(), Counter()
    completed_once = 0
    for order in orders.select_related("customer"):
        by_status[order.status] += 1
        attempts[order.attempts] += 1
        lines = order.lines.count()
        made = order.lines.filter(subscription__isnull=False).count()
        issues = []
        if order.status != Order.Status.COMPLETED:
            issues.append(f"status {order.status}")
        if made != lines:
            issues.append(f"{made} subscriptions for {lines} lines")
        if order.kind == Order.Kind.NEW_CUSTOMER:
            prefix = order.customer.domain_prefix
            customers = Customer.objects.filter(domain_prefix=prefix).count()
            handovers = CredentialHandover.objects.filter(order=order).count()
            admins = User.objects.filter(email__startswith=f"admin@{prefix}.").count()
            subscriptions = Subscription.objects.filter(customer=order.customer).count()
            created_events = AuditEvent.objects.filter(
                action="customer.admin_created", organization=order.customer.organization
            ).count()
            if (customers, handovers, admins, created_events) != (1, 1, 1, 1):
                issues.append(f"customers {customers}, handovers {handovers}, admin accounts "
                              f"{admins}, admin_created events {created_events}")
            if subscriptions < lines:
                issues.append(f"customer has {subscriptions} subscriptions")
        if issues:
            problems.append({"order": str(order.pk), "kind": order.kind, "issues": issues})
        else:
            completed_once += 1
    submitted_ids = set(world.submitted_orders)
    new_customer_orders = {str(pk) for pk in orders.filter(
        kind=Order.Kind.NEW_CUSTOMER).values_list("pk", flat=True)}
    if submitted_ids - new_customer_orders:
        problems.append({"missing orders": sorted(submitted_ids - new_customer_orders)})
    add_orders = orders.filter(kind=Order.Kind.NEW_SUBSCRIPTION,
                               idempotency_key__in=world.add_subscription_keys).count()
    if add_orders != len(world.add_subscription_keys):
        problems.append({"add subscription": f"{len(world.add_subscription_keys)} answered "
                                             f"302, {add_orders} orders"})

    # Mail: what should have gone (from the database and the answers), what went (the files).
    mails = read_mails(mail_dir)
    duplicates = {f"{to} | {subject}": n for (to, subject), n in mails.items() if n > 1}
    expected = []  # (recipient, what, how many mails it got)
    for address, subject in world.partnership_sends:
        expected.append((address.lower(), subject, mails.get((address.lower(), subject), 0)))
    for message in (SupportMessage.objects
                    .filter(created_at__gte=run_started, kind__in=["opened", "reply"])
                    .select_related("request__handled_by", "request__opened_by")):
        request = message.request
        if message.author_organization_id == request.handled_by_id:
            recipients = [request.opened_by.email] if request.opened_by else []
        else:
            recipients = member_emails(organization=request.handled_by,
                                       roles=[Role.ADMIN, Role.HELPDESK])
        # The subjects are in English here (the demo users' language).
        word = "New support request from" if message.kind == "opened" else "New reply:"
        for address in recipients:
            got = sum(n for (to, subject), n in mails.items() if to == address.lower()
                      and subject.startswith(word) and subject.endswith(request.title))
            expected.append((address.lower(), f"{word} … {request.title}", got))
    not_once = [f"{address} | {what} | {got} mails" for address, what, got in expected
                if got != 1]
    outbox = Counter(OutboxMessage.objects.filter(created_at__gte=run_started)
                     .values_list("status", flat=True))
    return {
        "orders": {
            "submitted": len(world.submitted_orders) + len(world.add_subscription_keys),
            "new customer (Submit)": len(world.submitted_orders),
            "add subscription": len(world.add_subscription_keys),
            "in database": orders.count(),
            "by status": dict(by_status),
            "claims per order (attempts)": {str(k): v for k, v in sorted(attempts.items())},
            "completed exactly once": completed_once,
            "problems": problems[:50],
        },
        "mails": {
            "expected": len(expected),
            "sent": sum(mails.values()),
            "sent exactly once": sum(1 for *_rest, got in expected if got == 1),
            "duplicates": duplicates,
            "missing or not once": not_once[:50],
        },
        "outbox": dict(outbox),
    }


# ------------------------------------------------------------------ main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="minutes of load (default 10)")
    parser.add_argument("--kill-every", type=float, default=60.0,
                        help="seconds between worker SIGKILLs (default 60)")
    parser.add_argument("--users", type=int, default=2,
                        help="signed-in users per role: provider admin, reseller admin, "
                             "customer admin (default 2 each)")
    parser.add_argument("--think", type=float, default=0.3,
                        help="mean pause between a user's requests, seconds (default 0.3)")
    parser.add_argument("--drain", type=float, default=240.0,
                        help="seconds to wait after the load for the background work "
                             "(default 240: the order lease and the sweeper's minute)")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.kill_every <= 0 or args.users < 1:
        parser.error("--minutes, --kill-every and --users must be positive")

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    tag = secrets.token_hex(2)
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    mail_dir = work / "mail"
    mail_dir.mkdir()
    redis_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "PORTAL_READ_DOT_ENV": "false",
        # Production settings (DEBUG off), over plain HTTP on loopback: no HTTPS redirect,
        # cookies not marked Secure (a client would not send them back over http).
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        # Production asks provider and reseller admins for TOTP at sign-in; the soak's users
        # sign in with a password only (a TOTP client per thread would measure nothing more).
        "PORTAL_REQUIRE_MFA_ROLES": "",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # django-environ drops a slash of the path: four for an absolute one.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "PORTAL_BASE_URL": f"http://127.0.0.1:{web_port}",
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "SOAK_REDIS_PORT": str(redis_port),
        "SOAK_WEB_PORT": str(web_port),
        **WORKER_SETTINGS,
    }
    log(f"soak {tag}: {args.minutes:g} min, {args.users} users per role, worker SIGKILL every "
        f"{args.kill_every:g}s; work folder {work}")
    try:
        prepare_database(env)
    except (SetupError, subprocess.SubprocessError, OSError) as error:
        print(f"soak: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # psycopg2's errors: the server is not there, ...
        print(f"soak: {type(error).__name__}: {error}", file=sys.stderr)
        return 2

    # This process reads the database (ids, the final tally) with the same settings.
    for name in ("DATABASE_URL", "PORTAL_READ_DOT_ENV"):
        os.environ[name] = env[name]
    gen.setup_django()
    from django.utils import timezone

    services = Services(env, work, web_workers=args.web_workers,
                        worker_concurrency=args.worker_concurrency)
    stats, stop, kills = Stats(), threading.Event(), []
    run_started = timezone.now()
    report = {"when": run_started.isoformat(timespec="seconds"), "tag": tag,
              "settings": {k: v for k, v in vars(args).items() if k != "output"}
              | {"worker": WORKER_SETTINGS, "debug": False}}
    threads = []
    try:
        services.start()
        world = World(tag)
        rng = random.Random(args.seed)
        users = []
        for role in (PROVIDER, RESELLER, CUSTOMER):
            for _ in range(args.users):
                client = Client(web_port, stats)
                client.sign_in(role[0], os.environ.get("DEMO_PASSWORD", DEMO_PASSWORD))
                users.append((role, client, random.Random(rng.random())))
        log(f"{len(users)} users signed in; load for {args.minutes:g} min")
        for role, client, user_rng in users:
            threads.append(threading.Thread(target=user_loop, name=f"user-{role[1]}",
                                            args=(role, client, world, stop, args.think,
                                                  user_rng), daemon=True))
        threads.append(threading.Thread(target=killer_loop, name="killer", daemon=True,
                                        args=(services, stop, args.kill_every, stats, kills)))
        for thread in threads:
            thread.start()
        load_started = time.monotonic()
        load_until = load_started + args.minutes * 60
        while time.monotonic() < load_until:
            time.sleep(min(30, max(0.1, load_until - time.monotonic())))
            log(f"{sum(len(t) for t in stats.times.values())} requests, "
                f"{len(stats.errors)} errors, {len(world.submitted_orders)} orders submitted, "
                f"{len(kills)} worker kills")
        stop.set()
        for thread in threads:
            thread.join(90)
        load_seconds = time.monotonic() - load_started
        drain_started = time.monotonic()
        if not services.alive()["worker"]:
            services.start_worker()
        log("load over; waiting for the background work")
        drain_until = time.monotonic() + args.drain
        while True:
            open_orders, pending, unsent = background_done(world, run_started)
            if not (open_orders or pending or unsent) or time.monotonic() > drain_until:
                break
            time.sleep(2)
        time.sleep(3)  # the last mails' files are written after their rows are marked
        drained = time.monotonic() - drain_started
        log(f"drained in {drained:.0f}s: {open_orders} orders open, {pending} outbox rows "
            f"pending, {unsent} support mails unsent")
        processes = services.alive()
    except SetupError as error:
        stop.set()
        print(f"soak: {error}", file=sys.stderr)
        services.stop()
        return 2
    finally:
        stop.set()
        services.stop()

    counts = tally(world, run_started, mail_dir)
    pages = {}
    for name in sorted(stats.times):
        values = stats.times[name]
        pages[name] = {"requests": len(values), "statuses": dict(stats.statuses[name]),
                       "p50_ms": round(percentile(values, 0.5), 1),
                       "p95_ms": round(percentile(values, 0.95), 1),
                       "max_ms": round(max(values), 1)}
    total = sum(p["requests"] for p in pages.values())
    goals = {
        "no 5xx or connection error": not stats.errors,
        "no unexpected answer": not stats.unexpected,
        "every order completed exactly once": counts["orders"]["completed exactly once"]
        == counts["orders"]["in database"] == counts["orders"]["submitted"]
        and not counts["orders"]["problems"],
        "every mail sent exactly once": not counts["mails"]["duplicates"]
        and not counts["mails"]["missing or not once"],
        "services alive at the end": all(processes.values()),
        "the worker was killed every --kill-every seconds": len(kills) >= max(
            1, int(args.minutes * 60 // args.kill_every) - 1),
    }
    report.update({
        "load_seconds": round(load_seconds, 1),
        "drain_seconds": round(drained, 1),
        "requests": total,
        "requests_per_second": round(total / load_seconds, 1),
        "worker_kills": kills,
        "errors": stats.errors[:100],
        "error_count": len(stats.errors),
        "unexpected": stats.unexpected[:100],
        "unexpected_count": len(stats.unexpected),
        "counters": dict(stats.counters),
        **counts,
        "pages": pages,
        "processes_alive_at_end": processes,
        "goals": goals,
        "ok": all(goals.values()),
        "logs": str(work),
    })
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print_report(report)
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"\nwrote {shown}; logs in {work}")
    if report["ok"]:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if report["ok"] else 1


def print_report(report):
    print(f"\n{'page or action':<30} {'requests':>8} {'p50':>9} {'p95':>9} {'max':>9}  statuses")
    for name, page in report["pages"].items():
        print(f"{name:<30} {page['requests']:>8} {page['p50_ms']:>7.1f}ms "
              f"{page['p95_ms']:>7.1f}ms {page['max_ms']:>7.0f}ms  "
              + ", ".join(f"{k}: {v}" for k, v in sorted(page["statuses"].items())))
    print(f"\n{report['requests']} requests in {report['load_seconds']:.0f}s "
          f"({report['requests_per_second']}/s); {len(report['worker_kills'])} worker kills; "
          f"errors (5xx, connection) {report['error_count']}; unexpected answers "
          f"{report['unexpected_count']}")
    for entry in (report["errors"] + report["unexpected"])[:10]:
        print(f"  {entry['at']} {entry['name']} {entry['path']}: {entry['problem']}")
    orders, mails = report["orders"], report["mails"]
    print(f"orders: {orders['submitted']} submitted ({orders['new customer (Submit)']} new "
          f"customers, {orders['add subscription']} Add subscription), "
          f"{orders['completed exactly once']} completed exactly once, by status "
          f"{orders['by status']}, claims per order {orders['claims per order (attempts)']}")
    for problem in orders["problems"][:10]:
        print(f"  {problem}")
    print(f"mails: {mails['expected']} expected, {mails['sent']} sent, duplicates "
          f"{len(mails['duplicates'])}, missing or not once {len(mails['missing or not once'])}")
    for line in mails["missing or not once"][:10]:
        print(f"  {line}")
    print(f"outbox: {report['outbox']}; drained in {report['drain_seconds']:.0f}s")
    for goal, met in report["goals"].items():
        print(f"  {'ok    ' if met else 'MISSED'} {goal}")
    print("all goals met" if report["ok"] else "GOALS MISSED")


if __name__ == "__main__":
    sys.exit(main())
