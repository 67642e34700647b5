"""The national-volume and throughput benchmarks' own code, at a tiny volume:
the boards they fill, the pages they find, the queries they count, the plans
they read and the forms their clients post. (The figures themselves are
measured in bench/, never here.)"""

import pytest

from bench.national import board_pages, measure_pages, seq_scanned, signed_in_client
from bench.synthetic import generate
from bench.throughput import FormReader, percentile
from board.models import Agency, Board
from priorities.models import Action, Assessment

pytestmark = pytest.mark.django_db


def test_each_numbered_synthetic_board_is_a_partnership_of_its_own():
    first = generate(scale=1, number=1)
    second = generate(scale=1, number=2)
    assert first.slug == "synthetic-x1-001"
    assert second.name == "Synthetic Safeguarding Children Board x1-002 (synthetic data)"
    assert Board.objects.filter(slug__startswith="synthetic-x1-").count() == 2
    assert first.members.count() == second.members.count() > 0
    shared = Agency.objects.filter(members__board=first).filter(members__board=second)
    assert not shared.exists()
    # The same board again is left as it is, not filled twice.
    assert generate(scale=1, number=1).members.count() == first.members.count()


def test_the_national_benchmark_walks_the_boards_pages_and_counts_their_queries():
    board = generate(scale=1, number=1)
    pages = board_pages(board)
    for name in ("board:home", "reports:dashboard", "reports:scorecard", "priorities:actions"):
        assert pages[name][0].startswith(f"/boards/{board.slug}/")
    assert pages["priorities:plan"][0] == f"/boards/{board.slug}/plans/synthetic-plan/"
    assert "board:logo_image" in pages  # found, then left out as not a page
    chosen = {k: pages[k] for k in ("board:home", "reports:scorecard", "board:logo_image")}
    results, skipped = measure_pages(signed_in_client(board), chosen, runs=1, explain=True)
    assert set(results) == {"board:home", "reports:scorecard"}
    assert skipped == {"board:logo_image": "404 text/html"}
    for result in results.values():
        assert result["queries"] >= len(result["sql"]) > 0
        assert all(sql.lstrip().upper().startswith("SELECT") for sql, _ in result["sql"])
        assert result["median_ms"] > 0


def test_it_reads_the_tables_a_plan_scans_in_full():
    plan = """Nested Loop  (cost=0.29..120.50 rows=10 width=64)
  ->  Seq Scan on board_reportingyear  (cost=0.00..1.10 rows=1 width=8)
  ->  Index Scan using priorities_action_plan_id on priorities_action
  ->  Parallel Seq Scan on priorities_assessment  (cost=0.00..900.00 rows=41 width=40)"""
    assert seq_scanned(plan) == ["board_reportingyear", "priorities_assessment"]
    assert seq_scanned("Index Only Scan using board_board_slug_key on board_board") == []


def test_the_throughput_clients_fill_in_and_post_the_assessment_form_as_a_browser_does():
    board = generate(scale=1, number=1)
    client = signed_in_client(board)
    action = Action.objects.filter(plan__board=board).order_by("position").first()
    url = f"/boards/{board.slug}/plans/{action.plan.slug}/actions/{action.ref}/assess/"
    reader = FormReader(url)
    reader.feed(client.get(url).content.decode())
    assert reader.action == url  # the assessment's form, not the header's sign-out
    assert reader.fields["csrfmiddlewaretoken"]
    assert reader.fields["assessed_on_year"]  # today, as the form offers it
    fields = dict(reader.fields)
    fields.update({"process": "AMBER", "impact": "AMBER", "commentary": "Synthetic commentary."})
    before = Assessment.objects.filter(action=action).count()
    response = client.post(reader.action, fields)
    assert response.status_code == 302
    assert Assessment.objects.filter(action=action).count() == before + 1

    edit = f"/boards/{board.slug}/plans/{action.plan.slug}/actions/{action.ref}/edit/"
    reader = FormReader(edit)
    reader.feed(client.get(edit).content.decode())
    fields = dict(reader.fields, lead="Synthetic lead 7 (benchmark)")
    assert client.post(reader.action, fields).status_code == 302
    action.refresh_from_db()
    assert action.lead == "Synthetic lead 7 (benchmark)"
    assert action.description == "Synthetic action 0"  # the rest sent back as it was


def test_percentiles_are_read_from_the_sorted_latencies():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile([float(n) for n in range(1, 101)], 95) == 95.0
