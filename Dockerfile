# syntax=docker/dockerfile:1
#
# Partner Center image: one image for web (gunicorn), worker and beat (Celery) and the
# one-shot migrate job. Build:  docker build -t partnercenter .
#
# Runtime configuration comes from the environment (see partnercenter/settings.py);
# with DEBUG=False a real SECRET_KEY must be supplied at run time.

# ------------------------------------------------------------------ build stage
FROM python:3.11-slim AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

RUN pip install "uv==0.13.9"

WORKDIR /app

# Dependencies only (cached until pyproject.toml or uv.lock change). The project itself
# is not a package (tool.uv.package = false), so nothing else is needed here.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# ------------------------------------------------------------------ runtime stage
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/app/.venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=partnercenter.settings \
    PORTAL_READ_DOT_ENV=False

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
       --shell /usr/sbin/nologin app

WORKDIR /app

COPY --from=build /app/.venv /app/.venv
COPY manage.py ./
COPY partnercenter ./partnercenter
COPY apps ./apps
COPY templates ./templates
COPY static ./static
COPY locale ./locale

# Static files are collected (and compressed/hashed by WhiteNoise) at build time, and the
# translation catalogs compiled (Babel, no gettext needed).
# The SECRET_KEY here exists only for this step; it is not kept in the image.
RUN SECRET_KEY=build-only DEBUG=False ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && python locale/catalogs.py --force \
    && python -m compileall -q manage.py partnercenter apps \
    && mkdir -p /app/media \
    && chown app:app /app/media

USER app

EXPOSE 8000

# Loopback probe of /healthz (liveness: the process answers; an orchestrator that restarts
# unhealthy containers must not restart them because the database is down). Readiness,
# /readyz, is what docker-compose.yml and load balancers ask. X-Forwarded-Proto keeps
# SECURE_SSL_REDIRECT from answering with a redirect; "localhost" must be in ALLOWED_HOSTS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; r = u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': 'localhost', 'X-Forwarded-Proto': 'https'}), timeout=4); sys.exit(0 if r.status == 200 and r.read() == b'ok' else 1)"]

CMD ["gunicorn", "partnercenter.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
