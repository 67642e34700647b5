"""The audits pages' forms, filters and admin pages, with generated input:
never a server error, and a refusal changes nothing (the shared property
tests draw from every page of Assure; these draw from the audits pages only,
so each gets many examples)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from tests.test_permissions import MATRIX
from tests.test_properties import (
    Form,
    check,
    filter_fields,
    fingerprint,
    html_of,
    own_form,
    pages_and_values,
    posted_form,
    url_of,
)

FEWER = settings(
    max_examples=150,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def audits_pages(method: str) -> list[str]:
    return [
        name
        for name, rule in MATRIX.items()
        if name.startswith("audits:")
        and getattr(rule, method) is not None
        and getattr(rule, method)["manager"] in (200, 400)
    ]


def test_posting_anything_to_an_audits_form_never_fails(world, client_for):
    client = client_for("manager")
    forms = [posted_form(client, name, url_of(name, world)) for name in audits_pages("post")]
    assert len(forms) == 5, [f.action for f in forms]
    before = fingerprint()

    @FEWER
    @given(sent=pages_and_values(forms))
    def post(sent: tuple[Form, dict[str, Any]]) -> None:
        form, data = sent
        with transaction.atomic():
            check(client.post(form.action, data), form.action, before, data)
            transaction.set_rollback(True)

    post()


def test_any_query_on_an_audits_page_never_fails(world, client_for):
    client = client_for("manager")
    pages = [
        Form("get", url, filter_fields(client, url))
        for url in (url_of(name, world) for name in audits_pages("get"))
    ]
    before = fingerprint()

    @FEWER
    @given(sent=pages_and_values(pages))
    def get(sent: tuple[Form, dict[str, Any]]) -> None:
        page, query = sent
        with transaction.atomic():
            check(client.get(page.action, query), page.action, before, query)
            transaction.set_rollback(True)

    get()


def test_posting_anything_to_the_audits_admin_never_fails(world, client_for):
    for name in ("audits:finding_action", "audits:return", "audits:inspection"):
        rule = MATRIX.get(name)
        if rule is not None and rule.kwargs:
            rule.kwargs(world)
    client = client_for("admin")
    pages = []
    for model in admin.site._registry:
        if model._meta.app_label != "audits":
            continue
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_add".format(*info))]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        for url in urls:
            form = own_form(html_of(client.get(url)), url, "post")
            assert form is not None, url
            form.fields.pop("csrfmiddlewaretoken", None)
            pages.append(form)
    assert len(pages) >= 9
    before = fingerprint()

    @FEWER
    @given(sent=pages_and_values(pages))
    def post(sent: tuple[Form, dict[str, Any]]) -> None:
        form, data = sent
        with transaction.atomic():
            check(client.post(form.action, data), form.action, before, data)
            transaction.set_rollback(True)

    post()
