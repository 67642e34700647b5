"""Seats from the list a board already keeps: people, their positions and
agencies, their role, the groups they sit on and their dates, in the
board's own layout (board.importing).

A row is matched to a seat the board has by its agency, position and
person; a match is changed, anything else is a new seat. An agency Assure
does not know yet is either mapped to one it knows or, deliberately, added
as a new agency with its sector when the import is confirmed; a word left
unmapped is a problem. A person named on two rows, or a seat twice, is a
problem of both rows. Every seat is saved through board.services.member_save
(and a new agency through agency_save), so the import refuses what the
seat form refuses.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import CharField
from django.urls import reverse
from django.utils.text import slugify

from board import importing, services
from board.models import Agency, Group, Member, agency_name_key
from core import mapping as m
from core.forms import GovukFormMixin

#: The value of a word mapped to a new agency of a sector: "new:<sector>".
NEW_AGENCY = "new:"
#: Groups named in a groups column are added to a seat's groups, never taken away.
ROLE_WORDS = {
    "chair": Member.Role.INDEPENDENT_CHAIR,
    "independent chair": Member.Role.INDEPENDENT_CHAIR,
    "chairman": Member.Role.INDEPENDENT_CHAIR,
    "chairperson": Member.Role.INDEPENDENT_CHAIR,
    "scrutineer": Member.Role.INDEPENDENT_SCRUTINEER,
    "independent scrutineer": Member.Role.INDEPENDENT_SCRUTINEER,
    "business manager": Member.Role.BUSINESS_MANAGER,
    "board manager": Member.Role.BUSINESS_MANAGER,
    "lay member": Member.Role.LAY_MEMBER,
    "lay": Member.Role.LAY_MEMBER,
    "statutory partner": Member.Role.STATUTORY_PARTNER,
    "statutory": Member.Role.STATUTORY_PARTNER,
    "safeguarding partner": Member.Role.STATUTORY_PARTNER,
    "member": Member.Role.AGENCY_REPRESENTATIVE,
    "board member": Member.Role.AGENCY_REPRESENTATIVE,
    "representative": Member.Role.AGENCY_REPRESENTATIVE,
    "agency representative": Member.Role.AGENCY_REPRESENTATIVE,
    "partner": Member.Role.AGENCY_REPRESENTATIVE,
    "adviser": Member.Role.ADVISER,
    "advisor": Member.Role.ADVISER,
    "professional adviser": Member.Role.ADVISER,
    "legal adviser": Member.Role.ADVISER,
    "legal advisor": Member.Role.ADVISER,
    "in attendance": Member.Role.ADVISER,
}


def _limit(name: str) -> int:
    return cast(CharField, Member._meta.get_field(name)).max_length or 0


class SeatOptions(GovukFormMixin, forms.Form):
    order = forms.ChoiceField(
        label="How does the file write its dates?",
        choices=list(m.DATE_ORDERS.items()),
        initial=m.DAY_FIRST,
        widget=forms.RadioSelect,
    )
    role = forms.ChoiceField(
        label="Role of a seat whose row gives none",
        choices=Member.Role.choices,
        initial=Member.Role.AGENCY_REPRESENTATIVE,
        help_text="Used when no column is mapped to Role, or its cell is blank.",
    )
    group = forms.ChoiceField(
        label="A group every seat in the file sits on (optional)",
        required=False,
        help_text="Such as the board itself, when the file is its membership list.",
    )

    def __init__(self, *args: Any, board: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            ("", "None"),
            *((g.slug, g.name) for g in board.groups.order_by("kind", "name")),
        ]


@dataclass
class _Context:
    """The board's seats, agencies and groups, read once per preview."""

    seats: dict[tuple[str, str, str], Member]
    by_person: dict[str, list[Member]]
    agencies: dict[str, Agency]
    groups: dict[str, Group]
    #: The agencies by agency_name_key: a row mapped to a new agency with the
    #: name of one of these is pointed to it instead.
    agencies_by_name: dict[str, Agency]


def _seat_key(agency: str, position: str, person: str) -> tuple[str, str, str]:
    return (agency, " ".join(position.split()).casefold(), " ".join(person.split()).casefold())


