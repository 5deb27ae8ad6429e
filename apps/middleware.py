"""Project-wide middleware: refuse form data no form could have sent, and keep signed-in pages
out of every cache."""

from django.core.exceptions import BadRequest
from django.utils.cache import patch_cache_control

# Django's own ceiling for a formset (forms.formsets.DEFAULT_MAX_NUM); ours are far smaller.
MAX_FORMSET_FORMS = 1000
_MANAGEMENT_FIELDS = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


def _oversized_count(value):
    try:
        return int(value) > MAX_FORMSET_FORMS
    except (TypeError, ValueError):
        return False  # not a number: the formset reports its management form as tampered with


class RequestGuardMiddleware:
    """A formset's management form claiming more forms than any formset may hold is refused
    with 400 before a view builds (and renders) that many forms. Every formset is bounded
    with `absolute_max` too; this covers the ones we do not build (the admin's inlines)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            try:
                fields = list(request.POST.lists())
            except OSError:  # the client went away mid-upload: CsrfViewMiddleware answers
                fields = []
            for key, values in fields:
                if key.endswith(_MANAGEMENT_FIELDS) and any(map(_oversized_count, values)):
                    raise BadRequest(f"Formset management form value out of range: {key[:80]}")
        return self.get_response(request)


class SignedInNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user, so that a
    shared browser or proxy keeps no tenant data after sign-out. A response that declares
    itself public (the directory's logos: the same bytes for everyone) keeps its header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _is_public(response):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _is_public(response):
    directives = response.get("Cache-Control", "").split(",")
    return any(part.strip().lower() == "public" for part in directives)
