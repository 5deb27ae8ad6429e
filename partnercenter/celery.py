"""Celery application: configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnercenter.settings")

app = Celery("partnercenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
