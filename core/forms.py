"""Forms rendered with GOV.UK Frontend's markup through Django's form renderer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting

_WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.FileInput: "govuk-file-upload",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
}


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class GovukFormMixin:
    """Adds GOV.UK classes to every widget, and error classes where invalid."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            css = next((c for t, c in _WIDGET_CLASSES.items() if type(widget) is t), None)
            if css is None and isinstance(widget, forms.widgets.Input):
                css = "govuk-input"
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                base = widget.attrs.get("class", "")
                suffix = {
                    "govuk-select": "govuk-select--error",
                    "govuk-textarea": "govuk-textarea--error",
                }
                extra = next((v for k, v in suffix.items() if k in base), "govuk-input--error")
                if extra not in base:
                    widget.attrs["class"] = f"{base} {extra}".strip()


def choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """A form's model choice field, typed, for setting its queryset per request."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    return field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"class": "govuk-input govuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d"
        )


class FilterForm(GovukFormMixin, forms.Form):
    """Base form for django-filter filter sets."""


class SignInForm(GovukFormMixin, AuthenticationForm):
    """Django's sign-in form without autofocus, which moves screen-reader users
    past the page's heading and skip link."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)
