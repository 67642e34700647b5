"""Start, as drafts, the annual reports of the past reports loaded by
load_past_reports (Luton 2016-17, Luton 2020-21, Bedford Borough 2016-17),
so their generated sections and tables can be compared with the originals.
The narrative is not copied: each written section stays empty, and must be
written or left out before the report is approved. Running it again changes
nothing, and never touches a report already there."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from board.models import Board, ReportingYear
from reports import services
from reports.models import AnnualReport

PAST = [("luton", "2016-17"), ("luton", "2020-21"), ("bedford-borough", "2016-17")]


class Command(BaseCommand):
    help = "Start draft annual reports for the three past reports in the fixtures."

    def handle(self, *args: Any, **options: Any) -> None:
        for slug, label in PAST:
            board = Board.objects.filter(slug=slug).first()
            year = ReportingYear.objects.filter(label=label).first()
            if board is None or year is None:
                raise CommandError(f"Load the past reports first: no {slug} {label}.")
            report = AnnualReport.objects.filter(board=board, year=year).first()
            if report is None:
                report = services.report_create(board=board, year=year)
                self.stdout.write(f"Started {report.title}: {report.get_absolute_url()}")
            else:
                # Left exactly as it is: a draft keeps its edits, and a
                # published report could not be changed anyway.
                self.stdout.write(
                    f"Already there: {report.title} ({report.state_label.lower()}, left as it is)"
                )
