"""A platform admin builds a course in Dutch, French, German and English on a desktop: the course screen with
every language in one submission, a text lesson (Markdown, previewed), a video lesson (a video and WebVTT captions
per language) and a document lesson (a PDF per language), and a question bank of single-choice, multiple-choice and
true-or-false questions with explanations, three drawn per attempt. The checklist holds publishing back until the
admin confirms the missing English video; then a German-speaking trainee of the company the course is for takes it on
a phone (390 × 844, touch): the three lessons, the video watched to its end, the knowledge check passed, the
certificate. Screenshots in test-artifacts/authoring-*.png."""

import re
from pathlib import Path

from playwright.sync_api import expect

from oscart.core.pdf import render_pdf
from oscart.core.security import PLATFORM_ADMIN
from tests.browser.test_classroom_journey import login
from tests.factories import make_company, make_user
from tests.media_helpers import MP4, PDF, VTT, WEBM

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
LANGUAGE_ORDER = ("nl", "fr", "de", "en")
# The demo course's eight-second VP8 video: a file Chromium really plays, so the trainee can watch it to its end.
PLAYABLE_WEBM = Path(__file__).resolve().parents[2] / "oscart" / "training" / "demo_files" / "first-aid.webm"

COURSE = {
    "nl": ("Veilig heffen in het magazijn", "Hoe u dozen en lasten heft zonder uw rug te belasten.",
           "Een korte opleiding met een tekst, een video en een checklist.", "Een last veilig heffen\nHulp vragen"),
    "fr": ("Soulever en sécurité à l'entrepôt", "Comment soulever des cartons sans vous faire mal au dos.",
           "Une courte formation avec un texte, une vidéo et une liste.", "Soulever une charge\nDemander de l'aide"),
    "de": ("Sicher heben im Lager", "Wie Sie Kisten und Lasten heben, ohne Ihren Rücken zu belasten.",
           "Ein kurzer Kurs mit einem Text, einem Video und einer Checkliste.", "Eine Last sicher heben\nHilfe holen"),
    "en": ("Lifting safely in the warehouse", "How to lift boxes and loads without straining your back.",
           "A short course with a text, a video and a checklist.", "Lift a load safely\nAsk for help"),
}
TEXT_LESSON = {
    "nl": ("De juiste houding", "## Zo heft u\n\n* Buig de **knieën**\n* Houd de last dicht bij uw lichaam"),
    "fr": ("La bonne posture", "## Comment soulever\n\n* Pliez les **genoux**\n* Gardez la charge près du corps"),
    "de": ("Die richtige Haltung", "## So heben Sie\n\n* Beugen Sie die **Knie**\n* Halten Sie die Last nah am Körper"),
    "en": ("The right posture", "## How to lift\n\n* Bend your **knees**\n* Keep the load close to your body"),
}
VIDEO_LESSON = {
    "nl": ("Heffen in beeld", "Bekijk de video tot het einde."),
    "fr": ("Soulever en images", "Regardez la vidéo jusqu'à la fin."),
    "de": ("Heben im Video", "Sehen Sie sich das Video bis zum Ende an."),
    "en": ("Lifting on video", "Watch the video to the end."),
}
DOCUMENT_LESSON = {
    "nl": ("Checklist heffen", "Druk de checklist af en hang ze in het magazijn."),
    "fr": ("Liste pour soulever", "Imprimez la liste et affichez-la dans l'entrepôt."),
    "de": ("Checkliste Heben", "Drucken Sie die Checkliste aus und hängen Sie sie im Lager auf."),
    "en": ("Lifting checklist", "Print the checklist and put it up in the warehouse."),
}
# Each language's video and captions; the English lesson has none, so publishing asks to confirm the fallback.
VIDEOS = {
    "nl": ("heffen.mp4", "video/mp4", MP4),
    "fr": ("soulever.webm", "video/webm", WEBM),
    "de": ("heben.webm", "video/webm", PLAYABLE_WEBM.read_bytes()),
}
CAPTIONS = {
    "nl": VTT,
    "de": "WEBVTT\n\n00:00.000 --> 00:04.000\nBeugen Sie die Knie.\n\n00:04.000 --> 00:08.000\nRücken gerade.\n"
          .encode(),
}


