"""The key facts section: a new generated kind, and a place for it in every
report started before it existed, just after the local context (or at the
top when a report has no such section). A draft includes it; a report
already approved or published keeps it left out, so what was approved is
what would be published."""

from django.db import migrations, models


def add_key_facts(apps, schema_editor):
    AnnualReport = apps.get_model("reports", "AnnualReport")
    Section = apps.get_model("reports", "Section")
    for report in AnnualReport.objects.exclude(sections__kind="key-facts"):
        sections = Section.objects.filter(report=report)
        context = sections.filter(kind="context").values_list("position", flat=True).first()
        place = (context or 0) + 1
        # Highest first, so two rows never share a place on the way.
        for section in sections.filter(position__gte=place).order_by("-position"):
            Section.objects.filter(pk=section.pk).update(position=section.position + 1)
        Section.objects.create(
            report=report, kind="key-facts", position=place, included=report.status == "draft"
        )


def remove_key_facts(apps, schema_editor):
    apps.get_model("reports", "Section").objects.filter(kind="key-facts").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_role_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalsection",
            name="kind",
            field=models.CharField(
                choices=[
                    ("introduction", "Introduction by the independent chair or scrutineer"),
                    ("context", "Local context"),
                    ("key-facts", "Key facts"),
                    ("effectiveness", "What the partners did and how effective it was"),
                    ("priorities", "Priorities and progress"),
                    ("little-progress", "Priorities with little or no evidence of progress"),
                    ("reviews", "Case reviews and the record of actions on recommendations"),
                    ("audits", "Audits and their findings"),
                    ("section-11", "Section 11 self-assessments"),
                    ("inspections", "Inspections"),
                    ("training", "Multi-agency training"),
                    ("training-impact", "The impact of training"),
                    ("voice", "The voice of children and families"),
                    ("scrutiny", "Independent scrutiny"),
                    ("next-year", "Plans for next year"),
                    ("members", "Board membership"),
                    ("attendance", "Board attendance"),
                    ("budget", "Budget"),
                    ("glossary", "Glossary of abbreviations"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="section",
            name="kind",
            field=models.CharField(
                choices=[
                    ("introduction", "Introduction by the independent chair or scrutineer"),
                    ("context", "Local context"),
                    ("key-facts", "Key facts"),
                    ("effectiveness", "What the partners did and how effective it was"),
                    ("priorities", "Priorities and progress"),
                    ("little-progress", "Priorities with little or no evidence of progress"),
                    ("reviews", "Case reviews and the record of actions on recommendations"),
                    ("audits", "Audits and their findings"),
                    ("section-11", "Section 11 self-assessments"),
                    ("inspections", "Inspections"),
                    ("training", "Multi-agency training"),
                    ("training-impact", "The impact of training"),
                    ("voice", "The voice of children and families"),
                    ("scrutiny", "Independent scrutiny"),
                    ("next-year", "Plans for next year"),
                    ("members", "Board membership"),
                    ("attendance", "Board attendance"),
                    ("budget", "Budget"),
                    ("glossary", "Glossary of abbreviations"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(add_key_facts, remove_key_facts),
    ]
