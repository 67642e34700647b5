"""The forms of invitations, with GOV.UK markup. Each takes its errors from
people.services, so the page refuses what the service refuses."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import GovukFormMixin
from core.two_factor_forms import SetUpCodeForm


class InvitationForm(GovukFormMixin, forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.CharField(
        label="Email address",
        max_length=254,
        help_text="Assure sends the invitation here, from the board's name.",
        error_messages={"required": "Enter the person's email address."},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person's role."},
    )
    username = forms.CharField(
        label="Username",
        required=False,
        max_length=150,
        help_text="What they sign in with. Leave it empty to use their email address.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )

    def __init__(self, *args: Any, roles: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(name, name) for name in roles]
        if len(roles) == 1:
            role.initial = roles[0]


class PasswordForm(GovukFormMixin, forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        help_text="At least 12 characters; not a common password, and not like your name or "
        "username. Three or four random words work well.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password."},
    )
    again = forms.CharField(
        label="Confirm password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again."},
    )


class AuthenticatorForm(SetUpCodeForm):
    """The first code of the new authenticator app, which finishes the
    invitation."""
