"""Walking a mapping import through its pages as a business manager does:
upload, layout, columns, words, preview, confirm. Each step posts what a
person would choose on the page (Assure's suggestions, and the choices a
test makes on top of them)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from board import importing
from core import mapping as m


class ImportWalk:
    def __init__(self, client: Any, board: Any, kind: str) -> None:
        self.client = client
        self.board = board
        self.kind = kind

    def url(self, step: str) -> str:
        return reverse(f"board:import_{step}", kwargs={"board": self.board.slug, "kind": self.kind})

    def pending(self) -> importing.Pending:
        found = importing.pending_of(self.client.session, kind=self.kind, board=self.board)
        assert found is not None, "no import under way"
        return found

    def importer(self) -> importing.Importer:
        return importing.REGISTRY[self.kind](self.board, self.pending().options)

    def upload(self, name: str, content: bytes) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(self.url("upload"), {"file": SimpleUploadedFile(name, content)})

    def layout(
        self, *, sheet: int | None = None, header_row: int | None = None, merged: str = ""
    ) -> Any:
        pending = self.pending()
        return self.client.post(
            self.url("layout"),
            {
                "sheet": pending.layout.sheet if sheet is None else sheet,
                "header_row": pending.layout.header_row if header_row is None else header_row,
                "merged": merged,
            },
        )

    def columns(self, by_heading: dict[str, str] | None = None, **options: Any) -> Any:
        """Post the columns page: Assure's suggestions, with `by_heading`
        (heading -> field, or "ignore") on top; columns nobody chose are
        ignored. `options` are the importer's own questions."""
        pending = self.pending()
        table = pending.table()
        chosen = dict(pending.mapping.columns)
        for column, heading in enumerate(table.header):
            if by_heading and heading in by_heading:
                chosen[column] = by_heading[heading]
        data: dict[str, Any] = {}
        for column in range(table.width):
            has_values = table.heading(column) or any(
                m.text_of(table.value(values, column)) for _, values in table.rows
            )
            if has_values:
                data[f"column_{column}"] = chosen.get(column, m.IGNORE)
        for name, value in options.items():
            data[name] = value
        return self.client.post(self.url("columns"), data)

    def words(self, by_word: dict[str, dict[str, str]] | None = None) -> Any:
        """Post the words page: the suggestions, with `by_word` (field ->
        word as written -> value, "" to leave it unmapped) on top."""
        pending = self.pending()
        importer = self.importer()
        table = pending.table()
        data: dict[str, Any] = {}
        for f in importer.fields:
            if not f.has_words or not pending.mapping.columns_of(f.name):
                continue
            words = importing.words_for(importer, table, pending.mapping, f)
            chosen = pending.mapping.words.get(f.name, {})
            for n, word in enumerate(words):
                value = chosen.get(word.key, "")
                if by_word and f.name in by_word and word.text in by_word[f.name]:
                    value = by_word[f.name][word.text]
                data[f"word_{f.name}_{n}"] = value
        return self.client.post(self.url("words"), data)

    def preview(self) -> Any:
        return self.client.get(self.url("preview"))

    def confirm(self) -> Any:
        return self.client.post(self.url("confirm"), {"token": self.pending().token})


def problems_of(response: Any) -> list[str]:
    """The problems a preview page names, as their text."""
    from tests.html import table_rows  # noqa: F401  (kept beside the table reader)

    preview = response.context["preview"]
    return [str(problem) for problem in preview.all_problems]
