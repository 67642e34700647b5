"""core.text: one form for the text people write, and every model keeping it."""

import datetime
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from core import text
from core.models import CleanTextModel

#: Assure's own apps; Django's and the libraries' models are theirs to keep.
ASSURE_APPS = {
    "board",
    "people",
    "priorities",
    "indicators",
    "reviews",
    "audits",
    "training",
    "reports",
    "core",
}
#: Assure's apps whose text is a record of what Assure itself did, kept
#: exactly: each email as it was sent (its line endings are SMTP's).
KEPT_AS_WRITTEN = {"outbox"}

# --- the rule -------------------------------------------------------------------


def test_a_one_line_field_is_trimmed_and_its_line_breaks_become_spaces():
    assert text.one_line("  Head of \t\r\n  Early Help\r\rService \t") == (
        "Head of Early Help Service"
    )
    assert text.one_line("two  spaces\tinside stay") == "two  spaces\tinside stay"
    assert text.one_line(" \r\n\t ") == ""


def test_a_multi_line_field_has_lf_endings_and_no_spaces_at_line_ends():
    sent = (
        "\r\n  \r\n  Indented first\t \r\nsecond  \rthird\n\n\n  fourth keeps its indent\r\n \r\n"
    )
    assert text.multi_line(sent) == ("Indented first\nsecond\nthird\n\n\n  fourth keeps its indent")


def test_markdown_keeps_a_hard_line_break_as_a_backslash():
    assert text.markdown("The area  \r\nIts children\r\n") == "The area\\\nIts children"
    for sent in ("The area  \nIts children", "> The area  \n> Its children", "Title  \nmore\n==="):
        kept = text.markdown(sent)
        assert "  \n" not in kept
        assert text.MARKDOWN.render(kept) == text.MARKDOWN.render(sent), sent


def test_markdown_drops_spaces_that_were_no_break():
    # before a list item, a blank line, the end, and inside a code block the
    # spaces break nothing: they go, and no backslash appears
    assert text.markdown("Para  \n- item  \n- item  \n\nNext  \n") == "Para\n- item\n- item\n\nNext"
    assert text.markdown("```\ncode  \nmore\n```") == "```\ncode\nmore\n```"


def test_markdown_keeps_a_backslash_typed_before_the_spaces_as_itself():
    # a lone backslash before spaces is shown as typed; stripping the spaces
    # alone would make it a line break
    assert text.markdown("C:\\ \nnext") == "C:\\\\\nnext"
    # emphasis marks before a break keep a space, so they open nothing
    assert text.markdown("**  \nnext") == "** \\\nnext"


def test_only_text_of_char_and_text_fields_is_touched():
    assert text.normalised(models.CharField(), " a\r\nb ") == "a b"
    assert text.normalised(models.SlugField(), " a-b ") == "a-b"
    assert text.normalised(models.TextField(), " a \r\nb ") == "a\nb"
    assert text.normalised(models.TextField(), "a  \nb", is_markdown=True) == "a\\\nb"
    assert text.normalised(models.IntegerField(), " 1 ") == " 1 "
    assert text.normalised(models.CharField(null=True), None) is None


#: Text as browsers, spreadsheets and pastes send it: line endings of every
#: kind, spaces and tabs, Markdown's marks, and anything else.
noisy = st.lists(
    st.one_of(
        st.sampled_from(["\r\n", "\r", "\n", " ", "  ", "\t", "\\", "-", "> ", "```", "#", "|"]),
        st.text(max_size=12),
    ),
    max_size=30,
).map("".join)


@given(sent=noisy)
def test_normalising_twice_changes_nothing_more(sent):
    for rule in (text.one_line, text.multi_line, text.markdown):
        once = rule(sent)
        assert rule(once) == once, rule.__name__


@given(sent=noisy)
def test_normalised_text_has_no_cr_and_no_spaces_at_line_ends(sent):
    for rule in (text.multi_line, text.markdown):
        kept = rule(sent)
        assert "\r" not in kept
        assert all(line == line.rstrip(" \t") for line in kept.split("\n")), kept
    assert "\r" not in text.one_line(sent)
    assert "\n" not in text.one_line(sent)


def as_seen(html):
    """HTML as a browser shows it: runs of white space as one, none around a
    line break."""
    return re.sub(r"\s*<br />\s*", "<br />", re.sub(r"\s+", " ", html))


#: Markdown as people write it, with its marks, line breaks and spaces.
markdown_text = st.lists(
    st.sampled_from(
        [
            *("a", "b c", "\\", "  ", "\n", " ", "\r\n", "\r", "- ", "> ", "*", "_", "#"),
            *("\n\n", "|", "1. ", "\t", "[x](y)", "---", "```\n", "    "),
        ]
    ),
    max_size=30,
).map("".join)


@given(sent=markdown_text)
def test_markdown_reads_the_same_after_normalising(sent):
    """Whatever the spaces at the ends of lines meant (hard breaks, nothing,
    code), the report shows the same once they are gone (leading white space
    aside, which the forms have always trimmed)."""
    before = sent.replace("\r\n", "\n").replace("\r", "\n").strip()
    after = text.markdown(sent)
    assert as_seen(text.MARKDOWN.render(after)) == as_seen(text.MARKDOWN.render(before))


