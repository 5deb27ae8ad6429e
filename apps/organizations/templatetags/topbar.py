"""{% topbar %}: the top bar of every page (partials/topbar.html), drawn once and kept; and
{% kept %}, a fragment of the layout that only the language changes, drawn once too.

Drawing it costs a page about 2 ms of CPU (menu, switcher, language and user menus: some
forty translations, eight links reversed); its HTML depends only on what the key below
holds, so each gunicorn process keeps it in memory and draws it again only for a key it
has not seen. Nothing needs forgetting: a renamed organization, a new membership or a
changed role, e-mail, language or page is another key (the key is built from the
memberships the request has read anyway). The two parts that change with every request,
the CSRF token and the current path (the language switch's `next`), are marks in the kept
HTML, replaced per request.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.template import Engine
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Private-use characters: no escaping changes them and no page text contains them.
CSRF_MARK = "\ue000csrf\ue000"
NEXT_MARK = "\ue000next\ue000"
MAX_KEPT = 2000  # distinct bars per process before the memory is emptied

_kept: dict[tuple[Any, ...], str] = {}


def _key(context: template.Context) -> tuple[Any, ...]:
    request = context.get("request")
    user = context.get("user")
    language = get_language()
    if user is None or not user.is_authenticated:
        return (language, None)
    membership = context.get("active_membership")
    organization = context.get("active_organization")
    match = getattr(request, "resolver_match", None)
    switcher = context.get("switcher_memberships")
    memberships = switcher() if callable(switcher) else switcher or []
    return (
        language, user.pk, user.email, user.is_staff,
        (organization.pk, organization.name, organization.slug, organization.kind)
        if organization is not None else None,
        membership.role if membership is not None else None,
        match.view_name if match is not None and membership is not None else None,
        tuple((m.organization_id, m.organization.name, m.organization.slug,
               m.organization.kind, m.role) for m in memberships),
    )


@register.simple_tag(takes_context=True)
def topbar(context: template.Context) -> SafeString:
    request = context.get("request")
    key = _key(context)
    html = _kept.get(key)
    if html is None:
        with context.push(csrf_token=CSRF_MARK, topbar_next=NEXT_MARK):
            html = Engine.get_default().get_template("partials/topbar.html").render(context)
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[key] = html
    if request is None:  # a template rendered without a request: no forms to fill in
        return mark_safe(html.replace(CSRF_MARK, "").replace(NEXT_MARK, ""))  # noqa: S308
    if CSRF_MARK in html:  # a signed-in user's forms (sign out, language)
        # The page's own token when it has one (the csrf context processor's, evaluated
        # once per page): one masked token per page, not one per place it shows.
        token = context.get("csrf_token")
        html = html.replace(CSRF_MARK, escape(str(token) if token else get_token(request)))
    path = request.get_full_path()
    return mark_safe(html.replace(NEXT_MARK, escape(path)))  # noqa: S308 (escaped parts)


_fragments: dict[tuple[Any, ...], str] = {}


@register.simple_tag
def kept(template_name: str) -> SafeString:
    """{% kept "partials/….html" %}: a fragment that depends on nothing of the request but
    the language (static files' URLs, fixed links, fixed texts), drawn once per process
    and language. In the layout: the stylesheets and scripts of every page, whose
    {% static %} and {% url %} cost a page some 600 Python calls."""
    key = (template_name, get_language(), get_script_prefix(), get_urlconf(),
           settings.STATIC_URL)
    html = _fragments.get(key)
    if html is None:
        html = _fragments[key] = Engine.get_default().get_template(template_name).render(
            template.Context())
    return mark_safe(html)  # noqa: S308 (a template's own output)
