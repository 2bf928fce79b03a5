"""A realistic, clearly fictional directory for the demo: about 40 actors across the six
municipalities of Rasinski okrug (krusevac), a handful across Serbia (korse), with local
resources, good practices and relationships. Every description says it is fictional."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from solidarna.core.geography import find
from solidarna.core.models import utcnow
from solidarna.directory.organizations import services
from solidarna.directory.organizations.models import Organization
from solidarna.directory.practices.models import Practice, PracticeOrganization
from solidarna.directory.relationships.models import Relationship
from solidarna.directory.resources.models import Resource
from solidarna.extensions import db

FICTIONAL = "Demo unos: izmišljena organizacija, sve sličnosti su slučajne."

# Approximate town centres, for demo coordinates only.
CENTRES = {
    "Kruševac": (43.5800, 21.3340), "Aleksandrovac": (43.4580, 21.0470), "Brus": (43.3830, 21.0330),
    "Varvarin": (43.7250, 21.3640), "Trstenik": (43.6170, 21.0010), "Ćićevac": (43.7160, 21.4410),
    "Novi Sad": (45.2550, 19.8450), "Niš": (43.3210, 21.8960), "Kragujevac": (44.0130, 20.9110),
    "Subotica": (46.1000, 19.6650), "Užice": (43.8570, 19.8480), "Beograd": (44.8170, 20.4570),
}  # fmt: skip

# name, actor type, legal form, SE status, municipality, KD sections, groups, interest, employees, women, vulnerable, mission
RASINA = [
    ("Zadruga Rasinski med", "cooperative", "cooperative", "in_progress", "Kruševac", ["A", "C"], ["rural_women"], ["sustainable_development"], 6, 4, 2, "Pčelari iz Rasinskog okruga zajedno prerađuju i prodaju med."),
    ("Radionica Druga šansa", "social_enterprise", "doo", "registered", "Kruševac", ["C"], ["former_prisoners", "long_term_unemployed"], ["work_integration"], 12, 3, 9, "Stolarska radionica koja zapošljava ljude kojima treba nova prilika."),
    ("Udruženje Ruke za Kruševac", "association", "association", "no", "Kruševac", ["Q", "S"], ["disability"], ["social_services"], 5, 5, 2, "Dnevne usluge i radna terapija za osobe sa invaliditetom."),
    ("Kafe Zajedno", "social_enterprise", "doo", "registered", "Kruševac", ["I"], ["disability", "youth_leaving_care"], ["work_integration"], 9, 6, 7, "Kafić u kome rade mladi sa invaliditetom i mladi bez roditeljskog staranja."),
    ("Fondacija Rasinski fond", "foundation", "foundation", "no", "Kruševac", ["K"], [], ["other_general_interest"], 2, 1, 0, "Male donacije za lokalne inicijative i socijalna preduzeća u nastajanju."),
    ("Regionalna razvojna agencija Rasina (demo)", "development_agency", "doo", "no", "Kruševac", ["M", "N"], [], ["sustainable_development"], 14, 8, 0, "Podrška preduzetnicima, pripremi projekata i privlačenju investicija."),
    ("Poslovni inkubator Kruševac (demo)", "incubator", "doo", "no", "Kruševac", ["N"], ["hard_to_employ"], ["other_general_interest"], 4, 2, 0, "Prostor, obuke i mentorstvo za nove preduzetnike."),
    ("Gradska uprava Kruševac — Odsek za LER (demo)", "local_government", "government_body", "no", "Kruševac", ["O"], [], ["sustainable_development"], None, None, None, "Lokalni ekonomski razvoj i mere podrške zapošljavanju."),
    ("Centar za socijalni rad Rasina (demo)", "public_institution", "institution", "no", "Kruševac", ["Q"], ["social_protection"], ["social_services"], None, None, None, "Upućuje korisnike na programe radne integracije."),
    ("Ekološko udruženje Zeleni Bagdala", "association", "association", "no", "Kruševac", ["E"], [], ["environment"], 1, 1, 0, "Sakupljanje i reciklaža otpada uz uključivanje Roma sakupljača."),
    ("Pekara Dobro jutro", "social_enterprise", "entrepreneur", "planned", "Kruševac", ["C"], ["violence_survivors"], ["work_integration"], 3, 3, 2, "Mala pekara koja zapošljava žene sa iskustvom nasilja."),
    ("Visoka škola strukovnih studija — Centar za preduzetništvo (demo)", "education_research", "institution", "no", "Kruševac", ["P"], [], ["education_services"], None, None, None, "Obuke iz preduzetništva i istraživanja lokalne ekonomije."),
    ("Vinska zadruga Župa", "cooperative", "cooperative", "in_progress", "Aleksandrovac", ["A", "C"], ["rural_women"], ["sustainable_development"], 8, 3, 1, "Mali vinogradari Župe zajedno nastupaju na tržištu."),
    ("Udruženje žena Župska ruža", "association", "association", "no", "Aleksandrovac", ["C", "S"], ["rural_women"], ["culture"], 0, 0, 0, "Tradicionalni ručni rad i prodaja proizvoda žena sa sela."),
    ("Opština Aleksandrovac — Kancelarija za mlade (demo)", "local_government", "government_body", "no", "Aleksandrovac", ["O"], [], ["other_general_interest"], None, None, None, "Programi za zapošljavanje i aktivizam mladih."),
    ("Etno kuća Vrbnica", "social_enterprise", "entrepreneur", "planned", "Aleksandrovac", ["I"], ["elderly"], ["sustainable_development"], 2, 1, 1, "Seoski turizam koji angažuje starije meštane kao domaćine."),
    ("Šumsko voće Kopaonik", "cooperative", "cooperative", "registered", "Brus", ["A", "C"], ["rural_women", "long_term_unemployed"], ["sustainable_development"], 10, 7, 4, "Otkup, sušenje i prodaja šumskog voća i lekovitog bilja."),
    ("Udruženje Planinari za Brus", "association", "association", "no", "Brus", ["R"], [], ["sustainable_development"], 0, 0, 0, "Obnova planinskih staza i lokalni turizam."),
    ("Zadruga Brusnica", "cooperative", "cooperative", "no", "Brus", ["A"], [], ["sustainable_development"], 3, 1, 0, "Zajednička nabavka i prodaja za male proizvođače."),
    ("Petar Početnić — planirano preduzeće za preradu voća", "planned_enterprise", "informal", "planned", "Brus", ["C"], ["hard_to_employ"], ["work_integration"], None, None, None, "Plan: sušara voća koja bi zapošljavala teže zapošljive meštane."),
    ("Socijalna kooperativa Sloga Varvarin", "social_enterprise", "cooperative", "registered", "Varvarin", ["A", "G"], ["roma", "long_term_unemployed"], ["work_integration"], 11, 5, 8, "Proizvodnja povrća i prodaja na pijacama i vrtićima."),
    ("Udruženje Moravski most", "association", "association", "no", "Varvarin", ["P", "S"], ["youth_leaving_care"], ["education_services"], 2, 2, 0, "Mentorstvo i obuke za mlade koji napuštaju dom."),
    ("Mlekara Pomoravlje", "company_partner", "doo", "no", "Varvarin", ["C"], [], [], 25, 9, 1, "Otkupljuje mleko od zadrugara i nudi praksu mladima."),
    ("Neformalna grupa Bašte Varvarina", "informal_group", "informal", "no", "Varvarin", ["A"], ["elderly"], ["environment"], None, None, None, "Zajedničke bašte u dvorištima starijih sugrađana."),
    ("Udruženje Trstenička šansa", "association", "association", "in_progress", "Trstenik", ["S", "Q"], ["disability"], ["work_integration"], 7, 4, 5, "Radna integracija osoba sa invaliditetom kroz zanatske radionice."),
    ("Metalci Trstenika — radnička zadruga", "cooperative", "cooperative", "no", "Trstenik", ["C"], ["long_term_unemployed"], ["work_integration"], 15, 2, 6, "Bivši radnici fabrike pokreću zajedničku proizvodnju."),
    ("Štedno-kreditna zadruga Uzajamnost (demo)", "financial_institution", "cooperative", "no", "Trstenik", ["K"], [], ["other_general_interest"], 3, 2, 0, "Mali zajmovi za članove i socijalna preduzeća."),
    ("Centar za obuku Trstenik", "education_research", "institution", "no", "Trstenik", ["P"], ["hard_to_employ"], ["education_services"], 6, 4, 0, "Prekvalifikacije i obuke za nezaposlene."),
    ("Dom kulture Trstenik — zanatska radionica", "public_institution", "institution", "no", "Trstenik", ["R"], [], ["culture"], None, None, None, "Čuvanje tradicionalnih zanata kroz radionice."),
    ("Zadruga Ćićevačka njiva", "cooperative", "cooperative", "no", "Ćićevac", ["A"], ["rural_women"], ["sustainable_development"], 4, 2, 1, "Organska proizvodnja žitarica i povrća."),
    ("Udruženje Roma Ćićevac", "association", "association", "no", "Ćićevac", ["S"], ["roma"], ["social_services"], 1, 0, 1, "Podrška zapošljavanju i obrazovanju Roma."),
    ("Opština Ćićevac — Lokalni akcioni tim (demo)", "local_government", "government_body", "no", "Ćićevac", ["O"], [], ["sustainable_development"], None, None, None, "Koordinacija lokalnih mera zapošljavanja."),
    ("Reciklažni centar Morava", "social_enterprise", "doo", "in_progress", "Ćićevac", ["E"], ["roma", "homeless"], ["environment", "work_integration"], 8, 1, 6, "Reciklaža plastike i papira uz zapošljavanje sakupljača."),
    ("Krojačka radionica Niti", "social_enterprise", "entrepreneur", "registered", "Kruševac", ["C"], ["violence_survivors", "rural_women"], ["work_integration"], 5, 5, 4, "Šivenje radne odeće za lokalne firme."),
    ("Udruženje Treće doba Kruševac", "association", "association", "no", "Kruševac", ["Q"], ["elderly"], ["social_services"], 3, 3, 0, "Pomoć u kući i druženje za starije sugrađane."),
    ("Digitalni klub Rasina", "association", "association", "no", "Kruševac", ["J", "P"], ["youth_leaving_care"], ["education_services"], 2, 1, 0, "Besplatne IT obuke za mlade iz osetljivih grupa."),
    ("Zadruga Jastrebac", "cooperative", "cooperative", "no", "Kruševac", ["A"], [], ["sustainable_development"], 2, 1, 0, "Voćari sa obronaka Jastrepca."),
    ("Sirana Kopaoničke livade", "company_partner", "doo", "no", "Brus", ["C"], [], [], 18, 8, 2, "Otkup mleka od malih proizvođača; partner zadrugama."),
    ("Mreža socijalnih preduzeća Rasine (demo)", "network", "association", "no", "Kruševac", ["S"], [], ["other_general_interest"], 1, 1, 0, "Neformalna mreža koja okuplja socijalna preduzeća okruga."),
    ("Vrtić Bajka — prehrana", "social_enterprise", "doo", "planned", "Varvarin", ["I"], ["long_term_unemployed"], ["social_services"], 4, 4, 2, "Plan: kuhinja koja snabdeva vrtiće lokalnom hranom."),
]  # fmt: skip

KORSE = [
    ("Zadruga Zemlja i ljudi", "cooperative", "cooperative", "registered", "Novi Sad", ["A"], ["rural_women"], ["sustainable_development"], 12, 7, 3, "Solidarna razmena hrane između sela i grada."),
    ("Udruženje Solidarni Niš", "association", "association", "no", "Niš", ["S"], ["homeless"], ["social_services"], 4, 2, 1, "Narodna kuhinja i podrška beskućnicima."),
    ("Etička štedionica (demo)", "financial_institution", "cooperative", "no", "Beograd", ["K"], [], ["other_general_interest"], 6, 4, 0, "Etičko finansiranje zadruga i socijalnih preduzeća."),
    ("Zadružni savez Šumadije (demo)", "network", "association", "no", "Kragujevac", ["S"], [], ["other_general_interest"], 3, 1, 0, "Savez zadruga Šumadije."),
    ("Radionica Drugi život", "social_enterprise", "doo", "registered", "Subotica", ["C", "E"], ["disability"], ["work_integration", "environment"], 14, 6, 10, "Popravka i prodaja polovnog nameštaja."),
    ("Institut za ekonomiju zajedništva (demo)", "education_research", "association", "no", "Beograd", ["M"], [], ["education_services"], 5, 3, 0, "Istraživanja i obuke o solidarnoj ekonomiji."),
    ("Užička zadruga Zlatibor", "cooperative", "cooperative", "in_progress", "Užice", ["A", "I"], ["elderly"], ["sustainable_development"], 9, 5, 1, "Seoski turizam i domaći proizvodi."),
    ("Zadruga Rasinski med — član koalicije", "cooperative", "cooperative", "in_progress", "Kruševac", ["A"], ["rural_women"], ["sustainable_development"], 6, 4, 2, "Član koalicije iz Rasinskog okruga."),
]  # fmt: skip

RESOURCES = [
    # title, kind, owner (organization name or institution), municipality, availability, conditions
    ("Prazan lokal u Ulici Vidovdanskoj (demo)", "premises", "Grad Kruševac (demo)", "Kruševac", "available", "Zakup po povlašćenoj ceni za socijalna preduzeća, 60 m²."),
    ("Hladnjača za voće", "equipment", "Šumsko voće Kopaonik", "Brus", "limited", "Slobodni kapaciteti van sezone berbe, po dogovoru."),
    ("Poljoprivredno zemljište 2 ha (demo)", "land", "Opština Varvarin (demo)", "Varvarin", "available", "Javni poziv za zakup; prednost zadrugama."),
    ("Program podrške socijalnom preduzetništvu 2026 (demo)", "funding", "Fondacija Rasinski fond", "Kruševac", "available", "Bespovratna sredstva do 500.000 RSD po projektu."),
    ("Mentorstvo za poslovne planove", "expertise", "Poslovni inkubator Kruševac (demo)", "Kruševac", "available", "Besplatno za članove Kancelarije."),
    ("Knjigovodstvene usluge po sniženoj ceni", "service", "Regionalna razvojna agencija Rasina (demo)", "Kruševac", "available", "Za prvu godinu poslovanja."),
    ("Sala za obuke, 40 mesta", "premises", "Centar za obuku Trstenik", "Trstenik", "available", "Besplatno radnim danima posle 16h."),
    ("Kombi za prevoz robe", "equipment", "Zadruga Ćićevačka njiva", "Ćićevac", "limited", "Uz nadoknadu goriva."),
    ("Sušara za bilje (demo)", "equipment", "Opština Brus (demo)", "Brus", "unavailable", "U popravci do proleća."),
    ("Pravno savetovanje o Zakonu o socijalnom preduzetništvu", "expertise", "Mreža socijalnih preduzeća Rasine (demo)", "Kruševac", "available", "Jednom mesečno, uz prijavu."),
]  # fmt: skip

PRACTICES = [
    ("Zajednička prodaja preko zadruge", "Mali proizvođači meda udružili su se da bi zajedno nastupili pred trgovinskim lancima.", "Kruševac", 2024, ["Zadruga Rasinski med", "Fondacija Rasinski fond"]),
    ("Radna integracija kroz zanat", "Stolarska radionica obučava i zapošljava ljude nakon izlaska iz zatvora.", "Kruševac", 2023, ["Radionica Druga šansa", "Centar za socijalni rad Rasina (demo)"]),
    ("Vrtići kupuju od lokalnih proizvođača", "Dogovor vrtića i socijalne kooperative o nabavci povrća.", "Varvarin", 2025, ["Socijalna kooperativa Sloga Varvarin", "Vrtić Bajka — prehrana"]),
    ("Reciklaža uz zapošljavanje sakupljača", "Sakupljači sekundarnih sirovina postali su zaposleni sa ugovorom.", "Ćićevac", 2024, ["Reciklažni centar Morava", "Udruženje Roma Ćićevac"]),
    ("Seoski turizam sa starijim domaćinima", "Starije domaćinstvo dočekuje goste i čuva tradiciju Župe.", "Aleksandrovac", 2025, ["Etno kuća Vrbnica", "Udruženje žena Župska ruža"]),
]  # fmt: skip

RELATIONSHIPS = [
    ("Zadruga Rasinski med", "Mreža socijalnih preduzeća Rasine (demo)", "member_of"),
    ("Radionica Druga šansa", "Mreža socijalnih preduzeća Rasine (demo)", "member_of"),
    ("Kafe Zajedno", "Mreža socijalnih preduzeća Rasine (demo)", "member_of"),
    ("Fondacija Rasinski fond", "Kafe Zajedno", "funder"),
    ("Šumsko voće Kopaonik", "Sirana Kopaoničke livade", "partner"),
    ("Socijalna kooperativa Sloga Varvarin", "Vrtić Bajka — prehrana", "supplier"),
    ("Poslovni inkubator Kruševac (demo)", "Pekara Dobro jutro", "partner"),
    ("Krojačka radionica Niti", "Metalci Trstenika — radnička zadruga", "supplier"),
]  # fmt: skip


def _point(municipality: str, rng: random.Random) -> tuple[float, float]:
    lat, lon = CENTRES[municipality]
    return round(lat + rng.uniform(-0.02, 0.02), 6), round(lon + rng.uniform(-0.025, 0.025), 6)


def load_directory(tenant_slug: str) -> int:
    """Load the tenant's demo directory (current tenant must be set). Returns entries created."""
    if db.session.scalar(select(func.count(Organization.id))):
        return 0
    rng = random.Random(f"solidarna-demo-{tenant_slug}")
    rows = RASINA if tenant_slug == "krusevac" else KORSE
    by_name: dict[str, Organization] = {}
    for index, (
        name,
        actor,
        form,
        se,
        place,
        kd,
        groups,
        interest,
        total,
        women,
        vuln,
        mission,
    ) in enumerate(rows):
        lat, lon = _point(place, rng)
        moderation = "pending" if index in (19, 39) else "verified"
        org = services.create_organization(
            {
                "name": name, "legal_form": form, "actor_type": actor, "se_status": se, "municipality": place,
                "mission": mission, "description": FICTIONAL, "employees_total": total, "employees_women": women,
                "employees_vulnerable": vuln, "volunteers": rng.choice([None, 0, 2, 5, 12]),
                "founding_year": rng.randint(1995, 2025), "latitude": lat, "longitude": lon,
                "address": f"Ulica primera {rng.randint(1, 120)}, {place}", "status": "planning" if se == "planned" else "active",
                "turnover_band": rng.choice(["lt_1m", "1m_5m", "5m_20m", None]),
                "contact_email": None, "phone": f"0{rng.randint(30, 39)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
                "field_visibility": {"phone": "members", "turnover_band": "admins"},
            },
            {"kd": kd, "group": groups, "interest": interest},
            None,
            source=rng.choice(["office", "self_reported", "imported"]),
            source_detail="mapiranje-2026.csv (demo)" if index % 5 == 0 else "",
            moderation=moderation,
        )  # fmt: skip
        if org.verified_at is not None:
            # A mapping that grew over months, not one that appeared at once.
            org.verified_at = utcnow() - timedelta(days=rng.randint(20, 200), hours=index)
        by_name[name] = org
    db.session.flush()
    if tenant_slug == "krusevac":
        for title, kind, owner, place, availability, conditions in RESOURCES:
            lat, lon = _point(place, rng)
            district = find(place).district_iso
            resource = Resource(
                title=title, kind=kind, owner_organization_id=by_name[owner].id if owner in by_name else None,
                owner_name="" if owner in by_name else owner, municipality=place, district_iso=district,
                latitude=lat, longitude=lon, availability=availability, conditions=conditions,
                description=FICTIONAL, contact="kancelarija@example.org", valid_until=date(2027, 6, 30),
            )  # fmt: skip
            resource.refresh_search()
            db.session.add(resource)
        for title, summary, place, year, names in PRACTICES:
            practice = Practice(
                title=title, summary=summary, description=FICTIONAL, municipality=place, year=year
            )
            practice.refresh_search()
            db.session.add(practice)
            db.session.flush()
            for name in names:
                db.session.add(
                    PracticeOrganization(practice_id=practice.id, organization_id=by_name[name].id)
                )
        for source, target, kind in RELATIONSHIPS:
            db.session.add(
                Relationship(source_id=by_name[source].id, target_id=by_name[target].id, kind=kind)
            )
    db.session.flush()
    return len(rows)
