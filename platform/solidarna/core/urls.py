"""Small URL helpers shared by capabilities."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from werkzeug.routing import IntegerConverter, ValidationError

#: The largest id the database holds: PostgreSQL's `integer` primary keys are 32-bit.
MAX_ID = 2**31 - 1


def safe_next(default_endpoint: str = "pages.home", value: str | None = None) -> str:
    """The `next` target if it stays on this site, else the default page."""
    target = value if value is not None else request.values.get("next", "")
    parts = urlsplit(target)
    if (
        target
        and not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    ):
        return target
    return url_for(default_endpoint)


def id_value(value) -> int | None:
    """A positive whole number the database can hold (an id, a post's number), or None for
    anything else: "abc", "-1", "²", 10**30, 100,000 digits."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def page_arg(args) -> int:
    """The page number from query arguments: 1 when missing or not a number, at most 10,000."""
    try:
        return max(1, min(int(args.get("page", 1)), 10_000))
    except ValueError:
        return 1


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: a positive whole number the database can hold. Anything
    else (0, 2**31, 2**63, 100,000 digits) does not match the route, so it answers 404
    before a view or the database sees it; a query with an id beyond an integer column's
    range fails in the driver (SQLite: OverflowError; PostgreSQL: out of range)."""

    def __init__(self, map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID, **kwargs):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(self.max)):  # also keeps int() off 100,000 digits
            raise ValidationError()
        return super().to_python(value)


class Numbered:
    """What macros/listing.html's pagination asks of a page (a dataclass with `page` and
    `pages` that inherits this): the previous and next page numbers and whether they exist."""

    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def tenant_path(endpoint: str, slug: str, anchor: str = "", **values) -> str:
    """The path of a space's page, built without a request (jobs, demo loading, notices sent
    from a request of another space): the URL map bound to no host."""
    path = current_app.url_map.bind("localhost").build(endpoint, {"tenant_slug": slug, **values})
    return path + (f"#{anchor}" if anchor else "")


def init_app(app: Flask) -> None:
    """Before any blueprint adds a rule: every `<int:...>` is a DatabaseId."""
    app.url_map.converters["int"] = DatabaseId
