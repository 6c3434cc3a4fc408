"""The course screen: settings and the texts in every language in one submission, each language's state, conflicts."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from oscart.audit.models import AuditEvent
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from oscart.training import authoring
from oscart.training.course_screen import language_statuses
from oscart.training.models import Course, CourseTranslation, LessonTranslation
from tests.factories import lesson_ids, make_company, make_elearning_course, make_user

SETTINGS = {"code": "fire-1", "format": "elearning", "duration_hours": "2", "validity_months": "24",
            "completion_rule": "lessons", "default_language": "nl", "is_global": "y"}
TEXTS = {"nl": "Brandveiligheid", "fr": "Sécurité incendie", "de": "Brandschutz", "en": "Fire safety"}


def screen_form(course, **changes):
    """What the browser posts for ``course`` when nothing is changed but ``changes``."""
    data = {**SETTINGS, "code": course.code, "version": str(course.version)}
    for translation in db.session.scalars(select(CourseTranslation).where(CourseTranslation.course_id == course.id)):
        for name in ("title", "summary", "description", "objectives"):
            data[f"{name}_{translation.language}"] = getattr(translation, name)
    return {**data, **changes}


def four_languages():
    data = {}
    for code, title in TEXTS.items():
        data |= {f"title_{code}": title, f"summary_{code}": f"{title}: summary",
                 f"description_{code}": f"{title}: description", f"objectives_{code}": f"{title} 1\n{title} 2"}
    return data


def texts_of(course_id):
    return {row.language: row for row in db.session.scalars(
        select(CourseTranslation).where(CourseTranslation.course_id == course_id))}


def test_the_new_course_form_asks_for_a_title_and_saves_it(browser):
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    page = browser.get("/training/manage/new").text
    assert 'name="title_nl"' in page and 'name="title_fr"' in page
    response = browser.submit("/training/manage/new", {**SETTINGS, "title_nl": "Brandveiligheid"},
                              form_page="/training/manage/new")
    course = db.session.scalar(select(Course))
    assert response.status_code == 302 and response.headers["Location"] == f"/training/manage/{course.id}"
    assert {code: row.title for code, row in texts_of(course.id).items()} == {"nl": "Brandveiligheid"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.course_created"))
    assert event.target == f"course:{course.id}" and event.details["languages"] == ["nl"]


def test_a_new_course_without_a_title_is_refused_and_keeps_what_was_typed(browser):
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    response = browser.submit("/training/manage/new", {**SETTINGS, "summary_nl": "Wat te doen bij brand"},
                              form_page="/training/manage/new")
    assert response.status_code == 400
    assert "Geef de opleiding een titel in haar standaardtaal." in response.text
    assert "Wat te doen bij brand" in response.text and 'value="fire-1"' in response.text
    assert db.session.scalar(select(Course.id)) is None


def test_one_submission_writes_the_settings_and_four_languages(browser):
    course = make_elearning_course(titles={"nl": "Oud"}, lessons=0)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}"
    response = browser.submit(url, screen_form(course, duration_hours="3.5", **four_languages()), form_page=url)
    assert response.status_code == 302
    stored = texts_of(course.id)
    assert {code: row.title for code, row in stored.items()} == TEXTS
    assert stored["de"].objectives == "Brandschutz 1\nBrandschutz 2" and stored["en"].description.startswith("Fire")
    assert len({row.updated_at for row in stored.values()}) == 1  # written together: none older than another
    db.session.refresh(course)
    assert str(course.duration_hours) == "3.5" and course.version == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.course_saved"))
    assert event.details["changed"] == ["duration_hours", "validity_months"]
    assert event.details["languages"] == ["nl", "fr", "de", "en"]


def test_an_error_in_one_language_saves_nothing_and_keeps_every_typed_value(browser):
    course = make_elearning_course(titles={"nl": "Oud"}, lessons=0)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}"
    typed = {**four_languages(), "title_de": "", "duration_hours": "4"}
    response = browser.submit(url, screen_form(course, **typed), form_page=url)
    assert response.status_code == 400
    page = response.text
    assert "Geef deze teksten ook een titel" in page
    for value in ("Sécurité incendie", "Fire safety: description", "Brandschutz: summary", "Brandveiligheid 2"):
        assert value in page
    german = page[page.index('id="texts-de"'):]
    assert german[:german.index(">")].endswith("open") and 'id="title_de-error"' in german.split("</details>")[0]
    assert {code: row.title for code, row in texts_of(course.id).items()} == {"nl": "Oud"}
    db.session.refresh(course)
    assert str(course.duration_hours) == "1.5" and course.version == 1


def test_a_language_emptied_loses_its_texts_and_an_unchanged_one_keeps_its_date(browser):
    course = make_elearning_course(titles={"nl": "Cursus", "fr": "Cours", "de": "Kurs"}, lessons=0)
    german_at = texts_of(course.id)["de"].updated_at
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}"
    browser.submit(url, screen_form(course, title_fr="", summary_fr="", title_nl="Cursus brand"), form_page=url)
    stored = texts_of(course.id)
    assert sorted(stored) == ["de", "nl"] and stored["de"].updated_at == german_at
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.course_saved"))
    assert event.details["languages"] == ["nl"] and event.details["removed"] == ["fr"]


def test_a_translation_is_outdated_once_the_source_changes(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=0)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}"
    browser.submit(url, screen_form(course, **four_languages()), form_page=url)
    assert set(_states(course).values()) == {"complete"}
    db.session.refresh(course)
    later = {**screen_form(course), "summary_nl": "Nieuwe samenvatting"}
    _move_clock(course.id)
    browser.submit(url, later, form_page=url)
    assert _states(course) == {"nl": "complete", "fr": "outdated", "de": "outdated", "en": "outdated"}
    page = browser.get(url).text
    assert page.count("badge badge-warn") >= 6  # in the list above the form and on each language
    assert "opleidingsteksten ouder dan de bron" in page


def test_a_language_is_complete_only_with_every_lesson(app):
    course = make_elearning_course(titles={"nl": "Cursus", "fr": "Cours", "de": "Kurs"}, lessons=2)
    second = lesson_ids(course)[1]
    db.session.execute(LessonTranslation.__table__.delete().where(LessonTranslation.lesson_id == second,
                                                                  LessonTranslation.language == "de"))
    nl = db.session.scalar(select(LessonTranslation).where(LessonTranslation.lesson_id == second,
                                                           LessonTranslation.language == "nl"))
    nl.updated_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    statuses = language_statuses(*authoring.translation_matrix(course))
    assert statuses["nl"].state == "complete"
    assert statuses["fr"].state == "outdated" and statuses["fr"].lessons_outdated == 1
    assert statuses["de"].state == "missing" and statuses["de"].lessons_missing == 1
    assert statuses["en"].state == "missing" and statuses["en"].texts == "missing"


def test_the_overview_shows_each_language_state(browser):
    course = make_elearning_course(titles={"nl": "Cursus", "fr": "Cours"}, lessons=1)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    page = browser.get(f"/training/manage/{course.id}/editor").text
    strip = page[page.index('class="language-status"'):page.index("</ul>", page.index('class="language-status"'))]
    assert strip.count("Volledig") == 2 and strip.count("Ontbreekt") == 2
    assert "1 les ontbreekt" in strip and f"/training/manage/{course.id}?lang=de#texts-de" in strip


def test_someone_saving_first_gives_a_conflict_that_loses_nothing(browser):
    course = make_elearning_course(titles={"nl": "Cursus", "fr": "Cours"}, lessons=0)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}"
    mine = screen_form(course, title_fr="Cours de sécurité", summary_nl="Mijn samenvatting")
    assert browser.submit(url, screen_form(course, title_fr="Cours (autre)"), form_page=url).status_code == 302
    response = browser.submit(url, mine, form_page=url)
    assert response.status_code == 409
    assert "Iemand anders heeft deze opleiding opgeslagen" in response.text
    assert "Cours (autre)" in response.text  # what the other saved, listed
    assert 'value="Cours de sécurité"' in response.text and "Mijn samenvatting" in response.text  # what I typed
    assert texts_of(course.id)["fr"].title == "Cours (autre)"
    version = re.search(r'name="version" type="hidden" value="(\d+)"|type="hidden" name="version" value="(\d+)"|'
                        r'id="version" name="version" type="hidden" value="(\d+)"', response.text)
    again = {**mine, "version": next(group for group in version.groups() if group)}
    assert browser.submit(url, again, form_page=url).status_code == 302
    assert texts_of(course.id)["fr"].title == "Cours de sécurité"


def test_a_post_without_the_loaded_version_is_a_conflict(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=0)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}"
    response = browser.submit(url, {**screen_form(course), "version": "", "title_nl": "Anders"}, form_page=url)
    assert response.status_code == 409 and texts_of(course.id)["nl"].title == "Cursus"


def test_a_company_admin_edits_the_own_company_courses_only(browser):
    acme, globex = make_company(), make_company()
    own = make_elearning_course(titles={"nl": "Eigen"}, is_global=False, owner=acme, lessons=0)
    foreign = make_elearning_course(titles={"nl": "Vreemd"}, is_global=False, owner=globex, lessons=0)
    browser.login(make_user(role=COMPANY_ADMIN, company=acme).email)
    assert browser.submit(f"/training/manage/{own.id}", screen_form(own, title_de="Eigener Kurs"),
                          form_page=f"/training/manage/{own.id}").status_code == 302
    assert texts_of(own.id)["de"].title == "Eigener Kurs"
    assert browser.get(f"/training/manage/{foreign.id}").status_code == 404
    response = browser.submit(f"/training/manage/{foreign.id}", screen_form(foreign, title_de="Fremd"))
    assert response.status_code == 404 and "de" not in texts_of(foreign.id)
    db.session.refresh(own)
    assert own.owner_company_id == acme.id and own.is_global is False


def test_the_former_language_page_opens_its_part_of_the_screen(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=0)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    response = browser.get(f"/training/manage/{course.id}/texts/fr")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/training/manage/{course.id}?lang=fr#texts-fr"
    page = browser.get(response.headers["Location"]).text
    french = page[page.index('id="texts-fr"'):]
    assert french[:french.index(">")].endswith("open")


def _states(course):
    return {code: status.state for code, status in language_statuses(*authoring.translation_matrix(course)).items()}


def _move_clock(course_id):
    # The first save's texts an hour back, so that the second save is later on every clock.
    for row in texts_of(course_id).values():
        row.updated_at = row.updated_at - timedelta(hours=1)
    db.session.commit()


def test_the_course_page_shows_the_description_and_objectives(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=1)
    texts = texts_of(course.id)["nl"]
    texts.description, texts.objectives = "Eerste alinea.\n\nTweede alinea.", "Veilig heffen\n\n  Hulp vragen  "
    db.session.commit()
    browser.login(make_user(company=make_company()).email)
    page = browser.get(f"/training/courses/{course.id}").text
    assert "Over deze opleiding" in page and "<p>Eerste alinea.</p><p>Tweede alinea.</p>" in page
    assert "<li>Veilig heffen</li><li>Hulp vragen</li>" in page


def test_the_screen_and_the_overview_run_a_fixed_number_of_statements(browser, count_queries):
    from decimal import Decimal

    from sqlalchemy import insert

    from oscart.training.models import Lesson

    course = make_elearning_course(titles=dict(TEXTS), lessons=2, status="draft")
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}"

    def counts(round_):
        """Statements of the screen, the overview and a save that writes two languages."""
        found = []
        for path in (url, f"{url}/editor"):
            with count_queries() as counter:
                assert browser.get(path).status_code == 200
            found.append(counter.count)
        db.session.refresh(course)
        with count_queries() as counter:
            response = browser.submit(url, screen_form(course, summary_fr=f"Résumé {round_}",
                                                       summary_en=f"Summary {round_}"))
        assert response.status_code == 302
        return found + [counter.count]

    counts(0)  # the settings as the form posts them, once
    small = counts(1)
    # 400 more courses in four languages, and the course itself with 20 lessons more in four languages.
    codes = [f"BULK-{n}" for n in range(400)]
    db.session.execute(insert(Course), [{"code": code, "format": "elearning", "status": "published",
                                         "duration_hours": Decimal("1.0"), "default_language": "nl"}
                                        for code in codes])
    ids = db.session.scalars(select(Course.id).where(Course.code.in_(codes))).all()
    db.session.execute(insert(CourseTranslation), [{"course_id": course_id, "language": code, "title": title}
                                                   for course_id in ids for code, title in TEXTS.items()])
    db.session.execute(insert(Lesson), [{"course_id": course.id, "position": n} for n in range(3, 23)])
    lessons = db.session.scalars(select(Lesson.id).where(Lesson.course_id == course.id, Lesson.position > 2)).all()
    db.session.execute(insert(LessonTranslation), [{"lesson_id": lesson_id, "language": code, "title": "Les"}
                                                   for lesson_id in lessons for code in TEXTS])
    db.session.commit()
    assert counts(2) == small


def _lesson_files_course():
    """Four languages; lesson 1 a video with its video in nl, fr and en (only captions in de), lesson 2 a document
    with its PDF in nl, de and en (none in fr)."""
    from oscart.training.models import Lesson
    from tests.media_helpers import MP4, PDF, VTT, add_media

    course = make_elearning_course(titles=dict(TEXTS), lessons=2, status="draft")
    video, document = (db.session.get(Lesson, lesson_id) for lesson_id in lesson_ids(course))
    video.kind, document.kind = "video", "document"
    db.session.commit()
    for code in ("nl", "fr", "en"):
        add_media(video, code, "video", MP4, "video/mp4")
    add_media(video, "de", "captions", VTT, "text/vtt")
    for code in ("nl", "de", "en"):
        add_media(document, code, "document", PDF, "application/pdf")
    return course


def test_a_lesson_without_its_video_or_pdf_in_a_language_makes_that_language_missing(app):
    course = _lesson_files_course()
    statuses = language_statuses(*authoring.translation_matrix(course))
    assert {code: status.state for code, status in statuses.items()} == {
        "nl": "complete", "fr": "missing", "de": "missing", "en": "complete"}
    assert (statuses["de"].files_missing, statuses["de"].lessons_missing, statuses["de"].texts) == (1, 0, "current")
    assert statuses["fr"].files_missing == 1 and statuses["nl"].files_missing == 0


@pytest.mark.parametrize("page", ["", "/editor"])
def test_the_screen_and_the_overview_say_a_lesson_file_is_missing(browser, page):
    course = _lesson_files_course()
    browser.login(make_user(role=PLATFORM_ADMIN, language="en").email)
    html = browser.get(f"/training/manage/{course.id}{page}").text
    strip = html[html.index('class="language-status"'):html.index("</ul>", html.index('class="language-status"'))]
    assert strip.count("Missing") == 2 and strip.count("Complete") == 2
    assert strip.count("1 lesson file missing") == 2 and "lesson missing" not in strip


def test_the_editor_table_marks_the_language_a_lesson_file_is_missing_in(browser):
    course = _lesson_files_course()
    browser.login(make_user(role=PLATFORM_ADMIN, language="en").email)
    html = browser.get(f"/training/manage/{course.id}/editor").text
    rows = html[html.index("<tbody data-reorder>"):].split("<tr data-move-url=")[1:]
    cells = [[cell.split("</td>")[0] for cell in row.split("<td>")[1:5]] for row in rows]
    assert ["No video" in cell for cell in cells[0]] == [False, False, True, False]  # nl fr de en
    assert ["No PDF" in cell for cell in cells[1]] == [False, True, False, False]


def test_the_screen_runs_as_many_statements_with_many_video_lessons_and_files(browser, count_queries):
    from oscart.training.models import Lesson
    from tests.media_helpers import MP4, add_media

    course = make_elearning_course(titles=dict(TEXTS), lessons=1, status="draft")
    db.session.get(Lesson, lesson_ids(course)[0]).kind = "video"  # without a video: the checklist lists it
    db.session.commit()
    browser.login(make_user(role=PLATFORM_ADMIN).email)

    def counts():
        found = []
        for path in (f"/training/manage/{course.id}", f"/training/manage/{course.id}/editor"):
            with count_queries() as counter:
                assert browser.get(path).status_code == 200
            found.append(counter.count)
        return found

    small = counts()
    extra = make_elearning_course(titles=dict(TEXTS), lessons=12)
    for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == extra.id)):
        lesson.course_id, lesson.kind, lesson.position = course.id, "video", lesson.position + 1
    db.session.commit()
    for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id, Lesson.kind == "video")):
        for code in ("nl", "fr"):
            add_media(lesson, code, "video", MP4, "video/mp4")
    assert counts() == small
