"""Check a sealed PDF the way the envelope page does: ``manage.py verify_signed_pdf FILE...``.

For a file someone sends back (an auditor's copy, say): it says whether the provider's seal
covers the whole file unchanged. Exits 1 if any file is not intact, so scripts can rely on it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from signing.sealing import verify_pdf_bytes


class Command(BaseCommand):
    help = "Check that PDF files carry the provider's seal over the whole file, unchanged."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files: list[Path], **options) -> None:
        broken = 0
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror}") from exc
            result = verify_pdf_bytes(data)
            self.stdout.write(
                f"{path}: {'intact' if result.intact else 'NOT INTACT'}: {result.summary}"
            )
            broken += not result.intact
        if broken:
            raise CommandError(f"{broken} of {len(files)} files are not intact.", returncode=1)
