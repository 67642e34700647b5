"""Validators shared by every app's models, so a rule holds on every path
that saves (forms, imports, fixtures and the admin all run full_clean)."""

from django.core.validators import RegexValidator

#: The characters a reference (an action's "1a", a risk's "R12") may use:
#: letters, digits, full stops and hyphens, starting with a letter or digit.
#: References appear in URLs, so a slash or a space would break every link to
#: the record.
REF_CHARACTERS = "letters, digits, full stops (.) and hyphens (-)"

validate_ref = RegexValidator(
    regex=r"\A[A-Za-z0-9][A-Za-z0-9.\-]*\Z",
    message=(
        f"A reference may use only {REF_CHARACTERS}, and starts with a letter or a digit, "
        'for example "1a" or "R12".'
    ),
    code="invalid_ref",
)
