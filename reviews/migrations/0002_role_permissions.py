"""Give the roles their permissions on the case review models, and the
learning themes every board shares."""

from django.db import migrations

THEMES = [
    ("neglect", "Neglect"),
    ("domestic-abuse", "Domestic abuse"),
    ("exploitation", "Exploitation"),
    ("mental-health", "Mental health"),
    ("substance-misuse", "Parental substance misuse"),
    ("voice-of-the-child", "Voice of the child"),
    ("engagement-with-family", "Engagement with the family"),
    ("faith-culture-ethnicity", "Faith, culture and ethnicity"),
    ("information-sharing", "Information sharing"),
    ("early-help-and-mash", "Early help and the front door (MASH)"),
    ("mobile-families", "Mobile families and children moving between areas"),
    ("harmful-practices", "Harmful practices, including forced marriage"),
    ("disabled-children", "Disabled children"),
    ("physical-harm", "Physical harm"),
]


def grant(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["reviews"])


def themes(apps, schema_editor):
    LearningTheme = apps.get_model("reviews", "LearningTheme")
    for slug, name in THEMES:
        LearningTheme.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial"), ("board", "0002_roles")]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(themes, migrations.RunPython.noop),
    ]
