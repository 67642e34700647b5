"""How Assure's pages sit on a screen, as the people who use them see them:
with the past reports loaded (real, long board and plan names), nothing makes
a page scroll sideways at 320 CSS pixels, and the all-actions list fits a
laptop's screen."""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from board.models import Board
from core import roles
from indicators.models import IndicatorTarget
from tests.browser.conftest import PASSWORD, check_accessibility, code_for
from tests.clock import on_day
from tests.factories import RiskFactory, UserFactory
from tests.test_permissions import all_url_names

_NO_ANNUAL_REPORT = (
    "the past reports start no annual report in Assure; the annual report journeys open it at 320px"
)

# URL names the walk below does not open, and why.
NOT_WALKED = {
    "login": "redirects a signed-in person to their boards",
    "logout": "the sign-out button posts to it",
    "core:health": "the load balancers' health page: two words of plain text, linked from nowhere",
    "site:home": "redirects a person with boards to their first board",
    "site:switch_board": "the board switcher's target; redirects to the board chosen",
    "priorities:plan_export": "a CSV or XLSX download",
    "training:export": "a CSV or XLSX download",
    "reviews:record_export": "a CSV or XLSX download",
    "reviews:recommendation_action": "the past reports state no recommendation; the review "
    "journeys open it at 320px",
    "training:import_layout": "a CSV or XLSX download",
    "training:import_confirm": "the import preview's button posts to it",
    "priorities:plan_import_confirm": "the import preview's button posts to it",
    "indicators:indicator_export": "a CSV or XLSX download",
    "indicators:statistics_import_confirm": "the statistics import preview's button posts to it",
    "audits:return": "the past reports state no agency's Section 11 return; the audit "
    "journeys open one at 320px",
    "reports:annual_report": _NO_ANNUAL_REPORT,
    "reports:annual_report_preview": _NO_ANNUAL_REPORT,
    "reports:annual_report_settings": _NO_ANNUAL_REPORT,
    "reports:section_edit": _NO_ANNUAL_REPORT,
    "reports:annual_report_approve": _NO_ANNUAL_REPORT,
    "reports:annual_report_correct": _NO_ANNUAL_REPORT,
    "reports:annual_report_sent": _NO_ANNUAL_REPORT,
    "reports:annual_report_build": _NO_ANNUAL_REPORT,
    "reports:section_leave_out": _NO_ANNUAL_REPORT,
    "reports:annual_report_correction_cancel": "a button on the annual report's page posts to it",
    "reports:scorecard_document_publish": "a button on the scorecard PDF's page posts to it",
    "public:board": "the public page is off on the past reports' boards; the public page "
    "journey opens it at 320px",
    "public:snapshot_file": "a published snapshot's file on the public page: a download",
    "public:scorecard_file": "a published scorecard's file on the public page: a download",
    "board:group_main": "a button on the groups page posts to it",
    "board:agency_add": "a button in the agencies page's search results posts to it",
    "reports:section_include": "a button on the annual report's page posts to it",
    "reports:section_move": "a button on the annual report's page posts to it",
    "reports:annual_report_publish": "a button on the annual report's page posts to it",
    "reports:snapshot_file": "a published snapshot's file: a download (and the HTML is the "
    "report itself, opened in the annual report journeys)",
    "reports:scorecard_document": "the scorecard PDF's progress, reached by the button that "
    "asks for it; the scorecard PDF journey opens it at 320px",
    "reports:scorecard_document_file": "a scorecard PDF's file: a download (opened in the "
    "scorecard PDF journey)",
    "core:two_factor_set_up": "a step of signing in: see the test after the walk",
    "core:two_factor_recovery_codes": "a step of signing in: see the test after the walk",
    "core:two_factor_code": "a step of signing in: see the test after the walk",
    "people:invitation": "the past reports invite nobody: see the test after the walk",
    "people:invitation_cancel": "the past reports invite nobody: see the test after the walk",
    "people:invitation_resend": "a button on the invitation's page posts to it",
    "outbox:message": "the past reports send no message: see the test after the walk",
    "outbox:message_retry": "a button on the message's page posts to it",
    "invitations:accept": "an invitation's link, opened signed out: see the test after the walk",
    "invitations:authenticator": "an invitation's link, opened signed out: see the test after "
    "the walk",
    "board:logo_image": "the board's logo: an image, shown on the logo page and the report's cover",
    "board:logo_remove": "a button on the logo page posts to it",
    "board:attendance_export": "a CSV or XLSX download",
    "board:attendance_mark_move": "a button on the attendance key's page posts to it",
    "board:attendance_mark_retire": "a button on the attendance key's page posts to it; "
    "the attendance key journey opens the key",
    "priorities:evidence_file": "an evidence file: a download (the round journey fetches one)",
    "priorities:proposal_accept": "a button on a proposal's page posts to it",
    "priorities:proposal_return": "the proposal page's form to return it posts to it (its "
    "refusals show the proposal's page again)",
    "priorities:round_accept_all": "a button on a round's page posts to it",
    "priorities:round_close": "a button on a round's page posts to it",
    "training:courses_export": "a CSV or XLSX download",
    "board:import_confirm": "the import preview's button posts to it",
    "site:board_create": "the Admin's (a manager gets 404): the set-up journey opens it",
    "board:board_edit": "the Admin's (a manager gets 403)",
    "board:access": "the Admin's (a manager gets 403): the set-up journey opens it",
    "board:access_remove": "the Admin's (a manager gets 403)",
    "priorities:priority_move": "a button on the plan's page posts to it",
}
PER_KIND = 3  # pages opened of each kind (URL name) on each board

