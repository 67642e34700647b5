"""Mutation testing of Assure's business rules: do the tests notice when the
code is wrong?

Each target module is parsed with `ast`; every mutation point (a comparison
flipped, `and` for `or`, a constant nudged, a `not` dropped, a return value
replaced by None, a statement removed, an ordering reversed ...) becomes one
mutant. Each mutant is written over the module in a private copy of the
repository (the working tree is never touched) and the module's tests run
against it with `pytest -x`. A mutant the tests fail on is killed; one they
pass on survived, and is printed with its line so a test can be written that
kills it, or so it can be shown to be equivalent (unable to change behaviour).

Unlike mutmut 3, this mutates decorated functions too: Assure's services are
all `@transaction.atomic`. The decorators themselves, imports, docstrings,
annotations and f-strings (the wording of messages) are left alone, as is any
line ending in `# pragma: no mutate`.

To be quick enough to use: the tests run on SQLite, on a database migrated
once per run of this script and copied afresh for each mutant; a first run
without mutants records which tests reach which lines, so each mutant runs
only the tests that reach it, quickest first; and each run is a fork of this
process, which has already imported the libraries (not Assure's code). Tests
that fail without any mutant are reported and left out. A mutant no test
reaches survives without a run, marked so.

    .venv/bin/python scripts/mutate.py                       # every target
    .venv/bin/python scripts/mutate.py --module board/selectors.py
    .venv/bin/python scripts/mutate.py --module priorities/services.py \\
        --tests tests/priorities/test_services.py --limit 20

It runs outside CI: a module of a hundred mutants takes a quarter of an hour
on two busy cores. Exit status 0 when every module reaches --threshold (90%
killed by default; a timeout counts as killed).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Each target and the tests that should notice a change in it, fastest first
#: (pytest -x stops at the first failure, so a cheap test that fails saves time).
TARGETS: dict[str, list[str]] = {
    "board/services.py": [
        "tests/board/test_services.py",
        "tests/board/test_maintenance.py",
        "tests/board/test_views.py",
        "tests/reviews/test_read_record_pages.py",
    ],
    "board/selectors.py": [
        "tests/board/test_selectors.py",
        "tests/board/test_services.py",
        "tests/board/test_maintenance.py",
        "tests/board/test_views.py",
        "tests/board/test_seed_figures.py",
    ],
    "board/rules.py": [
        "tests/board/test_rules.py",
        "tests/test_permissions.py",
    ],
    "priorities/services.py": [
        "tests/priorities/test_rules.py",
        "tests/priorities/test_services.py",
        "tests/priorities/test_plan_services.py",
        "tests/priorities/test_views.py",
        "tests/priorities/test_import.py",
        "tests/priorities/test_plan_pages.py",
    ],
    "priorities/periods.py": [
        "tests/priorities/test_plan_services.py",
        "tests/priorities/test_periods.py",
    ],
    "priorities/selectors.py": [
        "tests/priorities/test_selectors.py",
        "tests/priorities/test_rules.py",
        "tests/priorities/test_services.py",
        "tests/priorities/test_views.py",
        "tests/priorities/test_plan_pages.py",
        "tests/priorities/test_seed_plans.py",
    ],
    "indicators/services.py": [
        "tests/indicators/test_indicators.py",
        "tests/indicators/test_importer.py",
        "tests/reports/test_scorecard.py",
    ],
    "indicators/selectors.py": [
        "tests/indicators/test_indicators.py",
        "tests/reports/test_scorecard.py",
        "tests/reports/test_dashboard_loaded.py",
        "tests/reports/test_scorecard_seeds.py",
    ],
    "priorities/dashboard_selectors.py": [
        "tests/reports/test_dashboard_rules.py",
        "tests/reports/test_dashboard.py",
    ],
    "reviews/clock.py": [
        "tests/reviews/test_clock.py",
        "tests/reviews/test_services.py",
    ],
    "reviews/services.py": [
        "tests/reviews/test_services_edges.py",
        "tests/reviews/test_services.py",
        "tests/reviews/test_views.py",
        "tests/reviews/test_admin.py",
    ],
    "reviews/selectors.py": [
        "tests/reviews/test_selectors.py",
        "tests/reviews/test_views.py",
        "tests/reviews/test_seed_reviews.py",
    ],
    "reviews/read_records.py": [
        "tests/reviews/test_read_record_pruning.py",
        "tests/reviews/test_read_records.py",
        "tests/reviews/test_read_record_pages.py",
    ],
    "audits/services.py": [
        "tests/audits/test_services_edges.py",
        "tests/audits/test_services.py",
        "tests/audits/test_views.py",
    ],
    "audits/selectors.py": [
        "tests/audits/test_selectors.py",
        "tests/audits/test_views.py",
        "tests/audits/test_seed_figures.py",
    ],
    "training/services.py": [
        "tests/training/test_course_rules.py",
        "tests/training/test_services.py",
        "tests/training/test_stated_figures.py",
        "tests/training/test_models.py",
        "tests/training/test_import.py",
        "tests/training/test_impact.py",
    ],
    "training/selectors.py": [
        "tests/training/test_selectors.py",
        "tests/training/test_stated_figures.py",
        "tests/training/test_views.py",
        "tests/training/test_seed_figures.py",
    ],
    "reports/services.py": [
        "tests/reports/test_annual_services.py",
        "tests/reports/test_annual_pages.py",
    ],
    "reports/checklist.py": [
        "tests/reports/test_checklist.py",
        "tests/reports/test_annual_sections.py",
        "tests/reports/test_annual_services.py",
        "tests/reports/test_annual_pages.py",
    ],
}

#: Left out of the private copy: large, or written by tools.
IGNORED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "staticfiles",
    "*.sqlite3*",
)

COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
}
SYMBOLS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.And: "and",
    ast.Or: "or",
}


@dataclass(frozen=True)
class Mutant:
    module: str
    number: int  # the n-th mutation point of the module, in walk order
    line: int
    description: str
    end_line: int = 0
    in_function: bool = True  # False: runs at import, so every test may notice it
    #: First line of the innermost statement holding the point: a constant on a
    #: continuation line has no line event of its own, its statement's first does.
    statement_line: int = 0


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed, survived, timeout
    seconds: float
    note: str = ""


# --- finding mutation points ---------------------------------------------------


class _Points:
    """Walks a module and yields (node, kind, description) for every point,
    in a fixed order, so the n-th point of a fresh parse is the same node."""

    def __init__(self, tree: ast.Module, source_lines: list[str]) -> None:
        self.tree = tree
        self.lines = source_lines
        self.skip: set[int] = set()  # ids of nodes never to mutate (docstrings, annotations)
        self.in_function: set[int] = set()  # ids of statements inside function bodies
        self.in_order_by: set[int] = set()  # ids of string arguments of .order_by()
        self.in_body: set[int] = set()  # ids of every node inside a function body
        self._mark()

    def _mark(self) -> None:
        for node in ast.walk(self.tree):
            self._skip_docstring(node)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self._mark_function(node)
            for part in _never_mutated(node):
                self._skip_tree(part)
            if _call_name(node) == "order_by" and isinstance(node, ast.Call):
                self.in_order_by.update(id(arg) for arg in node.args)

    def _skip_docstring(self, node: ast.AST) -> None:
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            self._skip_tree(body[0])

    def _mark_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        args = node.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        for part in [*node.decorator_list, node.returns, *(a and a.annotation for a in every)]:
            if part is not None:
                self._skip_tree(part)
        for statement in ast.walk(node):
            if isinstance(statement, ast.stmt) and statement is not node:
                self.in_function.add(id(statement))
        for statement in node.body:
            self.in_body.update(id(child) for child in ast.walk(statement))

    def _skip_tree(self, node: ast.AST) -> None:
        for child in ast.walk(node):
            self.skip.add(id(child))

    def _pragma(self, node: ast.AST) -> bool:
        line = getattr(node, "lineno", None)
        return line is not None and self.lines[line - 1].rstrip().endswith("# pragma: no mutate")

    def __iter__(self) -> Iterator[tuple[ast.AST, str, str]]:
        for node in _ordered_walk(self.tree):
            if id(node) in self.skip or self._pragma(node):
                continue
            yield from self._node_points(node)

    def _node_points(self, node: ast.AST) -> Iterator[tuple[ast.AST, str, str]]:
        if isinstance(node, ast.Constant):
            yield from self._constant_points(node)
        else:
            yield from _operator_points(node)
        if (
            isinstance(node, ast.stmt)
            and id(node) in self.in_function
            and not isinstance(
                node,
                ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Return | ast.Pass,
            )
            and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        ):
            yield node, "delete", f"statement removed: {_first_line(node)}"

    def _constant_points(self, node: ast.Constant) -> Iterator[tuple[ast.AST, str, str]]:
        value = node.value
        if isinstance(value, bool):
            yield node, "const", f"{value} -> {not value}"
        elif isinstance(value, int):
            yield node, "const", f"{value} -> {value + 1}"
        elif isinstance(value, str) and value:
            if id(node) in self.in_order_by:
                flipped = value[1:] if value.startswith("-") else f"-{value}"
                yield node, "order", f"order_by {value!r} -> {flipped!r}"
            elif (
                value.startswith("-") and len(value) > 1 and (value[1].isalpha() or value[1] == "_")
            ):
                yield node, "order", f"{value!r} -> {value[1:]!r}"
            else:
                yield node, "const", f"{value!r} -> ''"


def _operator_points(node: ast.AST) -> Iterator[tuple[ast.AST, str, str]]:
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARE_SWAPS:
                swap = COMPARE_SWAPS[type(op)]
                yield node, f"compare:{i}", f"{SYMBOLS[type(op)]} -> {SYMBOLS[swap]}"
    elif isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        yield node, "boolop", f"{SYMBOLS[type(node.op)]} -> {SYMBOLS[other]}"
    elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS:
        swap = BINOP_SWAPS[type(node.op)]
        yield node, "binop", f"{SYMBOLS[type(node.op)]} -> {SYMBOLS[swap]}"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.Invert):
        yield node, "unary", f"{'not' if isinstance(node.op, ast.Not) else '~'} removed"
    elif isinstance(node, ast.Return) and node.value is not None:
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            yield node, "return-none", "return value -> None"
    else:
        yield from _collection_points(node)


def _collection_points(node: ast.AST) -> Iterator[tuple[ast.AST, str, str]]:
    """Each plain element of a set, tuple or list literal left out in turn."""
    if (
        isinstance(node, ast.Set | ast.Tuple | ast.List)
        and len(node.elts) >= 2
        and not isinstance(getattr(node, "ctx", None), ast.Store)
    ):
        for i, elt in enumerate(node.elts):
            if isinstance(elt, ast.Constant | ast.Name | ast.Attribute):
                yield node, f"drop:{i}", f"element {ast.unparse(elt)} removed"


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


#: Subscripts that are types, not indexing: `QuerySet[Action]`, `dict[str, int]`.
GENERIC_TYPES = {"QuerySet", "dict", "list", "tuple", "set", "type"}


def _never_mutated(node: ast.AST) -> list[ast.AST]:
    """Parts of a node that describe the code rather than run it: decorators
    of classes, annotations, imports, `__all__`, casts and generic types, and
    f-strings (the words of messages; changing them tests wording, not rules)."""
    if isinstance(node, ast.ClassDef):
        return list(node.decorator_list)
    if isinstance(node, ast.AnnAssign):
        return [node.annotation]
    if isinstance(node, ast.Import | ast.ImportFrom | ast.JoinedStr):
        return [node]
    if isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
    ):
        return [node]
    if isinstance(node, ast.Call) and _call_name(node) in {"cast", "TypeVar"}:
        return [node]
    if isinstance(node, ast.Subscript) and _call_name(node.value) in GENERIC_TYPES:
        return [node]
    return []


def _first_line(node: ast.AST) -> str:
    text = ast.unparse(node).splitlines()[0]
    return text if len(text) <= 60 else text[:57] + "..."


def _ordered_walk(node: ast.AST) -> Iterator[ast.AST]:
    """Depth-first, in source order (ast.walk is breadth-first)."""
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _ordered_walk(child)


def mutants_of(module: str, source: str) -> list[Mutant]:
    tree = ast.parse(source)
    points = _Points(tree, source.splitlines())
    statement_of: dict[int, int] = {}
    for statement in ast.walk(tree):  # breadth-first: inner statements come later and win
        if isinstance(statement, ast.stmt):
            statement_of.update((id(child), statement.lineno) for child in ast.walk(statement))
    return [
        Mutant(
            module,
            number,
            getattr(node, "lineno", 0),
            description,
            getattr(node, "end_lineno", None) or getattr(node, "lineno", 0),
            id(node) in points.in_body,
            statement_of.get(id(node), 0),
        )
        for number, (node, _kind, description) in enumerate(points)
    ]


def mutated_source(source: str, number: int) -> str:
    """The module's source with its n-th mutation point applied."""
    tree = ast.parse(source)
    for n, (node, kind, _description) in enumerate(_Points(tree, source.splitlines())):
        if n == number:
            _apply(tree, node, kind)
            return ast.unparse(ast.fix_missing_locations(tree))
    raise IndexError(number)


