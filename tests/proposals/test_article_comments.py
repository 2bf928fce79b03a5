"""Comments anchored to one article: the article is a subject (core/subjects.py,
"proposal_part"), so a discussion attaches to it unchanged; the page shows beside each article
the link and how many comments it has. The anchor survives renumbering and restoring."""

from __future__ import annotations

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals import text
from solidarna.proposals.models import Proposal
from tests.conftest import parse
from tests.proposals.conftest import visitor

ARTICLES = ("Grad podržava socijalna preduzeća.", "Rok je 30 dana.", "Odluka stupa na snagu.")


def login(app, email):
    client = visitor(app)
    client.login(email)
    return client


def part_ids(space, pid) -> list[int]:
    with tenant_context(space.tenant.id):
        return [n.id for n in text.tree(text.live_parts(db.session.get(Proposal, pid)))]


def comment_box(page, part_id):
    return page.find("a", href=f"/alfa/discussions/about/proposal_part/{part_id}")


def test_a_member_comments_on_one_article_and_the_count_shows_beside_it(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    first, second, third = part_ids(space, pid)
    page = parse(visitor(space.app).get(f"/alfa/proposals/{pid}"))
    for part_id in (first, second, third):
        assert "Comment on this article" in comment_box(page, part_id).get_text()
    assert not page.select(".part-comments .badge")

    member = login(space.app, "member@example.org")
    about = member.get(f"/alfa/discussions/about/proposal_part/{third}")
    assert about.status_code == 200
    assert "Article 3." in about.get_data(as_text=True)
    started = member.post(
        f"/alfa/discussions/about/proposal_part/{third}/new",
        {"title": "Rok stupanja na snagu", "body": "Predlažem osam dana od objave."},
    )
    assert started.status_code == 303
    thread = member.get(started.headers["Location"])
    assert f"/alfa/proposals/{pid}#part-" in thread.get_data(as_text=True)
    page = parse(visitor(space.app).get(f"/alfa/proposals/{pid}"))
    box = comment_box(page, third).parent
    assert box.select_one(".badge").get_text(strip=True) == "1 comment"
    assert comment_box(page, first).parent.select_one(".badge") is None


def test_the_anchor_survives_a_restored_version_and_a_renumbering(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    first, second, third = part_ids(space, pid)
    member = login(space.app, "member@example.org")
    member.post(f"/alfa/discussions/about/proposal_part/{second}/new",
                {"title": "O roku", "body": "Trideset dana je dugo."})  # fmt: skip
    author = login(space.app, "author@example.org")
    with tenant_context(space.tenant.id):
        version = db.session.get(Proposal, pid).version_count
    # the first article is deleted: the second is now "Article 1."
    with tenant_context(space.tenant.id):
        code = next(n.code for n in text.tree(text.live_parts(db.session.get(Proposal, pid)))
                    if n.id == first)  # fmt: skip
    assert author.post(f"/alfa/proposals/{pid}/parts/{code}/delete", {}).status_code == 303
    about = member.get(f"/alfa/discussions/about/proposal_part/{second}").get_data(as_text=True)
    assert "Article 1." in about
    assert author.post(f"/alfa/proposals/{pid}/versions/{version}/restore", {}).status_code == 303
    assert part_ids(space, pid)[1] == second  # the same row: the discussion stays with it
    page = parse(visitor(space.app).get(f"/alfa/proposals/{pid}"))
    assert comment_box(page, second).parent.select_one(".badge").get_text(strip=True) == "1 comment"


def test_a_drafts_articles_and_another_spaces_are_not_found(space, make_tenant):
    draft = space.proposal(articles=ARTICLES)
    part = part_ids(space, draft)[0]
    member = login(space.app, "member@example.org")
    assert member.get(f"/alfa/discussions/about/proposal_part/{part}").status_code == 404
    assert member.post(f"/alfa/discussions/about/proposal_part/{part}/new",
                       {"title": "X", "body": "Y"}).status_code == 404  # fmt: skip
    public = space.proposal(articles=ARTICLES, state="consultation")
    other = make_tenant("beta", members={space.member: "member"})
    theirs = part_ids(space, public)[0]
    assert member.get(f"/{other.slug}/discussions/about/proposal_part/{theirs}").status_code == 404
