"""Partner Center: a portal for two-tier (indirect) cloud resale."""

from .celery import app as celery_app

__all__ = ("celery_app",)