def _apply(tree: ast.Module, node: ast.AST, kind: str) -> None:
    name, _, index = kind.partition(":")
    if name == "compare" and isinstance(node, ast.Compare):
        node.ops[int(index)] = COMPARE_SWAPS[type(node.ops[int(index)])]()
    elif name == "boolop" and isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif name == "binop" and isinstance(node, ast.BinOp):
        node.op = BINOP_SWAPS[type(node.op)]()
    elif name in ("const", "order") and isinstance(node, ast.Constant):
        node.value = _changed_constant(node.value, name)
    elif name == "return-none" and isinstance(node, ast.Return):
        node.value = ast.Constant(value=None)
    elif name == "drop" and isinstance(node, ast.Set | ast.Tuple | ast.List):
        del node.elts[int(index)]
    elif name in ("unary", "delete"):
        _replace(tree, node, name)
    else:  # pragma: no cover
        raise ValueError(kind)


def _changed_constant(value: object, name: str) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    assert isinstance(value, str)
    if name == "order":
        return value[1:] if value.startswith("-") else f"-{value}"
    return ""


def _replace(tree: ast.Module, target: ast.AST, kind: str) -> None:
    """Swap a node for another in its parent: `not x` for `x`, a statement for `pass`."""
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is target:
                        value[i] = _replacement(target, kind)
                        return
            elif value is target:
                setattr(parent, name, _replacement(target, kind))
                return
    raise LookupError("node not found")