def german_checklist():
    """A PDF with a page to show (the small one of the media helpers has none), as the German document."""
    return render_pdf('<!doctype html><html lang="de"><head><meta charset="utf-8"></head><body>'
                      "<h1>Checkliste Heben</h1><ol><li>Knie beugen</li><li>Rücken gerade</li>"
                      "<li>Last nah am Körper</li><li>Ab 25 kg zu zweit</li></ol></body></html>")


# (kind, correct answer numbers from 0 or, for true or false, "0" true / "1" false, {language: texts})
QUESTIONS = [
    ("single", {0}, {
        "nl": ("Hoe heft u een zware doos?", ["Met gebogen knieën", "Met gestrekte benen", "Met een ruk"],
               "Met gebogen knieën werken uw beenspieren, niet uw rug."),
        "fr": ("Comment soulevez-vous un carton lourd ?", ["Genoux pliés", "Jambes tendues", "D'un coup sec"],
               "Genoux pliés, ce sont vos jambes qui travaillent, pas votre dos."),
        "de": ("Wie heben Sie eine schwere Kiste?", ["Mit gebeugten Knien", "Mit gestreckten Beinen", "Ruckartig"],
               "Mit gebeugten Knien arbeiten die Beinmuskeln, nicht der Rücken."),
        "en": ("How do you lift a heavy box?", ["With bent knees", "With straight legs", "With a jerk"],
               "With bent knees your legs do the work, not your back."),
    }),
    ("multiple", {0, 2}, {
        "nl": ("Wat draagt u in het magazijn?", ["Veiligheidsschoenen", "Slippers", "Een fluohesje"],
               "Schoenen en hesje beschermen u; slippers niet."),
        "fr": ("Que portez-vous dans l'entrepôt ?", ["Chaussures de sécurité", "Tongs", "Un gilet fluo"],
               "Les chaussures et le gilet vous protègent ; les tongs non."),
        "de": ("Was tragen Sie im Lager?", ["Sicherheitsschuhe", "Badelatschen", "Eine Warnweste"],
               "Schuhe und Weste schützen Sie, Badelatschen nicht."),
        "en": ("What do you wear in the warehouse?", ["Safety shoes", "Flip-flops", "A high-visibility vest"],
               "Shoes and vest protect you; flip-flops do not."),
    }),
    ("true_false", {"1"}, {
        "nl": ("U mag een last boven uw hoofd heffen als niemand kijkt.", [],
               "Boven het hoofd heffen is nooit veilig."),
        "fr": ("Vous pouvez soulever une charge au-dessus de la tête si personne ne regarde.", [],
               "Soulever au-dessus de la tête n'est jamais sûr."),
        "de": ("Sie dürfen eine Last über den Kopf heben, wenn niemand zusieht.", [],
               "Über Kopf heben ist nie sicher."),
        "en": ("You may lift a load above your head when nobody is watching.", [],
               "Lifting above your head is never safe."),
    }),
    ("single", {1}, {
        "nl": ("Wanneer vraagt u hulp?", ["Nooit", "Bij een last van meer dan 25 kg", "Alleen op vrijdag"],
               "Vanaf 25 kg heft u met twee."),
        "fr": ("Quand demandez-vous de l'aide ?", ["Jamais", "Pour une charge de plus de 25 kg", "Le vendredi"],
               "À partir de 25 kg, on soulève à deux."),
        "de": ("Wann holen Sie Hilfe?", ["Nie", "Bei einer Last über 25 kg", "Nur freitags"],
               "Ab 25 kg heben Sie zu zweit."),
        "en": ("When do you ask for help?", ["Never", "For a load over 25 kg", "Only on Fridays"],
               "From 25 kg on, you lift with two."),
    }),
]
KIND_LABELS = {"single": "Eén keuze (één juist antwoord)",
               "multiple": "Meerkeuze (alle juiste antwoorden moeten gekozen worden)",
               "true_false": "Waar of niet waar"}
