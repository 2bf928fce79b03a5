"""The survey builder in Chromium at a phone's width: an admin starts a survey, adds a question
with a display condition, is refused moving it above the question it depends on (htmx swaps
the outline with the reason), moves another one down in place, and previews; axe finds no
serious violation on the builder's pages."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.axe import check_page
from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_campaigns_journey import make_space
from tests.e2e.test_discussions_journey import member_page

ADMIN = ("ana.ankete@example.org", "Ana Anketić", "ana pravi ankete u prostoru")


def test_build_a_survey_with_a_condition_reorder_and_preview(live_server, new_context,
                                                             browser_log):  # fmt: skip
    make_space(live_server, "treci", ADMIN, "admin")
    from solidarna.extensions import db
    from solidarna.tenants.models import Tenant

    with live_server.app.app_context():
        tenant = db.session.scalars(db.select(Tenant).where(Tenant.slug == "treci")).one()
        tenant.modules = [*tenant.modules, "research"]
        db.session.commit()
        db.session.remove()
    page = member_page(new_context, live_server, ADMIN)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/treci/research/")
    page.get_by_role("link", name="Start a survey").click()
    page.get_by_label("Title", exact=True).fill("Potrebe zadruga")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the survey")
    problems = check_page(page, "builder")

    page.get_by_label("Add a question of the kind").select_option(label="Yes or no")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_label("Question", exact=True).fill("Da li ste zadruga?")
    page.get_by_label("Variable code").fill("coop")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The question is added.")

    page.get_by_label("Add a question of the kind").select_option(label="Number")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_label("Question", exact=True).fill("Broj zadrugara")
    page.get_by_label("Whole numbers only").check()
    page.get_by_label("Show only when the answer to").select_option("coop")
    # the value is chosen among the options of the question chosen (htmx redraws the field);
    # saving without one is refused next to it, everything typed kept
    value = page.locator("select#condition_value")
    expect(value.locator("option[value=yes]")).to_have_count(1)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#condition_value-error")).to_contain_text("Give the option's code")
    expect(page.get_by_label("Question", exact=True)).to_have_value("Broj zadrugara")
    problems += check_page(page, "question form with an error")
    page.locator("select#condition_value").select_option("yes")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#outline")).to_contain_text("Shown when coop (Da li ste zadruga?)")

    # moving the dependent question up is refused, in place
    page.locator("#question-broj_zadrugara").get_by_role("button", name="Move up").click()
    expect(page.locator("#outline [role=alert]")).to_contain_text("cannot move there")
    # the first moves down: refused too (it would come after the one depending on it)
    page.locator("#question-coop").get_by_role("button", name="Move down").click()
    expect(page.locator("#outline [role=alert]")).to_contain_text("which comes later")

    page.get_by_role("link", name="Preview as a respondent").first.click()
    expect(page.get_by_role("group", name="Da li ste zadruga?")).to_be_visible()
    expect(page.get_by_text("Shown when coop (Da li ste zadruga?) equals “Yes”.")).to_be_visible()
    problems += check_page(page, "preview")
    assert not problems, "\n".join(problems)
    # the refusals above answered 422 and 409 on purpose; the browser logs those, nothing else
    refusals = ("status of 422", "status of 409")
    browser_log.console_errors[:] = [
        e for e in browser_log.console_errors if not any(r in e for r in refusals)
    ]
    assert_clean(browser_log, live_server.url)
