"""The forms of two-factor sign-in, with GOV.UK markup."""

from __future__ import annotations

from django import forms

from core.forms import GovukFormMixin


def _code_input(**attrs: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        | attrs
    )


class SetUpCodeForm(GovukFormMixin, forms.Form):
    """The first code from a newly added authenticator app, which confirms it."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for Assure, for example 123456",
        max_length=16,
        widget=_code_input(inputmode="numeric", **{"class": "govuk-input--width-10"}),
        error_messages={
            "required": "Enter the 6-digit code your authenticator app shows",
            "max_length": "Enter the 6-digit code your authenticator app shows",
        },
    )


class SignInCodeForm(GovukFormMixin, forms.Form):
    """The second step of signing in: the code an authenticator app shows, or,
    for someone without their phone, one of their recovery codes. The recovery
    code has its own text field because a numeric keypad cannot type it.

    One of the two is needed: the app's code unless a recovery code is given.
    Both are marked required only while the form is shown, so neither label
    says "(optional)"; no required attribute is rendered, as neither alone is.
    """

    use_required_attribute = False

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for Assure, for example 123456",
        max_length=16,
        widget=_code_input(inputmode="numeric", **{"class": "govuk-input--width-10"}),
        error_messages={
            "required": "Enter the 6-digit code your authenticator app shows",
            "max_length": "Enter the 6-digit code your authenticator app shows",
        },
    )
    recovery_code = forms.CharField(
        label="Recovery code",
        help_text="One of the 10 codes Assure gave you when you set up two-factor sign-in, "
        "for example abcd2345. Each code works once.",
        max_length=32,
        widget=_code_input(autocomplete="off", **{"class": "govuk-input--width-10"}),
        error_messages={"max_length": "Enter a recovery code, for example abcd2345"},
    )

    def full_clean(self) -> None:
        recovery_given = bool(str(self.data.get("recovery_code", "")).strip())
        self.fields["code"].required = not recovery_given
        self.fields["recovery_code"].required = False
        try:
            super().full_clean()
        finally:
            self.fields["code"].required = self.fields["recovery_code"].required = True

    @property
    def given(self) -> tuple[str, str]:
        """The field the person used, and what they typed in it."""
        if self.cleaned_data.get("code"):
            return "code", self.cleaned_data["code"]
        return "recovery_code", self.cleaned_data.get("recovery_code", "")