GERMAN_TRUTH = {"0": "Wahr", "1": "Falsch"}


def assert_no_sideways_scroll(page, name):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} is {widths[0]} px wide on a {widths[1]} px screen"


def open_language(page, block):
    if block.get_attribute("open") is None:
        block.locator("summary").click()


def build_course_screen(page, company_name):
    page.goto("/training/manage/new")
    page.get_by_label("Code", exact=True).fill("LIFT-101")
    page.get_by_label("Vorm").select_option("elearning")
    page.get_by_label("Duur (uren)").fill("2")
    page.get_by_label("Attest geldig gedurende (maanden)").fill("36")
    page.get_by_label("Voltooiingsregel").select_option("lessons_quiz")
    page.get_by_label("Standaardtaal").select_option("nl")
    page.get_by_label("In de algemene catalogus (elk bedrijf ziet ze)").uncheck()
    page.get_by_label("Alleen voor deze bedrijven").select_option(label=company_name)
    for code in LANGUAGE_ORDER:
        title, summary, description, objectives = COURSE[code]
        block = page.locator(f"#texts-{code}")
        open_language(page, block)
        block.locator(f"#title_{code}").fill(title)
        block.locator(f"#summary_{code}").fill(summary)
        block.locator(f"#description_{code}").fill(description)
        block.locator(f"#objectives_{code}").fill(objectives)
    page.get_by_role("button", name="Opleiding bewaren").click()
    expect(page.locator(".flash")).to_contain_text("De opleiding is bewaard.")
    expect(page.get_by_role("heading", level=1)).to_have_text("LIFT-101")
    for code in LANGUAGE_ORDER:
        expect(page.locator(f"#title_{code}")).to_have_value(COURSE[code][0])


def to_lessons(page):
    """The lessons and languages: a tab of the course's screens, the breadcrumb of a lesson's editor."""
    tab_or_breadcrumb = page.get_by_role("link", name="Lessen en talen").or_(
        page.locator(".breadcrumb a", has_text="LIFT-101"))
    tab_or_breadcrumb.first.click()
    expect(page.locator("table.translation-matrix")).to_be_visible()


def add_lesson(page, title, kind_label):
    to_lessons(page)
    page.get_by_label("Titel van de les").fill(title)
    page.get_by_label(kind_label, exact=True).check()
    page.get_by_role("button", name="Les toevoegen").click()
    expect(page.locator(".flash")).to_contain_text("De les is toegevoegd.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les in het Nederlands")


def write_lesson(page, code, title, body):
    """The lesson in ``code``: opened from the editor's language tabs, written and saved."""
    page.locator("nav.tabs").get_by_role("link", name=re.compile(
        {"nl": "^Nederlands", "fr": "^Français", "de": "^Deutsch", "en": "^English"}[code])).click()
    page.locator("#title").fill(title)
    page.locator("#body_source").fill(body)
    page.get_by_role("button", name="Les bewaren").click()
    expect(page.locator(".flash")).to_contain_text("De les is bewaard.")


def upload(page, role, name, mime, data):
    files = page.locator("#files")
    files.get_by_label("Soort bestand").select_option(role)
    files.get_by_label("Bestand", exact=True).set_input_files(files={"name": name, "mimeType": mime, "buffer": data})
    files.get_by_role("button", name="Bestand uploaden").click()
    expect(page.locator(".flash")).to_contain_text("Het bestand is geüpload.")


