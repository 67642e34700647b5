"""The forms of the mapping import's pages: the file, its layout, what each
column holds and what each word means. The importer's own questions are
its options form (board.importing.Importer.options_form)."""

from __future__ import annotations

from typing import Any

from django import forms

from board.importing import Importer, field_choices
from core import mapping as m
from core.forms import GovukFormMixin
from core.spreadsheets import Sheet

FILL, LEAVE = "fill", "leave"


class UploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="A CSV or Excel (XLSX) file, in your own layout.",
        error_messages={"required": "Choose a CSV or XLSX file to import."},
    )


class LayoutForm(GovukFormMixin, forms.Form):
    """Which sheet, which row holds the headings, and what to do with
    merged cells below them."""

    sheet = forms.TypedChoiceField(
        label="Which sheet holds the rows to import?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the sheet to import."},
    )
    header_row = forms.IntegerField(
        label="Which row holds the column headings?",
        help_text="The row number your spreadsheet shows beside it. Rows above it (a title, "
        "notes) are left out.",
        min_value=1,
        max_value=10_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the number of the row that holds the headings."},
    )
    merged = forms.ChoiceField(
        label="What should Assure do with merged cells?",
        choices=[
            (FILL, "Fill each merged range with its value (as if every cell held it)"),
            (LEAVE, "Leave them merged: the preview names them and nothing can be saved"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, sheets: list[Sheet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sheets = sheets
        self.fields["sheet"].choices = [  # type: ignore[attr-defined]
            (i, f"{sheet.name} ({len(sheet.rows):,} row{'s' if len(sheet.rows) != 1 else ''})")
            for i, sheet in enumerate(sheets)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        index, row = data.get("sheet"), data.get("header_row")
        if index is None or row is None:
            return data
        sheet = self.sheets[index]
        if row not in {number for number, _ in sheet.rows}:
            self.add_error(
                "header_row", f"Row {row} of the sheet {sheet.name} is blank or past its end."
            )
        elif row == sheet.rows[-1][0]:
            self.add_error(
                "header_row",
                f"Row {row} is the last row of the sheet {sheet.name}: no rows are below it.",
            )
        return data


class ColumnsForm(GovukFormMixin, forms.Form):
    """A field (or ignore) for every column with a heading or a value."""

    def __init__(
        self, *args: Any, importer: Importer, table: m.Table, mapping: m.Mapping, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        choices = field_choices(importer)
        self.columns: list[tuple[int, str, list[str]]] = []
        for column in range(table.width):
            samples = []
            for _, values in table.rows:
                text = m.text_of(table.value(values, column))
                if text and text not in samples:
                    samples.append(text[:60])
                if len(samples) == 3:
                    break
            heading = table.heading(column)
            if not heading and not samples:
                continue
            letter = m.column_letter(column)
            name = f"column_{column}"
            self.fields[name] = forms.ChoiceField(
                label=f"Column {letter}: {heading or '(no heading)'}",
                choices=choices,
                initial=mapping.columns.get(column, ""),
                error_messages={
                    "required": f"Choose what column {letter} holds, or ignore it.",
                    "invalid_choice": f"Choose what column {letter} holds from the list.",
                },
            )
            self.columns.append((column, name, samples))

    def rows(self) -> list[tuple[str, list[str], forms.BoundField]]:
        return [(m.column_letter(c), samples, self[name]) for c, name, samples in self.columns]

    def mapped(self) -> dict[int, str]:
        return {column: self.cleaned_data[name] for column, name, _ in self.columns}


class WordsForm(GovukFormMixin, forms.Form):
    """A value for every word found in the choice columns."""

    def __init__(
        self,
        *args: Any,
        groups: list[tuple[m.Field, list[m.Word], list[tuple[str, str]]]],
        chosen: dict[str, dict[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[m.Field, list[tuple[m.Word, str]]]] = []
        for f, words, choices in groups:
            entries = []
            for n, word in enumerate(words):
                name = f"word_{f.name}_{n}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{word.text}",
                    choices=[
                        ("", "Not mapped yet"),
                        (m.BLANK, "Leave the cell blank"),
                        *choices,
                    ],
                    initial=chosen.get(f.name, {}).get(word.key, ""),
                    required=False,
                    error_messages={
                        "invalid_choice": f"Choose what {word.text!r} means from the list."
                    },
                )
                entries.append((word, name))
            self.groups.append((f, entries))

    def sections(self) -> list[tuple[m.Field, list[tuple[m.Word, forms.BoundField]]]]:
        return [(f, [(word, self[name]) for word, name in entries]) for f, entries in self.groups]

    def words(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for f, entries in self.groups:
            values = found.setdefault(f.name, {})
            for word, name in entries:
                if self.cleaned_data.get(name):
                    values[word.key] = self.cleaned_data[name]
        return found
