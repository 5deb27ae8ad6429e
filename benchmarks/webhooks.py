"""Webhook fan-out (benchmarks/run.py --webhooks, and in the default run): 1,000 events to a
local receiver, delivered by a real Celery worker with 2 processes on Redis.

The receiver (a ThreadingHTTPServer on loopback, in the orchestrating process) checks every
signature (Standard Webhooks: HMAC-SHA256 over id.timestamp.body) and counts each
webhook-id. A Django child process makes a provider with one endpoint at the receiver, then
emits the events, each in its own transaction as a service would (outbox rows, relayed on
commit). The events wait in the queue, then the worker starts: the judged figure is the
time from the worker being ready to the last event received (goals.json "webhooks"), as
the provisioning throughput is measured; the time the emits took is printed beside it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WH_PREFIX = "bench-wh-"
WH_PROVIDER_SLUG = "bench-wh-provider"
EVENTS = 1000
WORKER_PROCESSES = 2


# ============================================================ in the Django child process

def prepare(url):
    """A fresh provider with one endpoint at `url` (every event); its secret."""
    from django.db import transaction

    from apps.organizations.models import Organization
    from apps.organizations.roles import Kind
    from apps.webhooks import services
    from apps.webhooks.events import EVENTS as TYPES
    from benchmarks import generate as gen
    from partnercenter.celery import app

    gen.reset(prefix=WH_PREFIX)
    Organization.objects.filter(slug=WH_PROVIDER_SLUG).delete()
    with transaction.atomic():
        provider = Organization.objects.create(kind=Kind.PROVIDER, name="Bench Webhooks",
                                               slug=WH_PROVIDER_SLUG, country="US")
        admin = gen._user(f"{WH_PREFIX}admin@provider.test", gen.DEFAULT_PASSWORD, "Bench",
                          "Webhooks")
        endpoint = services.endpoint_create(organization=provider, url=url, description="bench",
                                            events=list(TYPES), actor=admin)
    app.control.purge()
    return {"endpoint": str(endpoint.pk), "secret": services.endpoint_secret(endpoint)}


def emit(count):
    """`count` events, one transaction each (as `count` service calls would be)."""
    from django.db import transaction

    from apps.organizations.models import Organization
    from apps.webhooks import services

    provider = Organization.objects.get(slug=WH_PROVIDER_SLUG)
    started = time.time()
    for number in range(count):
        with transaction.atomic():
            services.emit("order.completed", {"id": f"bench-{number}", "status": "completed"},
                          organizations=[provider], key=f"bench:{started}:{number}")
    return {"started": started, "emitted": time.time()}


# ============================================================ in the orchestrating process

class Receiver:
    def __init__(self):
        self.secret = ""
        self.ids = Counter()
        self.bad = 0
        self.last = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                message_id = self.headers.get("webhook-id", "")
                timestamp = self.headers.get("webhook-timestamp", "")
                key = base64.b64decode(receiver.secret.removeprefix("whsec_"))
                expected = "v1," + base64.b64encode(hmac.new(
                    key, f"{message_id}.{timestamp}.".encode() + body,
                    hashlib.sha256).digest()).decode()
                good = any(hmac.compare_digest(expected, signature) for signature in
                           self.headers.get("webhook-signature", "").split(" "))
                with receiver.lock:
                    if good:
                        receiver.ids[message_id] += 1
                        receiver.last = time.time()
                    else:
                        receiver.bad += 1
                self.send_response(204 if good else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def bench_webhooks(base_env, child, worker_class, log, *, events=EVENTS, timeout=120):
    """The fan-out figure: {"events", "workers", "seconds", "per_s", "duplicates", "bad"}."""
    receiver = Receiver()
    env = {**base_env, "PORTAL_WEBHOOKS_ALLOW_LOCAL": "true"}
    worker = None
    try:
        log(f"== webhook fan-out: {events} events, {WORKER_PROCESSES} worker processes")
        receiver.secret = child(env, "--prepare-webhooks", receiver.url)["secret"]
        emitted = child(env, "--emit-webhooks", str(events))
        worker = worker_class(env, WORKER_PROCESSES)
        ready = time.time()
        deadline = time.monotonic() + timeout
        while len(receiver.ids) < events and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # a late duplicate would show now
        received = len(receiver.ids)
        seconds = round(receiver.last - ready, 2) if received else None
        result = {"events": events, "workers": WORKER_PROCESSES, "received": received,
                  "seconds": seconds,
                  "emit_seconds": round(emitted["emitted"] - emitted["started"], 2),
                  "per_s": round(received / seconds, 1) if seconds else None,
                  "duplicates": sum(n - 1 for n in receiver.ids.values()),
                  "bad_signatures": receiver.bad}
        if received < events:
            result["error"] = f"{received} of {events} events received in {timeout} s"
        return result
    finally:
        if worker is not None:
            worker.stop()
        receiver.stop()


def print_webhooks(result):
    print(f"\nWebhook fan-out ({result['events']} events to a local receiver, signatures "
          f"checked, real Celery worker with {result['workers']} processes on Redis): "
          f"{result['received']} received in {result['seconds']} s once the worker was ready "
          f"({result['per_s']} events/s); emitting them, one transaction each, took "
          f"{result['emit_seconds']} s; "
          f"{result['duplicates']} duplicates, {result['bad_signatures']} bad signatures")


def verdict(goal, result):
    label = (f"webhooks: {goal['events']:,} events delivered with {goal['workers']} workers "
             f"within {goal['max_seconds']} s")
    if result is None:
        return label, "not measured"
    if "error" in result:
        return label, f"MISSED: {result['error']}"
    if result["seconds"] > goal["max_seconds"] or result["duplicates"] or result["bad_signatures"]:
        return label, (f"MISSED: {result['seconds']} s, {result['duplicates']} duplicates, "
                       f"{result['bad_signatures']} bad signatures")
    return label, "ok"


def payload(result):
    return json.loads(json.dumps(result))