def write_question(page, kind, correct, texts):
    page.get_by_role("link", name="Vraag toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe vraag")
    page.get_by_label(KIND_LABELS[kind]).check()
    for code in LANGUAGE_ORDER:
        text, answers, explanation = texts[code]
        block = page.locator("details.language-block", has=page.locator(f"#text_{code}"))
        open_language(page, block)
        block.locator(f"#text_{code}").fill(text)
        for number, answer in enumerate(answers, start=1):
            block.locator(f"#answer_{code}_{number}").fill(answer)
        block.locator(f"#explanation_{code}").fill(explanation)
    if kind == "true_false":
        page.locator(f"input[name=truth][value='{next(iter(correct))}']").check()
    else:
        for number in correct:
            page.locator(f"input[name=correct][value='{number}']").check()
    page.get_by_role("button", name="Vraag opslaan").click()
    expect(page.locator(".flash")).to_contain_text("De vraag is opgeslagen.")


def build_course(page, screenshot, company_name):
    build_course_screen(page, company_name)
    screenshot(page, "authoring-01-course-screen-desktop")

    add_lesson(page, TEXT_LESSON["nl"][0], "Tekst")
    page.locator("#body_source").fill(TEXT_LESSON["nl"][1])
    page.get_by_role("button", name="Voorbeeld").click()
    expect(page.locator(".lesson-preview strong")).to_have_text("knieën")
    for code in LANGUAGE_ORDER:
        write_lesson(page, code, *TEXT_LESSON[code])
    expect(page.locator(".prose strong").first).to_have_text("knieën")  # the Dutch source beside the English

    add_lesson(page, VIDEO_LESSON["nl"][0], "Video")
    for code in LANGUAGE_ORDER:
        write_lesson(page, code, *VIDEO_LESSON[code])
        if code in VIDEOS:
            upload(page, "video", *VIDEOS[code])
        if code in CAPTIONS:
            upload(page, "captions", f"captions-{code}.vtt", "text/vtt", CAPTIONS[code])
    page.locator("nav.tabs").get_by_role("link", name=re.compile("^Deutsch")).click()
    files = page.locator("#files")
    expect(files.locator("li", has_text="Video (MP4 of WebM)")).to_contain_text("openen")
    expect(files.locator("li", has_text="Ondertitels (WebVTT)")).to_contain_text("openen")
    screenshot(page, "authoring-02-video-lesson-desktop")

    add_lesson(page, DOCUMENT_LESSON["nl"][0], "Document (pdf)")
    for code in LANGUAGE_ORDER:
        write_lesson(page, code, *DOCUMENT_LESSON[code])
        document = german_checklist() if code == "de" else PDF
        upload(page, "document", f"checklist-{code}.pdf", "application/pdf", document)

    to_lessons(page)
    page.get_by_role("link", name="Kennistoets").click()
    page.get_by_label("Slaagcijfer (%)").fill("75")
    page.get_by_label("Toegestane pogingen").fill("3")
    page.get_by_label("Vragen per poging").fill("3")
    page.get_by_role("button", name="Instellingen bewaren").click()
    expect(page.locator(".flash")).to_contain_text("De instellingen zijn bewaard.")
    for kind, correct, texts in QUESTIONS:
        write_question(page, kind, correct, texts)
    expect(page.get_by_role("heading", name="Vragenbank (4 vragen)")).to_be_visible()
    expect(page.locator(".checklist")).not_to_contain_text(re.compile("ontbr"))
    screenshot(page, "authoring-03-question-bank-desktop")


def publish(page, screenshot):
    to_lessons(page)
    checklist = page.locator(".publish-checklist")
    expect(checklist.locator("li", has_text="Engels")).to_contain_text("Les 2, Heffen in beeld: geen video")
    expect(checklist.locator("li", has_text="Duits")).to_contain_text("Volledig")
    screenshot(page, "authoring-04-checklist-desktop")
    page.get_by_role("button", name="Publiceren").click()
    expect(page.locator(".flash-error")).to_contain_text("In sommige talen ontbreken lessen, lesbestanden of vragen")
    page.get_by_label("Publiceren, met de ontbrekende delen in een andere taal").check()
    page.get_by_role("button", name="Publiceren").click()
    expect(page.locator(".flash")).to_contain_text("De opleiding is gepubliceerd.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gepubliceerd")


