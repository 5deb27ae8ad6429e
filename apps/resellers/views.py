"""Become an indirect reseller (enrolment), and the status page of an unapproved reseller."""


from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.errors import DomainError
from apps.http import client_ip
from apps.organizations.roles import Kind
from apps.outbox.services import enqueue

from . import services
from .forms import EnrollmentForm
from .hooks import waiting_requests
from .models import Reseller
from .tasks import send_enrollment_account_exists


def _enrolment_rate_limited(request):
    """At most PORTAL_ENROL_PER_HOUR enrolment attempts per address and hour (the cache is
    Redis when configured, so every web process shares the count)."""
    key = f"enrol-attempts:{client_ip(request) or ''}"
    try:
        cache.add(key, 0, timeout=3600)
        return cache.incr(key) > settings.PORTAL_ENROL_PER_HOUR
    except ValueError:  # expired between add and incr, or the cache is down: fail open
        return False


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def enrol(request):
    """Become an indirect reseller: the company, and the applicant's account if new."""
    # Bound on every POST, even an empty one (the rate-limit message is added to it).
    form = EnrollmentForm(request.POST if request.method == "POST" else None,
                          user=request.user)
    next_url = _safe_next(request)
    if request.method == "POST" and _enrolment_rate_limited(request):
        form.add_error(None, _("Too many enrolments from your address. Try again in an hour."))
        return render(request, "resellers/enrol.html", {"form": form, "next": next_url},
                      status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed_in = request.user.is_authenticated
        try:
            organization = services.reseller_enrol(
                user=request.user if signed_in else None, email=data.get("email"),
                password=data.get("password1"), company_name=data["company_name"],
                country=data["country"], partner_id=data["partner_id"], address=data["address"],
                contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                return_to=next_url, request=request)
        except DomainError as error:
            if error.code != "account_exists":
                error.add_to_form(form)
            else:
                # Answer as a new sign-up would, and tell the address's owner by mail.
                # (once an hour per address, however often the form is sent).
                email = data["email"].strip().lower()
                enqueue(send_enrollment_account_exists, email=email, language=get_language(),
                        key=f"enrolment-account-exists:{email}:{timezone.now():%Y-%m-%dT%H}")
                return redirect("account_email_verification_sent")
        else:
            if next_url:
                # After verifying the e-mail and signing in, come back to the link.
                request.session["portal_next"] = next_url
            if signed_in:
                return redirect(next_url or organization.get_absolute_url())
            services.reseller_enrol_send_verification(email=data["email"], request=request)
            return redirect("account_email_verification_sent")
    return render(request, "resellers/enrol.html", {"form": form, "next": next_url})


def enrollment_status(request):
    """What an unapproved reseller's workspace shows instead of its pages."""
    reseller = request.organization.reseller
    waiting = (waiting_requests(organization=request.organization, return_to=reseller.return_to)
               if reseller.enrollment_status == Reseller.EnrollmentStatus.APPLIED else [])
    return render(request, "resellers/enrollment_status.html",
                  {"reseller": reseller, "waiting": waiting},
                  status=200 if request.resolver_match.view_name == "portal:dashboard"
                  else 403)


def unapproved_reseller_gate(request):
    """The workspace gate ResellersConfig registers: until approved, a reseller workspace
    shows its enrolment status only (organizations.hooks)."""
    organization = request.organization
    if organization.kind != Kind.RESELLER:
        return None
    reseller = getattr(organization, "reseller", None)
    if reseller is not None and reseller.is_approved:
        return None
    return enrollment_status(request)
