"""The IMAP poll task moved from `requests_box.tasks` to `requests_box.intake.tasks` (intake is the only
module that imports intake). Polls already queued under the old path are pointed at the new one."""

from django.db import migrations

OLD = "requests_box.tasks.poll_mailbox"
NEW = "requests_box.intake.tasks.poll_mailbox"


def forwards(apps, schema_editor):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    results.objects.filter(task_path=OLD, status__in=["READY", "RUNNING"]).update(task_path=NEW)


def backwards(apps, schema_editor):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    results.objects.filter(task_path=NEW, status__in=["READY", "RUNNING"]).update(task_path=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_box", "0010_request_deadline_met"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
