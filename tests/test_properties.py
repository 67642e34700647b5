"""Property-based tests: whatever people or scripts send, Assure answers
without a server error, and a refusal changes nothing.

The pages come from the URLconf through the permission matrix, and their
fields from the HTML each page serves, so a form or filter added to any app
is covered here without editing this file. Each example runs inside a
savepoint that is rolled back, so every example starts from the same world;
the database's fingerprint (each table's row count and largest key, history
tables included) is compared after every refusal.

Every test runs 500 examples, the page drawn afresh for each; in CI (the CI
environment variable set) derandomised, with a fixed seed. The profiles are
in tests/conftest.py.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from priorities import spreadsheets
from tests.test_permissions import DELEGATED_PREFIXES, MATRIX, all_url_names

#: Pages that end the session they are posted from; posting to them would sign
#: the tester out, not test a form.
ENDS_THE_SESSION = {"logout", "login"}

#: The examples share the test's world (each inside a savepoint rolled back);
#: the profile (tests/conftest.py) sets how many.
per_function_world = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- reading a page's forms -------------------------------------------------


@dataclass
class Field:
    name: str
    choices: list[str] = field(default_factory=list)  # values the page offers
    multiple: bool = False
    upload: bool = False
    numeric: bool = False  # inputmode="numeric", as each part of a date


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)


class FormReader(HTMLParser):
    """The forms of a page, with every named input, select and textarea."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.select: Field | None = None

    def field(self, name: str, **kwargs: Any) -> Field:
        form = self.forms[-1]
        return form.fields.setdefault(name, Field(name, **kwargs))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("method", "get").lower(), a.get("action", "")))
        elif not self.forms or not (a.get("name") or tag == "option"):
            return
        elif tag == "input":
            kind = a.get("type", "text")
            found = self.field(a["name"], upload=kind == "file")
            found.multiple = found.multiple or kind == "checkbox"
            found.numeric = a.get("inputmode") == "numeric" or kind == "number"
            if a.get("value"):
                found.choices.append(a["value"])
        elif tag == "select":
            self.select = self.field(a["name"], multiple="multiple" in a)
        elif tag == "option" and self.select is not None:
            self.select.choices.append(a.get("value", ""))
        elif tag == "textarea":
            self.field(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def forms_of(html: str) -> list[Form]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def own_form(html: str, url: str, method: str) -> Form | None:
    """The page's form that sends `method` to the page itself, all its fields
    together (a page may split one form's fields over several tags)."""
    found = None
    for form in forms_of(html):
        if form.method == method and form.action in ("", url, urlsplit(url).path):
            found = found or Form(method, url)
            found.fields.update(form.fields)
    return found


# --- values people and scripts might send -------------------------------------

HUGE = ["99999999999999999999", "-99999999999999999999", "9223372036854775808", "2147483648"]
STRANGE = ["", " ", "0", "-1", "1.5", "1e400", "NaN", "-0", "\x00", "a\x00b", "٣", "🙂", "null"]

junk = st.one_of(
    st.sampled_from(HUGE + STRANGE),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(str),
    st.text(max_size=40),
    st.integers(min_value=200, max_value=40_000).map(lambda n: "x" * n),
    st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat),
)


#: Numbers, mostly, for a numeric field: a date's parts are read as a date only
#: when all three are numbers, so they need to be numbers often.
numbers = st.one_of(
    st.integers(min_value=0, max_value=40).map(str),
    st.integers(min_value=1900, max_value=2100).map(str),
    st.sampled_from(HUGE),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
)


def values_for(f: Field) -> st.SearchStrategy[Any]:
    """Nothing, a value the page offers, or junk; several for a multiple choice."""
    if f.numeric:
        return st.one_of(numbers, numbers, numbers, junk, st.none())
    one = st.one_of(st.sampled_from(f.choices), junk) if f.choices else junk
    if f.upload:
        return st.one_of(
            st.none(),
            st.binary(max_size=2000).map(lambda b: SimpleUploadedFile("plan.csv", b)),
        )
    if f.multiple:
        return st.one_of(st.none(), st.lists(one, max_size=4))
    return st.one_of(st.none(), one)


