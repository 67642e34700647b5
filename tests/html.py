"""Reading tables back out of rendered pages, as a person reads them."""

from html.parser import HTMLParser


class _TableParser(HTMLParser):
    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.depth = 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (self.depth or attrs.get("id") == self.table_id):
            self.depth += 1
        if not self.depth:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "span" and attrs.get("aria-hidden") == "true":
            self.hidden += 1

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "span" and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if self.cell is not None and not self.hidden:
            self.cell.append(data)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The table's rows as text a screen reader would announce (aria-hidden skipped)."""
    parser = _TableParser(table_id)
    parser.feed(html)
    return parser.rows


class _FormParser(HTMLParser):
    """What a browser sends for each form of a page, as it was served."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, list[tuple[str, str]]]] = []
        self.texts: list[set[str]] = []  # each form's fields a person types text in
        self.select: tuple[str, bool] | None = None
        self.options: list[tuple[str, bool]] = []
        self.option: dict[str, str] | None = None
        self.textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("method", "get").lower(), a.get("action", ""), []))
            self.texts.append(set())
            return
        if not self.forms:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            self.input(name, a)
        elif tag == "select" and name:
            self.select, self.options = (name, "multiple" in a), []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self.textarea = (name, [])
            self.texts[-1].add(name)

    def input(self, name, a):
        sent, kind = self.forms[-1][2], a.get("type", "text")
        if kind in ("checkbox", "radio"):
            if "checked" in a:
                sent.append((name, a.get("value", "on")))
        elif kind not in ("submit", "button", "file", "image", "reset"):
            sent.append((name, a.get("value", "")))
            if kind in ("text", "email", "url", "search", "tel") and not a.get("inputmode"):
                self.texts[-1].add(name)

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.forms[-1][2].extend((name, value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            text = "".join(parts)
            # A newline straight after <textarea> is not part of its value;
            # a browser sends every line break of a textarea as CRLF.
            text = text[1:] if text.startswith("\n") else text
            self.forms[-1][2].append((name, text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)


def browser_form(html: str, url: str) -> tuple[dict[str, list[str]], set[str]] | None:
    """What the page's own post form sends when a person presses its button
    without changing anything, as a browser sends it (each textarea's line
    breaks as CRLF, the chosen options, the checked boxes), and the names of
    its fields a person types text in; None when the page has no such form."""
    parser = _FormParser()
    parser.feed(html)
    path = url.split("?")[0]
    for (method, action, sent), texts in zip(parser.forms, parser.texts, strict=True):
        if method == "post" and action in ("", url, path):
            data: dict[str, list[str]] = {}
            for name, value in sent:
                data.setdefault(name, []).append(value)
            return data, texts
    return None


def browser_post(html: str, url: str) -> dict[str, list[str]]:
    """What the page's own post form sends, as browser_form reads it."""
    form = browser_form(html, url)
    assert form is not None, f"{url} has no form posting to itself"
    return form[0]