@importing.register
class SeatImporter(importing.Importer):
    kind = "seats"
    noun = "a list of the board's members"
    title = "Import seats from a spreadsheet"
    section = "board:members"
    guidance = [
        "A row per seat: a person, their position, their agency, and optionally their role, "
        "the groups they sit on and their dates.",
        "A row whose agency, position and person match a seat the board has changes that seat; "
        "any other row is a new seat.",
        "An agency Assure does not know is named; you choose an agency it knows, or to add it "
        "as a new agency when you confirm.",
    ]
    fields = [
        m.Field(
            "person",
            "Name",
            aliases=("person", "member", "full name", "member name", "representative", "attendee"),
            hint="The person in the seat; blank for an agency's seat with no person named.",
        ),
        m.Field(
            "position",
            "Position",
            aliases=("job title", "title", "post", "designation", "role title", "job role"),
            hint="Their job title as published.",
        ),
        m.Field(
            "agency",
            "Agency",
            kind=m.CHOICE,
            aliases=("organisation", "organization", "agency name", "partner", "partner agency"),
            hint="Each agency's name is mapped to one Assure knows, or added as a new agency.",
        ),
        m.Field(
            "role",
            "Role",
            kind=m.CHOICE,
            aliases=(
                "member type",
                "membership",
                "membership type",
                "type",
                "category",
                "seat type",
            ),
            hint="Chair, business manager, lay member, statutory partner, representative, adviser.",
        ),
        m.Field(
            "groups",
            "Groups they sit on",
            kind=m.MULTI,
            aliases=("groups", "group", "sits on", "committees", "sub-groups", "subgroups"),
            hint="One or more of the board's groups, separated by commas.",
        ),
        m.Field(
            "start",
            "Start date",
            kind=m.DATE,
            aliases=("start", "from", "joined", "date joined", "appointed", "term start"),
        ),
        m.Field(
            "end",
            "End date",
            kind=m.DATE,
            aliases=("end", "to", "until", "left", "date left", "term end"),
            hint="Blank while the seat is held.",
        ),
        m.Field("notes", "Notes", aliases=("comments", "note")),
    ]

    def options_form(self, data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
        return SeatOptions(data, initial=initial, board=self.board)

    def choices(self, f: m.Field) -> list[tuple[str, str]]:
        if f.name == "agency":
            known = [(a.slug, a.name) for a in Agency.objects.order_by("name")]
            new = [
                (f"{NEW_AGENCY}{value}", f"A new agency ({label.lower()})")
                for value, label in Agency.Sector.choices
            ]
            return [*known, *new]
        if f.name == "role":
            return [(value, str(label)) for value, label in Member.Role.choices]
        if f.name == "groups":
            return [(g.slug, g.name) for g in self.board.groups.order_by("kind", "name")]
        return []

    def known_words(self, f: m.Field) -> dict[str, str]:
        if f.name == "agency":
            return {
                m.word_key(name): a.slug
                for a in Agency.objects.all()
                for name in (a.name, a.short_name, a.slug)
                if name
            }
        if f.name == "role":
            return {m.word_key(word): value for word, value in ROLE_WORDS.items()}
        if f.name == "groups":
            return {
                m.word_key(name): g.slug
                for g in self.board.groups.all()
                for name in (g.name, g.short_name, g.slug)
                if name
            }
        return {}

    def forget(self, f: m.Field, value: str) -> bool:
        return value.startswith(NEW_AGENCY)

    def done_url(self) -> str:
        return reverse("board:member_list", kwargs={"board": self.board.slug})

    # --- the preview -----------------------------------------------------------

    def _context(self) -> _Context:
        seats: dict[tuple[str, str, str], Member] = {}
        by_person: dict[str, list[Member]] = {}
        members = (
            Member.objects.filter(board=self.board)
            .select_related("agency")
            .prefetch_related("groups")
        )
        for member in members:
            agency = member.agency.slug if member.agency else ""
            seats[_seat_key(agency, member.position, member.person)] = member
            if member.person:
                by_person.setdefault(" ".join(member.person.split()).casefold(), []).append(member)
        agencies = {a.slug: a for a in Agency.objects.all()}
        return _Context(
            seats=seats,
            by_person=by_person,
            agencies=agencies,
            groups={g.slug: g for g in self.board.groups.all()},
            agencies_by_name={
                agency_name_key(a.name): a for a in sorted(agencies.values(), key=lambda a: -a.pk)
            },
        )

    def preview(self, table: m.Table, mapping: m.Mapping) -> m.Preview:
        context = self._context()
        order = str(self.options.get("order") or m.DAY_FIRST)
        preview = m.Preview()
        seen_seats: dict[tuple[str, str, str], int] = {}
        seen_people: dict[str, int] = {}
        new_agencies: dict[str, str] = {}
        for number, values in table.rows:
            row = m.PreviewRow(number=number)
            cells = m.RowCells(table, mapping, row, values, self.fields)
            entry = self._row(cells, context, order, new_agencies)
            preview.rows.append(row)
            if entry is None:
                continue
            key = _seat_key(entry["agency_key"], entry["position"], entry["person"])
            if key in seen_seats:
                row.refuse(
                    table.problem(
                        number,
                        None,
                        f"the same seat as row {seen_seats[key]}: each seat is on one row.",
                    )
                )
            seen_seats.setdefault(key, number)
            person = key[2]
            if person and person in seen_people and seen_seats[key] == number:
                row.refuse(
                    cells.table.problem(
                        number,
                        mapping.column_of("person"),
                        f"{entry['person']} is also on row {seen_people[person]}: a person is "
                        "imported once. Keep the row of the seat they hold.",
                    )
                )
            if person:
                seen_people.setdefault(person, number)
            self._compare(row, entry, context, key)
            if not row.problems and row.status != m.UNCHANGED:
                preview.plan.append(entry)
        for name, sector in sorted(new_agencies.items()):
            preview.notes.append(
                f"A new agency, {name} ({dict(Agency.Sector.choices)[sector]}), will be added."
            )
        preview.notes.insert(
            0,
            f"This import would add {preview.count(m.NEW)} seats, change "
            f"{preview.count(m.CHANGE)} and leave {preview.count(m.UNCHANGED)} as they are.",
        )
        return preview

    def _agency(
        self, cells: m.RowCells, context: _Context, new_agencies: dict[str, str]
    ) -> tuple[str, str, str] | None:
        """(key, slug of a known agency or "", the name of a new one) for the
        row's agency; None where it has a problem."""
        text = m.text_of(cells.raw("agency"))
        if not text:
            return ("", "", "")
        value = cells.word("agency", text)
        if value is None:
            return None if cells.row.problems else ("", "", "")
        if value.startswith(NEW_AGENCY):
            sector = value.removeprefix(NEW_AGENCY)
            name = " ".join(text.split())
            if sector not in Agency.Sector.values:
                cells.refuse("agency", f"{sector!r} is not a sector Assure knows.")
                return None
            if len(name) > 200:
                cells.refuse("agency", "a new agency's name may be at most 200 characters.")
                return None
            same = context.agencies_by_name.get(agency_name_key(name))
            if same is not None:
                cells.refuse(
                    "agency",
                    f"there is already an agency named {same.name}: map {text!r} to it "
                    "rather than to a new agency.",
                )
                return None
            new_agencies.setdefault(name, sector)
            return (f"{NEW_AGENCY}{name.casefold()}", "", name)
        if value not in context.agencies:
            cells.refuse("agency", f"{text!r} is mapped to an agency Assure no longer has.")
            return None
        return (value, value, "")

    def _role_and_groups(self, cells: m.RowCells, context: _Context) -> tuple[str, list[str]]:
        """The row's role (the file's, or the one chosen for rows with none)
        and the groups it sits on (the file's, and the one chosen for all)."""
        role = cells.choice("role") or str(self.options.get("role") or "")
        if role and role not in Member.Role.values:
            cells.refuse("role", f"{role!r} is not a role Assure knows.")
        groups = cells.choices("groups") if cells.has("groups") else []
        chosen_group = str(self.options.get("group") or "")
        if chosen_group and chosen_group not in groups:
            groups.append(chosen_group)
        for slug in groups:
            if slug not in context.groups:
                cells.refuse("groups", f"{slug!r} is not one of this board's groups.")
        return role, groups

    def _row(
        self, cells: m.RowCells, context: _Context, order: str, new_agencies: dict[str, str]
    ) -> dict[str, Any] | None:
        row = cells.row
        person = cells.text("person", _limit("person")) or ""
        position = cells.text("position", _limit("position")) or ""
        person, position = " ".join(person.split()), " ".join(position.split())
        agency = self._agency(cells, context, new_agencies)
        role, groups = self._role_and_groups(cells, context)
        start = cells.date("start", order=order)
        end = cells.date("end", order=order)
        notes = cells.text("notes", 10_000)
        if agency is None:
            return None
        agency_key, agency_slug, agency_new = agency
        agency_name = agency_new or (context.agencies[agency_slug].name if agency_slug else "")
        row.label = " – ".join(p for p in (agency_name, position, person) if p)
        if not (agency_key or position or person):
            cells.refuse(None, "the row names no person, position or agency.")
        if start and end and end < start:
            cells.refuse("end", f"the seat ends on {end:%-d %B %Y}, before it starts.")
        if row.problems:
            return None
        probe = Member(board=self.board, person=person, position=position, role=role)
        relations = [f.name for f in Member._meta.fields if f.is_relation]
        try:
            probe.clean_fields(exclude=[*relations, "start", "end", "notes"])
        except Exception as exc:  # the model's own field rules, named on the row
            for message in getattr(exc, "messages", [str(exc)]):
                cells.refuse(None, message)
            return None
        return {
            "row": row.number,
            "agency_key": agency_key,
            "agency": agency_slug,
            "new_agency": agency_new,
            "sector": new_agencies.get(agency_new, ""),
            "person": person,
            "position": position,
            "role": role,
            "groups": sorted(groups),
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "notes": notes,
            "dates": [cells.has("start"), cells.has("end")],
            "role_given": cells.has("role"),
        }

    def _compare(
        self,
        row: m.PreviewRow,
        entry: dict[str, Any],
        context: _Context,
        key: tuple[str, str, str],
    ) -> None:
        if row.problems:
            return
        existing = context.seats.get(key)
        if existing is None:
            row.status = m.NEW
            entry["member"] = None
            person = key[2]
            others = context.by_person.get(person, []) if person else []
            for other in others:
                row.notes.append(f"{entry['person']} already holds a seat here: {other.label}.")
            row.notes.append(self._describe(entry, context))
            return
        entry["member"] = existing.pk
        changes = []
        if entry["role_given"] and entry["role"] and entry["role"] != existing.role:
            changes.append(
                f"role {existing.get_role_display()} → {Member.Role(entry['role']).label}"
            )
        for name, given in zip(("start", "end"), entry["dates"], strict=True):
            old = getattr(existing, name)
            new = datetime.date.fromisoformat(entry[name]) if entry[name] else None
            if given and old != new:
                changes.append(f"{name} {_day(old)} → {_day(new)}")
        if entry["notes"] is not None and entry["notes"] != existing.notes:
            changes.append("notes")
        held = {g.slug for g in existing.groups.all()}
        added = sorted(set(entry["groups"]) - held)
        if added:
            changes.append("sits on " + ", ".join(context.groups[s].name for s in added))
        entry["version"] = [existing.role, _day(existing.start), _day(existing.end), existing.notes]
        if changes:
            row.status = m.CHANGE
            row.notes.append(f"Changes {existing.label}: " + "; ".join(changes) + ".")
        else:
            row.status = m.UNCHANGED
            row.notes.append(f"The same as {existing.label}.")

    def _describe(self, entry: dict[str, Any], context: _Context) -> str:
        parts = [Member.Role(entry["role"]).label] if entry["role"] else []
        if entry["groups"]:
            parts.append("sits on " + ", ".join(context.groups[s].name for s in entry["groups"]))
        if entry["start"]:
            parts.append(f"from {_day(datetime.date.fromisoformat(entry['start']))}")
        if entry["end"]:
            parts.append(f"to {_day(datetime.date.fromisoformat(entry['end']))}")
        return "A new seat: " + ", ".join(parts) + "." if parts else "A new seat."

    # --- saving ------------------------------------------------------------------

    def save(self, preview: m.Preview, *, user: Any) -> str:
        agencies: dict[str, Agency] = {a.slug: a for a in Agency.objects.all()}
        added: dict[str, Agency] = {}
        groups = {g.slug: g for g in self.board.groups.all()}
        created = changed = 0
        for entry in preview.plan:
            agency = _agency_of(entry, agencies, added)
            if entry["member"] is None:
                member = Member(board=self.board, agency=agency)
                created += 1
            else:
                member = Member.objects.get(pk=entry["member"], board=self.board)
                changed += 1
            member.person, member.position = entry["person"], entry["position"]
            if entry["member"] is None or entry["role_given"]:
                member.role = entry["role"]
            given_start, given_end = entry["dates"]
            if entry["member"] is None or given_start:
                member.start = _date(entry["start"])
            if entry["member"] is None or given_end:
                member.end = _date(entry["end"])
            if entry["notes"] is not None:
                member.notes = entry["notes"]
            seat_groups = [groups[s] for s in entry["groups"]]
            if member.pk:
                seat_groups = list({*member.groups.all(), *seat_groups})
            services.member_save(member=member, groups=seat_groups)
        return (
            f"{created} seats added, {changed} changed"
            + (f", {len(added)} new agencies added" if added else "")
            + "."
        )


def _agency_of(
    entry: dict[str, Any], agencies: dict[str, Agency], added: dict[str, Agency]
) -> Agency | None:
    """The row's agency: one Assure knows, or a new one the person chose to
    add (added once however many rows name it, through agency_save)."""
    if not entry["new_agency"]:
        return agencies[entry["agency"]] if entry["agency"] else None
    agency = added.get(agency_name_key(entry["new_agency"]))
    if agency is None:
        agency = services.agency_save(
            agency=Agency(
                slug=_free_agency_slug(entry["new_agency"], set(agencies)),
                name=entry["new_agency"],
                sector=entry["sector"],
            )
        )
        agencies[agency.slug] = agency
        added[agency_name_key(entry["new_agency"])] = agency
    return agency


def _day(day: datetime.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "(none)"


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _free_agency_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:70] or "agency"
    slug, n = base, 2
    while slug in taken or Agency.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