def data_for(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({name: values_for(f) for name, f in form.fields.items()}).map(
        lambda data: {k: v for k, v in data.items() if v is not None}
    )


# --- the database's fingerprint -------------------------------------------


@functools.cache
def fingerprint_sql() -> str:
    """One query for each table's row count and largest key, history tables
    and many-to-many tables included."""
    q = connection.ops.quote_name
    tables = set(connection.introspection.table_names())
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.db_table in tables
    ]

    def largest(model: Any) -> str:
        # PostgreSQL has no MAX of a UUID (the task results' keys): compare
        # those as text; numbers stay numbers, so 10 is larger than 9.
        column = q(model._meta.pk.column)
        if model._meta.pk.get_internal_type() == "UUIDField":
            return f"MAX(CAST({column} AS TEXT))"
        return f"CAST(MAX({column}) AS TEXT)"

    return " UNION ALL ".join(
        f"SELECT '{m._meta.db_table}', COUNT(*), {largest(m)} FROM {q(m._meta.db_table)}"
        for m in models
    )


def fingerprint() -> dict[str, tuple[int, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(fingerprint_sql())
        return {table: (count, top) for table, count, top in cursor.fetchall()}


def success_redirect(response: Any) -> bool:
    """A redirect after a post (even back to the same page, as the admin's
    "Save and continue editing" does), other than to the sign-in page."""
    return response.status_code in (301, 302, 303) and "login" not in response.get("Location", "")


@functools.cache
def read_record_tables() -> frozenset[str]:
    """Tables that record who read a page (reviews.ReadRecord): a page that
    shows a case review adds to them, and that is all it may change."""
    return frozenset(
        m._meta.db_table for m in apps.get_models() if getattr(m, "records_reads", False)
    )


def check(response: Any, url: str, before: dict[str, tuple[int, Any]], sent: Any) -> None:
    """No server error; a refusal changes nothing, and a page read records
    who read it and changes nothing else. A refused read (a 404, a 400 for
    a filter) records no read either."""
    assert response.status_code < 500, (response.status_code, url, sent)
    if not success_redirect(response):
        after = fingerprint()
        read = response.request["REQUEST_METHOD"] == "GET" and 200 <= response.status_code < 300
        if read:
            after = {t: v for t, v in after.items() if t not in read_record_tables()}
            before = {t: v for t, v in before.items() if t not in read_record_tables()}
        assert after == before, (
            f"{url} answered {response.status_code} but changed the database",
            sent,
        )


# --- the pages ------------------------------------------------------------------


def page_names(method: str) -> list[str]:
    """Every Assure page a business manager may reach with `method`."""
    names = []
    for name in sorted(all_url_names()):
        rule = MATRIX.get(name)
        if name in ENDS_THE_SESSION or rule is None or name.startswith(DELEGATED_PREFIXES):
            continue
        expected = getattr(rule, method)
        if expected is not None and expected["manager"] not in (405, 403, 404, "login"):
            names.append(name)
    return names


def url_of(name: str, world: Any) -> str:
    rule = MATRIX[name]
    return reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)


def posted_form(client: Any, name: str, url: str) -> Form:
    """The fields the page's own form posts; for a page that only takes a
    post (an import's confirm), the fields the permission matrix posts."""
    form = own_form(html_of(client.get(url)), url, "post")
    if form is None:
        form = Form("post", url, {key: Field(key) for key in MATRIX[name].post_data})
        form.fields.setdefault("token", Field("token"))
    form.fields.pop("csrfmiddlewaretoken", None)
    form.fields.setdefault("unexpected", Field("unexpected"))  # a field no form asked for
    return form


def pages_and_values(forms: list[Form]) -> st.SearchStrategy[tuple[Form, dict[str, Any]]]:
    """One of the pages, and values for its fields."""
    return st.sampled_from(forms).flatmap(lambda f: st.tuples(st.just(f), data_for(f)))


def test_posting_anything_to_any_form_never_fails_and_a_refusal_changes_nothing(world, client_for):
    client = client_for("manager")
    forms = [posted_form(client, name, url_of(name, world)) for name in page_names("post")]
    assert len(forms) >= 8, [f.action for f in forms]
    before = fingerprint()

    @per_function_world
    @given(sent=pages_and_values(forms))
    def post(sent: tuple[Form, dict[str, Any]]) -> None:
        form, data = sent
        with transaction.atomic():
            check(client.post(form.action, data), form.action, before, data)
            transaction.set_rollback(True)

    post()


ATTENDANCE_KEY_FORMS = ("board:attendance_mark_create", "board:attendance_mark_edit")


def test_posting_anything_to_the_attendance_keys_forms_never_fails_and_a_refusal_changes_nothing(
    world, client_for
):
    """The key's forms are among those every test above reaches; here they
    are also sent anything on their own, so a new rule of the key cannot hide
    among the other pages' examples."""
    client = client_for("manager")
    assert set(ATTENDANCE_KEY_FORMS) <= set(page_names("post"))
    forms = [posted_form(client, name, url_of(name, world)) for name in ATTENDANCE_KEY_FORMS]
    for form in forms:
        assert {"code", "words", "present", "counted"} <= set(form.fields), form.action
    before = fingerprint()

    @per_function_world
    @given(sent=pages_and_values(forms))
    def post(sent: tuple[Form, dict[str, Any]]) -> None:
        form, data = sent
        with transaction.atomic():
            check(client.post(form.action, data), form.action, before, data)
            transaction.set_rollback(True)

    post()


SETUP_FORMS = (
    "board:agency_create",
    "board:agency_edit",
    "priorities:plan_create",
    "priorities:plan_edit",
    "priorities:priority_create",
    "priorities:priority_edit",
    "indicators:indicator_create",
    "indicators:indicator_edit",
    "indicators:priority_indicators",
    "indicators:target_add",
    "indicators:target_edit",
)
ADMIN_SETUP_FORMS = ("site:board_create", "board:board_edit", "board:access")


def test_posting_anything_to_the_set_up_forms_never_fails_and_a_refusal_changes_nothing(
    world, client_for
):
    """The set-up pages' forms (the manager's, reached by the walk above too,
    and the Admin's, which the walk as a manager does not reach), each sent
    anything on its own."""
    manager, admin = client_for("manager"), client_for("admin")
    assert set(SETUP_FORMS) <= set(page_names("post"))
    forms = [(manager, posted_form(manager, n, url_of(n, world))) for n in SETUP_FORMS]
    forms += [(admin, posted_form(admin, n, url_of(n, world))) for n in ADMIN_SETUP_FORMS]
    for _, form in forms:
        assert set(form.fields) - {"unexpected"}, f"{form.action} has no form of its own"
    before = fingerprint()

    # At most 200 examples, fewer than the profile's 500: the walk over every
    # form above reaches the manager's set-up forms too, and CI time is tight.
    @settings(per_function_world, max_examples=min(200, per_function_world.max_examples))
    @given(
        sent=st.sampled_from(forms).flatmap(
            lambda pair: st.tuples(st.just(pair), data_for(pair[1]))
        )
    )
    def post(sent: tuple[tuple[Any, Form], dict[str, Any]]) -> None:
        (client, form), data = sent
        with transaction.atomic():
            check(client.post(form.action, data), form.action, before, data)
            transaction.set_rollback(True)

    post()


def html_of(response: Any) -> str:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode()


def filter_fields(client: Any, url: str) -> dict[str, Field]:
    page = client.get(url)
    assert page.status_code < 400, (url, page.status_code)
    fields = {}
    for form in forms_of(html_of(page)):
        if form.method == "get":
            fields.update(form.fields)
    for generic in ("page", "per_page", "sort", "agency-page", "agency-per_page", "_export"):
        fields.setdefault(generic, Field(generic, choices=["1", "2", "csv", "xlsx", "ref"]))
    return fields


def test_any_query_on_any_page_never_fails_and_changes_nothing(world, client_for):
    client = client_for("manager")
    pages = [
        Form("get", url, filter_fields(client, url))
        for url in (url_of(name, world) for name in page_names("get"))
    ]
    assert len(pages) >= 15, [f.action for f in pages]
    before = fingerprint()

    @per_function_world
    @given(sent=pages_and_values(pages))
    def get(sent: tuple[Form, dict[str, Any]]) -> None:
        page, query = sent
        with transaction.atomic():
            check(client.get(page.action, query), page.action, before, query)
            transaction.set_rollback(True)

    get()


# --- the Django admin ---------------------------------------------------------


def admin_form_urls(world: Any) -> list[str]:
    """The admin's add page of every model, and the change page of one object
    of each model that has one."""
    from django.contrib import admin

    urls = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    return sorted(urls)


def test_posting_anything_to_the_admin_never_fails_and_a_refusal_changes_nothing(world, client_for):
    client = client_for("admin")
    pages = []
    for url in admin_form_urls(world):
        form = own_form(html_of(client.get(url)), url, "post")
        if form is not None:
            form.fields.pop("csrfmiddlewaretoken", None)
            pages.append(form)
    assert len(pages) >= 10, [form.action for form in pages]
    before = fingerprint()

    @per_function_world
    @given(sent=pages_and_values(pages))
    def post(sent: tuple[Form, dict[str, Any]]) -> None:
        form, values = sent
        with transaction.atomic():
            check(client.post(form.action, values), form.action, before, values)
            transaction.set_rollback(True)

    post()


# --- the import parser ------------------------------------------------------

cell = st.one_of(
    st.none(),
    junk,
    st.sampled_from(["GREEN", "AMBER", "RED", "BLUE", "green", "1", "1a", "1a/2", "PI", "=1+1"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=9999)),
)
header = st.lists(
    st.one_of(st.sampled_from(spreadsheets.COLUMNS), st.text(max_size=12)),
    min_size=0,
    max_size=len(spreadsheets.COLUMNS) + 2,
).map(lambda h: ["Ref", "Action", *h])
table = header.flatmap(
    lambda h: st.tuples(
        st.just(h), st.lists(st.lists(cell, max_size=len(h) + 1), min_size=0, max_size=6)
    )
)


def as_csv(parts: tuple[list[str], list[list[Any]]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    head, rows = parts
    writer.writerow(head)
    writer.writerows(rows)
    return out.getvalue().encode()


def as_xlsx(parts: tuple[list[str], list[list[Any]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = Workbook()
    sheet = book.active
    head, rows = parts
    for row in [head, *rows]:
        try:
            sheet.append(row)
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl cannot write it
            continue
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


csv_files = st.one_of(
    st.binary(max_size=3000),
    table.map(as_csv),
    st.text(max_size=500).map(str.encode),
).map(lambda content: ("plan.csv", content))
xlsx_files = st.one_of(
    table.map(as_xlsx),
    st.binary(max_size=600),
    # a workbook cut short; its length varies with the time it was written
    st.tuples(table.map(as_xlsx), st.floats(0, 1)).map(
        lambda cut: cut[0][: int(len(cut[0]) * cut[1])]
    ),
).map(lambda content: ("plan.xlsx", content))


@pytest.mark.parametrize(("kind", "files"), [("csv", csv_files), ("xlsx", xlsx_files)])
def test_the_import_reads_any_file_or_says_why_not_and_saves_nothing(kind, files, world):
    before = fingerprint()

    @per_function_world
    @given(upload=files)
    def read(upload: tuple[str, bytes]) -> None:
        name, content = upload
        with transaction.atomic():
            try:
                rows = spreadsheets.read_rows(name, content)
            except spreadsheets.SpreadsheetError:
                pass
            else:
                spreadsheets.preview_import(world.plan, rows)
            assert fingerprint() == before
            transaction.set_rollback(True)

    read()


# --- the training import: a unit's own columns ----------------------------------

training_header = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "Course",
                "Date",
                "Mode",
                "Sessions",
                "Capacity",
                "Booked",
                "Delegates attended",
                "DNA",
                "Cancelled",
                "Late cancellations",
                "Attendance rate",
                "Year",
                "Quarter",
                "Health",
            ]
        ),
        st.text(max_size=12),
    ),
    min_size=1,
    max_size=14,
)
training_table = training_header.flatmap(
    lambda h: st.tuples(
        st.just(h), st.lists(st.lists(cell, max_size=len(h) + 1), min_size=0, max_size=6)
    )
)


@pytest.mark.parametrize(
    ("name", "files"),
    [
        ("courses.csv", st.one_of(training_table.map(as_csv), st.binary(max_size=2000))),
        ("courses.xlsx", st.one_of(training_table.map(as_xlsx), st.binary(max_size=600))),
    ],
)
def test_the_training_import_reads_any_file_asks_or_says_why_and_saves_nothing(name, files, world):
    """Whatever a training unit's file holds, reading it, offering its
    columns (each one Assure does not know ignored) and previewing it either
    names a problem or shows what would change, and saves nothing."""
    from training import columns
    from training import spreadsheets as training_sheets

    before = fingerprint()

    @per_function_world
    @given(content=files)
    def read(content: bytes) -> None:
        with transaction.atomic():
            try:
                upload = training_sheets.read_upload(name, content)
            except training_sheets.SpreadsheetError:
                pass
            else:
                choices = training_sheets.choices_for(world.board, upload)
                for choice in choices:
                    choice.target = choice.target or columns.IGNORE
                per_column, general = columns.mapping_problems(upload.kind, choices)
                if not per_column and not general:
                    rows, headings = columns.apply(upload, choices)
                    training_sheets.preview_import(world.board, upload.kind, rows, headings)
            assert fingerprint() == before
            transaction.set_rollback(True)

    read()


# --- a published report ----------------------------------------------------------

#: The report's pages that post something other than a change to it: these
#: start a correction, record the dates it was sent, publish or cancel.
NOT_CHANGES = {
    "reports:annual_report_correct",
    "reports:annual_report_sent",
    "reports:annual_report_publish",
    "reports:annual_report_correction_cancel",
    "reports:annual_report_create",
}


def published_report_state(report: Any) -> Any:
    from reports.models import Section, Snapshot

    report.refresh_from_db()
    return (
        [getattr(report, f.attname) for f in report._meta.concrete_fields if f.name != "updated"],
        list(Section.objects.filter(report=report).order_by("pk").values()),
        list(Snapshot.objects.filter(report=report).values()),
    )


def test_posting_anything_to_a_published_reports_forms_changes_nothing_of_it(
    world, client_for, settings, tmp_path
):
    """Published means frozen: the report's forms, read while it was a
    draft (as a page left open would be) and posted with anything once it
    is published, are refused and leave it, its sections and its snapshot
    as they were."""
    from reports.models import AnnualReport
    from tests.reports.annual_helpers import stored_snapshot

    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for("manager")
    names = [
        n
        for n in page_names("post")
        if n.startswith(("reports:annual_report", "reports:section_")) and n not in NOT_CHANGES
    ]
    forms = [posted_form(client, name, url_of(name, world)) for name in names]
    fields = {name: set(form.fields) for name, form in zip(names, forms, strict=True)}
    assert "body" in fields["reports:section_edit"]
    assert "reason" in fields["reports:section_leave_out"]
    assert {"title", "approver"} <= fields["reports:annual_report_settings"]
    report = AnnualReport.objects.get(board=world.board, year=world.year)
    stored_snapshot(report)
    before = published_report_state(report)

    @per_function_world
    @given(sent=pages_and_values(forms))
    def post(sent: tuple[Form, dict[str, Any]]) -> None:
        form, data = sent
        with transaction.atomic():
            response = client.post(form.action, data)
            assert response.status_code < 500, (form.action, data)
            assert not success_redirect(response), (form.action, response.status_code)
            assert published_report_state(report) == before, (form.action, data)
            transaction.set_rollback(True)

    post()


# --- an invitation's link -------------------------------------------------------


def test_posting_anything_to_an_invitations_link_never_fails_and_a_refusal_changes_nothing(
    world, users
):
    """The two steps of an invitation's link, for someone not signed in: any
    password and confirmation, any code; and any token at all is a 404."""
    from django.test import Client

    from people import services as people
    from people.tokens import token_for

    invitation = people.invitation_create(
        actor=users["manager"],
        board=world.board,
        role="Action lead",
        email="invited@example.org",
        full_name="Invited Person",
    )
    token = token_for(invitation)
    password_url = reverse("invitations:accept", kwargs={"token": token})
    app_url = reverse("invitations:authenticator", kwargs={"token": token})
    client = Client()
    forms = [own_form(html_of(client.get(password_url)), password_url, "post")]
    chosen = "plum orchard lantern 42"
    assert client.post(password_url, {"password": chosen, "again": chosen}).status_code == 302
    forms.append(own_form(html_of(client.get(app_url)), app_url, "post"))
    for form in forms:
        assert form is not None
        form.fields.pop("csrfmiddlewaretoken", None)
        form.fields.setdefault("unexpected", Field("unexpected"))
    assert {name for form in forms for name in form.fields} >= {"password", "again", "code"}
    before = fingerprint()

    @per_function_world
    @given(sent=pages_and_values(forms))
    def post(sent: tuple[Form, dict[str, Any]]) -> None:
        form, data = sent
        with transaction.atomic():
            check(client.post(form.action, data), form.action, before, data)
            transaction.set_rollback(True)

    post()

    @per_function_world
    @given(forged=st.text(min_size=1, max_size=120).filter(lambda t: "/" not in t and t != token))
    def forged_link(forged: str) -> None:
        with transaction.atomic():
            for step in ("invitations:accept", "invitations:authenticator"):
                url = reverse(step, kwargs={"token": forged})
                assert Client().post(url, {"password": chosen, "again": chosen}).status_code == 404
            assert fingerprint() == before
            transaction.set_rollback(True)

    forged_link()


# --- an action lead's update and its evidence files -------------------------------


def _evidence_uploads() -> st.SearchStrategy[Any]:
    """Files a lead might send: any bytes, or bytes that start as a real kind
    does (a PDF, a zip, a program, an old Office file), under any name."""
    starts = st.sampled_from(
        [
            b"",
            b"%PDF-1.7\n",
            b"PK\x03\x04",
            b"MZ",
            b"\x89PNG\r\n\x1a\n",
            b"\xff\xd8\xff",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        ]
    )
    names = st.sampled_from(
        ["a.pdf", "a.docx", "a.xlsx", "a.png", "a.jpg", "a.docm", "a.doc", "a.exe", "a", ".pdf"]
    )
    one = st.builds(
        lambda start, rest, name: SimpleUploadedFile(name, start + rest),
        starts,
        st.binary(max_size=600),
        names,
    )
    return st.lists(one, max_size=3)


def test_posting_anything_to_a_leads_update_never_fails_and_a_refusal_changes_nothing(
    world, client_for
):
    """The lead's form for an action of an open round (tests/test_permissions.py
    makes it), with any values and any files: a refusal changes nothing, and
    nothing but the checks' reasons come back."""
    from tests.test_permissions import round_action

    client = client_for("lead")
    url = reverse("priorities:lead_proposal", kwargs=round_action(world))
    form = own_form(html_of(client.get(url)), url, "post")
    assert form is not None
    assert {"process", "impact", "commentary", "evidence", "evidence_files"} <= set(form.fields)
    form.fields.pop("csrfmiddlewaretoken", None)
    form.fields.pop("evidence_files")
    # Its two buttons: send for review, or save as a draft.
    form.fields["submit"] = Field("submit", choices=["yes", "no"])
    before = fingerprint()

    @per_function_world
    @given(data=data_for(form), files=_evidence_uploads())
    def post(data: dict[str, Any], files: list[Any]) -> None:
        with transaction.atomic():
            sent = {**data, "evidence_files": files} if files else data
            check(client.post(url, sent), url, before, data)
            transaction.set_rollback(True)

    post()


@settings(deadline=None)
@given(name=st.text(max_size=40), data=st.binary(max_size=2000))
def test_the_evidence_check_judges_any_file_without_failing(name, data):
    from priorities.rounds.evidence import EvidenceRefused, check_evidence

    reason = ""
    try:
        found = check_evidence(name=name, data=data, limit=1500)
    except EvidenceRefused as refused:
        reason = str(refused)
    if reason:
        assert reason.endswith((".", "file.")), reason
    else:
        assert found.suffix in name.lower()


# --- text as browsers send it -------------------------------------------------

#: Text with what browsers, pastes and scripts add: line endings of every
#: kind, spaces and tabs at the ends of lines, blank lines around it.
noisy_text = st.lists(
    st.one_of(
        st.sampled_from(["\r\n", "\r", "\n", " ", "  ", "\t", "\r\n\r\n", "  \r\n"]),
        st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12),
    ),
    max_size=16,
).map("".join)


def typed(value: str) -> st.SearchStrategy[str]:
    """What a person might send back in a text field holding `value`: it as
    it was, with noise around and inside it, or other noisy text."""
    return st.one_of(
        st.just(value),
        st.tuples(noisy_text, noisy_text).map(lambda ends: f"{ends[0]}{value}{ends[1]}"),
        st.just(value.replace("\r\n", "  \r\n\t")),
        noisy_text,
    )


def text_sent(form: tuple[str, dict[str, list[str]], set[str]]) -> st.SearchStrategy[Any]:
    url, data, texts = form
    fields = {
        name: st.tuples(*(typed(v) for v in values)).map(list) if name in texts else st.just(values)
        for name, values in data.items()
    }
    return st.tuples(st.just(url), st.fixed_dictionaries(fields))


def text_not_in_one_form() -> list[tuple[str, str, Any]]:
    """Every stored text (history included) that core.text would change."""
    from core import text
    from core.models import CleanTextModel

    found = []
    for model in apps.get_models():
        if not issubclass(model, CleanTextModel):
            continue
        history = getattr(model, "history", None)
        for kept in (model, *([history.model] if history is not None else [])):
            fields = [f for f in kept._meta.concrete_fields if f.name in _text_names(model)]
            if not fields:
                continue
            for row in kept._base_manager.values_list(*(f.attname for f in fields)):
                for f, value in zip(fields, row, strict=True):
                    clean = text.normalised(f, value, is_markdown=f.name in model.markdown_fields)
                    if clean != value:
                        found.append((kept._meta.label, f.name, value))
    return found


@functools.cache
def _text_names(model: Any) -> frozenset[str]:
    from django.db import models

    return frozenset(
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.primary_key
    )


def test_text_sent_through_any_form_is_stored_in_one_form(world, client_for):
    """Every page's own form, sent back as a browser sends it with its text
    fields holding CRLF, lone CRs, trailing spaces and blank lines: whatever
    is saved is stored as core.text says, and its history too."""
    from tests.html import browser_form

    client = client_for("manager")
    forms = []
    for name in page_names("post"):
        url = url_of(name, world)
        found = browser_form(html_of(client.get(url)), url)
        if found is not None and found[1]:
            forms.append((url, *found))
    assert len(forms) >= 10, [url for url, *_ in forms]
    assert text_not_in_one_form() == []
    saved: list[str] = []

    @per_function_world
    @given(sent=st.sampled_from(forms).flatmap(text_sent))
    def post(sent: tuple[str, dict[str, list[str]]]) -> None:
        url, data = sent
        with transaction.atomic():
            response = client.post(url, data)
            assert response.status_code < 500, (url, data)
            if success_redirect(response):
                saved.append(url)
                assert text_not_in_one_form() == [], (url, data)
            transaction.set_rollback(True)

    post()
    assert len(set(saved)) >= 5, sorted(set(saved))


# --- a board's own spreadsheets, mapped (board.importing) -------------------------


def _mapping_headings(kind: str) -> list[str]:
    from board import importing

    fields = importing.REGISTRY[kind].fields
    return [name for f in fields for name in (f.label, *f.aliases[:3])]


def _mapping_table(kind: str) -> st.SearchStrategy[tuple[list[str], list[list[Any]]]]:
    words = [
        "R",
        "Red",
        "On track",
        "Complete",
        "Not started",
        "3",
        "Q3 2026",
        "Ongoing",
        "March 2027",
        "31/03/2027",
        "03/04/2027",
        "Priority 1: Neglect",
        "P1 A2",
        "1.a",
        "Apols",
        "MA",
        "Police",
        "19 May 2016",
        "Chair",
        "✓",
        "X",
        "Ap",
        "12 May 2016",
        "May 2016",
    ]
    value = st.one_of(cell, st.sampled_from(words))
    head = st.lists(
        st.one_of(st.sampled_from(_mapping_headings(kind)), st.text(max_size=12), st.dates()),
        min_size=1,
        max_size=8,
    )
    return head.flatmap(
        lambda h: st.tuples(
            st.just(h), st.lists(st.lists(value, max_size=len(h) + 1), min_size=0, max_size=5)
        )
    )


def _mapping_options(kind: str, world: Any) -> dict[str, Any]:
    """The questions the columns page asks beside the columns, by importer."""
    if kind == "seats":
        return {"order": "day-first", "role": "agency-representative", "group": world.group.slug}
    if kind == "attendance":
        return {"order": "day-first", "group": world.group.slug}
    return {
        "order": "day-first",
        "plan": world.plan.slug,
        "quarters": "financial",
        "as_at": "2016-05-19",
    }


@pytest.mark.parametrize("kind", ["action-tracker", "seats", "attendance"])
def test_a_mapping_import_reads_any_file_or_says_why_and_a_refusal_saves_nothing(
    kind, world, users
):
    """Whatever a board's own file holds, mapped as Assure suggests: reading
    it, previewing it and confirming it either saves what the preview
    showed or names a problem and saves nothing; it never fails."""
    from django.conf import settings as django_settings

    from board import importing
    from core import spreadsheets as sheets

    manager = users["manager"]
    before = fingerprint()
    files = st.one_of(
        _mapping_table(kind).map(lambda t: ("file.csv", as_csv(t))),
        _mapping_table(kind).map(lambda t: ("file.xlsx", as_xlsx(t))),
        st.binary(max_size=600).map(lambda b: ("file.xlsx", b)),
    )

    # Fewer examples than the profile's: each walks a whole import (CI time).
    @settings(per_function_world, max_examples=12)
    @given(upload=files)
    def read(upload: tuple[str, bytes]) -> None:
        name, content = upload
        with transaction.atomic():
            try:
                book = sheets.read_book(
                    name,
                    content,
                    max_rows=django_settings.ASSURE_IMPORT_MAX_ROWS,
                    max_unpacked_bytes=django_settings.ASSURE_IMPORT_MAX_UNPACKED_BYTES,
                )
            except sheets.SpreadsheetError:
                book = None
            if book is not None:
                options = _mapping_options(kind, world)
                importer = importing.REGISTRY[kind](world.board, options)
                pending = importing.Pending(kind=kind, board=world.board.pk, name=name, sheets=book)
                importing.start_mapping(importer, pending, None)
                pending.options = options
                importing.suggest_words(importer, pending, pending.table(), None)
                preview = importing.run_preview(importer, pending)
                pending.digest = preview.digest
                if preview.valid:
                    importing.import_save(importer=importer, pending=pending, user=manager)
                else:
                    with pytest.raises(importing.PreviewChanged):
                        importing.import_save(importer=importer, pending=pending, user=manager)
                    assert fingerprint() == before
            transaction.set_rollback(True)
        assert fingerprint() == before

    read()
