from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from hypothesis import given

from tests.test_properties import check, data_for, fingerprint, per_function_world, posted_form
from training.models import Mode, StatedFigure, TrainingFigures


def url(board):
    return reverse("training:stated_figure_record", kwargs={"board": board.slug})


def stated(**values):
    data = {
        "owner": "board",
        "year": "2016-17",
        "quarter": "year",
        "mode": Mode.E_LEARNING,
        "measure": "completion_pct",
        "kind": "value",
        "value": "89",
        "wording": "4734 completed (89%)",
        "explanation": "",
    }
    data.update(values)
    return data


def test_a_manager_keeps_a_stated_rate_and_sees_it_beside_the_computed_one(world, client_for):
    TrainingFigures.objects.create(
        board=world.board,
        year=world.year,
        mode=Mode.E_LEARNING,
        learners_registered=5281,
        learners_completed=4734,
    )
    client = client_for("manager")
    response = client.post(url(world.board), stated())
    assert response.status_code == 302
    # Stating it again changes it rather than adding a second one.
    client.post(url(world.board), stated(explanation="Cut off, not rounded."))
    [figure] = StatedFigure.objects.all()
    assert (figure.value, figure.explanation) == (Decimal("89.00"), "Cut off, not rounded.")
    html = client.get(response["Location"]).content.decode()
    assert '90% <br><span class="govuk-body-s">(the report states 89%)</span>' in html
    assert "4,734 of 5,281 is 89.6%, which rounds to 90%." in html


def test_a_stated_percentage_over_100_is_refused_and_nothing_saved(world, client_for):
    response = client_for("manager").post(url(world.board), stated(value="101"))
    assert response.status_code == 400
    assert "A percentage lies between 0 and 100." in response.content.decode()
    assert not StatedFigure.objects.exists()


def test_a_stated_change_may_be_negative(world, client_for):
    response = client_for("manager").post(
        url(world.board), stated(measure="delegates_booked", kind="change", value="-74")
    )
    assert response.status_code == 302
    assert StatedFigure.objects.get().change is True


def test_posting_anything_to_the_stated_figure_form_never_fails(world, client_for):
    client = client_for("manager")
    form = posted_form(client, "training:stated_figure_record", url(world.board))
    assert {"owner", "measure", "kind", "value"} <= set(form.fields)
    before = fingerprint()

    @per_function_world
    @given(data=data_for(form))
    def post(data):
        with transaction.atomic():
            check(client.post(url(world.board), data), url(world.board), before, data)
            transaction.set_rollback(True)

    post()
