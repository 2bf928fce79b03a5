"""Changing and withdrawing decisions, changing and cancelling tasks (the group's coordinators
and the space's admins): a withdrawn decision stays under its number, shown as withdrawn with
who and when, and its number is never given again; a task's new assignee is an active member
and a moved due day lies ahead; bad input is a localized 422 with what was typed kept;
members get 403, visitors the login; all in the audit log."""

from __future__ import annotations

from datetime import timedelta

from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.groups.records import GroupDecision, GroupTask
from solidarna.groups.services import today as belgrade_today
from tests.conftest import parse
from tests.groups.test_record import client_of, give_task, meeting, rows, setup  # noqa: F401


def actions(space, prefix: str) -> list[str]:
    with tenant_context(space.tenant.id):
        return sorted(
            db.session.scalars(
                db.select(AuditEntry.action).where(AuditEntry.action.like(f"{prefix}%"))
            )
        )


def record(space, gid, mid, title):
    coordinator = client_of(space, "coord@example.org")
    response = coordinator.post(f"/alfa/groups/{gid}/meetings/{mid}/decisions",
                                {"decision-title": title, "decision-body": "Razlozi."})  # fmt: skip
    assert response.status_code == 303, response.status_code
    with tenant_context(space.tenant.id):
        return db.session.scalar(
            db.select(GroupDecision).where(GroupDecision.title == title)
            .execution_options(populate_existing=True)
        )  # fmt: skip


def test_a_decision_is_changed_then_withdrawn_and_its_number_is_never_reused(space, setup):  # noqa: F811
    gid = setup
    mid = meeting(space, gid)
    first = record(space, gid, mid, "Prva odluka o fondu")
    path = f"/alfa/groups/{gid}/decisions/{first.year}/{first.number}"
    coordinator = client_of(space, "coord@example.org")
    page = parse(coordinator.get(path).get_data(as_text=True))
    assert page.select_one("#revise form") is not None
    # bad input: a localized error, the text kept
    bad = coordinator.post(f"{path}/edit", {"title": "ab", "body": "Novi razlozi."})
    assert bad.status_code == 422
    assert "Use 3 to 300 characters." in bad.get_data(as_text=True)
    assert "Novi razlozi." in bad.get_data(as_text=True)
    changed = coordinator.post(f"{path}/edit", {"title": "Prva odluka, izmenjena", "body": "Novi."})
    assert changed.status_code == 303
    shown = coordinator.get(path).get_data(as_text=True)
    assert "Prva odluka, izmenjena" in shown
    # withdrawn: still there, under its number, marked, with who
    gone = coordinator.post(f"{path}/withdraw", {"withdraw-reason": "Prevaziđena."})
    assert gone.status_code == 303
    page = parse(visitor_page := client_of(space).get(path).get_data(as_text=True))
    assert "Withdrawn" in visitor_page and "Ceca Koordinatorka" in visitor_page
    assert "Prevaziđena." in visitor_page and page.select_one("#revise") is None
    meeting_page = client_of(space).get(f"/alfa/groups/{gid}/meetings/{mid}").get_data(as_text=True)
    assert f"Decision {first.label}" in meeting_page and "Withdrawn" in meeting_page
    # no second withdrawal, no change of a withdrawn one
    assert coordinator.post(f"{path}/withdraw", {}).status_code == 409
    assert coordinator.post(f"{path}/edit", {"title": "Opet", "body": ""}).status_code == 409
    # the next decision takes the next number, not the withdrawn one's
    second = record(space, gid, mid, "Druga odluka")
    assert (second.year, second.number) == (first.year, first.number + 1)
    assert actions(space, "group.decision_") == [
        "group.decision_changed", "group.decision_recorded", "group.decision_recorded",
        "group.decision_withdrawn",
    ]  # fmt: skip


def test_only_coordinators_and_admins_revise_decisions(space, setup):  # noqa: F811
    gid = setup
    mid = meeting(space, gid)
    row = record(space, gid, mid, "Odluka")
    path = f"/alfa/groups/{gid}/decisions/{row.year}/{row.number}"
    secretary = client_of(space, "member@example.org")
    assert secretary.get(f"{path}/edit").status_code == 403
    assert secretary.post(f"{path}/withdraw", {}).status_code == 403
    assert "withdraw" not in secretary.get(path).get_data(as_text=True).lower().split("<main")[-1]
    anonymous = client_of(space).post(f"{path}/withdraw", {})
    assert anonymous.status_code in (302, 303) and "/auth/login" in anonymous.headers["Location"]
    owner = client_of(space, "owner@example.org")  # the space's admin
    assert owner.get(f"{path}/edit").status_code == 200
    assert owner.post(f"{path}/withdraw", {}).status_code == 303
    assert client_of(space, "coord@example.org").get(f"{path}/9/edit").status_code == 404
    missing = f"/alfa/groups/{gid}/decisions/{row.year}/{row.number + 5}/edit"
    assert client_of(space, "coord@example.org").get(missing).status_code == 404


def test_a_task_is_changed_and_cancelled(space, setup):  # noqa: F811
    gid = setup
    mid = meeting(space, gid)
    tid = give_task(space, gid, mid, space.rep1, days=3, title="Napisati nacrt")
    coordinator = client_of(space, "coord@example.org")
    edit = f"/alfa/groups/{gid}/tasks/{tid}/edit"
    group_page = coordinator.get(f"/alfa/groups/{gid}").get_data(as_text=True)
    assert edit in group_page
    form = parse(coordinator.get(edit).get_data(as_text=True))
    assert form.select_one("#title")["value"] == "Napisati nacrt"
    assert form.select_one("#assignee_id option[selected]")["value"] == str(space.rep1.id)
    # a day that has passed, a person not in the group: localized errors, the text kept
    past = (belgrade_today() - timedelta(days=2)).isoformat()
    bad = coordinator.post(edit, {"title": "Novi naslov", "assignee_id": space.rep1.id,
                                  "due_on": past})  # fmt: skip
    assert bad.status_code == 422 and "this day has passed" in bad.get_data(as_text=True)
    assert "Novi naslov" in bad.get_data(as_text=True)
    due = (belgrade_today() + timedelta(days=9)).isoformat()
    outsider = coordinator.post(edit, {"title": "Novi naslov", "assignee_id": space.outsider.id,
                                       "due_on": due})  # fmt: skip
    assert outsider.status_code == 422
    ok = coordinator.post(edit, {"title": "Napisati nacrt zakona", "assignee_id": space.member.id,
                                 "due_on": due})  # fmt: skip
    assert ok.status_code == 303 and ok.headers["Location"].endswith(f"/meetings/{mid}#tasks")
    (task,) = rows(space, GroupTask, GroupTask.id == tid)
    assert (task.title, task.assignee_id, task.due_on.isoformat()) == (
        "Napisati nacrt zakona", space.member.id, due,
    )  # fmt: skip
    # the assignee may mark it done, but not change or cancel it
    assignee = client_of(space, "member@example.org")
    assert assignee.get(edit).status_code == 403
    assert assignee.post(f"/alfa/groups/{gid}/tasks/{tid}/delete", {}).status_code == 403
    cancelled = coordinator.post(f"/alfa/groups/{gid}/tasks/{tid}/delete", {})
    assert cancelled.status_code == 303 and rows(space, GroupTask, GroupTask.id == tid) == []
    assert coordinator.get(edit).status_code == 404
    assert "Napisati nacrt zakona" not in assignee.get("/alfa/groups/tasks/").get_data(as_text=True)
    assert actions(space, "group.task_") == ["group.task_cancelled", "group.task_changed"]
