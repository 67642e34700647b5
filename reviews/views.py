"""Case review pages. Each view starts with the board through
get_board_or_404; partners see the register of published reviews and a
published review's page, and for them everything else answers 404, exactly
as if it did not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from board import services as board_services
from board.access import get_board_or_404, render_board
from board.forms import add_service_errors
from board.models import Board, ReportingYear
from core.spreadsheets import spreadsheet_response
from core.tables import configure_table
from reviews import read_records as reads
from reviews import selectors, services
from reviews.filters import ReadRecordFilter, ReviewFilter
from reviews.forms import (
    PublicationForm,
    ReadRetentionForm,
    RecommendationActionForm,
    RecommendationForm,
    ReviewForm,
    StepForm,
)
from reviews.models import CaseReview, Recommendation, ReviewStep, StepKind
from reviews.read_records import What, record_reads
from reviews.tables import PublishedReviewTable, ReadRecordTable, ReviewTable

SEE = "board.see_board"
READ = "board.read_records"
EDIT = "board.edit_records"
SEE_READS = "reviews.see_read_records"
SECTION = "reviews:register"


def _board(request: HttpRequest, slug: str, perm: str = READ) -> tuple[Board, bool]:
    """The board and whether the person sees only what is published. A
    partner asking for anything but published reviews gets a 404."""
    board = get_board_or_404(request, slug, perm)
    return board, not request.user.has_perm(READ, board)


def _review(board: Board, slug: str, *, partner: bool = False) -> CaseReview:
    return get_object_or_404(
        selectors.visible_reviews(board=board, partner=partner)
        .select_related("board", "year", "plan", "source")
        .distinct(),
        slug=slug,
    )


@login_required
@require_GET
def register(request: HttpRequest, board: str) -> HttpResponse:
    obj, partner = _board(request, board, SEE)
    today = timezone.localdate()
    reviews = selectors.register(board=obj, today=today, partner=partner)
    if partner:
        table = PublishedReviewTable(reviews)
        configure_table(request, table, exportable=False)
        return render_board(
            request, "reviews/register.html", obj, SECTION, {"table": table, "partner": True}
        )
    review_filter = ReviewFilter(request.GET, queryset=reviews, board=obj)
    table = ReviewTable(review_filter.qs)
    refused = bool(review_filter.errors)
    export = None if refused else configure_table(request, table, filename=f"{obj.slug}-reviews")
    if export:
        # A file leaves Assure: every review it lists was taken away in it.
        listed = [row.record for row in table.rows]
        return record_reads(
            request,
            export,
            reviews=listed,
            what=What.REGISTER_EXPORT,
            detail=request.GET["_export"].upper(),
        )
    return render_board(
        request,
        "reviews/register.html",
        obj,
        SECTION,
        {
            "filter": review_filter,
            "table": table,
            "deadlines": selectors.review_deadlines(board=obj, today=today),
            "today": today,
            "can_see_reads": request.user.has_perm(SEE_READS, obj),
        },
        400 if refused else 200,
    )


@login_required
@require_GET
def review(request: HttpRequest, board: str, review: str) -> HttpResponse:
    obj, partner = _board(request, board, SEE)
    found = _review(obj, review, partner=partner)
    themes = list(found.themes.order_by("name"))
    if partner:
        published = found.steps.filter(kind=StepKind.PUBLICATION).first()
        page = render_board(
            request,
            "reviews/review_published.html",
            obj,
            SECTION,
            {"review": found, "themes": themes, "published": published},
        )
        return record_reads(request, page, reviews=[found], what=What.PUBLISHED_PAGE)
    today = timezone.localdate()
    page = render_board(
        request,
        "reviews/review.html",
        obj,
        SECTION,
        {
            "review": found,
            "themes": themes,
            "timeline": selectors.timeline(review=found, today=today),
            "recommendations": selectors.recommendations(review=found),
            "history": selectors.review_history(review=found),
            "can_see_reads": request.user.has_perm(SEE_READS, obj),
        },
    )
    return record_reads(request, page, reviews=[found], what=What.REVIEW_PAGE)


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, board: str, review: str | None = None) -> HttpResponse:
    obj, _ = _board(request, board, EDIT)
    instance = _review(obj, review) if review else CaseReview(board=obj)
    today = timezone.localdate()
    years = selectors.years_to_record(today=today)
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        instance=instance,
        years=years,
        initial={} if instance.pk else {"year": ReportingYear.span_of(today).label},
    )
    if form.is_valid():
        try:
            saved = services.review_save(review=form.instance, themes=form.cleaned_data["themes"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect(saved)
    page = render_board(
        request,
        "reviews/review_form.html",
        obj,
        SECTION,
        {"form": form, "review": instance if instance.pk else None},
        400 if form.is_bound else 200,
    )
    shown = [instance] if instance.pk else []
    return record_reads(request, page, reviews=shown, what=What.FORM, detail="Edit the review")


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, board: str, review: str, step: str) -> HttpResponse:
    obj, _ = _board(request, board, EDIT)
    found = _review(obj, review)
    current = found.steps.filter(kind=step).first()
    if current is None:
        if step not in services.STEPS_BY_KIND[found.kind]:
            raise Http404("This review has no such step.")
        current = ReviewStep(review=found, kind=step)
    if step == StepKind.PUBLICATION:
        return redirect("reviews:publication", board=obj.slug, review=found.slug)
    form = StepForm(
        request.POST if request.method == "POST" else None,
        kind=step,
        initial={
            "date": current.date,
            "precision": current.precision,
            "outcome": current.outcome,
            "detail": current.detail,
            "late_reason": current.late_reason,
        },
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.step_record(
                review=found,
                kind=step,
                date=data["date"],
                precision=data["precision"],
                outcome=data.get("outcome") or "",
                detail=data["detail"],
                late_reason=data["late_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{current.get_kind_display()} saved.")
            return redirect(found)
    page = render_board(
        request,
        "reviews/step_form.html",
        obj,
        SECTION,
        {"form": form, "review": found, "step": current},
        400 if form.is_bound else 200,
    )
    return record_reads(
        request, page, reviews=[found], what=What.FORM, detail=str(current.get_kind_display())
    )


@login_required
@require_http_methods(["GET", "POST"])
def publication(request: HttpRequest, board: str, review: str) -> HttpResponse:
    obj, _ = _board(request, board, EDIT)
    found = _review(obj, review)
    step = found.steps.filter(kind=StepKind.PUBLICATION).first()
    form = PublicationForm(
        request.POST if request.method == "POST" else None,
        initial={
            "status": found.publication_status,
            "date": step.date if step else None,
            "precision": step.precision if step else "day",
            "link": found.publication_link,
            "reason": found.not_published_reason,
            "late_reason": step.late_reason if step else "",
        },
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.publication_record(
                review=found,
                status=data["status"],
                date=data["date"],
                precision=data["precision"],
                link=data["link"],
                reason=data["reason"],
                late_reason=data["late_reason"],
            )
        except ValidationError as exc:
            errors = exc.message_dict
            renamed = {
                {"publication_status": "status", "not_published_reason": "reason"}.get(k, k): v
                for k, v in errors.items()
            }
            add_service_errors(form, ValidationError(renamed))
        else:
            messages.success(request, f"Publication of {found.name} saved.")
            return redirect(found)
    page = render_board(
        request,
        "reviews/publication_form.html",
        obj,
        SECTION,
        {"form": form, "review": found},
        400 if form.is_bound else 200,
    )
    return record_reads(request, page, reviews=[found], what=What.FORM, detail="Publication")


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_create(request: HttpRequest, board: str, review: str) -> HttpResponse:
    obj, _ = _board(request, board, EDIT)
    found = _review(obj, review)
    form = RecommendationForm(
        request.POST if request.method == "POST" else None,
        instance=Recommendation(review=found),
    )
    if form.is_valid():
        try:
            saved = services.recommendation_save(
                recommendation=form.instance, agencies=form.cleaned_data["agencies"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Recommendation {saved.number} added.")
            return redirect(f"{found.get_absolute_url()}#recommendation-{saved.number}")
    return render_board(
        request,
        "reviews/recommendation_form.html",
        obj,
        SECTION,
        {"form": form, "review": found},
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_action(
    request: HttpRequest, board: str, review: str, number: int
) -> HttpResponse:
    """Add an action for a recommendation, in the review's action plan."""
    obj, _ = _board(request, board, EDIT)
    found = _review(obj, review)
    rec = get_object_or_404(Recommendation, review=found, number=number)
    form = RecommendationActionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            action = services.recommendation_action_create(
                recommendation=rec, ref=fields.pop("ref"), **fields
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Action {action.ref} added to the plan for recommendation {rec.number}."
            )
            return redirect(f"{found.get_absolute_url()}#recommendation-{rec.number}")
    page = render_board(
        request,
        "reviews/recommendation_action_form.html",
        obj,
        SECTION,
        {"form": form, "review": found, "recommendation": rec},
        400 if form.is_bound else 200,
    )
    return record_reads(
        request,
        page,
        reviews=[found],
        what=What.FORM,
        detail=f"Add an action for recommendation {rec.number}",
    )


