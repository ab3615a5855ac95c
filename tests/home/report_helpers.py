"""Helpers of the tests of PDFs built in the background (home/reports.py)."""

import subprocess

import pytest
from django.urls import reverse


def fetch_pdf(client, url: str, params: dict | None = None) -> bytes:
    """Start the PDF at `url` (tasks run inline in tests), follow to the download and return its bytes."""
    response = client.get(url, params or {}, follow=True)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf", response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (whitespace collapsed)."""
    assert data.startswith(b"%PDF-")
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout  # noqa: S607
    return " ".join(out.decode().split())


def run_worker() -> int:
    """What `manage.py db_worker --batch` does, inside the test's transaction: take each task waiting in
    the database, claim it and run it with db_worker's own Worker, until none is left. (The command's
    loop closes the connection between tasks, which would end the test's transaction.)"""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )  # fmt: skip
    ran = 0
    while (task := DBTaskResult.objects.ready().get_locked()) is not None:
        task.claim(worker.worker_id)
        worker.run_task(task)
        ran += 1
    return ran


def urls(report) -> dict[str, str]:
    return {
        name: reverse(name, args=[report.token])
        for name in ("report", "report_status", "report_download", "report_retry")
    }


@pytest.fixture
def database_tasks(settings):
    """Tasks go to django-tasks' database backend, as in production, until `run_worker()`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
