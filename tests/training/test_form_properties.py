"""Whatever is posted to the training form, it answers without a server
error and a refusal changes nothing (the suite-wide property test covers it
among every form; this runs it on its own, with the training page's query)."""

from django.db import transaction
from django.urls import reverse
from hypothesis import given

from tests.test_properties import check, data_for, fingerprint, per_function_world, posted_form


def test_posting_anything_to_the_training_form_never_fails(world, client_for):
    client = client_for("manager")
    url = reverse("training:figures_record", kwargs={"board": world.board.slug})
    form = posted_form(client, "training:figures_record", url)
    assert {"owner", "year", "quarter", "mode", "learners_completed"} <= set(form.fields)
    before = fingerprint()

    @per_function_world
    @given(data=data_for(form))
    def post(data):
        with transaction.atomic():
            check(client.post(url, data), url, before, data)
            transaction.set_rollback(True)

    post()


def test_any_year_asked_of_the_training_page_never_fails(world, client_for):
    client = client_for("chair")
    url = reverse("training:training", kwargs={"board": world.board.slug})
    for year in ("99999999999999999999", "2016-17\x00", "", "<b>", "-1"):
        assert client.get(url, {"year": year}).status_code == 200


def test_posting_anything_to_the_impact_form_never_fails(world, client_for):
    from tests.factories import ActionFactory, PlanFactory

    ActionFactory(plan=PlanFactory(board=world.other_board))  # an action it must not link
    client = client_for("manager")
    url = reverse("training:impact_record", kwargs={"board": world.board.slug})
    form = posted_form(client, "training:impact_record", url)
    assert {"owner", "course", "subject", "replies", "action"} <= set(form.fields)
    before = fingerprint()

    @per_function_world
    @given(data=data_for(form))
    def post(data):
        with transaction.atomic():
            check(client.post(url, data), url, before, data)
            transaction.set_rollback(True)

    post()
