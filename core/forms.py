"""Forms rendered with GOV.UK Frontend's markup through Django's form renderer."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import connections
from django.db.backends.base.operations import BaseDatabaseOperations
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
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            css = next((c for t, c in _WIDGET_CLASSES.items() if type(widget) is t), None)
            if css is None and isinstance(widget, forms.widgets.Input):
                css = "govuk-input"
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, DateInput):
                label = str(field.label or name.replace("_", " ")).capitalize()
                field.error_messages["invalid"] = (
                    f"{label} must be a real date, for example 31 3 2017."
                )
            if isinstance(field, forms.ModelChoiceField):
                refuse_keys_out_of_range(field)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                base = widget.attrs.get("class", "")
                if isinstance(widget, forms.MultiWidget):
                    for part in widget.widgets:
                        part.attrs["class"] = f"{part.attrs.get('class', '')} govuk-input--error"
                    continue
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


def refuse_keys_out_of_range(field: forms.ModelChoiceField) -> None:
    """Make a model choice field refuse, as an invalid choice, a key too big or
    too small for its column.

    Django turns an out-of-range number into "no such row" for a plain lookup
    but not for the `__in` lookup a multiple choice makes, where the database
    driver overflows (`evidence_types=99999999999999999999` was a server
    error). Every form built on GovukFormMixin, and every filter built on
    FilterForm, gets this check, and refuses a key with a NUL character, which
    PostgreSQL cannot even compare. The field keeps its own class's behaviour
    under a subclass, so a copy of the form's fields keeps the check too.
    """
    if not isinstance(field, _KeysInRange):
        field.__class__ = _keys_in_range_class(type(field))


class _KeysInRange:
    """Marks the model choice fields that check their keys' range."""


_CHECKED_CLASSES: dict[type, type] = {}


def _keys_in_range_class(base: type[forms.ModelChoiceField]) -> type[forms.ModelChoiceField]:
    if base in _CHECKED_CLASSES:
        return _CHECKED_CLASSES[base]

    def clean(self: forms.ModelChoiceField, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else [value]:
            if "\x00" in str(item) or not _key_in_range(self, item):  # PostgreSQL refuses NUL
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(item)},
                )
        return base.clean(self, value)

    checked = type(base.__name__, (_KeysInRange, base), {"clean": clean})
    _CHECKED_CLASSES[base] = checked
    return checked


def _key_in_range(field: forms.ModelChoiceField, value: Any) -> bool:
    queryset = field.queryset
    if queryset is None:
        return True
    model = queryset.model
    key = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    if key is None:
        return True
    key = getattr(key, "target_field", key)  # a foreign key used as the key: its target
    kind = key.get_internal_type()
    if kind not in BaseDatabaseOperations.integer_field_ranges:
        return True  # a text key: any text is a fair question to the database
    try:
        number = int(str(value).strip())
    except ValueError:
        return True  # not a number: the field's own cleaning refuses it
    low, high = connections[queryset.db].ops.integer_field_range(kind)
    return (low is None or number >= low) and (high is None or number <= high)


class DateInput(forms.MultiWidget):
    """GOV.UK's date input: day, month and year as three numeric fields in a
    fieldset. A single ISO value under the field's own name (from a link or
    a script) is read too."""

    template_name = "core/forms/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        def part(width: int) -> forms.TextInput:
            return forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "inputmode": "numeric",
                }
            )

        super().__init__({"day": part(2), "month": part(2), "year": part(4)}, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, str) and value:
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str | None:  # type: ignore[override]  # one date, not its parts
        if data.get(name):
            return str(data.get(name))
        day, month, year = (
            str(v or "").strip() for v in super().value_from_datadict(data, files, name)
        )
        if not (day or month or year):
            return None
        try:
            return datetime.date(int(year), int(month), int(day)).isoformat()
        except (ValueError, OverflowError):  # not a number, not a day, or far too big
            return f"{year}-{month}-{day}"  # fails the date field's own validation

    def id_for_label(self, id_: str) -> str:
        """The day field, so an error summary's link lands in the date."""
        return f"{id_}_0" if id_ else ""

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)


class FilterForm(GovukFormMixin, forms.Form):
    """Base form for django-filter filter sets."""


class SignInForm(GovukFormMixin, AuthenticationForm):
    """Django's sign-in form without autofocus, which moves screen-reader users
    past the page's heading and skip link."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)
