"""Form rendering shared by every form, allauth's included: Bootstrap classes on widgets.

Django itself ties help text and errors to the field with aria-describedby
("<id>_helptext", "<id>_error"); templates/partials/field.html uses those ids.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


def _widget_class(widget):
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


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
