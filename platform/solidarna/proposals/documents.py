"""The documents a proposal's people hand over: the current text in the form of a legal act
(numbered articles, the explanatory memorandum and the other sections, the fiscal impact, the
endorsing organizations) as DOCX, and a redline DOCX between two versions (insertions
underlined, deletions struck through). The print view (views/documents.py) shows the same
`LegalAct`. Everything is written in one script: the reader's, or the one asked for with
`?script=cyrl` / `?script=latn` (Cyrillic for official submissions, core/script.py)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from flask import g, request
from flask_babel import force_locale, format_date, format_decimal, ngettext
from flask_babel import gettext as _

from solidarna.core import diffs, documents, markdown
from solidarna.core.i18n import HTML_LANG, current_locale
from solidarna.core.script import in_script
from solidarna.directory import taxonomy
from solidarna.proposals import endorsements, evidence, text
from solidarna.proposals.models import (
    ENDORSEMENT_KINDS,
    KINDS,
    SECTIONS,
    Proposal,
    ProposalVersion,
)

#: ?script= -> the locale the document is written in
SCRIPTS = {"cyrl": "sr_Cyrl", "latn": "sr_Latn"}


def asked_script() -> str | None:
    """The script asked for in the URL (None: the reader's own)."""
    value = request.args.get("script", "")
    return value if value in SCRIPTS else None


@contextmanager
def in_document_locale(script: str | None):
    """Write in the asked script (labels from that catalog, content transliterated) or in the
    reader's language."""
    if script is None:
        yield current_locale()
        return
    with force_locale(SCRIPTS[script]):
        yield SCRIPTS[script]


def converter(locale: str):
    return lambda value: in_script(str(value or ""), locale)


@dataclass
class LegalAct:
    proposal: Proposal
    nodes: list[text.Node]
    #: (label, markdown, rendered) of the non-empty sections, in the document's order
    sections: list[tuple[str, str, object]]
    #: (label, value) of the fiscal impact that is filled in
    fiscal: list[tuple[str, str]]
    endorsers: endorsements.Endorsers
    #: the figures cited from the ecosystem map (proposals/evidence.py)
    figures: list
    groups: list[str]
    actor_types: list[str]


def legal_act(proposal: Proposal) -> LegalAct:
    """What the print view and the DOCX show; labels in the locale in force."""
    types = taxonomy.actor_types(g.tenant)
    fiscal = []
    if proposal.fiscal_cost is not None:
        fiscal.append(
            (_("Estimated cost"), _("%(amount)s RSD", amount=format_decimal(proposal.fiscal_cost)))
        )
    for name, label in (
        ("fiscal_source", _("Source of funding")),
        ("fiscal_budget_line", _("Budget line")),
        ("fiscal_period", _("Period")),
    ):
        if getattr(proposal, name):
            fiscal.append((label, getattr(proposal, name)))
    return LegalAct(
        proposal=proposal,
        nodes=text.tree(text.live_parts(proposal)),
        sections=[
            (str(label), getattr(proposal, name), markdown.render(getattr(proposal, name)))
            for name, label in SECTIONS.items()
            if getattr(proposal, name)
        ],
        fiscal=fiscal,
        endorsers=endorsements.endorsers(proposal),
        figures=evidence.shown(proposal),
        groups=[
            str(taxonomy.VULNERABLE_GROUPS.get(c, c)) for c in proposal.beneficiary_groups or []
        ],
        actor_types=[str(types.get(c, c)) for c in proposal.beneficiary_actor_types or []],
    )


def filename(proposal: Proposal, suffix: str, script: str | None) -> str:
    base = documents.ascii_slug(proposal.title, f"proposal-{proposal.id}")
    tail = f"-{script}" if script else ""
    return f"{base}{suffix}{tail}.docx"


# --- the text as a legal act ------------------------------------------------------------------


def _write_nodes(document, nodes: list[text.Node], convert) -> None:
    for node in nodes:
        if node.kind == "chapter":
            documents.label(document, node.label, convert)
            if node.heading:
                documents.label(document, node.heading, convert)
            if node.body:
                documents.markdown(document, node.body, convert)
        elif node.kind == "article":
            if node.heading:
                documents.label(document, node.heading, convert)
            documents.label(document, node.label, convert)
            documents.markdown(document, node.body, convert)
        else:
            indent = 0.6 if node.kind == "paragraph" else 1.2
            documents.markdown(document, node.body, convert, prefix=node.label, indent=indent)


def act_docx(proposal: Proposal, locale: str) -> bytes:
    convert = converter(locale)
    act = legal_act(proposal)
    document = documents.new_document(proposal.title, convert, HTML_LANG.get(locale, "sr-Latn"))
    intro = [str(KINDS.get(proposal.kind, proposal.kind))]
    if proposal.institution:
        intro.append(_("Addressed to: %(name)s", name=proposal.institution.name))
    documents.label(document, " · ".join(intro), convert, bold=False)
    if act.nodes:
        _write_nodes(document, act.nodes, convert)
    else:
        documents.plain(document, _("No articles yet."), convert)
    for label, body, _html in act.sections:
        documents.heading(document, label, 1, convert)
        documents.markdown(document, body, convert)
    if act.groups or act.actor_types:
        documents.heading(document, _("Who benefits"), 1, convert)
        if act.groups:
            documents.plain(
                document, _("Vulnerable groups") + ": " + ", ".join(act.groups), convert
            )
        if act.actor_types:
            documents.plain(
                document,
                _("Actors of the social economy") + ": " + ", ".join(act.actor_types),
                convert,
            )
    if act.fiscal:
        documents.heading(document, _("Fiscal impact"), 1, convert)
        for label, value in act.fiscal:
            documents.plain(document, f"{label}: {value}", convert)
    if act.figures:
        documents.heading(document, _("Figures from the ecosystem map"), 1, convert)
        for figure in act.figures:
            documents.plain(document, figure.sentence(), convert)
    documents.heading(document, _("Endorsing organizations"), 1, convert)
    if act.endorsers.items:
        documents.table(
            document,
            [_("Organization"), _("Municipality"), _("Kind of actor"), _("How")],
            (
                [
                    item.endorsement.organization_name,
                    item.card.municipality if item.card else "",
                    str(item.card.actor_type_label) if item.card else "",
                    str(ENDORSEMENT_KINDS.get(item.endorsement.kind, "")),
                ]
                for item in act.endorsers.items
            ),
            convert,
        )
    else:
        documents.plain(document, _("No organization has endorsed it yet."), convert)
    return documents.to_bytes(document)


# --- the redline between two versions ---------------------------------------------------------


def redline_docx(
    proposal: Proposal, old: ProposalVersion, new: ProposalVersion, labels: dict, locale: str
) -> bytes:
    """Every part of the newer version, with what changed since the older one marked: a
    reader sees the whole text as it would stand, and every word that moved."""
    convert = converter(locale)
    title = new.snapshot.get("meta", {}).get("title") or proposal.title
    document = documents.new_document(title, convert, HTML_LANG.get(locale, "sr-Latn"))
    documents.label(
        document,
        _("Version %(old)s and version %(new)s", old=old.number, new=new.number),
        convert,
        bold=False,
    )
    documents.plain(
        document, _("Inserted words are underlined, deleted words struck through."), convert
    )
    changes = text.compare_parts(old.snapshot, new.snapshot)
    for change in changes:
        node = change.new or change.old
        head = node.label
        if change.status == "removed":
            head = _("%(label)s (deleted)", label=node.label)
        elif change.status == "added":
            head = _("%(label)s (new)", label=node.label)
        elif change.renumbered:
            head = _("%(label)s (formerly %(old)s)", label=node.label, old=change.old.label)
        if node.kind in ("chapter", "article"):
            documents.label(document, head, convert)
            if (change.old and change.old.heading) or (change.new and change.new.heading):
                paragraph = document.add_paragraph()
                documents.center(paragraph)
                documents.diff_runs(
                    paragraph,
                    diffs.changes(
                        change.old.heading if change.old else "",
                        change.new.heading if change.new else "",
                    ),
                    convert,
                )
            paragraph = document.add_paragraph()
        else:
            paragraph = document.add_paragraph()
            documents.indent(paragraph, 0.6 if node.kind == "paragraph" else 1.2)
            paragraph.add_run(convert(head) + " ")
        documents.diff_runs(
            paragraph,
            diffs.changes(
                change.old.body if change.old else "", change.new.body if change.new else ""
            ),
            convert,
        )
    fields = [f for f in text.compare_fields(old.snapshot, new.snapshot, labels) if f.changed]
    if fields:
        documents.heading(document, _("Details and sections"), 1, convert)
        for field in fields:
            documents.heading(document, str(field.label), 2, convert)
            documents.diff_runs(
                document.add_paragraph(), diffs.changes(field.old, field.new), convert
            )
    if not fields and all(c.status == "unchanged" for c in changes):
        documents.plain(document, _("These two versions are the same."), convert)
    return documents.to_bytes(document)


# --- the amendments sheet -----------------------------------------------------------------------


def amendments_docx(proposal: Proposal, locale: str) -> bytes:
    """The consultation's record as a document: every numbered amendment with who proposed it,
    which part (its current number, or its label then when it is gone) or section, the change,
    the text, the justification and the decision."""
    from solidarna.proposals import amendments

    convert = converter(locale)
    document = documents.new_document(proposal.title, convert, HTML_LANG.get(locale, "sr-Latn"))
    documents.label(document, _("Amendments"), convert)
    items = amendments.sheet(proposal)
    current = amendments.labels(proposal)
    documents.plain(
        document,
        ngettext(
            "%(num)d amendment on the record of the consultation.",
            "%(num)d amendments on the record of the consultation.",
            len(items),
        ),
        convert,
    )
    for item in items:
        documents.heading(document, item.title, 1, convert)
        who = item.author.name if item.author else _("a former member")
        if item.opened_at:
            who = f"{who}, {format_date(item.opened_at)}"
        if item.section:
            what = str(SECTIONS[item.section])
        elif item.part_code in current:
            what = current[item.part_code]
        else:
            what = _("%(label)s (no longer in the text)", label=item.base_label)
        facts = [
            (_("Proposed by"), who),
            (_("What it amends"), what),
            (_("The change"), str(amendments.AMENDMENT_KINDS[item.kind])),
        ]
        for name, value in facts:
            documents.plain(document, f"{name}: {value}", convert)
        if item.kind != "delete":
            documents.heading(document, _("Proposed text"), 2, convert)
            if item.heading:
                documents.plain(document, item.heading, convert)
            documents.markdown(document, item.body, convert)
        documents.heading(document, _("Justification"), 2, convert)
        documents.markdown(document, item.justification, convert)
        documents.heading(document, _("Decision"), 2, convert)
        documents.plain(document, _decision(item, amendments), convert)
        if item.reason:
            documents.plain(document, item.reason, convert)
    if not items:
        documents.plain(document, _("No amendments yet."), convert)
    return documents.to_bytes(document)


def _decision(item, amendments) -> str:
    if item.state == "open":
        return _("Not decided yet.")
    if item.state == "withdrawn":
        return _("Withdrawn by its author.")
    said = [str(amendments.AMENDMENT_STATES[item.state])]
    if item.decided_at:
        said.append(format_date(item.decided_at))
    if item.decided_by:
        said.append(item.decided_by.name)
    if item.applied_version:
        said.append(_("version %(number)d", number=item.applied_version))
    return " · ".join(said)
