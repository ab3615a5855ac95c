"""Time and memory to render the full printed catalogue with 200 services, against bare WeasyPrint.

Seeds a throwaway SQLite database (demo catalogue + services up to 200, each with benefits, strong
points, commitments and how-to-ask text), then, alternately and each in a fresh process:
- portal: `catalogue.printing.render.render_catalogue()` (queries + templates + WeasyPrint + PDF);
- bare: `weasyprint.HTML(filename=...).write_pdf()` on the same document saved as a static HTML file
  next to copies of the print stylesheets (no Django at all).
Wall time and peak resident memory of each run; the median of the runs is reported in
bench/results/print.md.

    .venv/bin/python bench/print_bench.py [--runs 3]
"""

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
TARGET_SERVICES = 200

SEED = f"""
from wagtail.signal_handlers import disable_reference_index_auto_update
from catalogue import demo
from catalogue.models import ClientTypeOption, FamilyPage, ServiceBenefit, ServicePage, ServiceStrongPoint
demo.seed()
families = list(FamilyPage.objects.live().order_by("path"))
metier = ClientTypeOption.objects.get(code="metier")
n = ServicePage.objects.count()
with disable_reference_index_auto_update():
    for i in range(n, {TARGET_SERVICES}):
        family = families[i % len(families)]
        page = ServicePage(
            title=f"Service complémentaire {{i}}", slug=f"bench-{{i}}", code=f"BENCH-{{i}}",
            promise="Un service de plus pour mesurer le catalogue : simple, rapide !", maturity="mature",
            audience="Tous les collaborateurs", commitment_delay="Prêt sous 5 jours ouvrés",
            commitment_hours="Du lundi au vendredi, de 8 h à 18 h", commitment_availability="99,5 % du temps",
            how_to_ask="<p>Cliquez sur <strong>Demander ce service</strong> ou écrivez-nous.</p>",
        )
        page.benefits = [ServiceBenefit(text="Vous gagnez du temps", need="performance"),
                         ServiceBenefit(text="Vos données sont protégées", need="securite")]
        page.strong_points = [ServiceStrongPoint(text="Simple à demander")]
        page.client_types = [metier]
        family.add_child(instance=page)
print("SERVICES", ServicePage.objects.live().count())
"""

# Each measured run prints one JSON line: seconds, peak RSS (MB), pages.
PORTAL = """
import json, resource, sys, time
import django
django.setup()
from django.db import connection
from catalogue.printing import render
connection.ensure_connection()
import weasyprint  # imported before timing, as in the bare run
started = time.perf_counter()
pdf, pages = render.render_catalogue()
seconds = time.perf_counter() - started
open(sys.argv[1], "wb").write(pdf)
print(json.dumps({"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "pages": pages, "bytes": len(pdf)}))
"""

BARE = """
import json, resource, sys, time
import weasyprint
started = time.perf_counter()
document = weasyprint.HTML(filename=sys.argv[1]).render(
    stylesheets=[weasyprint.CSS(filename=sys.argv[2])]
)
pdf = document.write_pdf()
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "pages": len(document.pages), "bytes": len(pdf)}))
"""

DUMP_HTML = """
import sys
import django
django.setup()
from catalogue.printing import render
open(sys.argv[1], "w", encoding="utf-8").write(render.catalogue_html())
"""


def run_json(args: list, env: dict) -> dict:
    out = subprocess.run(args, env=env, check=True, cwd=ROOT, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="print-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "catalogue_settings",
        "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    subprocess.run([PYTHON, ROOT / "manage.py", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    seeded = subprocess.run(
        [PYTHON, ROOT / "manage.py", "shell", "-c", SEED], env=env, check=True, cwd=ROOT,
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    services = int(seeded.split("SERVICES")[-1].split()[0])

    # The equivalent static document: the same HTML, stylesheets copied next to it.
    static_dir = workdir / "static-html"
    shutil.copytree(ROOT / "catalogue" / "printing" / "css", static_dir)
    html_file = static_dir / "catalogue.html"
    subprocess.run([PYTHON, "-c", DUMP_HTML, html_file], env=env, check=True, cwd=ROOT)

    portal, bare = [], []
    for _ in range(args.runs):
        portal.append(run_json([PYTHON, "-c", PORTAL, workdir / "portal.pdf"], env))
        bare.append(run_json([PYTHON, "-c", BARE, html_file, static_dir / "catalogue.css"], env))

    def median(rows, key):
        return statistics.median(row[key] for row in rows)

    def row(label, rows):
        seconds, rss = median(rows, "seconds"), median(rows, "rss_mb")
        return (
            f"| {label} | {seconds:.2f} | {rss:.0f} | {rows[0]['pages']} | {rows[0]['bytes'] / 1e6:.2f} MB |"
        )

    p_s, b_s = median(portal, "seconds"), median(bare, "seconds")
    p_m, b_m = median(portal, "rss_mb"), median(bare, "rss_mb")
    ratio = p_s / b_s
    lines = [
        "# Printed catalogue: render time and memory with 200 services",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}",
        f"- Command: `.venv/bin/python bench/print_bench.py --runs {args.runs}`",
        f"- Data: throwaway SQLite database, {services} published services (demo catalogue + generated ones, "
        "each with benefits, strong points, commitments and how-to-ask text).",
        "- portal: `render.render_catalogue()` in a fresh process (queries, templates, French typography, "
        "WeasyPrint layout, PDF). bare: `weasyprint.HTML(filename=...)` on the same HTML saved as a static "
        "file with the same stylesheets, no Django. Runs alternate; figures are medians; peak RSS is the "
        "whole process's.",
        "",
        "| render | seconds (median) | peak RSS MB (median) | pages | PDF size |",
        "|---|---:|---:|---:|---:|",
        row("portal full catalogue", portal),
        row("bare WeasyPrint, static HTML", bare),
        "",
        f"Ratio portal / bare: **{ratio:.2f}x** time, {p_m / b_m:.2f}x memory "
        f"(target: within 1.5x: {'met' if ratio <= 1.5 else 'NOT met'}).",
        "",
        "All runs (seconds): portal " + ", ".join(f"{r['seconds']:.2f}" for r in portal)
        + "; bare " + ", ".join(f"{r['seconds']:.2f}" for r in bare) + ".",
        "",
    ]  # fmt: skip
    out = ROOT / "bench" / "results" / "print.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
