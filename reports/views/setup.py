"""The set-up page of a board ("Set up <board>"): what it still lacks, each
with a link to the page that fills it (reports.setup decides the list)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from board.access import get_board_or_404, render_board
from reports.setup import setup_items

READ = "board.read_records"
SECTION = "reports:setup"


@login_required
@require_GET
def setup(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    admin_view = request.user.has_perm("board.manage_boards")
    items = setup_items(board=obj, today=timezone.localdate(), admin_view=admin_view)
    context = {
        "missing": [item for item in items if not item.done],
        "done": [item for item in items if item.done],
        "admin_view": admin_view,
    }
    return render_board(request, "reports/setup.html", obj, SECTION, context)
