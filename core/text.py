"""One rule for the text people write, whichever way it reaches Assure.

A browser sends a textarea's line breaks as CRLF; a spreadsheet cell may hold
a lone CR; a paste from a PDF or a word processor leaves spaces and tabs at
the ends of lines. None of these is something a person can see or meant to
change, so every text field is stored in one form, and two texts that differ
only in these ways are the same text: an edit of one field records one change,
and the past-reports loader does not mistake a round trip for an edit.

- A one-line field (a CharField): the surrounding spaces go, as the pages'
  forms already trim them, and a line break with the spaces around it becomes
  one space. A browser's one-line input cannot hold a line break (it drops it,
  joining the words), so one kept from an import would be lost, silently, the
  next time anyone saved the record in a page.
- A multi-line field (a TextField): every line break is LF, the spaces and
  tabs at the end of each line go, and so do blank lines and spaces before the
  first line and after the last (the forms trim those already too).
- Markdown narrative (a report's sections): the same, except that two or more
  spaces at the end of a line that the parser reads as a hard line break
  become CommonMark's other spelling of it, a backslash at the end of the
  line. The page reads exactly as before, the break is now visible in the
  text box, and it cannot vanish when an editor or a paste trims the line.
  Spaces that were not a break (before a blank line, a list item, a heading,
  inside code) simply go.

`core.models.CleanTextModel` applies this to every CharField and TextField
of a model each time the model is validated (`full_clean`, which services,
forms, the admin and the fixture loader run) and saved.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.db import IntegrityError, models, transaction
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

#: The Markdown Assure renders narrative with (reports.narrative renders with
#: it too), so that the rule keeping hard line breaks reads the text the way
#: the report page does.
MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _split(text: str) -> list[str]:
    """The lines of `text`, whether they end in CRLF, CR or LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def one_line(text: str) -> str:
    """Text for a one-line field: surrounding spaces trimmed, a line break and
    the spaces around it one space."""
    parts = (line.strip(" \t") for line in _split(text))
    return " ".join(part for part in parts if part).strip()


def multi_line(text: str) -> str:
    """Text for a multi-line field: LF line endings, no spaces or tabs at the
    end of a line, nothing blank before the first line or after the last."""
    return "\n".join(line.rstrip(" \t") for line in _split(text)).strip()


def markdown(text: str) -> str:
    """Markdown as `multi_line` keeps it, with each hard line break spelt as a
    backslash, so the text renders as it did."""
    rows = "\n".join(_split(text)).strip().split("\n")
    if any(_may_break(row) for row in rows[:-1]):
        _spell_hard_breaks(rows)
    return "\n".join(row.rstrip(" \t") for row in rows).strip()


def _may_break(row: str) -> bool:
    """Whether dropping the row's trailing spaces could change how it reads:
    two spaces may be a hard break, and a backslash they follow would become
    one."""
    stripped = row.rstrip(" \t")
    return stripped != row and (row.endswith("  ") or stripped.endswith("\\"))


def _note_hard_break(state: StateInline, silent: bool) -> bool:
    """An inline rule that consumes nothing: where the parser is about to
    read a line end after two spaces (a hard break), note where."""
    if not silent and state.src[state.pos] == "\n" and state.pending.endswith("  "):
        state.env.setdefault("hard_breaks", []).append((id(state.src), state.pos))
    return False


#: MARKDOWN's reading, noting each hard break made of spaces.
_BREAK_FINDER = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_BREAK_FINDER.inline.ruler.before("newline", "note_hard_break", _note_hard_break)


def _spell_hard_breaks(rows: list[str]) -> None:
    """Drop each row's trailing spaces without changing how it reads: a row
    the parser reads as a hard line break ends with a backslash instead, and
    a backslash shown as itself before the spaces is paired so that it still
    is. One parse, so a long section costs little more than a short one:
    each break is found in its paragraph's text and counted back to its line."""
    env: dict[str, Any] = {}
    tokens = _BREAK_FINDER.parse("\n".join(rows), env)
    noted: dict[int, list[int]] = {}
    for text_id, position in env.get("hard_breaks", []):
        noted.setdefault(text_id, []).append(position)
    hard: set[int] = set()
    inline: set[int] = set()
    for token in tokens:
        if token.type == "inline" and token.map:
            inline.update(range(*token.map))
            hard.update(
                token.map[0] + token.content.count("\n", 0, position)
                for position in noted.get(id(token.content), [])
            )
    for i, row in enumerate(rows[:-1]):
        stripped = row.rstrip(" \t")
        unpaired = (len(stripped) - len(stripped.rstrip("\\"))) % 2
        if i in hard:
            # After * or _ a space stays: followed by a backslash they would
            # open emphasis, where followed by spaces they were shown as typed.
            space = " " if stripped.endswith(("*", "_")) else ""
            rows[i] = stripped + space + "\\" * (unpaired + 1)
        elif stripped != row and unpaired and i in inline:
            rows[i] = stripped + "\\"


def normalised(field: models.Field[Any, Any], value: Any, *, is_markdown: bool = False) -> Any:
    """`value` as `field` stores it: text by the rule for its kind of field;
    anything else (None, a number not yet read as text) unchanged."""
    if not isinstance(value, str):
        return value
    if isinstance(field, models.TextField):
        return markdown(value) if is_markdown else multi_line(value)
    if isinstance(field, models.CharField):
        return one_line(value)
    return value


def normalise_stored_text(
    apps: Any,
    app_label: str,
    *,
    markdown: Collection[str] = (),
    leave: Mapping[str, models.Q] | None = None,
    batch_size: int = 500,
) -> None:
    """For an app's data migration: bring the text already stored in every
    model of the app, its history included, into the form the rule gives it.

    Written with bulk updates, so no history record is added: the history
    keeps who changed what, and now compares like with like, so a person's
    save that only turned LF into CRLF no longer shows as a change.
    `markdown` names "model.field" pairs holding Markdown; `leave` maps a
    model's name to the rows to leave exactly as they are (what publication
    froze). A row that would clash with another on a unique field once
    trimmed is left as it is too, rather than stopping the migration."""
    leave = leave or {}
    for model in apps.get_app_config(app_label).get_models():
        name = model._meta.model_name
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.primary_key
        ]
        if not fields:
            continue
        rows = model._base_manager.only("pk", *(f.attname for f in fields)).order_by("pk")
        if name in leave:
            rows = rows.exclude(leave[name])
        changed = []
        for row in rows.iterator(chunk_size=batch_size):
            dirty = False
            for f in fields:
                value = getattr(row, f.attname)
                clean = normalised(f, value, is_markdown=f"{name}.{f.name}" in markdown)
                if clean != value:
                    setattr(row, f.attname, clean)
                    dirty = True
            if dirty:
                changed.append(row)
        _write(model, changed, [f.name for f in fields], batch_size)


def _write(model: Any, rows: list[Any], fields: list[str], batch_size: int) -> None:
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        try:
            with transaction.atomic():
                model._base_manager.bulk_update(batch, fields)
        except IntegrityError:
            for row in batch:
                try:
                    with transaction.atomic():
                        model._base_manager.bulk_update([row], fields)
                except IntegrityError:
                    continue
