"""The round's pages: the business manager opens a round and reviews its
proposals; the chair reads it; a lead answers the requests addressed to them.
Thin views: every board through board.access, every write through the
round's services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board.access import get_board_or_404, get_lead_board_or_404, render_board
from board.forms import add_service_errors
from board.models import Board
from priorities import selectors as plan_selectors
from priorities.models import Action
from priorities.rounds import selectors, services
from priorities.rounds.forms import ProposalForm, ReturnForm, RoundForm, initial_of
from priorities.rounds.models import EvidenceFile, Proposal, UpdateRound

READ = "board.read_records"
EDIT = "board.edit_records"
SECTION = "priorities:rounds"
LEAD_SECTION = "priorities:lead_home"


def _round(board: Board, round_id: int) -> UpdateRound:
    found = (
        UpdateRound.objects.filter(board=board, pk=round_id)
        .select_related("meeting", "meeting__group", "opened_by")
        .prefetch_related("plans")
        .first()
    )
    if found is None:
        raise Http404("No such round.")
    return found


@login_required
@require_GET
def rounds(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    context = {
        "rounds": selectors.rounds_for_board(board=obj),
        "current": selectors.open_round(board=obj),
    }
    return render_board(request, "priorities/rounds/rounds.html", obj, SECTION, context)


@login_required
@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    today = timezone.localdate()
    plans = selectors.plans_for_round(board=obj, today=today)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        meetings=selectors.meetings_for_round(board=obj, today=today),
        plans=plans,
        initial={
            "plans": list(plans),
            "meeting": selectors.default_meeting(board=obj, today=today),
        },
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            opened = services.round_open(
                board=obj,
                meeting=data["meeting"],
                plans=list(data["plans"]),
                deadline=data["deadline"],
                remind_days_before=data["remind_days_before"],
                opened_by=request.user,
                today=today,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            leads = opened.requests.count()
            messages.success(
                request,
                f"Round opened: {leads} {'lead was' if leads == 1 else 'leads were'} emailed.",
            )
            return redirect("priorities:round", board=obj.slug, round=opened.pk)
    chosen = form.cleaned_data.get("plans") if form.is_bound and form.is_valid() else plans
    context = {
        "form": form,
        "asked": selectors.round_actions(board=obj, plans=chosen),
        "current": selectors.open_round(board=obj),
    }
    status = 400 if form.is_bound else 200
    return render_board(request, "priorities/rounds/round_open.html", obj, SECTION, context, status)


@login_required
@require_GET
def round_detail(request: HttpRequest, board: str, round: int) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    found = _round(obj, round)
    context = {"round": found, "overview": selectors.round_overview(round=found)}
    return render_board(request, "priorities/rounds/round.html", obj, SECTION, context)


@login_required
@require_POST
def round_accept_all(request: HttpRequest, board: str, round: int) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    found = _round(obj, round)
    outcome = services.proposals_accept_all(round=found, by=request.user)
    if outcome.accepted:
        messages.success(request, f"{len(outcome.accepted)} proposals accepted.")
    for proposal, reason in outcome.refused:
        messages.error(request, f"Action {proposal.action.ref} not accepted: {reason}")
    if not outcome.accepted and not outcome.refused:
        messages.info(request, "Nothing was waiting for review.")
    return redirect("priorities:round", board=obj.slug, round=found.pk)


@login_required
@require_POST
def round_close(request: HttpRequest, board: str, round: int) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    found = _round(obj, round)
    try:
        services.round_close(round=found, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Round closed.")
    return redirect("priorities:round", board=obj.slug, round=found.pk)


def _proposal(obj: Board, round: UpdateRound, proposal: int) -> Proposal:
    found = selectors.proposal_for_review(round=round, proposal_id=proposal)
    if found is None:
        raise Http404("No such proposal.")
    return found


def _review_page(
    request: HttpRequest,
    obj: Board,
    found: UpdateRound,
    proposal: Proposal,
    form: ReturnForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "round": found,
        "proposal": proposal,
        "current": proposal.current,  # type: ignore[attr-defined]
        "definitions": plan_selectors.rag_definitions(plan=proposal.action.plan),
        "form": form,
    }
    return render_board(request, "priorities/rounds/proposal.html", obj, SECTION, context, status)


@login_required
@require_GET
def proposal_review(request: HttpRequest, board: str, round: int, proposal: int) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    found = _round(obj, round)
    return _review_page(request, obj, found, _proposal(obj, found, proposal), ReturnForm())


@login_required
@require_POST
def proposal_accept(request: HttpRequest, board: str, round: int, proposal: int) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    found = _round(obj, round)
    target = _proposal(obj, found, proposal)
    try:
        services.proposal_accept(proposal=target, by=request.user)
    except ValidationError as exc:
        form = ReturnForm()
        form.add_error(None, f"Not accepted: {' '.join(exc.messages)}")
        return _review_page(request, obj, found, target, form, 400)
    messages.success(request, f"Action {target.action.ref}: the proposal is now its assessment.")
    return redirect("priorities:round", board=obj.slug, round=found.pk)


@login_required
@require_POST
def proposal_return(request: HttpRequest, board: str, round: int, proposal: int) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    found = _round(obj, round)
    target = _proposal(obj, found, proposal)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_return(
                proposal=target, by=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Action {target.action.ref}: returned to the lead, who was emailed."
            )
            return redirect("priorities:round", board=obj.slug, round=found.pk)
    return _review_page(request, obj, found, target, form, 400)


@login_required
@require_GET
def evidence_file(request: HttpRequest, board: str, file: int) -> HttpResponseBase:
    """A file, to the manager and chair of its board and to the lead who
    answers for its action; 404 to everyone else. Always a download, never
    shown in the browser, and never sniffed as something else."""
    obj = Board.objects.filter(slug=board).first()
    if obj is None:
        raise Http404("No such file.")
    found = selectors.evidence_file_for(board=obj, file_id=file)
    if found is None or not _may_open(request, obj, found):
        raise Http404("No such file.")
    response = FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Type"] = {
        "pdf": "application/pdf",
        "png": "image/png",
        "jpeg": "image/jpeg",
    }.get(found.kind, "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


def _may_open(request: HttpRequest, board: Board, found: EvidenceFile) -> bool:
    user = request.user
    if user.has_perm(READ, board) and user.has_perm("board.see_board", board):
        return True
    action = found.proposal.action
    return (
        user.has_perm("board.lead_actions", board)
        and found.proposal.request.lead_id == user.pk
        and user.has_perm("priorities.lead_action", action)
    )


# The lead's pages ---------------------------------------------------------------------------


def _lead_request(request: HttpRequest, obj: Board, round: int):  # type: ignore[no-untyped-def]
    found = selectors.lead_request(user=request.user, board=obj, round_id=round)
    if found is None:
        raise Http404("No such request.")
    return found


@login_required
@require_GET
def lead_request(request: HttpRequest, board: str, round: int) -> HttpResponse:
    obj = get_lead_board_or_404(request, board)
    found = _lead_request(request, obj, round)
    items = next(
        (r for r in selectors.lead_requests(user=request.user, board=obj) if r.request == found),
        None,
    )
    context = {"update_request": found, "round": found.round, "found": items}
    return render_board(request, "priorities/rounds/lead_request.html", obj, LEAD_SECTION, context)


@login_required
@require_http_methods(["GET", "POST"])
def lead_proposal(
    request: HttpRequest, board: str, round: int, plan: str, ref: str
) -> HttpResponse:
    obj = get_lead_board_or_404(request, board)
    found = _lead_request(request, obj, round)
    action = (
        found.actions.select_related("plan", "plan__board", "priority")
        .filter(plan__slug=plan, ref=ref)
        .first()
    )
    if action is None or not request.user.has_perm("priorities.lead_action", action):
        raise Http404("No such action.")
    proposal = Proposal.objects.filter(request=found, action=action).first()
    files = selectors.files_of(proposal)
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        evidence_types=plan_selectors.evidence_types(),
        files=files,
        initial=initial_of(proposal),
    )
    locked = proposal is not None and proposal.status in (
        Proposal.Status.SUBMITTED,
        Proposal.Status.ACCEPTED,
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("submit") == "yes"
        data = form.cleaned_data
        try:
            services.proposal_save(
                request=found,
                action=action,
                by=request.user,
                process=data["process"],
                impact=data["impact"],
                commentary=data["commentary"],
                evidence_types=data["evidence_types"],
                evidence=data["evidence"],
                uploads=form.uploads(),
                remove_files=data.get("remove_files") or [],
                submit=submit,
            )
        except PermissionDenied:
            raise Http404("No such action.") from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Action {action.ref}: "
                + ("sent to the business manager for review." if submit else "draft saved."),
            )
            return redirect("priorities:lead_request", board=obj.slug, round=found.round_id)
    context = {
        "update_request": found,
        "round": found.round,
        "action": action,
        "plan": action.plan,
        "proposal": proposal,
        "files": files,
        "locked": locked,
        "late": timezone.localdate() > found.round.deadline,
        # A plan closed since the round opened: the lead is told, and may
        # still send a last word on the action for the record.
        "plan_closed": action.plan.closed_on is not None
        and action.plan.closed_on <= timezone.localdate(),
        "form": form,
        "definitions": plan_selectors.rag_definitions(plan=action.plan),
        "current": plan_selectors.with_current_ratings(Action.objects.filter(pk=action.pk)).first(),
    }
    status = 400 if form.is_bound else 200
    return render_board(
        request, "priorities/rounds/lead_proposal.html", obj, LEAD_SECTION, context, status
    )
