"""Background run of the directory sync (enqueued by the scheduler, operations/scheduler.py)."""

from django_tasks import task


@task()
def sync_directory() -> dict:
    from accounts.sync.engine import run_sync
    from accounts.sync.sources import configured_source

    run = run_sync(configured_source())
    return {"run": run.pk, "status": run.status, **run.counts}
