"""Time and queries of the request workspace and of an assignee's queue as their size grows.

Builds a throwaway SQLite database (migrations, one relationship manager, one technician in a team),
then measures through Django's test client, in one process:
- the request page (the relationship manager's workspace) of a request with 3, 300 and 3,000 messages
  (a third of them internal notes, with history events), which shows the latest 150 items, and the
  same page with the whole thread (`?fil=tout`);
- "Requests to handle" of a technician holding 50, 5,000 and 50,000 open requests.
For each size: the number of SQL queries of one render and the median wall time of `--runs` renders.
The query counts must not grow with the size (the tests assert it for 3/300 and 5/5,000); the times
say what the size costs anyway (rendering, paginating the count).

    .venv/bin/python bench/workspace_bench.py [--runs 5]
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(message_sizes):
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from requests_box import services, workflow
    from requests_box.models import Direction, Message, RequestEvent, Team

    manager = User.objects.create_user("rrc", password="pw", first_name="Sophie", last_name="Durand")
    manager.groups.set(Group.objects.filter(name="relationship_managers"))
    technician = User.objects.create_user("tech", password="pw", first_name="Karim", last_name="Benali")
    team = Team.objects.create(name="Support poste de travail")
    team.members.add(technician)
    now = timezone.now()
    threads = {}
    for size in message_sizes:
        request = services.create_request(
            channel="email",
            subject=f"Fil de {size} messages",
            text="Bonjour",
            sender_email="a@b.fr",
            acknowledge=False,
        )
        request = workflow.assign(request, actor=manager, team=team, notify=False)
        Message.objects.bulk_create(
            Message(
                request=request,
                direction=(Direction.INBOUND, Direction.OUTBOUND, Direction.NOTE)[n % 3],
                text=f"Message {n} : le tunnel VPN tombe encore après quelques minutes.",
                sender="a@b.fr",
                author=manager if n % 3 else None,
                sent_at=now - dt.timedelta(minutes=size - n),
            )
            for n in range(size)
        )
        RequestEvent.objects.bulk_create(
            RequestEvent(request=request, kind="note", actor=manager, at=now - dt.timedelta(minutes=size - n))
            for n in range(0, size, 3)
        )
        threads[size] = request.reference
    return threads


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append(time.perf_counter() - start)
    return {"queries": len(executed), "median_ms": round(statistics.median(times) * 1000, 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    message_sizes, queue_sizes = (3, 300, 3000), (50, 5000, 50000)
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.test import Client
        from django.urls import reverse

        threads = build(message_sizes)
        client = Client()
        client.login(username="rrc", password="pw")
        results = {
            "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores",
            "workspace": {},
        }
        results["whole thread"] = {}
        for size, reference in threads.items():
            url = reverse("requests_box:request_detail", args=[reference])
            results["workspace"][size] = measure(client, url, args.runs)
            results["whole thread"][size] = measure(client, url + "?fil=tout", max(1, args.runs // 2))
        technician = Client()
        technician.login(username="tech", password="pw")
        results["queue"] = {}
        held = 0
        for size in queue_sizes:
            _grow(held, size)
            held = size
            results["queue"][size] = measure(technician, reverse("requests_box:work_queue"), args.runs)
        results["date"] = dt.date.today().isoformat()
        print(json.dumps(results, indent=2))


def _grow(current: int, size: int) -> None:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from requests_box.models import Request, Status, Team

    technician = User.objects.get(username="tech")
    team = Team.objects.get()
    now = timezone.now()
    Request.objects.bulk_create(
        (
            Request(
                reference=f"BENCH-{current + n:08d}",
                received_at=now - dt.timedelta(hours=(current + n) % 300),
                subject=f"Demande {current + n}",
                status=Status.ASSIGNED,
                assignee=technician,
                team=team,
                deadline=now + dt.timedelta(hours=((current + n) % 120) - 30),
                warning_at=now + dt.timedelta(hours=((current + n) % 120) - 60),
                sender_email="a@b.fr",
            )
            for n in range(size - current)
        ),
        batch_size=2000,
    )


if __name__ == "__main__":
    main()
