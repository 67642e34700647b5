"""GOV.UK's date input: three fields, read back as one date."""

import datetime

import pytest
from django import forms
from django.urls import reverse

from board.models import Agency
from core.forms import DateInput, GovukFormMixin
from priorities.models import Assessment
from tests.factories import AgencyFactory, EvidenceTypeFactory


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


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "data",
    [
        {"date_day": "1", "date_month": "1", "date_year": HUGE},
        {"date_day": "1", "date_month": HUGE, "date_year": "2017"},
        {"date_day": HUGE, "date_month": "1", "date_year": "2017"},
        {"date_day": "1", "date_month": "1", "date_year": f"-{HUGE}"},
        {"date_day": "1", "date_month": "1", "date_year": "2147483648"},
        {"date": f"{HUGE}-01-01"},
    ],
)
def test_a_date_part_too_big_for_any_calendar_is_refused_as_not_real(data):
    form = MeetingDate(data)
    assert not form.is_valid()
    assert form.errors["date"] == ["Date must be a real date, for example 31 3 2017."]


class EvidenceChoice(GovukFormMixin, forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), required=False)
    agencies = forms.ModelMultipleChoiceField(queryset=Agency.objects.all(), required=False)
    by_slug = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.all(), to_field_name="slug", required=False
    )


@pytest.mark.django_db
@pytest.mark.parametrize("number", [HUGE, f"-{HUGE}", "9223372036854775808"])
def test_a_key_too_big_for_the_database_is_an_invalid_choice(number):
    police = AgencyFactory(slug="police")
    form = EvidenceChoice({"agency": number, "agencies": [str(police.pk), number]})
    assert not form.is_valid()
    assert form.errors["agency"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert form.errors["agencies"] == [
        f"Select a valid choice. {number} is not one of the available choices."
    ]


@pytest.mark.django_db
def test_keys_within_range_and_text_keys_are_still_looked_up():
    police = AgencyFactory(slug="police")
    form = EvidenceChoice(
        {"agency": str(police.pk), "agencies": [str(police.pk)], "by_slug": ["police", HUGE]}
    )
    assert not form.is_valid()
    assert form.cleaned_data["agency"] == police
    assert list(form.cleaned_data["agencies"]) == [police]
    assert form.errors["by_slug"] == [
        f"Select a valid choice. {HUGE} is not one of the available choices."
    ]


def test_a_chair_filtering_actions_by_an_impossible_year_sees_the_error(world, client_for):
    url = reverse("priorities:actions", kwargs={"board": world.board.slug})
    response = client_for("chair").get(
        url,
        {
            "not_assessed_since_day": "1",
            "not_assessed_since_month": "1",
            "not_assessed_since_year": HUGE,
        },
    )
    assert response.status_code == 400  # refused, and said why
    assert "Not assessed since must be a real date, for example 31 3 2017." in response.text


def test_an_assessment_with_an_impossible_date_or_evidence_id_saves_nothing(world, client_for):
    url = reverse(
        "priorities:assess",
        kwargs={"board": world.board.slug, "plan": world.plan.slug, "ref": world.action.ref},
    )
    evidence = EvidenceTypeFactory()
    client = client_for("manager")
    response = client.post(
        url,
        {
            "assessed_on_day": "1",
            "assessed_on_month": "1",
            "assessed_on_year": HUGE,
            "process": "GREEN",
            "impact": "GREEN",
            "evidence_types": [str(evidence.pk), HUGE],
        },
    )
    assert response.status_code == 400
    assert "Date of this assessment must be a real date, for example 31 3 2017." in response.text
    assert f"Select a valid choice. {HUGE} is not one of the available choices." in response.text
    assert Assessment.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("number", [int(HUGE), -int(HUGE), 2**63])
def test_a_number_too_big_for_its_column_matches_nothing_in_a_list_lookup(number):
    police = AgencyFactory(slug="police")
    assert list(Agency.objects.filter(pk__in=[police.pk, number])) == [police]
    assert list(Agency.objects.filter(pk__in=[number])) == []
    assert list(Agency.objects.exclude(pk__in=[number])) == [police]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["1.5", "one", ""])
def test_text_that_is_no_whole_number_matches_nothing_in_a_list_lookup(text):
    police = AgencyFactory(slug="police")
    assert list(Agency.objects.filter(pk__in=[str(police.pk), text])) == [police]
    assert list(Agency.objects.filter(pk__in=[text])) == []


def test_the_admin_shows_a_refused_huge_id_without_failing(world, client_for):
    """The admin's autocomplete and multiple-choice widgets look up what was
    posted to show it again, with an `__in` lookup."""
    url = reverse("admin:board_group_change", args=[world.group.pk])
    response = client_for("admin").post(url, {"boards": [HUGE], "reports_to": HUGE})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_the_admin_shows_a_refused_fractional_id_in_an_autocomplete_without_failing(
    world, client_for
):
    url = reverse("admin:board_contribution_add")
    response = client_for("admin").post(url, {"agency": "1.5", "board": "1.5"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


@pytest.mark.django_db
def test_a_key_with_a_nul_character_is_an_invalid_choice_without_asking_the_database(
    django_assert_num_queries,
):
    """PostgreSQL refuses to compare text holding NUL (a server error before)."""
    form = EvidenceChoice({"by_slug": ["po\x00lice"]})
    with django_assert_num_queries(0):
        assert not form.is_valid()
    assert form.errors["by_slug"] == [
        "Select a valid choice. po\x00lice is not one of the available choices."
    ]
