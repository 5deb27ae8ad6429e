"""Settings, read from the environment (django-environ).

With no environment at all the portal runs embedded: SQLite, eager Celery,
local-memory cache, console email and DEBUG on. DATABASE_URL, REDIS_URL and
EMAIL_URL switch to real services; DEBUG=False turns on the production
hardening that `manage.py check --deploy` asks for.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("PORTAL_READ_DOT_ENV", default=True) and (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# ---------------------------------------------------------------- core

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute base of links in emails (invitations), built by tasks that have no request.
# Unset: links in e-mails use the scheme and host of the request that sent them (apps.links).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="").rstrip("/")

# ---------------------------------------------------------------- apps

DJANGO_APPS = [
    "apps.admin_site.PortalAdminConfig",  # django.contrib.admin, with a guarded site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "formtools",
    "django_htmx",
    "csp",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "apps.accounts",
    "apps.organizations",
    "apps.audit",
    "apps.catalog",
    "apps.outbox",
    "apps.webhooks",
    "apps.providers",
    "apps.resellers",
    "apps.partnerships",
    "apps.customers",
    "apps.subscriptions",
    "apps.orders",
    "apps.billing",
    "apps.relationships",
    "apps.incentives",
    "apps.provisioning",
    "apps.support",
    "apps.analytics",
    "apps.api",
    "apps.portal",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed in production (about 1/6 of its size); static files come compressed from
    # WhiteNoise, above. Django's GZipMiddleware pads each response with random bytes
    # against BREACH (Django 4.2+). Left out under DEBUG (removed below).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "apps.links.RequestBaseURLMiddleware",
    "apps.middleware.RequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After LocaleMiddleware (the visitor's cookie or Accept-Language) and authentication:
    # a signed-in user's saved language wins.
    "apps.accounts.middleware.UserLanguageMiddleware",
    "apps.middleware.SignedInNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "apps.accounts.middleware.ForcePasswordChangeMiddleware",
    "apps.accounts.middleware.RequireMFAMiddleware",
    "apps.organizations.middleware.ActiveOrganizationMiddleware",
    "apps.organizations.middleware.UserTimeZoneMiddleware",
]

if DEBUG:
    MIDDLEWARE.remove("django.middleware.gzip.GZipMiddleware")

ROOT_URLCONF = "partnercenter.urls"
WSGI_APPLICATION = "partnercenter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.organizations.context_processors.workspace",
                "apps.i18n.languages",
            ],
            # |html_lang, |language_name (and the money and date filters) in every template.
            "builtins": ["apps.i18n"],
            # {% list_head %} and {% pagination %} of the list pages (apps/lists.py), and
            # {% form_field %} (apps/forms.py): drawn in Python.
            "libraries": {"lists": "apps.lists", "forms": "apps.forms"},
        },
    },
]

# ---------------------------------------------------------------- data

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a new PostgreSQL connection costs 2.6-5.4 ms per request. Checked
# before reuse once a request starts (CONN_HEALTH_CHECKS), so a server restart or a dropped
# connection costs one reconnect, not an error. Off under DEBUG: runserver starts a thread
# per request, which a persistent connection does not outlive.
DATABASES["default"].setdefault("CONN_MAX_AGE",
                                env.int("CONN_MAX_AGE", default=0 if DEBUG else 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS",
                                env.bool("CONN_HEALTH_CHECKS", default=not DEBUG))
# The hottest statements (a workspace's memberships, a list page's keys and rows) are
# prepared on the PostgreSQL server once per connection (apps.prepared.execute_prepared):
# parsing and planning them cost the server about as much as running them. Off behind a
# pooler that hands each transaction another server connection (PgBouncer's transaction
# mode before 1.21).
PORTAL_DB_SERVER_PREPARE = env.bool("PORTAL_DB_SERVER_PREPARE", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The embedded SQLite of `make run` lacks covering indexes and NULLS NOT DISTINCT; the
# rollup and price tables are built for PostgreSQL, and on SQLite only the speed and the
# database's second guard against a duplicate row are lost (the services check first).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W047"]

REDIS_URL = env.str("REDIS_URL", default="")

# Seconds a cache read or write may wait for Redis (connecting, then answering): the cache
# is tolerant (apps.cache), so an outage costs each request at most this per operation.
PORTAL_CACHE_SOCKET_TIMEOUT = env.float("PORTAL_CACHE_SOCKET_TIMEOUT", default=0.25)
# Seconds a web thread leaves Redis alone after a failed cache operation (each operation
# meanwhile a miss): an outage costs a request at most one timeout, not one per operation.
PORTAL_CACHE_DOWN_SECONDS = env.float("PORTAL_CACHE_DOWN_SECONDS", default=5)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apps.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "partnercenter",
            "OPTIONS": {"socket_connect_timeout": PORTAL_CACHE_SOCKET_TIMEOUT,
                        "socket_timeout": PORTAL_CACHE_SOCKET_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ---------------------------------------------------------------- background work

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# A publish that cannot reach the broker fails at once instead of retrying the connection
# for seconds inside a request: the outbox keeps the message and its relay tries later.
# (Workers reconnect by their own policy, broker_connection_max_retries.) The transport
# options are set below, with the visibility timeout.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# Tasks acknowledge late, so a task that hangs holds its message and its worker: the soft
# limit raises SoftTimeLimitExceeded inside the task (its transaction rolls back), the hard
# limit kills the worker process. Keep PORTAL_ORDER_LEASE_SECONDS above the hard limit.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
# With Redis, a message a worker took but did not acknowledge (acks_late: the worker was
# killed mid-task) goes back on the queue after this many seconds (kombu's default is an
# hour). Above the hard time limit, or a task still running would be delivered twice; and
# above the longest retry countdown (provisioning: 300 s), or a waiting retry would be too.
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0,
                                   "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
CELERY_BEAT_SCHEDULE: dict = {}

# The outbox (apps.outbox): tasks are rows written with the change they follow, relayed to
# the broker after commit; the relay sends what the broker could not take, every this many
# seconds, backing off (doubling, up to the ceiling) and giving up after the last attempt.
PORTAL_OUTBOX_RELAY_SECONDS = env.int("PORTAL_OUTBOX_RELAY_SECONDS", default=5)
PORTAL_OUTBOX_MAX_ATTEMPTS = env.int("PORTAL_OUTBOX_MAX_ATTEMPTS", default=10)
PORTAL_OUTBOX_MAX_BACKOFF_SECONDS = env.int("PORTAL_OUTBOX_MAX_BACKOFF_SECONDS", default=600)
# A relayed message is done when its task has run; one still not run this many seconds after
# it went (the broker lost it: Redis restarted empty; or its worker died) is relayed again,
# as one more attempt. Above CELERY_TASK_TIME_LIMIT plus the queue's usual wait, or a task
# that is merely slow runs twice (harmless: tasks are idempotent, but wasted). Below
# CELERY_BROKER_VISIBILITY_TIMEOUT it also brings back a killed worker's task sooner.
PORTAL_OUTBOX_REDELIVER_SECONDS = env.int("PORTAL_OUTBOX_REDELIVER_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["outbox-relay"] = {
    "task": "apps.outbox.tasks.relay_outbox",
    "schedule": float(PORTAL_OUTBOX_RELAY_SECONDS),
    # A relay not picked up before the next one is due is dropped: the next one does it.
    "options": {"expires": float(PORTAL_OUTBOX_RELAY_SECONDS)},
}
# Mails (apps.outbox.services.send_mail) whose send failed are tried again on the same
# policy: backoff from PORTAL_OUTBOX_RELAY_SECONDS up to the ceiling, PORTAL_OUTBOX_MAX_ATTEMPTS.
CELERY_BEAT_SCHEDULE["outbox-mail-relay"] = {
    "task": "apps.outbox.tasks.relay_mail",
    "schedule": float(PORTAL_OUTBOX_RELAY_SECONDS),
    "options": {"expires": float(PORTAL_OUTBOX_RELAY_SECONDS)},
}
# Sent messages and mails are kept this many days (to answer "was it sent?"), then purged hourly.
PORTAL_OUTBOX_KEEP_DAYS = env.int("PORTAL_OUTBOX_KEEP_DAYS", default=7)
CELERY_BEAT_SCHEDULE["outbox-purge"] = {
    "task": "apps.outbox.tasks.purge_outbox",
    "schedule": 3600.0,
}

# Webhooks (apps.webhooks): each delivery gets this many seconds (connect, send, answer);
# a failed one is tried again after PORTAL_WEBHOOKS_FIRST_RETRY_SECONDS, doubling (with
# jitter) up to the ceiling, for PORTAL_WEBHOOKS_RETRY_DAYS, after which it fails; an
# endpoint failing that long is disabled and its admins mailed. A delivery being sent is
# claimed for PORTAL_WEBHOOKS_LEASE_SECONDS (above the task's time limit): a worker killed
# mid-request leaves it to the retry sweep after that. Local and private addresses are
# refused unless DEBUG or PORTAL_WEBHOOKS_ALLOW_LOCAL (tests, development).
PORTAL_WEBHOOKS_TIMEOUT_SECONDS = env.float("PORTAL_WEBHOOKS_TIMEOUT_SECONDS", default=5.0)
PORTAL_WEBHOOKS_FIRST_RETRY_SECONDS = env.int("PORTAL_WEBHOOKS_FIRST_RETRY_SECONDS", default=5)
PORTAL_WEBHOOKS_MAX_BACKOFF_SECONDS = env.int("PORTAL_WEBHOOKS_MAX_BACKOFF_SECONDS",
                                              default=6 * 3600)
PORTAL_WEBHOOKS_RETRY_DAYS = env.int("PORTAL_WEBHOOKS_RETRY_DAYS", default=3)
PORTAL_WEBHOOKS_LEASE_SECONDS = env.int("PORTAL_WEBHOOKS_LEASE_SECONDS", default=60)
PORTAL_WEBHOOKS_ALLOW_LOCAL = env.bool("PORTAL_WEBHOOKS_ALLOW_LOCAL", default=False)
CELERY_BEAT_SCHEDULE["webhooks-retry"] = {
    "task": "apps.webhooks.tasks.retry_webhooks",
    "schedule": float(PORTAL_OUTBOX_RELAY_SECONDS),
    "options": {"expires": float(PORTAL_OUTBOX_RELAY_SECONDS)},
}

# ---------------------------------------------------------------- email

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL",
                             default="Partner Center <noreply@partnercenter.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds an SMTP connection may block (connect, send): a hung server fails the send, which
# is retried, instead of holding a worker until the task's time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# ---------------------------------------------------------------- accounts

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# The subject prefix of allauth's mails is "[Partner Center] " in the recipient's language
# (apps.accounts.adapters.AccountAdapter.format_email_subject).
ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
# Password reset by mail says whom to ask when the address is a customer-domain one.
ACCOUNT_FORMS = {"reset_password": "apps.accounts.forms.ForgottenPasswordForm"}
# Failed sign-ins are limited per address and per account; the sixth wrong password
# inside the window is refused without being checked.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("PORTAL_LOGIN_FAILED_RATE", default="20/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Partner Center"

# Who must set up TOTP before anything else: "<organization kind>:<role>" pairs and
# "staff" for platform operators. Production asks it of provider and reseller admins.
PORTAL_REQUIRE_MFA_ROLES = env.list(
    "PORTAL_REQUIRE_MFA_ROLES",
    default=[] if DEBUG else ["provider:admin", "reseller:admin", "staff"],
)

# Days a team invitation link stays valid.
PORTAL_TEAM_INVITATION_DAYS = env.int("PORTAL_TEAM_INVITATION_DAYS", default=14)
# Days a partnership request's personalized link stays valid.
PORTAL_PARTNERSHIP_INVITATION_DAYS = env.int("PORTAL_PARTNERSHIP_INVITATION_DAYS", default=30)
# A partnership request can be sent again once this many seconds have passed, this many times.
PORTAL_PARTNERSHIP_RESEND_SECONDS = env.int("PORTAL_PARTNERSHIP_RESEND_SECONDS", default=60)
PORTAL_PARTNERSHIP_MAX_SENDS = env.int("PORTAL_PARTNERSHIP_MAX_SENDS", default=10)
# Reseller enrolment attempts allowed per client address and hour.
PORTAL_ENROL_PER_HOUR = env.int("PORTAL_ENROL_PER_HOUR", default=10)

# How many reverse proxies of ours stand in front of the portal; each appends the address it
# was reached from to X-Forwarded-For. 0: REMOTE_ADDR is the client (apps.http.client_ip,
# used by every rate limit and the audit log). allauth's own rate limits count the same.
PORTAL_TRUSTED_PROXY_COUNT = env.int("PORTAL_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = PORTAL_TRUSTED_PROXY_COUNT

# Database sessions that ignore cookies Django could not have issued (a NUL byte, ...).
SESSION_ENGINE = "apps.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)

# ---------------------------------------------------------------- i18n

# The portal's languages, each named in itself (the language switch shows these names).
# The catalogs live in locale/<locale>/LC_MESSAGES/{django,djangojs}.po; `make messages`
# extracts, the .mo files are compiled from them (README.md, Languages).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
USE_I18N = True
# One date style and one date-and-time style per language (partnercenter/formats/).
FORMAT_MODULE_PATH = ["partnercenter.formats"]
TIME_ZONE = "UTC"
USE_TZ = True

# ---------------------------------------------------------------- static

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"


# ---------------------------------------------------------------- security

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_FAILURE_VIEW = "apps.http.csrf_failure"  # our layout: "reload the page and try again"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Plain-HTTP trials on localhost (docker compose) turn these off; production keeps them.
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Every asset is served from this host; nothing inline, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", "mailto:"],
        "frame-ancestors": ["'none'"],
    },
}

# ---------------------------------------------------------------- logging

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A refused request (403, 400) is one line: status, reason and path, no traceback.
    "filters": {"client_errors_on_one_line": {"()": "apps.logs.ClientErrorsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["client_errors_on_one_line"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers would print its records a second time (with the traceback
        # of a 403 under DEBUG): everything goes through the root's console handler once.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}

FORM_RENDERER = "apps.forms.PortalFormRenderer"

# New customers' admin accounts are admin@<domain prefix>.<CUSTOMER_DOMAIN_SUFFIX>.
CUSTOMER_DOMAIN_SUFFIX = env.str("CUSTOMER_DOMAIN_SUFFIX", default="onpartnercenter.test")

# ---------------------------------------------------------------- orders

# Keys that encrypt temporary passwords at rest (comma-separated; the first encrypts, all
# decrypt, for rotation). Any long random strings: each goes through HKDF to a Fernet key.
# Unset, the key is derived from SECRET_KEY (so rotating SECRET_KEY makes unrevealed
# handovers unreadable; they live a day at most).
PORTAL_CREDENTIAL_KEY = env.list("PORTAL_CREDENTIAL_KEY", default=[])
# An unrevealed temporary password is wiped after this many hours.
PORTAL_HANDOVER_HOURS = env.int("PORTAL_HANDOVER_HOURS", default=24)
# A customer admin's temporary password stops working after this many days unused.
PORTAL_TEMPORARY_PASSWORD_DAYS = env.int("PORTAL_TEMPORARY_PASSWORD_DAYS", default=7)
# PBKDF2 iterations of a temporary password's hash (random, ~120 bits, changed at first
# sign-in, which rehashes it at the default cost): apps.accounts.passwords says why.
PORTAL_TEMPORARY_PASSWORD_ITERATIONS = env.int("PORTAL_TEMPORARY_PASSWORD_ITERATIONS",
                                               default=100_000)
# Orders left submitted this long, or claimed by a run this long ago, are enqueued again.
PORTAL_ORDER_STUCK_SECONDS = env.int("PORTAL_ORDER_STUCK_SECONDS", default=120)
PORTAL_ORDER_LEASE_SECONDS = env.int("PORTAL_ORDER_LEASE_SECONDS", default=300)

CELERY_BEAT_SCHEDULE.update({
    "orders-requeue-stuck": {"task": "apps.provisioning.tasks.requeue_stuck_orders",
                             "schedule": 60.0},
    "orders-purge-credential-handovers": {"task": "apps.orders.tasks.purge_credential_handovers",
                                          "schedule": 3600.0},
})

# ---------------------------------------------------------------- subscription terms

# The term engine (apps.subscriptions.terms, docs/terms.md): daily at this local time it
# renews or expires the subscriptions whose term ended and sends the renewal reminders. A
# run works this many seconds, then queues the rest as a next part (below its time limit).
PORTAL_TERMS_HOUR = env.int("PORTAL_TERMS_HOUR", default=0)
PORTAL_TERMS_RUN_SECONDS = env.int("PORTAL_TERMS_RUN_SECONDS", default=40)
PORTAL_TERMS_SOFT_TIME_LIMIT = env.int("PORTAL_TERMS_SOFT_TIME_LIMIT", default=60)
# Subscriptions claimed and committed together (a failure redoes that chunk row by row).
PORTAL_TERMS_CHUNK = env.int("PORTAL_TERMS_CHUNK", default=500)
CELERY_BEAT_SCHEDULE["subscriptions-run-terms"] = {
    "task": "apps.subscriptions.tasks.run_terms",
    "schedule": crontab(hour=PORTAL_TERMS_HOUR, minute=15),
}

# ---------------------------------------------------------------- billing

# Days an invoice may stay unpaid before the Billing page shows it overdue.
PORTAL_INVOICE_DUE_DAYS = env.int("PORTAL_INVOICE_DUE_DAYS", default=30)
# On the 1st (local time), the month before is closed: charges, invoices, statements.
CELERY_BEAT_SCHEDULE["billing-month-close"] = {
    "task": "apps.billing.tasks.close_previous_month",
    "schedule": crontab(day_of_month="1", hour="0", minute="30"),
}

# ---------------------------------------------------------------- lists

# A Customers list this long shows its unfiltered total from the cache, kept this many
# seconds, as "about N" (counting 100,000 customers takes 5-8 ms on every page); shorter
# lists and filtered ones are counted exactly.
PORTAL_CACHED_TOTAL_FROM = env.int("PORTAL_CACHED_TOTAL_FROM", default=50_000)
PORTAL_CACHED_TOTAL_SECONDS = env.int("PORTAL_CACHED_TOTAL_SECONDS", default=300)

# ---------------------------------------------------------------- directory

# Days operators have to decide a directory profile change request (its due date).
PORTAL_PROFILE_REVIEW_DAYS = env.int("PORTAL_PROFILE_REVIEW_DAYS", default=3)
# Who hears of new change requests (comma-separated); empty = every active staff user.
PORTAL_OPERATOR_EMAILS = env.list("PORTAL_OPERATOR_EMAILS", default=[])
# Seconds browsers and shared caches may keep the public directory page.
# ---------------------------------------------------------------- REST API (/api/v1/, docs/api.md)

# Requests per API key and minute; over it, 429 with Retry-After. Counted in Redis: when
# Redis is down the API stays open (fail-open: keys are still checked, only the counting
# stops) and each refused count is logged.
PORTAL_API_RATE_LIMIT = env.int("PORTAL_API_RATE_LIMIT", default=600)
# How long an Idempotency-Key's first response is replayed.
PORTAL_API_IDEMPOTENCY_HOURS = env.int("PORTAL_API_IDEMPOTENCY_HOURS", default=24)
PORTAL_API_PAGE_SIZE = 50
PORTAL_API_MAX_PAGE_SIZE = 200

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["apps.api.permissions.HasRolePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["apps.api.throttling.KeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.api.problems.exception_handler",
    "DEFAULT_METADATA_CLASS": None,  # OPTIONS is a 405 like any undocumented method
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partner Center API",
    "DESCRIPTION": "The portal's REST API for providers and resellers (docs/api.md).",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

PORTAL_DIRECTORY_MAX_AGE = env.int("PORTAL_DIRECTORY_MAX_AGE", default=60)