@login_required
@require_GET
def record(request: HttpRequest, board: str) -> HttpResponse:
    """The record of decisions and actions on review recommendations for a year."""
    obj, _ = _board(request, board)
    year, years = selectors.year_choice(
        board=obj, label=request.GET.get("year"), today=timezone.localdate()
    )
    records = selectors.record_of_decisions(board=obj, year=year)
    page = render_board(
        request,
        "reviews/record.html",
        obj,
        SECTION,
        {
            "year": year,
            "years": years,
            "records": records,
            "counts": selectors.stated_counts(board=obj, year=year),
        },
    )
    return record_reads(
        request,
        page,
        reviews=[r.review for r in records],
        what=What.RECORD_PAGE,
        detail=year.label,
    )


@login_required
@require_GET
def record_export(request: HttpRequest, board: str, fmt: str) -> HttpResponse:
    obj, _ = _board(request, board)
    if fmt not in ("csv", "xlsx"):
        raise Http404("The record downloads as CSV or XLSX.")
    year, _ = selectors.year_choice(
        board=obj, label=request.GET.get("year"), today=timezone.localdate()
    )
    records = selectors.record_of_decisions(board=obj, year=year)
    download = spreadsheet_response(
        selectors.record_export_rows(records),
        fmt=fmt,
        filename=f"{obj.slug}-record-of-decisions-{year.label}",
        sheet_title=f"Record {year.label}",
    )
    return record_reads(
        request,
        download,
        reviews=[r.review for r in records],
        what=What.RECORD_EXPORT,
        detail=f"{year.label}, {fmt.upper()}",
    )


