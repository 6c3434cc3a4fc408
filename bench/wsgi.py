"""The portal as served in production, plus two reference pages for the benchmark only.

    gunicorn -w 2 -b 127.0.0.1:8765 bench.wsgi:app

``/bench/bare`` is a bare Flask endpoint (the 100% reference); ``/bench/empty`` is an empty page of this stack
for a logged-in user (session loaded, base template rendered). Neither exists in the real application.
"""

from flask import render_template
from flask_login import login_required

from app import app  # the production entry point, as gunicorn loads it

EMPTY = app.jinja_env.from_string('{% extends "base.html" %}{% block title %}Bench{% endblock %}')


@app.get("/bench/bare")
def bare():
    return "ok"


@app.get("/bench/empty")
@login_required
def empty():
    return render_template(EMPTY)