@given(sent=noisy)
def test_text_that_differs_only_in_line_endings_is_the_same_text(sent):
    crlf = sent.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    for rule in (text.one_line, text.multi_line, text.markdown):
        assert rule(crlf) == rule(sent), rule.__name__


# --- every model keeps it -------------------------------------------------------------


def text_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in ASSURE_APPS
        and not model.__name__.startswith("Historical")
        and any(isinstance(f, models.CharField | models.TextField) for f in model._meta.fields)
    ]


def test_every_model_with_text_keeps_it_in_one_form():
    """A new model (or an app's) must take core.models.CleanTextModel as its
    base, so every path stores its text as the rule says."""
    assert len(text_models()) > 30
    ours = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR) and list(config.get_models())
    }
    assert ours <= ASSURE_APPS | KEPT_AS_WRITTEN, (
        f"Add {ours - ASSURE_APPS - KEPT_AS_WRITTEN} to ASSURE_APPS (or say why not)"
    )
    missing = [m._meta.label for m in text_models() if not issubclass(m, CleanTextModel)]
    assert not missing, f"Give these models core.models.CleanTextModel as their base: {missing}"


def test_only_report_sections_hold_markdown():
    """Markdown fields are declared; a TextField rendered as Markdown anywhere
    else would need declaring too (its hard line breaks would be lost)."""
    declared = {f"{m._meta.label}.{name}" for m in text_models() for name in m.markdown_fields}
    assert declared == {"reports.Section.body"}


@pytest.mark.django_db
def test_validating_a_record_normalises_it_before_its_rules_run(world):
    risk = world.risk
    risk.title = "  \r\n "
    with pytest.raises(ValidationError) as refused:
        risk.full_clean()
    assert refused.value.message_dict == {"title": ["This field cannot be blank."]}
    risk.title = "Workforce\r\ncapacity "
    risk.full_clean()
    assert risk.title == "Workforce capacity"


@pytest.mark.django_db
def test_saving_without_validating_still_stores_one_form(world):
    from priorities.models import ActionPlan

    plan = ActionPlan.objects.create(
        board=world.board, slug="p", title=" Plan\r\n", kind="other", summary="a \r\nb\r\n"
    )
    plan.refresh_from_db()
    assert (plan.title, plan.summary) == ("Plan", "a\nb")


# --- the data migration -----------------------------------------------------------


def migration(app_label, name):
    return importlib.import_module(f"{app_label}.migrations.{name}")


@pytest.mark.django_db
def test_the_data_migration_normalises_stored_text_and_its_history_without_new_records(world):
    from priorities.models import Action

    action = world.action
    action.description, action.lead = "One\nTwo", "Lead"
    action.save()
    entries = action.history.count()
    # as a browser stored it before the rule: CRLF and trailing spaces, in
    # the record and in the history entry its save made
    Action.objects.filter(pk=action.pk).update(description="One  \r\nTwo\r\n", lead=" Lead ")
    action.history.filter(history_id=action.history.first().history_id).update(
        description="One  \r\nTwo\r\n"
    )
    migration("priorities", "0008_normalise_stored_text").normalise(apps, None)
    action.refresh_from_db()
    assert (action.description, action.lead) == ("One\nTwo", "Lead")
    assert action.history.count() == entries
    assert action.history.first().description == "One\nTwo"


@pytest.mark.django_db
def test_the_data_migration_leaves_published_reports_as_publication_froze_them(world):
    from reports import services
    from reports.models import AnnualReport, Section
    from tests.factories import YearFactory

    published = services.report_create(board=world.board, year=world.year)
    next_year = YearFactory(
        label="2017-18", start=datetime.date(2017, 4, 1), end=datetime.date(2018, 3, 31)
    )
    draft = services.report_create(board=world.board, year=next_year)
    Section.objects.filter(kind="context").update(body="The area  \r\nIts children \r\n")
    AnnualReport.objects.filter(pk=published.pk).update(status=AnnualReport.Status.PUBLISHED)
    migration("reports", "0006_normalise_stored_text").normalise(apps, None)
    bodies = dict(Section.objects.filter(kind="context").values_list("report_id", "body"))
    assert bodies[published.pk] == "The area  \r\nIts children \r\n"
    assert bodies[draft.pk] == "The area\\\nIts children"


@pytest.mark.django_db
def test_the_data_migration_leaves_a_row_that_would_clash_once_trimmed():
    from reviews.models import LearningTheme
    from tests.reviews.factories import ThemeFactory

    kept = ThemeFactory(name="Escalation").pk
    clashing = ThemeFactory(name="Other").pk
    LearningTheme.objects.filter(pk=clashing).update(name=" Escalation")
    clean = ThemeFactory(name="Voice").pk
    LearningTheme.objects.filter(pk=clean).update(description="Heard \r\n")
    migration("reviews", "0005_normalise_stored_text").normalise(apps, None)
    names = dict(LearningTheme.objects.values_list("pk", "name"))
    assert (names[kept], names[clashing]) == ("Escalation", " Escalation")
    assert LearningTheme.objects.get(pk=clean).description == "Heard"
