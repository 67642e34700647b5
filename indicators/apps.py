from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Scorecard"

    #: The models this app took over from priorities (see
    #: docs/adr/0009-the-scorecard-is-an-app-of-its-own.md), by old label and
    #: new: import_data loads a file exported before the move.
    moved_models = {
        f"priorities.{model}": f"indicators.{model}"
        for model in (
            "indicator",
            "indicatorvalue",
            "comparator",
            "statisticalneighbour",
            "historicalindicator",
            "historicalindicatorvalue",
            "historicalcomparator",
            "historicalstatisticalneighbour",
        )
    }
