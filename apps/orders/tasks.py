"""Order tasks: they take ids only (never a password) and call a service. (Provisioning's
tasks are in apps.provisioning.tasks.)"""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def purge_credential_handovers():
    """Beat, hourly: temporary passwords nobody revealed within a day are wiped."""
    return services.handovers_purge()
