from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from board.selectors import boards_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The boards this person may open; straight to it when there is one."""
    boards = boards_for_user(user=request.user)
    if len(boards) == 1:
        return redirect(boards[0])
    return render(request, "core/home.html", {"boards": boards})


@login_required
@require_GET
def switch_board(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("board", "")
    for board in boards_for_user(user=request.user):
        if board.slug == slug:
            return redirect(board)
    raise Http404("No such board.")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")
