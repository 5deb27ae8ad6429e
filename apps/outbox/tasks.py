from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def relay_outbox():
    """Beat, every PORTAL_OUTBOX_RELAY_SECONDS: send what the broker could not take before."""
    return services.outbox_relay()


@shared_task(acks_late=True, ignore_result=True)
def purge_outbox():
    """Beat, hourly: sent messages older than PORTAL_OUTBOX_KEEP_DAYS are deleted."""
    return services.outbox_purge()


@shared_task(acks_late=True, ignore_result=True)
def relay_mail():
    """Beat, every PORTAL_OUTBOX_RELAY_SECONDS: mails whose send failed are tried again."""
    return services.mail_relay()
