"""Bad input never answers 5xx (DESIGN §7), checked on every route the day it is added.

The inputs are generated, not listed: the routes come from `app.url_map` (every converter gets
ids beyond the database's range and malformed strings), the forms from the pages themselves
(every `<form method=post>` any GET route renders, as a platform admin who owns a space and as
a visitor; every field gets NaN, huge, negative, empty, over-long and wrong-type values, one
field at a time with the others left as the page filled them, so the bad value reaches the
save path), and the query arguments from the shared list-arguments plus every name a page's
GET form uses. Runs on the suite's database (SQLite, or PostgreSQL with TEST_DATABASE_URL).
A failure lists every (route, input) that answered 5xx."""

from __future__ import annotations

import io
import re
from urllib.parse import quote, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import got_request_exception
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from solidarna.core.tenancy import tenant_context
from solidarna.tenants.models import Membership
from tests.conftest import Client
from tests.test_route_matrix import RULES, World

# --- values --------------------------------------------------------------------------------------

#: for an `<int:...>` URL part: beyond 32-bit, 64-bit signed and unsigned, not positive, not a
#: number, more digits than int() reads
BAD_IDS = [2**31, 2**63, 2**64, 0, -1, "abc", "9" * 5000]
#: for a string URL part (a slug, a token, a file name)
BAD_STRINGS = ["\x00", "x" * 5000, "ć'\"<>%", ".."]
#: for a form field
BAD_FIELD_VALUES = {
    "NaN": "NaN",
    "sNaN": "sNaN",
    "inf": "Infinity",
    "huge": "1" + "0" * 30,
    "huge float": "1e999999",
    "negative": "-1",
    "empty": "",
    "over-long": "x" * 100_000,
    "wrong type": "abc",
    "not a date": "31.02.2026.",
    "NUL": "a\x00b",
}
#: sent one field at a time, the others valid, so the value gets as far as saving: an integer
#: beyond the column, a negative count against a CHECK constraint, text beyond a varchar (a
#: value that fails to parse or validate is found by the all-at-once requests already)
ONE_AT_A_TIME = ("huge", "negative", "over-long")
#: the fields a person types into (choices are checked against their options before saving)
TYPED = {"text", "number", "email", "url", "tel", "date", "search", "hidden", "password"}
#: for a file field (the import): not text, NUL bytes, empty, one endless line, another
#: encoding, a workbook that is not one
BAD_FILES = {
    "binary": (b"\x00\xff\xfe\x01" * 2000, "podaci.csv"),
    "NUL in CSV": (b"name,municipality\nA\x00B,Brus\n", "podaci.csv"),
    "empty": (b"", "podaci.csv"),
    "one long line": (b"a," * 100_000, "podaci.csv"),
    "Windows-1250": ("naziv;opština\nČačak;Brus\n".encode("cp1250"), "podaci.csv"),
    "not a workbook": (b"PK\x03\x04" + b"\x00" * 100, "podaci.xlsx"),
    "no extension": (b"name\nA\n", "podaci"),
}
#: query arguments lists read (core/urls.py page_arg and the like), in every GET route
BAD_QUERIES = [
    {"page": str(10**30), "per_page": str(10**30), "offset": str(10**30), "quote": str(10**30)},
    {"page": "abc", "per_page": "-1", "offset": "NaN", "quote": "abc", "sort": "x" * 5000},
    {"page": "-5", "limit": "1e999999", "quote": "-1"},
    {"q": "x\x00y"},
    {"q": "x" * 100_000},
]
#: a page's GET form fields get these (its search box and filters)
FILTER_VALUES = ("NaN", "huge", "negative", "over-long", "wrong type", "empty")
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
#: POSTs whose defaults would end the fuzzing session (the person logs out)
ENDS_SESSION = ("/auth/logout",)
#: forms fuzzed last: their defaults delete or suspend what the others need
DESTRUCTIVE = re.compile(r"delete|remove|suspend|archive|leave|revoke|reject", re.I)