def _replacement(node: ast.AST, kind: str) -> ast.AST:
    if kind == "unary":
        assert isinstance(node, ast.UnaryOp)
        return copy.deepcopy(node.operand)
    return ast.Pass()


# --- running ---------------------------------------------------------------------


#: Appended to the copy's tests/conftest.py: the copy's database is migrated
#: once, before any mutant (no target module is used by a migration), and each
#: run starts from a fresh copy of it, which saves most of a run's time.
REUSE_DATABASE = """

# Added by scripts/mutate.py in its private copy of the repository.
@pytest.fixture(scope="session")
def django_db_setup():
    \"\"\"The database was migrated once for every mutant; use it as it is.\"\"\"


import json as _json
import os as _os
import sys as _sys

_COVER = _os.environ.get("ASSURE_MUTATE_COVER")
if _COVER:
    # Which tests run which lines of the target module, so that each mutant
    # runs only the tests that reach it. sys.monitoring reports each line
    # once per test (DISABLE, then restart_events at the next test).
    _target, _out = _COVER.split(_os.pathsep)
    _ran: dict = {}
    _took: dict = {}
    _current = [""]
    _is_target: dict = {}
    _mon = _sys.monitoring
    _mon.use_tool_id(_mon.COVERAGE_ID, "assure-mutate")

    def _line(code, line):
        name = code.co_filename
        if name not in _is_target:
            _is_target[name] = _os.path.realpath(name) == _target
        if _is_target[name]:
            _ran.setdefault(line, []).append(_current[0])
        return _mon.DISABLE

    _mon.register_callback(_mon.COVERAGE_ID, _mon.events.LINE, _line)
    _mon.set_events(_mon.COVERAGE_ID, _mon.events.LINE)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        _current[0] = item.nodeid
        _mon.restart_events()
        return (yield)

    def pytest_runtest_logreport(report):
        _took[report.nodeid] = _took.get(report.nodeid, 0.0) + report.duration

    def pytest_sessionfinish(session):
        with open(_out, "w") as file:
            _json.dump({"lines": _ran, "seconds": _took}, file)
"""


