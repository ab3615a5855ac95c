"""Background work shared by the apps: building a generated PDF (home/reports.py)."""

from django_tasks import task


@task()
def build_generated_report(report_id: int) -> int:
    """Build the report; returns its page count."""
    from home import reports

    return reports.build(report_id).page_count


@task()
def prune_generated_reports() -> int:
    """Forget the reports of more than a week ago, and their files (run daily by the scheduler)."""
    from home import reports

    return reports.prune()
