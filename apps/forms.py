"""Form rendering shared by every form, allauth's included: Bootstrap classes on widgets.

Django itself ties help text and errors to the field with aria-describedby
("<id>_helptext", "<id>_error"); templates/partials/field.html uses those ids.
"""

from typing import TypeVar

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Widget

_FieldT = TypeVar("_FieldT", bound=forms.Field)


def _widget_class(widget: Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


def declared_field(form: forms.BaseForm, name: str, kind: type[_FieldT]) -> _FieldT:
    """The form's own copy of its field `name`, of the class the form declares it with.

    `form.fields` is typed as plain Fields; a form that sets a field's queryset or choices
    in its __init__ reaches the field through here, checked rather than cast.
    """
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, "
                        f"not a {kind.__name__}")
    return field


class PortalBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden:
            return attrs
        classes = [attrs.get("class") or widget.attrs.get("class", ""), _widget_class(widget)]
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(c for c in classes if c)
        return attrs


class PortalFormRenderer(DjangoTemplates):
    bound_field_class = PortalBoundField
