"""Measure the survey results and exports on a large data set, in-process (issue 16 item 10).

    python bench/research.py                       # SQLite in instance/bench-research.sqlite3
    python bench/research.py --database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench_research
    python bench/research.py --reuse --requests 5 --warmup 1

Builds the space "bench-research" with one survey of 60 questions of mixed kinds (single and
multiple choices with "other", scales, numbers, yes/no, matrices, short and long texts,
municipalities, an organization's identity) and `--responses` complete responses (5,000)
inserted in bulk with their answers and the option rows results count (through
core/questions.py's counted / number_of / text_of, as services.save_answers writes them), the
strata spread over ten municipalities, four legal forms, four actor types and the SE statuses.
The database is emptied and rebuilt through the migrations first (never point it at real data;
`--reuse` keeps what is there; BENCH_RESEARCH_DATABASE_URL sets the default URL).

Then, as the space's administrator: the results page, with started responses, a
cross-tabulation, the written answers searched, the printable report, the CSV and XLSX exports
and the codebook; after `--warmup` requests, `--requests` timed ones. Each page's SQL
statements are asserted under CEILING (the same bound tests/research/test_rresults.py asserts
at 20 and 200 responses, where the count is the same at both sizes), and the exports' peak
Python memory (tracemalloc) is measured at the full size and at a tenth of it (`--responses`
/ 10, the same survey's first responses are not separable, so a second survey is filled): an
export that streams peaks at about the same size. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import tracemalloc

import sqlalchemy as sa
from discussions import login, measure_at_two_sizes, two_sizes_table
from generate import ADMIN_EMAIL, ADMIN_PASSWORD, bench_space, fresh_database, make_app
from run import _load, client, machine
from sqlalchemy import insert, select

from solidarna.core import questions as engine
from solidarna.core.database import normalise_url
from solidarna.core.script import fold
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.research import services
from solidarna.research.models import (
    Survey,
    SurveyAnswer,
    SurveyAnswerOption,
    SurveyResponse,
)
from solidarna.tenants.models import Membership, Tenant

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_URL = f"sqlite:///{os.path.join(ROOT, 'instance', 'bench-research.sqlite3')}"
SLUG = "bench-research"
TITLE = "Potrebe aktera socijalne ekonomije (merenje)"
SMALL_TITLE = "Potrebe aktera, desetina (merenje)"
BATCH = 5_000
#: SQL statements per page, at most, whatever the number of responses (asserted here and in
#: tests/research/test_rresults.py)
CEILING = 25
MODULES = ["directory", "research"]
PLACES = ("Kruševac", "Brus", "Trstenik", "Varvarin", "Ćićevac", "Aleksandrovac", "Niš",
          "Čačak", "Kraljevo", "Beograd")  # fmt: skip
FORMS = ("association", "cooperative", "doo", "foundation")
ACTORS = ("association", "cooperative", "social_enterprise", "foundation")
SE = ("registered", "in_progress", "planned", "no")
WORDS = ("zadruga", "prostor", "obuka", "finansije", "тржиште", "opština", "žene", "mladi",
         "поверење", "nabavke", "mreža", "oprema", "zemljište", "podrška", "država")  # fmt: skip


def options(n: int, prefix: str = "o") -> list[dict]:
    return [{"value": f"{prefix}{i}", "label": f"Odgovor {i} ({prefix})"} for i in range(1, n + 1)]


def questionnaire() -> dict:
    """60 questions in 6 sections: 10 single, 10 multiple, 10 scales, 8 numbers, 6 yes/no,
    5 matrices, 5 short and 3 long texts, 2 municipalities, 1 organization identity."""
    kinds = (["single"] * 10 + ["multiple"] * 10 + ["scale"] * 10 + ["number"] * 8
             + ["yes_no"] * 6 + ["matrix"] * 5 + ["short_text"] * 5 + ["long_text"] * 3
             + ["municipality"] * 2 + ["organization"])  # fmt: skip
    rows = []
    for n, kind in enumerate(kinds, start=1):
        raw = {"code": f"q{n:02d}_{kind}", "kind": kind, "label": f"Pitanje {n}: {kind}"}
        if kind == "single":
            raw.update(options=options(5), other=True)
        elif kind == "multiple":
            raw.update(options=options(8), other=True, max_choices=4)
        elif kind == "scale":
            raw.update(min=1, max=5)
        elif kind == "number":
            raw.update(min=0, max=1000, integer=True)
        elif kind == "matrix":
            raw.update(min=1, max=5, rows=options(4, "r"))
        rows.append(raw)
    sections = [
        {"title": f"Odeljak {s + 1}", "questions": rows[s * 10 : s * 10 + 10]} for s in range(6)
    ]
    return {"key": "bench", "sections": sections}


def value_for(rng: random.Random, question, municipalities: list[str]):
    kind = question.kind
    if kind == "single":
        choice = rng.choice([*"12345", "other"]) if rng.random() < 0.95 else "other"
        return {"choice": f"o{choice}" if choice != "other" else "other",
                "other": rng.choice(WORDS) if choice == "other" else ""}  # fmt: skip
    if kind == "multiple":
        chosen = sorted(rng.sample(range(1, 9), rng.randint(1, 4)))
        return {"choices": [f"o{i}" for i in chosen], "other": ""}
    if kind == "scale":
        return rng.randint(1, 5)
    if kind == "number":
        return rng.randint(0, 200)
    if kind == "yes_no":
        return rng.choice(("yes", "no"))
    if kind == "matrix":
        return {f"r{i}": rng.randint(1, 5) for i in range(1, 5)}
    if kind in ("short_text", "long_text"):
        return " ".join(
            rng.choice(WORDS) for _ in range(rng.randint(3, 12 if kind == "long_text" else 5))
        )
    if kind == "municipality":
        return rng.choice(municipalities)
    if kind == "organization":
        return {
            "pib": "",
            "mb": f"{rng.randint(10_000_000, 99_999_999)}",
            "legal_form": rng.choice(FORMS),
        }
    return None


def fill(rng, tenant_id: int, survey: Survey, count: int, now) -> None:
    found = services.questions_of(survey.current_version)
    municipalities = [m.code for m in engine.geography.municipalities()][:20]
    first_id = (db.session.scalar(select(sa.func.max(SurveyResponse.id))) or 0) + 1
    for start in range(0, count, BATCH // 10):
        size = min(BATCH // 10, count - start)
        responses, answers, counted = [], [], []
        for n in range(start, start + size):
            rid = first_id + n
            responses.append({
                "id": rid, "tenant_id": tenant_id, "survey_id": survey.id,
                "version_id": survey.current_version_id, "status": "complete",
                "section_position": 6, "municipality": PLACES[n % len(PLACES)],
                "legal_form": FORMS[n % 4], "actor_type": ACTORS[(n // 4) % 4],
                "se_status": SE[(n // 16) % 4], "consent_directory": False, "licence": "aggregate",
                "directory_update_requested": False, "started_at": now, "updated_at": now,
                "completed_at": now,
            })  # fmt: skip
            for question in found:
                if not engine.KINDS[question.kind].answerable:
                    continue
                value = value_for(rng, question, municipalities)
                answers.append({
                    "tenant_id": tenant_id, "survey_id": survey.id, "response_id": rid,
                    "question_code": question.code, "value": value,
                    "number": engine.number_of(question, value),
                    "search_text": fold(engine.text_of(question, value)), "updated_at": now,
                })  # fmt: skip
                counted += [
                    {"tenant_id": tenant_id, "survey_id": survey.id, "response_id": rid,
                     "question_code": question.code, "row": row, "option": option}
                    for row, option in engine.counted(question, value)
                ]  # fmt: skip
        db.session.execute(insert(SurveyResponse), responses)
        for first in range(0, len(answers), BATCH):
            db.session.execute(insert(SurveyAnswer), answers[first : first + BATCH])
        for first in range(0, len(counted), BATCH):
            db.session.execute(insert(SurveyAnswerOption), counted[first : first + BATCH])
    db.session.execute(
        sa.update(Survey)
        .where(Survey.id == survey.id)
        .values(response_count=count, complete_count=count)
    )


def generate(url: str, *, responses: int, seed: int = 1, analyze: bool | None = None,
             say=lambda *a: print(*a, file=sys.stderr)) -> float:  # fmt: skip
    started = time.perf_counter()
    rng = random.Random(seed)
    with fresh_database(url, analyze, say) as (admin, _member, now):
        db.session.execute(insert(Tenant), [bench_space(SLUG, "Benchmark: istraživanja", MODULES)])
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        with tenant_context(tenant_id):
            db.session.execute(
                insert(Membership.__table__),
                [{"tenant_id": tenant_id, "user_id": admin.id, "role": "owner", "status": "active",
                  "message": "", "created_at": now, "updated_at": now}],
            )  # fmt: skip
            for title, count in ((TITLE, responses), (SMALL_TITLE, max(responses // 10, 1))):
                survey = services.new_survey(title, created_by=admin, template=questionnaire())
                survey.status = "open"
                survey.current_version.frozen = True
                db.session.flush()
                fill(rng, tenant_id, survey, count, now)
                say(f"{title}: {count} responses")
    seconds = time.perf_counter() - started
    say(f"generated in {seconds:.1f} s")
    return seconds


def describe(url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        if tenant_id is None:
            raise SystemExit(f"no space {SLUG!r} in the database: run without --reuse")
        with tenant_context(tenant_id):
            ids = dict(db.session.execute(select(Survey.title, Survey.id)).all())
            info = {
                "survey": ids[TITLE],
                "small": ids[SMALL_TITLE],
                "responses": db.session.scalar(
                    select(sa.func.count()).select_from(SurveyResponse)
                    .where(SurveyResponse.survey_id == ids[TITLE])
                ),
                "answers": db.session.scalar(
                    select(sa.func.count()).select_from(SurveyAnswer)
                    .where(SurveyAnswer.survey_id == ids[TITLE])
                ),
                "options": db.session.scalar(
                    select(sa.func.count()).select_from(SurveyAnswerOption)
                    .where(SurveyAnswerOption.survey_id == ids[TITLE])
                ),
            }  # fmt: skip
        db.engine.dispose()
    return info


def pages(sid: int) -> list[tuple[str, str]]:
    base = f"/{SLUG}/research/{sid}"
    return [
        ("results page", f"{base}/results"),
        ("results page, started included", f"{base}/results?started=1"),
        ("cross-tab (multiple choice × municipality)",
         f"{base}/results/crosstab?question=q11_multiple&by=municipality"),
        ("cross-tab (single choice × legal form)",
         f"{base}/results/crosstab?question=q01_single&by=legal_form"),
        ("written answers, searched (Cyrillic query)", f"{base}/results/texts?question=q54_long_text&q=жене"),
        ("printable report", f"{base}/results/report"),
        ("responses CSV", f"{base}/export.csv"),
        ("responses XLSX", f"{base}/export.xlsx"),
        ("codebook XLSX", f"{base}/export/codebook.xlsx"),
    ]  # fmt: skip


def peak_memory(browser, path: str) -> tuple[float, int]:
    """Peak Python memory (MB, tracemalloc) of one request and the body's size in bytes."""
    tracemalloc.start()
    try:
        response = browser.get(path)
        size = sum(len(chunk) for chunk in response.response)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, (path, response.status_code)
    return peak / 1e6, size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_RESEARCH_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data set already there")
    parser.add_argument("--responses", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=5, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=1, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    parser.add_argument(
        "--no-fragments",
        action="store_true",
        help="FRAGMENT_CACHE off: every page drawn (with started responses: counted) anew, "
        "as the first page after a new response",
    )
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)
    if not args.reuse:
        generate(url, responses=args.responses, seed=args.seed, analyze=args.analyze)
    data = describe(url)
    print(f"data: {data}", file=sys.stderr)
    app = make_app(url)
    if args.no_fragments:
        app.config["FRAGMENT_CACHE"] = False
    # the XLSX of a survey this large is written by the worker (research/export_job.py);
    # written in the request here, so the timing is that work's
    app.config["RESEARCH_XLSX_DIRECT_MAX"] = 10**9
    info = machine(args.database_url, app)
    info["load_before"] = _load()
    browser = client(app)
    login(browser, ADMIN_EMAIL, ADMIN_PASSWORD)
    results, problems = measure_at_two_sizes(
        app, browser, pages(data["survey"]), pages(data["small"]), viewer="admin",
        size=f"{data['responses']:,} responses", ceiling=CEILING, requests=args.requests,
        warmup=args.warmup, only=args.only,
    )  # fmt: skip
    memory = {}
    for name, suffix in (("CSV", "export.csv"), ("XLSX", "export.xlsx")):
        if args.only and args.only not in f"responses {name}":
            continue
        big = peak_memory(browser, f"/{SLUG}/research/{data['survey']}/{suffix}")
        small = peak_memory(browser, f"/{SLUG}/research/{data['small']}/{suffix}")
        memory[name] = (big, small)
    info["load_after"] = _load()
    print()
    print(f"### Research, {info['database']} — {info['date']}\n")
    print(f"Machine: {info['cores']} cores, {info['processor']}; Python {info['python']}. "
          f"Data: space `{SLUG}`, one survey of 60 questions (10 single and 10 multiple "
          f"choices with “other”, 10 scales, 8 numbers, 6 yes/no, 5 matrices of 4 rows, 8 "
          f"texts, 2 municipalities, an organization) with {data['responses']:,} complete "
          f"responses ({data['answers']:,} answers, {data['options']:,} counted option rows), "
          f"and a second with a tenth of them. {args.requests} timed requests per page after "
          f"{args.warmup} warm-up, as the space's administrator. Load average (`uptime`) "
          f"{info['load_before']} before, {info['load_after']} after.\n")  # fmt: skip
    print(two_sizes_table(results))
    print()
    for name, ((big_mb, big_size), (small_mb, small_size)) in memory.items():
        print(f"- {name} export: peak Python memory {big_mb:.1f} MB for {big_size / 1e6:.1f} MB "
              f"sent ({data['responses']:,} responses), {small_mb:.1f} MB for "
              f"{small_size / 1e6:.1f} MB (a tenth).")  # fmt: skip
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
