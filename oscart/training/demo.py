"""Demo courses: global and Acme-only, several languages (one missing some, to show the fallback), lessons
with a generated image, a twelve-question knowledge check, and trainees at different stages. Get-or-create by
course code."""

import io
from datetime import timedelta
from decimal import Decimal

from PIL import Image, ImageDraw
from sqlalchemy import select

from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.training import authoring, company, course_lessons, enrolling, lessons, progress
from oscart.training.demo_quiz import seed_bank
from oscart.training.models import ELEARNING, RULE_LESSONS, RULE_LESSONS_QUIZ, CompanyNews, Course, Enrolment

WAREHOUSE = {
    "code": "SAFE-101", "rule": RULE_LESSONS_QUIZ, "hours": "1.5", "validity": 36, "owner": None,
    "texts": {
        "nl": ("Veilig werken in het magazijn",
               "De basisregels voor veilig werken tussen rekken, heftrucks en paletten."),
        "fr": ("Travailler en sécurité dans l'entrepôt",
               "Les règles de base pour travailler en sécurité dans l'entrepôt."),
        "de": ("Sicher arbeiten im Lager", "Die Grundregeln für sicheres Arbeiten zwischen Regalen und Staplern."),
        "en": ("Working safely in the warehouse",
               "The basic rules for working safely between racks, forklifts and pallets."),
    },
    "about": {  # description and objectives, shown on the course page
        "nl": ("In een magazijn kruisen mensen, heftrucks en zware lading elkaar de hele dag. Deze opleiding toont "
               "waar het misloopt en wat u zelf doet om dat te voorkomen.",
               "Gevaren in het magazijn herkennen\nDe juiste beschermingsmiddelen kiezen\nCorrect reageren bij een "
               "ongeval"),
        "fr": ("Dans un entrepôt, personnes, chariots et charges lourdes se croisent toute la journée. Cette "
               "formation montre où les accidents arrivent et ce que vous faites pour les éviter.",
               "Reconnaître les dangers de l'entrepôt\nChoisir les bons équipements de protection\nRéagir "
               "correctement en cas d'accident"),
        "de": ("Im Lager begegnen sich den ganzen Tag Menschen, Stapler und schwere Lasten. Diese Schulung zeigt, "
               "wo Unfälle passieren und was Sie selbst dagegen tun.",
               "Gefahren im Lager erkennen\nDie richtige Schutzausrüstung wählen\nBei einem Unfall richtig "
               "handeln"),
        "en": ("In a warehouse, people, forklifts and heavy loads cross paths all day. This course shows where things "
               "go wrong and what you do to prevent it.",
               "Recognise hazards in the warehouse\nChoose the right protective equipment\nRespond correctly to "
               "an accident"),
    },
    "lessons": [
        {"nl": ("Gevaren herkennen", "Kijk goed rond: **vallende lading**, rijdende heftrucks en natte vloeren.\n\n"
                "![Waarschuwingsbord]({image})\n\nMeld elk gevaar meteen aan uw leidinggevende."),
         "fr": ("Reconnaître les dangers", "Regardez bien : **charges qui tombent**, chariots en mouvement, sols "
                "mouillés.\n\n![Panneau d'avertissement]({image})"),
         "de": ("Gefahren erkennen", "Achten Sie auf **herabfallende Lasten**, fahrende Stapler und nasse Böden.\n\n"
                "![Warnschild]({image})"),
         "en": ("Recognising hazards", "Look around: **falling loads**, moving forklifts and wet floors.\n\n"
                "![Warning sign]({image})")},
        {"nl": ("Persoonlijke beschermingsmiddelen", "Draag altijd veiligheidsschoenen en een fluohesje.\n\n"
                "- Veiligheidsschoenen\n- Fluohesje\n- Handschoenen bij scherpe lading"),
         "fr": ("Équipements de protection", "Portez toujours des chaussures de sécurité et un gilet fluo."),
         "de": ("Persönliche Schutzausrüstung", "Tragen Sie immer Sicherheitsschuhe und eine Warnweste."),
         "en": ("Personal protective equipment", "Always wear safety shoes and a high-visibility vest.")},
        {"nl": ("Noodprocedures", "Ken de nooduitgangen en het verzamelpunt. Bel **112** bij een ongeval."),
         "fr": ("Procédures d'urgence", "Connaissez les sorties de secours et le point de rassemblement. "
                "Appelez le **112**."),
         "de": ("Notfallverfahren", "Kennen Sie die Notausgänge und den Sammelplatz. Rufen Sie **112** an."),
         "en": ("Emergency procedures", "Know the emergency exits and the assembly point. Call **112**.")},
    ],
    "quiz": True,  # the twelve questions of demo_quiz
}
FORKLIFT = {  # no German or English translation: shows the fallback
    "code": "FORK-201", "rule": RULE_LESSONS, "hours": "2.0", "validity": 60, "owner": None,
    "texts": {"nl": ("Heftruck: de basis", "Dagelijkse controle en veilig rijden met de heftruck."),
              "fr": ("Chariot élévateur : les bases", "Contrôle quotidien et conduite sûre du chariot.")},
    "lessons": [{"nl": ("Dagelijkse controle", "Controleer banden, vorken, remmen en claxon voor u vertrekt."),
                 "fr": ("Contrôle quotidien", "Vérifiez pneus, fourches, freins et klaxon avant de partir.")},
                {"nl": ("Veilig rijden", "Rij stapvoets, met de last laag en de vorken naar achteren gekanteld."),
                 "fr": ("Conduite sûre", "Roulez au pas, charge basse, fourches inclinées vers l'arrière.")}],
}
PRIVACY = {
    "code": "GDPR-100", "rule": RULE_LESSONS, "hours": "0.5", "validity": None, "owner": None,
    "texts": {"nl": ("Privacy op de werkvloer", "Wat de AVG betekent voor uw dagelijkse werk."),
              "fr": ("La vie privée au travail", "Ce que le RGPD signifie pour votre travail quotidien."),
              "de": ("Datenschutz am Arbeitsplatz", "Was die DSGVO für Ihre tägliche Arbeit bedeutet."),
              "en": ("Privacy at work", "What the GDPR means for your daily work.")},
    "lessons": [{"nl": ("Persoonsgegevens", "Namen, adressen en foto's zijn persoonsgegevens."),
                 "fr": ("Données personnelles", "Noms, adresses et photos sont des données personnelles."),
                 "de": ("Personenbezogene Daten", "Namen, Adressen und Fotos sind personenbezogene Daten."),
                 "en": ("Personal data", "Names, addresses and photos are personal data.")},
                {"nl": ("Een datalek melden", "Meld een verloren laptop of verkeerd verstuurde mail meteen."),
                 "fr": ("Signaler une fuite", "Signalez immédiatement un portable perdu ou un mail mal envoyé."),
                 "de": ("Eine Datenpanne melden", "Melden Sie einen verlorenen Laptop sofort."),
                 "en": ("Reporting a breach", "Report a lost laptop or a misdirected e-mail at once.")}],
}
ACME_DOCK = {  # Acme's own procedure: only Acme's employees see it
    "code": "ACME-DOCK", "rule": RULE_LESSONS, "hours": "0.5", "validity": None, "owner": "Acme Logistics",
    "texts": {"nl": ("Acme: laden en lossen aan de kade", "Onze eigen procedure voor de laadkades in Antwerpen."),
              "en": ("Acme: loading and unloading at the dock", "Our own procedure for the Antwerp loading docks.")},
    "lessons": [{"nl": ("Aanmelden aan de kade", "Meld elke vrachtwagen aan in het kadeboek voor u laadt."),
                 "en": ("Checking in at the dock", "Register every truck in the dock book before loading.")}],
}
WELCOME = ("Welkom bij Acme Logistics", "Welkom op het opleidingsportaal! Volg eerst **Veilig werken in het "
           "magazijn** en de Acme-procedure voor de laadkades.")


