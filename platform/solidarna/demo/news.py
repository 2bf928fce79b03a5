"""The demo news (fictional, like everything in the demo): in Kruševac and KoRSE an
announcement, a call with a deadline three weeks away, a success story with a picture made
here in code (stored through core/storage.py like an upload) and the kit's explainer of the
2022 law, all published by the space's owner through the services, so they have audit
entries like real ones. Safe to run again: a space that has news already is left alone."""

from __future__ import annotations

import io
from datetime import timedelta

from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from solidarna.accounts.models import User
from solidarna.core import storage
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.news import kit, services
from solidarna.news.models import NewsPost
from solidarna.tenants.models import Tenant

#: space -> the owner who writes its news
AUTHORS = {"krusevac": "jelena@example.org", "korse": "ivana@example.org"}
DEMO = "\n\n*Demo vest: izmišljena, za upoznavanje sa platformom.*"

POSTS = {
    "krusevac": [
        {
            "kind": "announcement",
            "title": "Kancelarija prima preduzetnike utorkom i četvrtkom",
            "summary": "Savetovanje o osnivanju i statusu socijalnog preduzeća, bez zakazivanja.",
            "body": "Od 10 do 14 časova u prostorijama Kancelarije u Kruševcu: pitanja o pravnim "
            "oblicima, statusu socijalnog preduzeća i izvorima finansiranja." + DEMO,
            "tags": ["kancelarija", "savetovanje"],
        },
        {
            "kind": "call",
            "title": "Javni poziv za podršku socijalnim preduzećima u Rasinskom okrugu",
            "summary": "Bespovratna sredstva do 500.000 dinara za opremu i obuku zaposlenih.",
            "body": "Pravo učešća imaju udruženja, zadruge i privredna društva sa sedištem u "
            "Rasinskom okrugu koja zapošljavaju osobe iz osetljivih grupa." + DEMO,
            "tags": ["finansije", "javni poziv"],
            "deadline_days": 21,
        },
        {
            "kind": "success_story",
            "title": "Zadruga Rasinski med zaposlila četiri žene sa sela",
            "summary": "Od dve košnice do prerade i prodaje: kako je zadruga rasla uz podršku opštine.",
            "body": "Zadruga danas otkupljuje med od tridesetak proizvođača i prodaje ga u "
            "Kruševcu i Beogradu." + DEMO,
            "tags": ["zadruge", "zapošljavanje"],
            "image": "Košnice i tegle meda (ilustracija)",
        },
    ],
    "korse": [
        {
            "kind": "announcement",
            "title": "Godišnja skupština Koalicije",
            "summary": "Članice Koalicije biraju novi koordinacioni odbor i usvajaju plan rada.",
            "body": "Skupština se održava u Beogradu; dnevni red i materijali su u diskusijama "
            "prostora." + DEMO,
            "tags": ["koalicija"],
        },
        {
            "kind": "call",
            "title": "Poziv za prijavu primera dobre prakse solidarne ekonomije",
            "summary": "Prikupljamo primere iz cele Srbije za nacionalni pregled.",
            "body": "Prijavite zadrugu, udruženje ili preduzeće čiji rad može da inspiriše "
            "druge." + DEMO,
            "tags": ["dobre prakse"],
            "deadline_days": 30,
        },
        {
            "kind": "success_story",
            "title": "Rezervisane nabavke: prvi grad koji ih primenjuje",
            "summary": "Kako je zagovaranje Koalicije dovelo do prvog ugovora rezervisanog za "
            "socijalna preduzeća.",
            "body": "Grad je rezervisao nabavku usluga održavanja zelenih površina." + DEMO,
            "tags": ["zagovaranje", "javne nabavke"],
            "image": "Grafikon rasta (ilustracija)",
        },
    ],
}


def _picture() -> bytes:
    image = Image.new("RGB", (1200, 630), (246, 241, 228))
    draw = ImageDraw.Draw(image)
    for n, height in enumerate((180, 260, 330, 420)):
        draw.rectangle((180 + n * 220, 560 - height, 330 + n * 220, 560), fill=(11, 110, 79))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def load_news() -> int:
    """The demo posts of both spaces (those with news on and none yet). Returns how many."""
    made = 0
    users = {u.email: u for u in db.session.scalars(select(User))}
    for slug, posts in POSTS.items():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None or "news" not in (tenant.modules or []):
            continue
        with current_app.test_request_context("/"), tenant_context(tenant.id):
            if db.session.scalar(select(func.count(NewsPost.id))):
                continue
            made += _load(tenant, posts, users.get(AUTHORS[slug]))
            db.session.commit()
    return made


def _load(tenant, posts, author) -> int:
    made = 0
    for text in kit.texts(tenant):
        data = {"kind": text.get("kind", "explainer"), "title": text["title"],
                "summary": text.get("summary", "").strip(), "body": text.get("body", "").strip(),
                "deadline": None, "tags": list(text.get("tags", [])), "image_alt": ""}  # fmt: skip
        services.publish(services.create(data, None, author, kit_key=text["key"]), author)
        made += 1
    for item in posts:
        days = item.get("deadline_days")
        data = {"kind": item["kind"], "title": item["title"], "summary": item["summary"],
                "body": item["body"], "tags": item["tags"], "image_alt": item.get("image", ""),
                "deadline": services.today() + timedelta(days=days) if days else None}  # fmt: skip
        image = None
        if item.get("image"):
            image = storage.check("news_images", _Upload(_picture(), "ilustracija.png"))
        services.publish(services.create(data, image, author), author)
        made += 1
    return made


class _Upload:
    def __init__(self, data: bytes, filename: str):
        self.stream = io.BytesIO(data)
        self.filename = filename