def answer(page, question):
    """Tick the right answers of the question in this fieldset, found by its German text."""
    legend = question.locator("legend").inner_text()
    [(kind, correct, texts)] = [entry for entry in QUESTIONS if legend.endswith(entry[2]["de"][0])]
    expect(question.locator(".hint")).to_have_text(
        "Wählen Sie alle richtigen Antworten." if kind == "multiple" else "Wählen Sie eine Antwort.")
    if kind == "true_false":
        question.get_by_label(GERMAN_TRUTH[next(iter(correct))], exact=True).tap()
    else:
        for number in correct:
            question.get_by_label(texts["de"][1][number], exact=True).tap()
    return kind


def take_course_on_a_phone(phone, screenshot):
    phone.goto("/training/")
    phone.get_by_role("link", name=COURSE["de"][0]).first.tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(COURSE["de"][0])
    expect(phone.locator(".lead")).to_have_text(COURSE["de"][1])
    expect(phone.locator(".course-about")).to_contain_text("Eine Last sicher heben")
    lessons = phone.locator(".lesson-list li")
    expect(lessons).to_have_text([TEXT_LESSON["de"][0], VIDEO_LESSON["de"][0], DOCUMENT_LESSON["de"][0]])
    assert_no_sideways_scroll(phone, "course page")
    screenshot(phone, "authoring-05-phone-course")
    phone.get_by_role("button", name="Für diesen Kurs anmelden").tap()

    expect(phone.get_by_text("Lektion 1 von 3")).to_be_visible()
    lesson = phone.locator("article.lesson")
    expect(lesson.get_by_role("heading", level=1)).to_have_text(TEXT_LESSON["de"][0])
    expect(lesson.get_by_role("heading", level=2)).to_have_text("So heben Sie")
    expect(lesson.locator(".prose strong")).to_have_text("Knie")
    languages = lesson.get_by_role("navigation", name="Verfügbare Sprachen")
    expect(languages.locator("[aria-current]")).to_have_text("Deutsch")
    expect(languages.get_by_role("link")).to_have_text(["Nederlands", "Français", "English"])
    assert_no_sideways_scroll(phone, "text lesson")
    screenshot(phone, "authoring-06-phone-text-lesson")
    phone.get_by_role("button", name="Als erledigt markieren und weiter").tap()

    expect(phone.get_by_text("Lektion 2 von 3")).to_be_visible()
    expect(lesson.get_by_role("heading", level=1)).to_have_text(VIDEO_LESSON["de"][0])
    video = lesson.locator("video")
    expect(video.locator("track[srclang=de]")).to_have_attribute("default", "")
    expect(lesson.get_by_role("link", name="Video herunterladen (10 kB)")).to_be_visible()
    phone.wait_for_function("() => document.querySelector('video').readyState >= 1")  # its length is known
    assert 7.5 < video.evaluate("(v) => v.duration") < 8.5
    # The learner drags the player's position near the end and plays the last second (muted: a page may play
    # sound only after a gesture the browser recognises).
    video.evaluate("(v) => { v.muted = true; v.currentTime = v.duration - 1; return v.play(); }")
    watched = phone.locator("#lesson-watched")
    expect(watched).to_have_text("Sie haben das Video angesehen: Die Lektion gilt als erledigt.")
    phone.wait_for_function("() => document.querySelector('video').ended")  # it really played to its end
    expect(phone.locator("#lesson-done button")).to_have_text("Weiter")  # counted: the button only moves on
    assert_no_sideways_scroll(phone, "video lesson")
    screenshot(phone, "authoring-07-phone-video-lesson")
    phone.get_by_role("link", name="Zurück zum Kurs").tap()
    expect(lessons.nth(1)).to_contain_text("Erledigt")  # counted by watching, before any button
    # Chromium shows the PDF in its own viewer, a frame of its PDF extension inside the lesson's frame.
    with phone.expect_event("framenavigated", predicate=lambda frame: frame.url.startswith("chrome-extension:")) \
            as pdf_viewer:
        phone.get_by_role("link", name="Dort weitermachen, wo Sie aufgehört haben").tap()

    expect(phone.get_by_text("Lektion 3 von 3")).to_be_visible()
    expect(lesson.get_by_role("heading", level=1)).to_have_text(DOCUMENT_LESSON["de"][0])
    expect(lesson.locator("iframe.lesson-document")).to_have_attribute("title", DOCUMENT_LESSON["de"][0])
    expect(lesson.get_by_role("link", name=re.compile(r"^Dokument herunterladen \(PDF, \d+ kB\)$"))).to_be_visible()
    expect(lesson.locator(".prose")).to_have_text(DOCUMENT_LESSON["de"][1])
    assert phone.request.get(lesson.locator("iframe.lesson-document").get_attribute("src")).body().startswith(b"%PDF-")
    # The viewer's own state (Chromium's PDF viewer element): the page is drawn before the screenshot.
    expect(pdf_viewer.value.locator("pdf-viewer")).to_have_js_property("loadState_", "success")
    assert_no_sideways_scroll(phone, "document lesson")
    screenshot(phone, "authoring-08-phone-document-lesson")
    phone.get_by_role("button", name="Als erledigt markieren und weiter").tap()

    expect(phone).to_have_url(re.compile(r"/training/courses/\d+(\?.*)?#quiz$"))
    expect(phone.get_by_text("Bestehensgrenze 75 %, höchstens 3 Versuche.")).to_be_visible()
    phone.get_by_role("button", name="Wissensprüfung ablegen").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Wissensprüfung")
    questions = phone.locator("fieldset.question")
    expect(questions).to_have_count(3)  # three drawn from the bank of four
    kinds = [answer(phone, questions.nth(index)) for index in range(3)]
    assert len(set(kinds)) >= 2  # any three of the four mix the kinds
    assert_no_sideways_scroll(phone, "knowledge check")
    screenshot(phone, "authoring-09-phone-knowledge-check")
    phone.get_by_role("button", name="Antworten absenden").tap()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Ihr Zertifikat")
    expect(phone.locator(".flash")).to_contain_text("Sie haben die Wissensprüfung mit 100 % bestanden.")
    expect(phone.locator(".card h2").first).to_have_text(COURSE["de"][0])
    expect(phone.get_by_role("link", name="PDF herunterladen")).to_be_visible()
    assert_no_sideways_scroll(phone, "certificate")
    screenshot(phone, "authoring-10-phone-certificate")

    phone.goto("/training/")
    phone.get_by_role("link", name=COURSE["de"][0]).first.tap()
    expect(phone.locator(".page-head")).to_contain_text("Abgeschlossen")
    expect(phone.get_by_text("Bestanden mit 100 %")).to_be_visible()
    expect(lessons.locator(".badge")).to_have_text(["Erledigt"] * 3)
    screenshot(phone, "authoring-11-phone-course-completed")


def test_an_admin_builds_a_four_language_course_and_a_trainee_takes_it_on_a_phone(new_page, screenshot):
    company = make_company(name="Magazijnen Peeters")
    make_company(name="Bakkerij Janssens")
    admin = make_user(role=PLATFORM_ADMIN, language="nl")
    trainee = make_user(company=company, language="de")

    page = new_page(viewport=DESKTOP)
    login(page, admin.email)
    build_course(page, screenshot, company.name)
    publish(page, screenshot)

    phone = new_page(viewport=PHONE, locale="de-DE", is_mobile=True, has_touch=True)
    login(phone, trainee.email)
    take_course_on_a_phone(phone, screenshot)