def _pytest(
    workdir: Path,
    tests: list[str],
    timeout: float,
    *,
    first_failure: bool = True,
    cover: str | None = None,
) -> tuple[str, float, str]:
    """Run the tests; (killed, survived or timeout; seconds; pytest's output)."""
    database = workdir / "mutate-run.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(workdir / "mutate-template.sqlite3", database)
    env = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    env.pop("PYTEST_ADDOPTS", None)
    if cover is not None:
        coverage = workdir / "mutate-coverage.json"
        env["ASSURE_MUTATE_COVER"] = f"{(workdir / cover).resolve()}{os.pathsep}{coverage}"
    command = [
        str(ROOT / ".venv" / "bin" / "python"),
        "-m",
        "pytest",
        *(["-x"] if first_failure else ["-rf"]),
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "-m",
        "not browser",
        "-o",
        "addopts=",
        *tests,
    ]
    started = time.monotonic()
    if FORK:
        code, output = _forked(command[3:], workdir, env, timeout)
    else:
        try:
            result = subprocess.run(
                command,
                cwd=workdir,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            code, output = None, ""
        else:
            code, output = result.returncode, result.stdout
    elapsed = time.monotonic() - started
    if code is None:
        return "timeout", elapsed, output
    return ("survived" if code == 0 else "killed"), elapsed, output


#: Libraries every run imports, loaded once here so each run forks from a
#: process that has them (none is Assure's own code, which each run must
#: import afresh, mutated). Starting Python and importing these is most of
#: a short run's time.
PRELOAD = (
    "pytest",
    "pytest_django",
    "xdist",
    "hypothesis",
    "factory",
    "django",
    "django.db.models",
    "django.forms",
    "django.test",
    "django.template",
    "django.urls",
    "openpyxl",
    "tablib",
    "holidays",
    "segno",
    "psycopg",
    "playwright.sync_api",
    "pytest_playwright",
)
FORK = hasattr(os, "fork") and os.environ.get("ASSURE_MUTATE_FORK", "1") == "1"


def _preload() -> None:
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:  # a library that needs settings is loaded by the run instead
            continue


def _forked(
    args: list[str], workdir: Path, env: dict[str, str], timeout: float
) -> tuple[int | None, str]:
    """Run pytest in a forked child of this process; (exit code or None on timeout, output)."""
    log = workdir / "mutate-run.log"
    pid = os.fork()
    if pid == 0:  # the child: become a pytest run in the copy, then leave
        code = 3
        try:
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.setpgid(0, 0)
            os.chdir(workdir)
            os.environ.clear()
            os.environ.update(env)
            sys.path.insert(0, str(workdir))
            sys.dont_write_bytecode = True
            import pytest

            code = int(pytest.main(args))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code: int | None = os.waitstatus_to_exitcode(status)
            break
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            code = None
            break
        time.sleep(0.1)
    return code, log.read_text(errors="replace") if log.exists() else ""


class Workspace:
    """A private copy of the repository to mutate in: the working tree as it
    is, or the files of a commit (while colleagues' edits are half done)."""

    def __init__(self, rev: str | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="assure-mutate-")) / "repo"
        if rev is None:
            shutil.copytree(ROOT, self.path, ignore=IGNORED, symlinks=True)
            return
        self.path.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", rev],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(self.path)], input=archive, check=True)
        built = ROOT / "static" / "dist"
        if built.is_dir() and not (self.path / "static" / "dist").exists():
            shutil.copytree(built, self.path / "static" / "dist")

    def migrate(self) -> None:
        """Build the database every run starts from, from the unmutated code."""
        conftest = self.path / "tests" / "conftest.py"
        conftest.write_text(conftest.read_text() + REUSE_DATABASE)
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "migrate", "--no-input", "-v0"],
            cwd=self.path,
            env={
                **os.environ,
                "PYTHONDONTWRITEBYTECODE": "1",
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "DATABASE_URL": f"sqlite:///{self.path / 'mutate-template.sqlite3'}",
            },
            check=True,
        )

    def run(self, mutant: Mutant, source: str, tests: list[str], timeout: float) -> Outcome:
        target = self.path / mutant.module
        try:
            target.write_text(mutated_source(source, mutant.number))
            status, seconds, _ = _pytest(self.path, tests, timeout)
        finally:
            target.write_text(source)
        return Outcome(mutant, status, seconds)

    def remove(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


def _coverage(path: Path) -> dict[int, list[str]]:
    """Line of the target -> the tests that ran it, quickest first (pytest -x
    stops at the first failure, so a quick test that fails saves the rest)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    seconds = data["seconds"]
    return {
        int(line): sorted(set(tests), key=lambda t: (seconds.get(t, 0.0), t))
        for line, tests in data["lines"].items()
    }


def _tests_for(mutant: Mutant, coverage: dict[int, list[str]], tests: list[str]) -> list[str]:
    """The tests that run the mutated lines; all of them for code run at import."""
    if not mutant.in_function or not coverage:
        return tests
    chosen: set[str] = set()
    rank: dict[str, int] = {}
    lines = [*range(mutant.line, max(mutant.line, mutant.end_line) + 1), mutant.statement_line]
    for line in lines:
        for i, nodeid in enumerate(coverage.get(line, [])):
            if nodeid:
                chosen.add(nodeid)
                rank[nodeid] = min(rank.get(nodeid, i), i)
    return sorted(chosen, key=lambda t: (rank[t], t))


def _baseline(workdir: Path, module: str, tests: list[str]) -> tuple[list[str], float] | None:
    """Run the tests once without a mutant, recording which tests reach which
    lines; tests that fail already say nothing about mutants and are left out.
    The tests to run and the time they took, or None when they cannot run."""
    status, seconds, output = _pytest(workdir, tests, 900, first_failure=False, cover=module)
    if status == "survived":
        return tests, seconds
    failing = [line.split()[1] for line in output.splitlines() if line.startswith("FAILED ")]
    if not failing:
        print("  the tests cannot run:\n" + "\n".join(output.splitlines()[-15:]))
        return None
    print("  these fail without any mutant and are left out:")
    for nodeid in failing:
        print(f"    {nodeid}")
    tests = [*tests, *(f"--deselect={nodeid}" for nodeid in failing)]
    status, seconds, output = _pytest(workdir, tests, 900, cover=module)
    if status != "survived":
        print("  the tests still fail:\n" + "\n".join(output.splitlines()[-15:]))
        return None
    return tests, seconds


def run_module(
    module: str,
    tests: list[str],
    limit: int | None,
    jobs: int,
    only: set[int] | None,
    rev: str | None = None,
) -> list[Outcome]:
    spaces = [Workspace(rev) for _ in range(max(1, jobs))]
    source = (spaces[0].path / module).read_text()
    mutants = mutants_of(module, source)
    if only is not None:
        mutants = [m for m in mutants if m.number in only]
    if limit is not None:
        mutants = mutants[:limit]
    tests = [t for t in tests if (spaces[0].path / t).exists()]
    print(f"\n{module}: {len(mutants)} mutants, tests: {' '.join(tests)}", flush=True)
    try:
        for space in spaces:
            space.migrate()
        checked = _baseline(spaces[0].path, module, tests)
        if checked is None:
            return []
        tests, baseline = checked
        coverage = _coverage(spaces[0].path / "mutate-coverage.json")
        timeout = baseline * 3 + 15
        print(
            f"  unmutated run: {baseline:.0f}s, reaching {len(coverage)} lines of the module; "
            f"timeout per mutant {timeout:.0f}s",
            flush=True,
        )
        free = list(spaces)
        outcomes: list[Outcome] = []

        def one(mutant: Mutant) -> Outcome:
            chosen = _tests_for(mutant, coverage, tests)
            if not chosen:
                return Outcome(mutant, "survived", 0.0, "no test reaches this line")
            space = free.pop()
            try:
                return space.run(mutant, source, chosen, timeout)
            finally:
                free.append(space)

        with ThreadPoolExecutor(max_workers=len(spaces)) as pool:
            # One job runs in this thread, so Ctrl-C stops the run at once.
            results = map(one, mutants) if len(spaces) == 1 else pool.map(one, mutants)
            for outcome in results:
                outcomes.append(outcome)
                m = outcome.mutant
                mark = {"killed": ".", "survived": "S", "timeout": "T"}[outcome.status]
                print(
                    f"  {mark} #{m.number:<3} line {m.line:<4} {m.description}"
                    f"  ({outcome.note or f'{outcome.seconds:.0f}s'})",
                    flush=True,
                )
        return outcomes
    finally:
        for space in spaces:
            space.remove()


def summary(module: str, outcomes: list[Outcome]) -> float:
    counts = {
        s: sum(1 for o in outcomes if o.status == s) for s in ("killed", "survived", "timeout")
    }
    total = len(outcomes)
    # A timeout is a mutant the tests noticed (it hung them), so it counts as killed.
    score = (counts["killed"] + counts["timeout"]) / total * 100 if total else 100.0
    print(
        f"{module}: {total} mutants, {counts['killed']} killed, {counts['survived']} survived, "
        f"{counts['timeout']} timed out: {score:.1f}% killed"
    )
    for outcome in outcomes:
        if outcome.status == "survived":
            m = outcome.mutant
            note = f" ({outcome.note})" if outcome.note else ""
            print(f"    survived #{m.number} {module}:{m.line}: {m.description}{note}")
    return score


def main(argv: list[str] | None = None) -> int:
    # Stopped with kill: unwind as for Ctrl-C, so the private copies are removed.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if FORK:
        _preload()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--module",
        action="append",
        help="a target module, such as board/selectors.py (repeatable; default: all targets)",
    )
    parser.add_argument(
        "--tests", nargs="+", help="test files to run for the module(s) instead of the mapped ones"
    )
    parser.add_argument("--limit", type=int, help="only the first N mutants of each module")
    parser.add_argument(
        "--mutant", type=int, action="append", help="only the mutant with this number (repeatable)"
    )
    parser.add_argument(
        "--rev",
        help="mutate the files of this commit (such as HEAD) instead of the working tree",
    )
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument(
        "--list", action="store_true", help="list the mutants without running anything"
    )
    parser.add_argument(
        "--threshold", type=float, default=90.0, help="percentage killed a module must reach"
    )
    args = parser.parse_args(argv)
    modules = args.module or list(TARGETS)
    for module in modules:
        if not (ROOT / module).is_file():
            parser.error(f"no such module: {module}")
    if args.list:
        for module in modules:
            for m in mutants_of(module, (ROOT / module).read_text()):
                print(f"{module}:{m.line}: #{m.number} {m.description}")
        return 0
    results = {}
    only = set(args.mutant) if args.mutant else None
    for module in modules:
        tests = args.tests or TARGETS.get(module) or parser.error(f"no tests mapped for {module}")
        results[module] = run_module(module, tests, args.limit, args.jobs, only, args.rev)
    print("\nSummary")
    scores = [summary(module, outcomes) for module, outcomes in results.items()]
    return 0 if all(score >= args.threshold for score in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
