"""Write a printed document of the published catalogue (or an editor's draft preview) to a PDF file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from catalogue.models import PrintKind
from catalogue.printing import render


class Command(BaseCommand):
    help = "Render the catalogue, a product sheet, the synopsis poster or the leaflet to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=PrintKind.values)
        parser.add_argument("--service", default="", help="Service code (for --kind sheet).")
        parser.add_argument("--out", required=True, help="PDF file to write.")
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Preview from the latest revisions, drafts included (watermarked BROUILLON).",
        )

    def handle(self, *args, kind, service, out, draft, **options):
        if (kind == PrintKind.SHEET) != bool(service):
            raise CommandError("--service is required with --kind sheet, and only with it.")
        try:
            pdf, pages = render.render(kind, service, draft=draft)
        except Http404 as error:
            state = "" if draft else "published "
            raise CommandError(f"No {state}service with code {service!r}.") from error
        Path(out).write_bytes(pdf)
        self.stdout.write(f"{out}: {pages} page(s), {len(pdf)} bytes")
