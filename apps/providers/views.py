"""Directory profile pages of a provider workspace, and the public directory with its logos."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.errors import DomainError
from apps.lists import paginate
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind

from . import selectors, services
from .forms import DirectorySearchForm, LocationFormSet, ProfileChangeForm

LOGO_MAX_AGE = 60 * 60 * 24 * 365  # the URL names the content: it never changes

# ------------------------------------------------------------------ provider workspace


@workspace_view(kinds=(Kind.PROVIDER,), permission="profile.manage")
def profile(request):
    provider = selectors.provider_profile(organization=request.organization)
    pending = selectors.change_request_pending(provider=provider)
    return render(request, "providers/profile.html", {
        "provider": provider,
        "listings": list(provider.listings.all()),
        "pending": pending,
        "diff": selectors.change_request_diff(pending) if pending else None,
        "history": paginate(request, selectors.change_request_list(provider=provider),
                            per_page=10),
    })


@workspace_view(kinds=(Kind.PROVIDER,), permission="profile.manage")
@require_http_methods(["GET", "POST"])
def profile_request(request):
    """Request a change: company name, logo and the target URL of each location."""
    organization = request.organization
    provider = selectors.provider_profile(organization=organization)
    pending = selectors.change_request_pending(provider=provider)
    data = request.POST if request.method == "POST" else None
    form = ProfileChangeForm(
        data, request.FILES if data is not None else None,
        has_logo=provider.directory_logo_id is not None,
        initial={"company_name": provider.directory_name or organization.name})
    formset = LocationFormSet(
        data, prefix="locations",
        initial=[{"country": listing.country.code, "target_url": listing.target_url}
                 for listing in provider.listings.all()])
    if data is not None and all([form.is_valid(), formset.is_valid()]):
        try:
            change_request = services.profile_change_submit(
                provider=provider, submitted_by=request.user,
                company_name=form.cleaned_data["company_name"],
                new_logo=form.cleaned_data["logo"],
                remove_logo=form.cleaned_data.get("remove_logo", False),
                locations=formset.locations(), request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _(
                "Your change request is with our operators. You will hear from us by "
                "%(date)s at the latest; the directory changes as soon as it is approved.")
                % {"date": date_format(localtime(change_request.due_at), "DATE_FORMAT")})
            return redirect("providers:profile", org_slug=organization.slug)
    return render(request, "providers/request.html", {
        "provider": provider, "pending": pending, "form": form, "formset": formset,
        "review_days": settings.PORTAL_PROFILE_REVIEW_DAYS,
        # Browsers empty file inputs on a re-displayed form: ask for a valid logo again.
        "choose_logo_again": bool(getattr(form, "cleaned_data", {}).get("logo")),
    })


@workspace_view(kinds=(Kind.PROVIDER,), permission="profile.manage")
@require_POST
def profile_withdraw(request, request_id):
    provider = selectors.provider_profile(organization=request.organization)
    change_request = selectors.change_request_get(provider=provider, pk=request_id)
    try:
        services.profile_change_withdraw(change_request=change_request, actor=request.user,
                                         request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your change request is withdrawn. The directory is "
                                    "unchanged."))
    return redirect("providers:profile", org_slug=request.organization.slug)


# ------------------------------------------------------------------ public directory


@require_safe
def directory(request):
    """Find an indirect provider: by country and by name. Public, paginated, cached."""
    form = DirectorySearchForm(request.GET, available=selectors.directory_countries())
    form.is_valid()  # the form cleans junk away; it never refuses
    country = form.cleaned_data.get("country", "")
    search = form.cleaned_data.get("q", "")
    page = selectors.directory_page(country=country, search=search,
                                    page=request.GET.get("page"))
    country_name = dict(form.country_choices).get(country, "") if country else ""
    response = render(request, "providers/directory.html", {
        "form": form, "page": page, "country": country, "country_name": country_name,
        "search": search,
    })
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)  # the top bar names the user
    else:
        patch_cache_control(response, public=True,
                            max_age=settings.PORTAL_DIRECTORY_MAX_AGE)
        # In the visitor's language: Accept-Language (LocaleMiddleware says so) or the
        # language switch's cookie.
        patch_vary_headers(response, ("Cookie",))
    return response


@require_safe
def logo(request, digest):
    """A published logo: a PNG we encoded ourselves, cached for good (its URL is its hash)."""
    png = selectors.published_logo_png(digest=digest)
    if png is None:
        raise Http404
    etag = f'"{digest}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(bytes(png), content_type="image/png")
        response["Content-Length"] = str(len(png))
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=LOGO_MAX_AGE, immutable=True)
    return response