class Fuzzer:
    def __init__(self, app, world):
        self.app = app
        self.world = world
        self.failures: list[str] = []
        self.requests = 0
        self.exceptions: list[BaseException] = []
        # the real error handling, not the testing config's propagation; the cause is noted
        app.config["PROPAGATE_EXCEPTIONS"] = False
        got_request_exception.connect(self._note, app)

    def _note(self, sender, exception, **extra) -> None:
        self.exceptions.append(exception)

    def check(self, response, what: str) -> None:
        self.requests += 1
        if response.status_code >= 500:
            cause = self.exceptions[-1] if self.exceptions else None
            self.failures.append(f"{what}: {response.status_code} {cause!r:.300}")
        self.exceptions.clear()

    # URL parts ----------------------------------------------------------------------------

    def path(self, rule, replace: dict) -> str:
        values = self.world.values(rule, "alfa")
        values.update(replace)

        def part(match) -> str:
            return quote(str(values[match.group(2)]), safe="")

        return ARGUMENT.sub(part, rule.rule)

    def fuzz_urls(self, client: Client, who: str) -> None:
        for rule in RULES:
            for arg, converter in rule._converters.items():
                bad = BAD_IDS if isinstance(converter, IntegerConverter) else BAD_STRINGS
                for value in bad:
                    path = self.path(rule, {arg: value})
                    for method in sorted(rule.methods & {"GET", "POST"}):
                        response = self.send(client, method, path, {})
                        self.check(response, f"{who} {method} {rule.rule} {arg}={value!r:.40}")

    # query arguments ------------------------------------------------------------------------

    def fuzz_queries(self, client: Client, who: str, filter_names: dict) -> None:
        for rule in RULES:
            if "GET" not in rule.methods:
                continue
            path = self.path(rule, {})
            queries = list(BAD_QUERIES)
            for label in FILTER_VALUES if rule.rule in filter_names else ():
                value = BAD_FIELD_VALUES[label]
                queries.append(dict.fromkeys(filter_names[rule.rule], value))
            for query in queries:
                response = client.raw.get(path, query_string=query)
                self.check(response, f"{who} GET {rule.rule} ?{shorten(query)}")

    # forms ------------------------------------------------------------------------------------

    def crawl(self, client: Client) -> tuple[list[dict], dict]:
        """Every POST form and every GET form's field names on every GET page (valid ids)."""
        forms: dict[tuple, dict] = {}
        filters: dict[str, set] = {}
        adapter = self.app.url_map.bind("localhost")
        for rule in RULES:
            if "GET" not in rule.methods:
                continue
            path = self.path(rule, {})
            response = client.raw.get(path)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
            for form in page.find_all("form"):
                action = urlsplit(form.get("action") or path).path
                fields, typed = form_fields(form)
                if (form.get("method") or "get").lower() != "post":
                    filters.setdefault(rule.rule, set()).update(
                        n for n, _ in fields if n != "csrf_token"
                    )
                    continue
                if action in ENDS_SESSION:
                    continue
                try:  # one form per endpoint and set of fields (not one per member's row)
                    endpoint, _args = adapter.match(action, method="POST")
                except HTTPException:
                    endpoint = action
                key = (endpoint, tuple(sorted({n for n, _ in fields})))
                files = [i["name"] for i in form.find_all("input", type="file") if i.get("name")]
                forms.setdefault(
                    key, {"action": action, "fields": fields, "typed": typed, "files": files}
                )
        ordered = sorted(forms.values(), key=lambda f: bool(DESTRUCTIVE.search(f["action"])))
        return ordered, filters

    def fuzz_forms(self, client: Client, who: str, forms: list[dict], relogin) -> None:
        for form in forms:
            fields = form["fields"]
            names = [n for n, _ in fields if n != "csrf_token"]
            # every field bad at once (and sent twice: a list where one value is expected)
            for label, value in BAD_FIELD_VALUES.items():
                data = [(n, v) if n == "csrf_token" else (n, value) for n, v in fields]
                data += [(n, value) for n in names]
                response = self.send(client, "POST", form["action"], data)
                self.check(response, f"{who} POST {form['action']} all fields {label}")
            # every file field with a bad file, the other fields as the page filled them
            for name in form["files"]:
                for label, (content, filename) in BAD_FILES.items():
                    data = [*fields, (name, (io.BytesIO(content), filename))]
                    response = self.send(client, "POST", form["action"], data)
                    self.check(response, f"{who} POST {form['action']} {name}: {label} file")
            # one typed field at a time, the others as the page filled them
            for name in form["typed"]:
                for label in ONE_AT_A_TIME:
                    value = BAD_FIELD_VALUES[label]
                    data = [(n, value if n == name else v) for n, v in fields]
                    response = self.send(client, "POST", form["action"], data)
                    self.check(response, f"{who} POST {form['action']} {name}={label}")
            relogin()

    def send(self, client: Client, method: str, path: str, data):
        if method == "GET":
            return client.raw.get(path)
        if isinstance(data, dict):
            data = list(data.items())
        if not any(n == "csrf_token" for n, _ in data):
            data = [*data, ("csrf_token", self.token(client))]
        return client.raw.post(path, data=MultiDict(data))

    def token(self, client: Client) -> str:
        if not hasattr(client, "_fuzz_token"):
            client._fuzz_token = client.token()
        return client._fuzz_token


