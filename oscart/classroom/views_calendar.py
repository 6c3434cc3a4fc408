"""Calendar files: "add to calendar" on a session page, and the personal calendar feed (its page, and the
secret address that calendar apps fetch without logging in)."""

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from oscart.classroom import access, feed, registrations, sessions
from oscart.classroom.blueprint import bp
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db, limiter
from oscart.core.forms import BaseForm
from oscart.core.security import require
from oscart.core.urls import external_url
from oscart.training.titles import titles_for

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _ics(data, filename):
    return Response(data, mimetype="text/calendar", content_type=CALENDAR_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-cache"})


@bp.get("/sessions/<int:session_id>/calendar.ics")
@login_required
def session_ics(session_id):
    training_session = access.get_session(session_id, actor=current_user)
    mine = registrations.find_registration(session_id, current_user.id)
    title = titles_for(current_user, [training_session.course_id]).get(training_session.course_id, "")
    data = feed.session_file(training_session, sessions.session_parts(session_id), title=title,
                             url=external_url("classroom.session", session_id=session_id),
                             sequence=mine.calendar_sequence if mine else 0)
    return _ics(data, f"session-{session_id}.ics")


def _feed_page(token=None):
    url = external_url("classroom.calendar_feed", token=token) if token else None
    return render_template("classroom/calendar_feed.html", url=url, form=BaseForm(),
                           webcal=url.replace("https://", "webcal://").replace("http://", "webcal://") if url else None,
                           created_at=feed.feed_created_at(current_user))


@bp.route("/calendar", methods=["GET", "POST"])
@require("training.follow")
def calendar_page():
    if not BaseForm().validate_on_submit():
        return _feed_page()
    token = feed.renew_feed(current_user, actor=current_user)
    db.session.commit()
    # Shown on this answer only: the portal keeps just a hash of it.
    return _feed_page(token)


@bp.post("/calendar/revoke")
@require("training.follow")
def revoke_calendar_feed():
    if BaseForm().validate_on_submit() and feed.revoke_feed(current_user, actor=current_user):
        db.session.commit()
        flash(_("Your calendar address no longer works. Calendar apps subscribed to it stop updating."), "success")
    return redirect(url_for("classroom.calendar_page"))


def _feed_limit():
    return current_app.config["RATELIMIT_CALENDAR_FEED"]


def _feed_key():
    return "calendar-feed:" + feed.hash_token(request.view_args.get("token", ""))


@bp.get("/feed/<token>.ics")
# Limited per address only: calendar services fetch many people's feeds from a few addresses of their own, so a
# limit per client address would cut off everyone behind them. Guessing a 256-bit token is hopeless anyway.
@limiter.limit(_feed_limit, key_func=_feed_key)
def calendar_feed(token):
    user = feed.find_feed_user(token)
    if user is None:
        raise NotFound()
    data = feed.feed_calendar(user)
    response = _ics(data, "oscart.ics")
    response.headers["X-Robots-Tag"] = "noindex"
    return response
