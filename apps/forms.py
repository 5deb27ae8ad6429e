"""Form rendering shared by every form, allauth's included: Bootstrap classes on widgets.

Django itself ties help text and errors to the field with aria-describedby
("<id>_helptext", "<id>_error"); templates/partials/field.html uses those ids.
"""

from collections.abc import Iterable
from typing import TypeVar

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.forms.widgets import Widget
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

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


class BulkSelect(forms.Select):
    """A <select> drawn in one pass of Python, not a widget template per option: 200
    options cost about 1 ms instead of 10.

    `prerendered` (with `prerendered_from`) is the ready HTML of the choices from that index
    on, kept by the caller (a cache): those are then not drawn at all, only the selected
    one is marked.
    """

    prerendered: str | None = None
    prerendered_from = 0

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        choices = list(self.choices)
        tail = ""
        if self.prerendered is not None:
            choices, tail = choices[:self.prerendered_from], self.prerendered
            for chosen in selected:
                option = format_html('<option value="{}">', chosen)
                tail = tail.replace(option, option[:-1] + " selected>", 1)
        head = format_html_join("", '<option value="{}"{}>{}</option>', (
            (key, " selected" if str(key) in selected else "", label) for key, label in choices))
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}{}</select>", flatatt(final), head,
                           mark_safe(tail))  # noqa: S308 - built by options_html()


def options_html(choices: Iterable[tuple[object, object]]) -> str:
    """The <option>s of `choices`, escaped, for BulkSelect.prerendered."""
    return str(format_html_join("", '<option value="{}">{}</option>', choices))


class PythonInput(forms.TextInput):
    """A text input drawn by Python, not through the widget templates (input.html and
    attrs.html: about 780 Python calls a field); the same markup, attributes in order."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<input type="{conditional_escape(widget["type"])}" '
                 f'name="{conditional_escape(widget["name"])}"']
        if widget["value"] is not None:
            parts.append(f' value="{conditional_escape(widget["value"])}"')
        for key, item in widget["attrs"].items():
            if item is True:
                parts.append(f" {conditional_escape(key)}")
            elif item is not False:
                parts.append(f' {conditional_escape(key)}="{conditional_escape(item)}"')
        parts.append(">")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)


# {% form_field %}: partials/field.html drawn in Python (apps.forms in the template
# libraries): a label, the widget, help text and errors tied to it by the ids Django's
# aria-describedby names. Through the template engine a field cost some 1,300 Python calls
# besides its widget.
register = template.Library()


@register.simple_tag
def form_field(field: BoundField) -> SafeString:
    if field.is_hidden:
        return conditional_escape(str(field))
    checkbox = field.widget_type == "checkbox"
    label_for = conditional_escape(field.id_for_label)
    label = conditional_escape(field.label)
    if checkbox:
        control = (f'{conditional_escape(str(field))} <label class="form-check-label" '
                   f'for="{label_for}">{label}</label>')
    else:
        required = ' <span aria-hidden="true">*</span>' if field.field.required else ""
        control = (f'<label class="form-label" for="{label_for}">{label}{required}</label>\n'
                   f"  {conditional_escape(str(field))}")
    parts = [f'\n<div class="mb-3{" form-check" if checkbox else ""}">\n  {control}\n']
    auto_id = conditional_escape(field.auto_id)
    if field.help_text:
        parts.append(f'  <div class="form-text" id="{auto_id}_helptext">{field.help_text}</div>\n')
    errors = field.errors
    if errors:
        shown = "<br>".join(str(conditional_escape(str(error))) for error in errors)
        parts.append(f'  <div class="invalid-feedback d-block" id="{auto_id}_error">{shown}'
                     "</div>\n")
    parts.append("</div>\n")
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped above; help text is ours)