# The widest elements that escape the page's width, outside any region that
# scrolls on its own: what to look at when the page scrolls sideways.
ESCAPING = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !clipped(el))
    .slice(0, 4)
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
      + `${el.classList.length ? '.' + [...el.classList].join('.') : ''}`
      + ` (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
}"""


def sideways_scroll(page) -> str | None:
    """None when the document is no wider than the window; else what escapes."""
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll <= client:
        return None
    return f"{scroll}px wide in {client}px: " + "; ".join(page.evaluate(ESCAPING))


@pytest.fixture
def past_reports(transactional_db):
    call_command("load_past_reports", stdout=io.StringIO())
    luton = Board.objects.get(name="Luton Safeguarding Children Board")
    bedford = Board.objects.get(name="Bedford Borough Safeguarding Children Board")
    for board in (luton, bedford):
        RiskFactory(board=board, ref="R1")
    return luton, bedford


@pytest.fixture
def manager_of_both(past_reports):
    return UserFactory(
        username="manager",
        first_name="Pat",
        last_name="Manager",
        role=roles.BUSINESS_MANAGER,
        boards=list(past_reports),
    )


WALK_DAY = datetime.date(2026, 12, 7)


@pytest.fixture
def on_walk_day():
    """The walk's round and course are dated from this day, so the clock
    stays on it: the meeting is still to come and the course in this year."""
    with on_day(WALK_DAY):
        yield


@pytest.fixture
def round_and_course(on_walk_day, past_reports, manager_of_both):
    """What the past reports lack for the walk to open every manager's page:
    on Luton, a plan in force whose action has a lead in Assure, an update
    round open for the main group's next meeting with the lead's proposal
    sent for review, and a training course. All through the services, as
    the pages would write them."""
    from decimal import Decimal

    from board import selectors as board_selectors
    from board import services as board_services
    from board.models import ReportingYear
    from indicators import services as indicator_services
    from indicators.models import Indicator, Polarity
    from priorities import services as priorities
    from priorities.models import ActionPlan
    from priorities.rounds import services as rounds
    from priorities.rounds.models import UpdateRequest
    from training import services as training
    from training.models import Mode, TrainingCourse

    luton, _ = past_reports
    lead = UserFactory(
        username="lead",
        first_name="Jo",
        last_name="Lead",
        email="jo.lead@police.example.org",
        role=roles.ACTION_LEAD,
        boards=[luton],
    )
    plan = priorities.plan_create(
        board=luton,
        slug="business-plan-2026-28",
        title="Luton Safeguarding Children Board Business Plan 2026-2028",
        kind=ActionPlan.Kind.BUSINESS_PLAN,
        period="2026-2028",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2028, 3, 31),
    )
    priority = priorities.priority_create(
        plan=plan, number=1, title="Children at risk of exploitation are identified early"
    )
    action = priorities.action_create(
        plan=plan,
        ref="1a",
        priority=priority,
        description="Every agency's front door screens contacts for signs of exploitation",
        lead_account=lead,
    )
    group = board_selectors.main_group(board=luton)
    if group is None:
        group = luton.groups.order_by("pk").first()
        board_services.main_group_set(board=luton, group=group)
    meeting = board_services.meeting_create(
        group=group, date=WALK_DAY + datetime.timedelta(days=30)
    )
    round = rounds.round_open(
        board=luton,
        meeting=meeting,
        plans=[plan],
        deadline=WALK_DAY + datetime.timedelta(days=14),
        remind_days_before=3,
        opened_by=manager_of_both,
        today=WALK_DAY,
    )
    rounds.proposal_save(
        request=UpdateRequest.objects.get(round=round, lead=lead),
        action=action,
        by=lead,
        process="AMBER",
        impact="GREY",
        commentary="Screening runs in three of the four front doors; health's starts in January.",
        submit=True,
    )
    # A target of this year for an indicator with a direction (Bedford
    # Borough's two; 50 fits any unit), so the walk opens a year's target's
    # change and remove pages.
    indicator = (
        Indicator.objects.exclude(polarity=Polarity.NEITHER).order_by("board", "code").first()
    )
    assert indicator is not None
    indicator_services.indicator_target_set(
        indicator=indicator,
        year=ReportingYear.for_start_year(2026),
        target=Decimal("50"),
        adding=True,
    )
    training.course_record(
        course=TrainingCourse(
            board=luton,
            title="Recognising child exploitation",
            date=datetime.date(2026, 11, 2),
            mode=Mode.FACE_TO_FACE,
            places_offered=24,
            delegates_attended=19,
        )
    )
    return round


def page_name(path: str) -> tuple[str, str] | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name, match.kwargs.get("board", "")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: An action lead's own pages (a manager gets 404): the walk opens them
#: signed in as the lead of the walk's update round.
LEAD_PAGES = {
    "priorities:lead_home",
    "priorities:lead_action",
    "priorities:lead_request",
    "priorities:lead_proposal",
}
#: The steps of the spreadsheet imports after the upload: the walk uploads a
#: small generated file to each import and opens its steps (import_steps).
IMPORT_STEPS = {
    "board:import_layout",
    "board:import_columns",
    "board:import_words",
    "board:import_preview",
    "training:import_columns",
    "indicators:statistics_import_status",
}


def walk(page, base: str, queue: deque[str], follow) -> tuple[Counter[tuple[str, str]], list[str]]:
    """Open every page of `queue` and, up to PER_KIND of each kind, the pages
    their links lead to whose URL name `follow` accepts; what each opened
    page pushes sideways."""
    origin = urlsplit(base).netloc
    seen = set(queue)
    opened: Counter[tuple[str, str]] = Counter()
    problems = []
    while queue:
        path = queue.popleft()
        response = page.goto(base + path)
        assert response is not None, path
        assert response.ok, f"{path} answered {response.status}"
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        if problem := sideways_scroll(page):
            problems.append(f"{path} is {problem}")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            url = urlsplit(href)
            kind = page_name(url.path)
            if url.netloc != origin or url.path in seen or kind is None:
                continue
            if not follow(kind[0]) or opened[kind] >= PER_KIND:
                continue
            seen.add(url.path)
            opened[kind] += 1
            queue.append(url.path)
    return opened, problems


def _step(page, where: str, opened: set[str], problems: list[str]) -> None:
    """Note the step the page shows and whether it pushes the page sideways."""
    page.wait_for_load_state()
    kind = page_name(urlsplit(page.url).path)
    if kind:
        opened.add(kind[0])
    if problem := sideways_scroll(page):
        problems.append(f"{where} ({urlsplit(page.url).path}) is {problem}")


def import_steps(page, base: str, board: Board) -> tuple[set[str], list[str]]:
    """Each spreadsheet import with a small generated file uploaded, at each
    step after the upload: the seats list (its layout, columns, words and
    preview, with a long agency name Assure does not know), an action
    tracker's columns (the board's long plan titles in a list), a training
    register with a column Assure has no field for, and the published
    statistics (the authority and columns, the preview, the confirmed import's
    progress)."""
    from indicators.models import Indicator
    from tests.import_files import SheetSpec, csv_bytes, xlsx
    from tests.indicators import published

    opened: set[str] = set()
    problems: list[str] = []
    boards = f"{base}/boards/{board.slug}"

    def upload(url: str, name: str, content: bytes, button: str, kind: str = "text/csv") -> None:
        page.goto(url)
        page.get_by_label("Spreadsheet").set_input_files(
            {"name": name, "mimeType": kind, "buffer": content}
        )
        with page.expect_navigation():
            page.get_by_role("button", name=button).click()

    def click(name: str, where: str) -> None:
        with page.expect_navigation():
            page.get_by_role("button", name=name).click()
        _step(page, where, opened, problems)

    unknown = (
        "Bedfordshire and Luton Clinical Commissioning Groups' Designated Safeguarding "
        "Professionals Team"
    )
    # A workbook with a title above its headings, so the layout step asks
    # which row holds them.
    seats = xlsx(
        SheetSpec(
            "Board members",
            [
                ["Organisation", "Name", "Job title", "Appointed"],
                ["Luton Borough Council", "Sam Patel", "Corporate Director, Wellbeing", ""],
                [unknown, "Jo Green", "Designated Nurse for Safeguarding Children", "01/04/2026"],
            ],
            above=[[f"{board.name}: members"], []],
        )
    )
    upload(f"{boards}/imports/seats/", "members.xlsx", seats, "Upload and continue", XLSX)
    _step(page, "the seat import's layout", opened, problems)
    click("Continue", "the seat import's columns")
    click("Continue", "the seat import's words")
    # Left unmapped, the agency Assure does not know is named in the preview;
    # its word is then mapped to a new agency.
    click("Continue to the preview", "the seat import's preview naming an unknown agency")
    with page.expect_navigation():
        page.get_by_role("link", name="Change what the words mean").click()
    page.get_by_label(unknown).select_option(label="A new agency (health)")
    click("Continue to the preview", "the seat import's preview")

    tracker = csv_bytes(
        [
            ["Action No.", "What we will do", "Owner", "Target completion date", "RAG"],
            ["1.c", "Publish the neglect practice guidance", "Head of Early Help", "", "Green"],
        ]
    )
    upload(f"{boards}/imports/action-tracker/", "tracker.csv", tracker, "Upload and continue")
    _step(page, "the tracker import's columns", opened, problems)
    click("Continue", "the tracker import's step after its columns")

    register = csv_bytes(
        [
            ["Course", "Date", "Mode", "Places", "Delegates attended", "Trainer"],
            ["Neglect and Graded Care Profile 2", "14/07/2020", "Face to face", "12", "11", "A"],
        ]
    )
    upload(f"{boards}/training/import/", "register.csv", register, "Check the file")
    _step(page, "the training import's question about its columns", opened, problems)
    click("Continue", "the training import's column left unchosen")
    page.get_by_label("Column F: Trainer").select_option(label="Ignore this column")
    click("Continue", "the training import's preview")

    page.goto(f"{boards}/indicators/import/")
    page.get_by_label("Published statistics file").set_input_files(
        {
            "name": "cin.csv",
            "mimeType": "text/csv",
            "buffer": published.statistics_file(years=2, count=12),
        }
    )
    page.get_by_label("Publication").fill("Children in need: synthetic figures")
    click("Upload", "the statistics import's authority and columns")
    indicator = Indicator.objects.filter(board=board, unit="count").order_by("code").first()
    assert indicator is not None
    page.get_by_label("Local authority").select_option(index=1)
    page.get_by_label("Column “referrals”").select_option(value=indicator.code)
    click("Preview the import", "the statistics import's preview")
    if page.get_by_role("button", name="Confirm and import").count():
        click("Confirm and import", "the statistics import's progress")
    return opened, problems


def test_no_signed_in_page_scrolls_sideways_on_a_narrow_screen(
    round_and_course, page, live_server, past_reports, manager_of_both, sign_in
):
    """At 320 CSS pixels wide (a laptop at 400% zoom; WCAG 1.4.10, reflow),
    every page a business manager of two boards can open, following the
    links from each board's home page, fits the window's width, and so does
    each step of the spreadsheet imports with a file uploaded; and every page
    of the action lead in the walk's update round. Wide tables scroll inside
    their own region, which is allowed."""
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in("manager")
    queue = deque(reverse("board:home", kwargs={"board": b.slug}) for b in past_reports)
    # the Strategic Board's year of meetings, where the attendance links are
    queue.append(
        reverse("board:meetings", kwargs={"board": "bedford-borough"})
        + "?group=bedford-borough-board&year=2016-17"
    )
    # every seat, where the links to a seat's pages are: no seat of the past
    # reports is held today, so the seats page's default lists none
    queue.append(reverse("board:member_list", kwargs={"board": "luton"}) + "?seats=all")
    # the indicator with this year's target, where the target's links are
    target = IndicatorTarget.objects.select_related("indicator__board").get()
    queue.append(
        reverse(
            "indicators:indicator",
            kwargs={"board": target.indicator.board.slug, "indicator": target.indicator.code},
        )
    )
    skipped = set(NOT_WALKED) | LEAD_PAGES | IMPORT_STEPS

    def managers(name: str) -> bool:
        return name not in skipped and not name.startswith("admin:")

    opened, problems = walk(page, live_server.url, queue, managers)
    luton, _ = past_reports
    steps, step_problems = import_steps(page, live_server.url, luton)
    page.context.clear_cookies()
    sign_in("lead")
    round_page = reverse(
        "priorities:lead_request", kwargs={"board": "luton", "round": round_and_course.pk}
    )
    leads, lead_problems = walk(
        page,
        live_server.url,
        deque([reverse("priorities:lead_home", kwargs={"board": "luton"}), round_page]),
        LEAD_PAGES.__contains__,
    )
    assert problems + step_problems + lead_problems == [], "\n".join(
        problems + step_problems + lead_problems
    )
    visited = {name for name, _ in opened + leads} | steps
    visited |= {
        "board:home",
        "priorities:lead_home",
        "priorities:lead_request",
    }  # where walks start
    pages = {n for n in all_url_names() if not n.startswith("admin:")} - set(NOT_WALKED)
    assert sorted(pages - visited) == [], (
        "Pages no link led to: link them, or say in NOT_WALKED why the walk leaves them out"
    )
    assert {b.slug for b in past_reports} <= {board for _, board in opened}


def test_the_steps_of_signing_in_with_a_code_fit_a_narrow_screen(page, live_server, past_reports):
    """Setting up an authenticator, keeping the recovery codes and giving a
    code, at 320px, signed in (the board switcher shows) as a superuser, who
    sees both boards."""
    # A superuser without a role sets up at the first sign-in (roles set up
    # by invitation: the invitation pages are opened at 320px below).
    UserFactory(username="newcomer", is_superuser=True, is_staff=True)
    page.set_viewport_size({"width": 320, "height": 640})

    def password_step() -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("newcomer")
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()

    problems = []
    password_step()
    expect(page).to_have_url(re.compile("/accounts/two-factor/set-up/"))
    problems.append(("set up", sideways_scroll(page)))
    device = TOTPDevice.objects.get(user__username="newcomer", confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile("/accounts/two-factor/recovery-codes/"))
    problems.append(("recovery codes", sideways_scroll(page)))
    page.context.clear_cookies()
    password_step()
    expect(page).to_have_url(re.compile("/accounts/two-factor/code/"))
    problems.append(("code", sideways_scroll(page)))
    assert [(step, problem) for step, problem in problems if problem] == []


# Each cell's box, and the box of the region the table scrolls in.
BOXES = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; };
  const region = document.querySelector('[role=region][aria-label=Actions]');
  const table = region.querySelector('table');
  return {
    region: [...box(region), region.scrollWidth, region.clientWidth],
    headers: [...table.tHead.rows[0].cells].map((c) => [c.textContent.trim(), ...box(c)]),
    rows: [...table.querySelectorAll('tr[id^=action-]')].map(
      (row) => [...row.cells].map((c) => [c.textContent.trim(), ...box(c)])
    ),
  };
}"""


def test_the_all_actions_list_fits_a_laptop_screen(
    page, live_server, past_reports, manager_of_both, sign_in
):
    """The business manager's main page at 1280x800: ref, action, lead, due,
    the two ratings and "Record rating" are all in view without scrolling
    sideways, the plan is named once above its actions, and the action's
    text has the widest column."""
    luton, _ = past_reports
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in("manager")
    # The business plan 2015-17 is closed (its period ended): asked for, as a
    # manager looking back would, it fills the first page.
    page.goto(f"{live_server.url}/boards/{luton.slug}/actions/?closed=include")
    plan = "Luton Safeguarding Children Board Business Plan 2015-2017"
    table = page.get_by_role("region", name="Actions")
    expect(table.get_by_role("link", name="Record rating for 3a")).to_be_attached()
    assert sideways_scroll(page) is None
    boxes = page.evaluate(BOXES)
    left, right, scroll_width, client_width = boxes["region"]
    assert scroll_width <= client_width, "the table scrolls sideways in its region"
    assert left >= 0
    assert right <= 1280
    wanted = ["Ref", "Action", "Lead", "Due", "Process", "Impact"]
    headers = {text.removesuffix(" (sort)"): (x0, x1) for text, x0, x1 in boxes["headers"]}
    assert set(wanted) <= set(headers), headers
    widths = {text: x1 - x0 for text, (x0, x1) in headers.items()}
    assert max(widths, key=widths.get) == "Action", widths
    assert len(boxes["rows"]) == 25
    for row in boxes["rows"]:
        for text, x0, x1 in row:
            assert left <= x0, (row[0][0], text)
            assert x1 <= right, (row[0][0], text, x1)
        assert row[-1][0].startswith("Record rating"), row[0][0]
    expect(table.get_by_role("rowheader", name=plan)).to_have_count(1)
    expect(table.get_by_role("cell", name=plan)).to_have_count(0)
    check_accessibility(page)

    # two ratings at once; then one that does not exist, refused with a reason
    filters = page.get_by_role("form", name="Filter actions")
    filters.get_by_role("group", name="Process rating").get_by_label("Not assessed").check()
    filters.get_by_role("group", name="Process rating").get_by_label("Red").check()
    with page.expect_navigation():
        filters.get_by_role("button", name="Apply filters").click()
    assert "process=RED&process=NONE" in page.url
    expect(table.get_by_role("link", name="Record rating for 3a")).to_be_visible()
    check_accessibility(page)
    page.goto(f"{live_server.url}/boards/{luton.slug}/actions/?process=PURPLE")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^PURPLE is not a rating"))).to_be_visible()
    check_accessibility(page)


def test_invitations_messages_and_a_leads_pages_fit_a_narrow_screen(
    page, browser, live_server, past_reports, manager_of_both, sign_in
):
    """The pages the walk cannot reach from the past reports, at 320px: an
    invitation and its cancelling, its email's record, the link's two steps,
    and the lead's own pages, with real board and plan names."""
    from django.contrib.auth import get_user_model

    from outbox.models import Message
    from people import services as people
    from people.tokens import token_for
    from priorities import services as priorities
    from priorities.models import Action

    luton, _ = past_reports
    manager = get_user_model().objects.get(username="manager")
    invitation = people.invitation_create(
        actor=manager,
        board=luton,
        role=roles.ACTION_LEAD,
        email="jo.lead@police.example.org",
        full_name="Jo Lead",
    )
    lead = UserFactory(username="lead", role=roles.ACTION_LEAD, boards=[luton])
    action = Action.objects.filter(plan__board=luton).order_by("pk").first()
    priorities.action_update(
        action_id=action.pk, expected_version=action.version, changes={"lead_account": lead}
    )
    message = Message.objects.get()
    board = f"{live_server.url}/boards/{luton.slug}"
    problems = []
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in("manager")
    for path in (
        f"/people/invitations/{invitation.pk}/",
        f"/people/invitations/{invitation.pk}/cancel/",
        f"/messages/{message.pk}/",
    ):
        assert page.goto(board + path).ok, path
        problems.append((path, sideways_scroll(page)))
    signed_out = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    signed_out.goto(f"{live_server.url}/invitations/{token_for(invitation)}/")
    problems.append(("the link's password step", sideways_scroll(signed_out)))
    signed_out.get_by_label("Password", exact=True).fill("plum orchard lantern 42")
    signed_out.get_by_label("Confirm password").fill("plum orchard lantern 42")
    signed_out.get_by_role("button", name="Continue").click()
    expect(signed_out.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    problems.append(("the link's app step", sideways_scroll(signed_out)))
    page.context.clear_cookies()
    sign_in("lead")
    for path in ("/my-actions/", f"/my-actions/{action.plan.slug}/{action.ref}/"):
        assert page.goto(board + path).ok, path
        problems.append((path, sideways_scroll(page)))
    assert [(where, problem) for where, problem in problems if problem] == []
