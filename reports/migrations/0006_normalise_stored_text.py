"""Text already stored (a browser's CRLF line endings, trailing spaces from a
paste) brought into the one form core.text gives it, history included, so
nothing stored before the rule differs from what is stored after it and no
later edit shows a change of line endings. No history record is added."""

from django.db import migrations
from django.db.models import Q


def normalise(apps, schema_editor):
    """Published reports, their sections and their snapshots stay exactly as
    publication froze them, history included: what was published is not
    changed on any path, even where the change could not be seen."""
    from core.text import normalise_stored_text

    published = list(
        apps.get_model("reports", "AnnualReport")
        .objects.filter(status="published")
        .values_list("pk", flat=True)
    )
    normalise_stored_text(
        apps,
        "reports",
        markdown={"section.body", "historicalsection.body"},
        leave={
            "annualreport": Q(pk__in=published),
            "historicalannualreport": Q(id__in=published),
            "section": Q(report_id__in=published),
            "historicalsection": Q(report_id__in=published),
            "snapshot": Q(pk__isnull=False),
            "historicalsnapshot": Q(pk__isnull=False),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_snapshot_review_ids")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