@login_required
@require_GET
def read_records(request: HttpRequest, board: str, review: str | None = None) -> HttpResponse:
    """Who read the board's case reviews, or one review: the business
    manager's and the Admin's; a chair is refused, a partner told there is
    no such page. Reading this record is not reading the review, so it is
    not recorded itself."""
    obj = get_board_or_404(request, board, SEE_READS)
    found = _review(obj, review) if review else None
    records = reads.read_records(board=obj, review=found).select_related("board", "review")
    read_filter = ReadRecordFilter(
        request.GET,
        queryset=records,
        board=obj,
        review=found,
        readers=reads.readers(board=obj, review=found),
    )
    kept = reads.kept_from(board=obj, today=timezone.localdate())
    filtered = any(value for key, value in request.GET.items() if key not in ("page", "per_page"))
    table = ReadRecordTable(
        read_filter.qs,
        exclude=("review_name",) if found else (),
        empty_text="No reads match these filters."
        if filtered
        else f"Nobody has read {'this review' if found else 'any of these case reviews'} "
        f"in Assure since {kept:%-d %B %Y}.",
    )
    refused = bool(read_filter.errors)
    name = f"{obj.slug}-{found.slug}-read-records" if found else f"{obj.slug}-read-records"
    export = None if refused else configure_table(request, table, filename=name)
    if export:
        return export
    return render_board(
        request,
        "reviews/read_records.html",
        obj,
        SECTION,
        {
            "review": found,
            "filter": read_filter,
            "table": table,
            "months": obj.read_records_kept_months,
            "kept_from": kept,
        },
        400 if refused else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def read_retention(request: HttpRequest, board: str) -> HttpResponse:
    """How long the board keeps its read records: the business manager's to set."""
    obj = get_board_or_404(request, board, EDIT)
    form = ReadRetentionForm(
        request.POST if request.method == "POST" else None,
        initial={"months": obj.read_records_kept_months},
    )
    if form.is_valid():
        try:
            board_services.read_retention_set(board=obj, months=form.cleaned_data["months"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            months = form.cleaned_data["months"]
            messages.success(request, f"Read records are now kept for {months} months.")
            return redirect("reviews:read_records", board=obj.slug)
    return render_board(
        request,
        "reviews/read_retention_form.html",
        obj,
        SECTION,
        {"form": form, "months": obj.read_records_kept_months},
        400 if form.is_bound else 200,
    )
