"""Demo course with a video lesson (a short WebM shipped in demo_files/, captions in four languages) and a document
lesson (a PDF per language, rendered by WeasyPrint at seed time). Get-or-create by course code."""

import io
from decimal import Decimal
from html import escape
from pathlib import Path

from sqlalchemy import select

from oscart.core.extensions import db
from oscart.core.pdf import render_pdf
from oscart.training import authoring, lessons, media
from oscart.training.media_models import CAPTIONS, DOCUMENT, VIDEO
from oscart.training.models import DOCUMENT_LESSON, ELEARNING, RULE_LESSONS, VIDEO_LESSON, Course

VIDEO_FILE = Path(__file__).resolve().parent / "demo_files" / "first-aid.webm"  # made by docs/demo_video.py
CODE = "AID-110"
TEXTS = {
    "nl": ("Eerste hulp op het werk", "Wat u doet in de eerste minuten na een ongeval: een korte video en een "
           "checklist om af te drukken."),
    "fr": ("Premiers secours au travail", "Ce que vous faites dans les premières minutes après un accident : une "
           "courte vidéo et une liste à imprimer."),
    "de": ("Erste Hilfe am Arbeitsplatz", "Was Sie in den ersten Minuten nach einem Unfall tun: ein kurzes Video "
           "und eine Checkliste zum Ausdrucken."),
    "en": ("First aid at work", "What to do in the first minutes after an accident: a short video and a checklist "
           "to print."),
}
VIDEO_LESSON_TEXTS = {
    "nl": ("De eerste minuten", "Bekijk de video tot het einde: de les telt dan als afgerond."),
    "fr": ("Les premières minutes", "Regardez la vidéo jusqu'à la fin : la leçon compte alors comme terminée."),
    "de": ("Die ersten Minuten", "Sehen Sie sich das Video bis zum Ende an: Die Lektion gilt dann als erledigt."),
    "en": ("The first minutes", "Watch the video to the end: the lesson then counts as done."),
}
CUES = {  # (start, end, text) in seconds, over the eight seconds of the video
    "nl": ["Blijf kalm en kijk of de plek veilig is.", "Bel 112 en zeg waar u bent.",
           "Blijf bij het slachtoffer tot de hulp er is."],
    "fr": ["Restez calme et vérifiez que l'endroit est sûr.", "Appelez le 112 et dites où vous êtes.",
           "Restez auprès de la victime jusqu'à l'arrivée des secours."],
    "de": ["Bleiben Sie ruhig und prüfen Sie, ob der Ort sicher ist.", "Rufen Sie 112 an und sagen Sie, wo Sie sind.",
           "Bleiben Sie bei der verletzten Person, bis Hilfe kommt."],
    "en": ["Stay calm and check that the place is safe.", "Call 112 and say where you are.",
           "Stay with the injured person until help arrives."],
}
CHECKLIST = {
    "nl": ("Checklist eerste hulp", ["Veiligheid: eerst uzelf, dan het slachtoffer.", "Bel 112.",
                                     "Controleer bewustzijn en ademhaling.", "Stop ernstige bloedingen.",
                                     "Meld het ongeval aan uw leidinggevende."]),
    "fr": ("Liste de premiers secours", ["Sécurité : vous d'abord, puis la victime.", "Appelez le 112.",
                                         "Vérifiez la conscience et la respiration.", "Arrêtez les saignements graves.",
                                         "Signalez l'accident à votre responsable."]),
    "de": ("Checkliste Erste Hilfe", ["Sicherheit: zuerst Sie selbst, dann die verletzte Person.", "Rufen Sie 112 an.",
                                      "Prüfen Sie Bewusstsein und Atmung.", "Stoppen Sie starke Blutungen.",
                                      "Melden Sie den Unfall Ihrer Führungskraft."]),
    "en": ("First-aid checklist", ["Safety: first yourself, then the injured person.", "Call 112.",
                                   "Check consciousness and breathing.", "Stop severe bleeding.",
                                   "Report the accident to your manager."]),
}
_LIMIT = 100 * 1024 * 1024


def seed(demo):
    if db.session.scalar(select(Course.id).where(Course.code == CODE)) is not None:
        return
    author = demo.user("admin@oscart.example")
    course = authoring.save_course(None, actor=author, code=CODE, format=ELEARNING, duration_hours=Decimal("0.5"),
                                   validity_months=24, completion_rule=RULE_LESSONS, default_language="nl",
                                   is_global=True)
    for language, (title, summary) in TEXTS.items():
        authoring.save_course_translation(course, actor=author, language=language, title=title, summary=summary)
    video = lessons.add_lesson(course, actor=author, title=VIDEO_LESSON_TEXTS["nl"][0], kind=VIDEO_LESSON)
    document = lessons.add_lesson(course, actor=author, title=CHECKLIST["nl"][0], kind=DOCUMENT_LESSON)
    data = VIDEO_FILE.read_bytes()
    for language, (title, body) in VIDEO_LESSON_TEXTS.items():
        lessons.save_lesson_translation(video, actor=author, language=language, title=title, body_source=body)
        _attach(course, video, author, language, VIDEO, data)  # one stored file: the same content each time
        _attach(course, video, author, language, CAPTIONS, _captions(CUES[language]))
    for language, (title, _items) in CHECKLIST.items():
        lessons.save_lesson_translation(document, actor=author, language=language, title=title, body_source="")
        _attach(course, document, author, language, DOCUMENT, _checklist_pdf(language))
    authoring.publish_course(course, actor=author)


def _attach(course, lesson, author, language, role, data):
    media.save_media(course, lesson, actor=author, language=language, role=role, stream=io.BytesIO(data),
                     max_bytes=_LIMIT)


def _captions(cues):
    lines = ["WEBVTT", ""]
    for number, text in enumerate(cues):
        start, end = number * 8 / len(cues), (number + 1) * 8 / len(cues)
        lines += [f"00:00:{start:06.3f} --> 00:00:{end:06.3f}", text, ""]
    return "\n".join(lines).encode()


def _checklist_pdf(language):
    title, items = CHECKLIST[language]
    entries = "".join(f"<li>{escape(item)}</li>" for item in items)
    html = (f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><style>'
            "@page { size: A4; margin: 2cm } body { font-family: sans-serif; color: #1d2733 }"
            "h1 { color: #0b5c8e; border-bottom: 4px solid #f2a900; padding-bottom: 8px }"
            "li { font-size: 14pt; margin: 0 0 12pt }</style></head>"
            f"<body><h1>{escape(title)}</h1><ol>{entries}</ol><p>Oscart</p></body></html>")
    return render_pdf(html)
