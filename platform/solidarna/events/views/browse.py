"""The public side of events: the calendar (month and list, no JavaScript), an event's page,
the iCalendar feeds (the space's and one event's) and the certificates' verification pages,
which anyone with the link (or its QR code) opens."""

from __future__ import annotations

import io
from datetime import timedelta
from functools import partial
from types import SimpleNamespace

from flask import abort, request, url_for
from flask_babel import gettext as _

from solidarna.core import documents, fragments, markdown
from solidarna.core.capabilities import current_tenant
from solidarna.core.fragments import Lazy
from solidarna.core.i18n import HTML_LANG, current_locale, local_zone
from solidarna.core.models import utcnow
from solidarna.core.permissions import current_person
from solidarna.core.rendering import render
from solidarna.core.script import in_script
from solidarna.core.urls import page_arg
from solidarna.events import calendar, contributions, kit, services
from solidarna.events.permissions import applications_open, can_manage_events, may_apply
from solidarna.events.views.common import load_event
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("events", __name__, url_prefix="/events")


@bp.get("/")
def index():
    user = current_person()
    manager = can_manage_events(user, current_tenant())
    today = utcnow().astimezone(local_zone()).date()
    view = request.args.get("view", "list")
    # a member's page: one shell per viewer level and address, under the marker that also
    # follows the clock (the visitors' page cache's: an event moving from ahead to past,
    # today in the month view); nothing on it is the person's but the header (core/fragments.py
    # shell_page). The events are read only when drawn.
    marker = contributions.events_marker() if user is not None else None
    context = {"view": view, "types": kit.types(current_tenant()), "manager": manager,
               "shell": None if marker is None else tuple(marker)}  # fmt: skip
    if view == "month":
        first = calendar.month_of(request.args.get("month"), today)
        previous = (first - timedelta(days=1)).replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return render("events/index.html", weeks=Lazy(calendar.month, first, manager),
                      first=first, previous=previous, following=following, today=today,
                      **context)  # fmt: skip
    past = request.args.get("when") == "past"
    page = page_arg(request.args)
    return render("events/index.html", listing=Lazy(_listing, past, page, manager), past=past,
                  page_number=page, view="list",
                  **{k: v for k, v in context.items() if k != "view"})  # fmt: skip


def _listing(past: bool, page: int, manager: bool) -> SimpleNamespace:
    events, total = calendar.listed(past, page, manager)
    return SimpleNamespace(events=events, total=total,
                           pages=max(1, -(-total // calendar.PER_PAGE)))  # fmt: skip


@bp.get("/calendar.ics")
def feed():
    tenant = current_tenant()
    events = calendar.calendar_events(calendar.feed_sessions(), request.host)
    return documents.ics_response(documents.ics(events, name=tenant.name),
                                  f"{tenant.slug}-dogadjaji.ics", download=False)  # fmt: skip


@bp.get("/<int:event_id>/")
def detail(event_id: int):
    event = load_event(event_id)
    user = current_person()
    # what the page shows of the person's application: its state, kept per account and
    # change of the space (core/fragments.py kept_value; an application is the space's row)
    status = None
    if user is not None:
        status = fragments.kept_value(
            "event-application", user.id, event.id,
            compute=lambda: getattr(services.application_of(event, user), "status", None),
        )  # fmt: skip
    mine = SimpleNamespace(status=status) if status else None
    allowed = may_apply(user, event)
    # a member's page: one shell per viewer level, under the marker that follows the clock,
    # and what the page shows of the person: their application's state and whether they may
    # apply (core/fragments.py shell_page); the Markdown drawn only with the page
    marker = contributions.events_marker() if user is not None else None
    return render(
        "events/detail.html", event=event, mine=mine,
        shell=None if marker is None else (*marker, mine.status if mine else "", allowed),
        description=partial(markdown.render, event.description) if event.description else "",
        accessibility=(
            partial(markdown.render, event.accessibility) if event.accessibility else ""
        ),
        types=kit.types(current_tenant()), is_open=applications_open(event),
        may_apply=allowed, manager=can_manage_events(user, current_tenant()),
    )  # fmt: skip


@bp.get("/<int:event_id>/event.ics")
def event_ics(event_id: int):
    event = load_event(event_id)
    sessions = list(event.sessions)
    data = documents.ics(calendar.calendar_events(sessions, request.host), name=event.title)
    return documents.ics_response(data, documents.ascii_slug(event.title, "dogadjaj") + ".ics")


def _certificate(certificate_token: str):
    application = services.read_certificate(certificate_token, current_tenant().id)
    if application is None:
        abort(404)
    event = application.event
    attended = services.attended(event).get(application.id, set())
    sessions = [s for s in event.sessions if s.id in attended]
    return application, event, sessions


@bp.get("/certificates/<certificate_token>")
def certificate(certificate_token: str):
    """The certificate of attendance, printable on A4, and the proof that it is genuine: a
    forged or another space's token answers 404."""
    application, event, sessions = _certificate(certificate_token)
    link = url_for("events.certificate", certificate_token=certificate_token, _external=True)
    qr = documents.qr_svg(link, _("Verification link of the certificate"))
    return render("events/certificate.html", application=application, event=event,
                  sessions=sessions, link=link, qr=qr, types=kit.types(current_tenant()),
                  token=certificate_token)  # fmt: skip


@bp.get("/certificates/<certificate_token>/certificate.docx")
def certificate_docx(certificate_token: str):
    import segno
    from docx.shared import Cm

    from solidarna.core.i18n import format_day, format_moment

    application, event, sessions = _certificate(certificate_token)
    locale = current_locale()

    def convert(value):
        return in_script(str(value or ""), locale)

    tenant = current_tenant()
    document = documents.new_document(_("Certificate of attendance"), convert,
                                      HTML_LANG.get(locale, "sr-Latn"))  # fmt: skip
    documents.center(documents.plain(document, _("This is to certify that"), convert))
    documents.label(document, application.user.name, convert)
    if application.organization_name:
        documents.center(
            documents.plain(
                document, _("on behalf of %(name)s", name=application.organization_name), convert
            )
        )
    documents.center(documents.plain(document, _("attended"), convert))
    documents.label(document, event.title, convert)
    documents.center(
        documents.plain(document, str(kit.types(tenant).get(event.kind, event.kind)), convert)
    )
    for session in sessions:
        documents.center(
            documents.plain(
                document,
                f"{format_day(session.starts_at)}, {format_moment(session.starts_at, 'short')}"
                f" – {format_moment(session.ends_at, 'short')}",
                convert,
            )
        )
    if event.place:
        documents.center(documents.plain(document, event.place, convert))
    documents.center(documents.plain(document, tenant.name, convert))
    link = url_for("events.certificate", certificate_token=certificate_token, _external=True)
    png = io.BytesIO()
    segno.make(link, error="m").save(png, kind="png", scale=6, border=2)
    png.seek(0)
    documents.center(document.add_paragraph()).add_run().add_picture(png, width=Cm(3.5))
    documents.center(documents.plain(document, _("Verify this certificate at %(link)s",
                                                 link=link), convert))  # fmt: skip
    name = documents.ascii_slug(f"potvrda {application.user.name} {event.title}", "potvrda")
    return documents.attachment(documents.to_bytes(document), name + ".docx")
