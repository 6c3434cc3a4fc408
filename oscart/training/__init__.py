"""Training: courses, multilingual lessons, knowledge checks, enrolment and progress."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation, personal_data
from oscart.core.demo import add_seeder


def init_app(app):
    from oscart.training import demo as training_demo
    from oscart.training import demo_media, views

    app.register_blueprint(views.bp)
    personal_data.add_module("oscart.training.privacy_data")
    add_seeder("training", training_demo.seed, position=20)
    add_seeder("training media", demo_media.seed, position=21)  # a video and a document lesson
    navigation.add_link("primary", 40, "training.catalogue", _l("Courses"))
    navigation.add_link("more", 60, "training.company.assign", _l("Assign courses"), _company_author)
    navigation.add_link("more", 61, "training.company.news_list", _l("News"), _company_author)
    navigation.add_link("more", 80, "training.manage.courses", _l("Course authoring"),
                        lambda viewer: viewer.allowed("training.author") or viewer.allowed("company.author"))


def _company_author(viewer):
    return viewer.allowed("company.author")
