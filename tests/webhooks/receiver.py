"""A webhook receiver for the tests: a real HTTP server on 127.0.0.1 in a thread, checking
each request with the Standard Webhooks reference algorithm (written out here from the
specification: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/
standard-webhooks.md, "Verifying webhook authenticity")."""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60


class VerificationError(Exception):
    pass


def verify(secret, headers, body, now=None):
    """The reference check: the secret's base64 part is the key; the signed content is
    `id.timestamp.body`; HMAC-SHA256, base64; any of the space-separated `v1,` signatures
    may match (constant-time); the timestamp within five minutes. Returns the payload."""
    message_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (message_id and timestamp and signatures):
        raise VerificationError("missing headers")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        raise VerificationError("timestamp out of tolerance")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{message_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    for signature in signatures.split(" "):
        version, _, value = signature.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return json.loads(body)
    raise VerificationError("no matching signature")


@dataclass
class Received:
    message_id: str
    path: str
    payload: dict
    host: str
    verified: bool
    status: int


@dataclass
class Receiver:
    """Answers 204 to each request whose signature checks (401 otherwise), or what
    `respond(message_id)` returns: a status, or "hang" (hold the request until released)."""

    secret: str = ""
    secrets: dict = field(default_factory=dict)  # path → secret, for several endpoints
    respond: object = None
    received: list = field(default_factory=list)
    hung: list = field(default_factory=list)  # (path, webhook-id) of requests held
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    hanging: threading.Event = field(default_factory=threading.Event)

    tls: object = None  # an ssl.SSLContext: the receiver speaks https

    def __post_init__(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    payload = verify(receiver.secrets.get(self.path, receiver.secret),
                                     headers, body)
                    verified = True
                except VerificationError:
                    payload, verified = json.loads(body or b"{}"), False
                status = 204 if verified else 401
                answer = receiver.respond(headers.get("webhook-id")) if receiver.respond else None
                if answer == "hang":
                    receiver.hung.append((self.path, headers.get("webhook-id")))
                    receiver.hanging.set()
                    receiver.release.wait(120)
                    return  # no answer: the connection just closes
                if isinstance(answer, tuple):
                    status, text = answer
                elif answer is not None:
                    status, text = answer, ""
                else:
                    text = ""
                with receiver.lock:
                    receiver.received.append(Received(headers.get("webhook-id"), self.path, payload,
                                                      headers.get("host", ""), verified, status))
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if self.tls is not None:
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self):
        return self.server.server_address[1]

    def url(self, path="/hooks"):
        return f"http://127.0.0.1:{self.port}{path}"

    def accepted(self):
        """(path, webhook-id) of each event the receiver took (verified, 2xx), counted."""
        with self.lock:
            return Counter((r.path, r.message_id) for r in self.received
                           if r.verified and 200 <= r.status < 300)

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def self_signed(host, directory):
    """A certificate for `host` (its own CA): (server SSLContext, path of the PEM to trust)."""
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context, cert_path
