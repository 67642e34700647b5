"""Factories for case reviews (kept beside their tests, so the shared
tests/factories.py is not committed with other engineers' work in it)."""

from __future__ import annotations

import factory

from reviews.models import CaseReview, LearningTheme, Recommendation, StatedCount
from tests.factories import BoardFactory, YearFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningTheme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review saved as the pages save it: through the service, so it has
    the steps of its kind."""

    class Meta:
        model = CaseReview

    board = factory.SubFactory(BoardFactory)
    slug = factory.Sequence(lambda n: f"child-{n}")
    name = factory.Sequence(lambda n: f"Child {n}")
    kind = CaseReview.Kind.RAPID
    year = factory.SubFactory(YearFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        from reviews.services import review_save

        return review_save(review=model_class(*args, **kwargs))


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    review = factory.SubFactory(ReviewFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Agencies should share what they know when a family moves into the area."
    to_partnership = True


class StatedCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatedCount

    board = factory.SubFactory(BoardFactory)
    year = factory.SubFactory(YearFactory)
    measure = StatedCount.Measure.RAPID_REVIEWS
    value = 5
