"""The field problems every service returns and refuses with."""

import pytest
from django.core.exceptions import ValidationError

from core.problems import Problems, add_problem, raise_problems


def test_problems_are_kept_by_field_in_order_and_each_said_once():
    problems: Problems = {}
    add_problem(problems, "title", "Enter the title.")
    add_problem(problems, "__all__", "Only a draft can change.")
    add_problem(problems, "title", "The title must be 200 characters or fewer.")
    add_problem(problems, "title", "Enter the title.")
    assert problems == {
        "title": ["Enter the title.", "The title must be 200 characters or fewer."],
        "__all__": ["Only a draft can change."],
    }


def test_no_problems_raise_nothing_and_any_raise_them_all_on_their_fields():
    raise_problems({})
    with pytest.raises(ValidationError) as exc:
        raise_problems({"title": ["Enter the title."], "__all__": ["Only a draft."]})
    assert exc.value.message_dict == {"title": ["Enter the title."], "__all__": ["Only a draft."]}
