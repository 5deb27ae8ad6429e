"""Team forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.forms import declared_field

from .roles import role_choices


class TeamInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        declared_field(self, "role", forms.ChoiceField).choices = role_choices(organization.kind)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        declared_field(self, "role", forms.ChoiceField).choices = role_choices(organization.kind)
