"""GOV.UK's date input: three fields, read back as one date."""

import datetime

import pytest
from django import forms

from core.forms import DateInput, GovukFormMixin


class MeetingDate(GovukFormMixin, forms.Form):
    date = forms.DateField(widget=DateInput())


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"date_day": "24", "date_month": "1", "date_year": "2017"}, datetime.date(2017, 1, 24)),
        ({"date_day": " 5 ", "date_month": "03", "date_year": "2017"}, datetime.date(2017, 3, 5)),
        ({"date": "2017-01-24"}, datetime.date(2017, 1, 24)),
    ],
)
def test_the_date_is_read_from_day_month_and_year(data, expected):
    form = MeetingDate(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"date_day": "31", "date_month": "2", "date_year": "2017"},
            "Date must be a real date, for example 31 3 2017.",
        ),
        ({"date_day": "", "date_month": "", "date_year": ""}, "This field is required."),
        (
            {"date_day": "x", "date_month": "2", "date_year": "2017"},
            "Date must be a real date, for example 31 3 2017.",
        ),
    ],
)
def test_a_date_that_is_not_real_is_refused_and_marked(data, message):
    form = MeetingDate(data)
    assert not form.is_valid()
    assert form.errors["date"] == [message]
    html = str(form["date"].as_field_group())
    assert html.count("govuk-input--error") == 3
    assert 'id="id_date_error"' in html


def test_the_fields_show_a_saved_date():
    html = str(MeetingDate(initial={"date": datetime.date(2016, 5, 19)})["date"])
    assert 'name="date_day" value="19"' in html
    assert 'name="date_month" value="5"' in html
    assert 'name="date_year" value="2016"' in html


def test_an_error_summary_link_lands_on_the_day_field():
    form = MeetingDate({"date_day": "31", "date_month": "2", "date_year": "2017"})
    form.is_valid()
    bound = form["date"]
    assert bound.id_for_label == "id_date_0"
    assert 'id="id_date_0"' in str(bound)