def seed(demo):
    admin, hr_acme = demo.user("admin@oscart.example"), demo.user("hr@acme.example")
    courses = {}
    for spec in (WAREHOUSE, FORKLIFT, PRIVACY, ACME_DOCK):
        author = hr_acme if spec["owner"] else admin
        courses[spec["code"]] = _get_or_create_course(spec, author)
    _seed_progress(demo, courses)
    acme = demo.companies["Acme Logistics"]
    if db.session.scalar(select(CompanyNews.id).where(CompanyNews.company_id == acme.id)) is None:
        company.save_news(None, actor=hr_acme, title=WELCOME[0], body_source=WELCOME[1], is_pinned=True)
    db.session.flush()


def _get_or_create_course(spec, author):
    course = db.session.scalar(select(Course).where(Course.code == spec["code"]))
    if course is not None:
        return course
    course = authoring.save_course(None, actor=author, code=spec["code"], format=ELEARNING,
                                   duration_hours=Decimal(spec["hours"]), validity_months=spec["validity"],
                                   completion_rule=spec["rule"], default_language="nl", is_global=True)
    for language, (title, summary) in spec["texts"].items():
        translation = authoring.save_course_translation(course, actor=author, language=language, title=title,
                                                        summary=summary)
        translation.description, translation.objectives = spec.get("about", {}).get(language, ("", ""))
    image = lessons.upload_image(course, actor=author, data=_warning_sign_png(), max_bytes=2 * 1024 * 1024)
    for texts in spec["lessons"]:
        lesson = lessons.add_lesson(course, actor=author, title=texts["nl"][0])
        for language, (title, body) in texts.items():
            lessons.save_lesson_translation(lesson, actor=author, language=language, title=title,
                                            body_source=body.replace("{image}", lessons.image_url(image.id)))
    if spec.get("quiz"):
        seed_bank(course, author)
    authoring.publish_course(course, actor=author)
    return course