def form_fields(form) -> tuple[list[tuple[str, str]], list[str]]:
    """The name=value pairs a browser would send for the form as rendered (the first named
    submit button pressed), and the names of the fields a person types into."""
    fields = []
    typed = []
    pressed = False
    for element in form.find_all(["input", "textarea", "select", "button"]):
        name = element.get("name")
        if not name:
            continue
        if element.name == "textarea" or (
            element.name == "input" and element.get("type", "text") in TYPED
        ):
            typed.append(name)
        if element.name == "textarea":
            fields.append((name, element.get_text()))
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            fields.append((name, chosen.get("value", chosen.get_text()) if chosen else ""))
        elif element.name == "button" or element.get("type") in ("submit", "image"):
            if not pressed:
                fields.append((name, element.get("value", "")))
                pressed = True
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                fields.append((name, element.get("value", "on")))
        elif element.get("type") == "file":
            continue
        else:
            fields.append((name, element.get("value", "")))
    return fields, [n for n in dict.fromkeys(typed) if n != "csrf_token"]


def shorten(query: dict) -> str:
    return "&".join(f"{k}={v[:12]!r}{'…' if len(v) > 12 else ''}" for k, v in query.items())


def fuzzing(app, db, make_user, make_tenant, who: str) -> tuple[Fuzzer, Client]:
    """Spaces A (public), B (public) and P (members-only) with entries, resources, practices,
    relationships, discussions, invitations and members (tests/test_route_matrix.py's World);
    the platform admin also owns space A, so every form of a space shows. `who` is "visitor"
    or "admin" (logged in)."""
    world = World(db, make_user, make_tenant)
    with tenant_context(world.a.id):
        db.session.add(Membership(user_id=world.platform_admin.id, role="owner", status="active"))
        db.session.commit()
    client = Client(app)
    if who == "admin":
        client.login(world.platform_admin.email)
    return Fuzzer(app, world), client


def report(fuzzer: Fuzzer, what: str) -> None:
    assert fuzzer.requests, f"{what}: no request sent"
    assert not fuzzer.failures, f"{len(fuzzer.failures)} {what} answered 5xx:\n" + "\n".join(
        fuzzer.failures
    )


@pytest.mark.parametrize("who", ["visitor", "admin"])
def test_bad_url_parts_never_answer_5xx(app, db, make_user, make_tenant, who):
    fuzzer, client = fuzzing(app, db, make_user, make_tenant, who)
    fuzzer.fuzz_urls(client, who)
    report(fuzzer, "URL parts")


@pytest.mark.parametrize("who", ["visitor", "admin"])
def test_bad_query_arguments_never_answer_5xx(app, db, make_user, make_tenant, who):
    fuzzer, client = fuzzing(app, db, make_user, make_tenant, who)
    _forms, filters = fuzzer.crawl(client)
    assert filters, "no page has a GET form (a search or a filter) to take argument names from"
    fuzzer.fuzz_queries(client, who, filters)
    report(fuzzer, "query arguments")


#: the admin's forms are many: two shards, so pytest-xdist runs them side by side
@pytest.mark.parametrize(
    ("who", "shard", "shards"), [("visitor", 0, 1), ("admin", 0, 2), ("admin", 1, 2)]
)
def test_bad_form_values_never_answer_5xx(app, db, make_user, make_tenant, who, shard, shards):
    fuzzer, client = fuzzing(app, db, make_user, make_tenant, who)
    forms, _filters = fuzzer.crawl(client)
    # at least: language, login, register, forgot password (visitor); the spaces' forms (admin)
    assert len(forms) >= (4 if who == "visitor" else 30), [f["action"] for f in forms]

    def relogin() -> None:
        if who == "admin" and client.raw.get("/auth/profile").status_code != 200:
            client.login(fuzzer.world.platform_admin.email)
            client._fuzz_token = client.token()

    fuzzer.fuzz_forms(client, who, forms[shard::shards], relogin)
    report(fuzzer, "form values")