def _seed_progress(demo, courses):
    now = utcnow()
    anna, pieter, sofie = (demo.user(f"{n}@acme.example") for n in ("anna", "pieter", "sofie"))
    claire, hr_acme = demo.user("claire@globex.example"), demo.user("hr@acme.example")
    if _enrolment(anna, courses["SAFE-101"]) is None:  # Anna: one lesson done, due in three weeks
        enrolment = enrolling.enrol(anna, courses["SAFE-101"].id)
        enrolment.due_at = now + timedelta(days=21)
        _do_lessons(anna, enrolment, 1, now - timedelta(days=2))
    if _enrolment(pieter, courses["GDPR-100"]) is None:  # Pieter: assigned, overdue since ten days
        company.assign_course(hr_acme, courses["GDPR-100"].id, [pieter.id], due_at=now - timedelta(days=10))
    if _enrolment(sofie, courses["GDPR-100"]) is None:  # Sofie: completed last month
        enrolment = enrolling.enrol(sofie, courses["GDPR-100"].id)
        enrolment.enrolled_at = now - timedelta(days=35)
        _do_lessons(sofie, enrolment, 2, now - timedelta(days=30))
    if _enrolment(claire, courses["FORK-201"]) is None:
        enrolling.enrol(claire, courses["FORK-201"].id)


def _enrolment(user, course):
    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id))


def _do_lessons(user, enrolment, count, at):
    lesson_ids = [row["id"] for row in course_lessons.lesson_rows(enrolment.course_id, [])][:count]
    for lesson_id in lesson_ids:
        progress.mark_lesson_done(user, enrolment.id, lesson_id, now=at)


def _warning_sign_png():
    """A small warning-sign illustration drawn at seed time (no binary files in the repository)."""
    image = Image.new("RGB", (480, 270), "#e7f1f8")
    draw = ImageDraw.Draw(image)
    draw.polygon([(240, 30), (390, 240), (90, 240)], fill="#f2a900", outline="#1d2733", width=8)
    draw.rectangle([(230, 100), (250, 180)], fill="#1d2733")
    draw.ellipse([(228, 195), (252, 219)], fill="#1d2733")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
