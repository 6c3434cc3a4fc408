"""The certificate keeps one page with no text over other text, for the shortest and the longest facts."""

import re
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from html import unescape
from io import BytesIO

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from oscart.certificates.rendering import PrintedFacts, render_certificate, render_html

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
LONG_WORDS = "Maximiliaan-Alexander Vanderstraeten-De Wolf-Van Den Broeck "
EXTREME = {
    "holder_name": (LONG_WORDS * 4)[:100] + " " + ("Oudenaarde-Zottegem " * 6)[:100],
    "course_title": ("Veiligheidscoördinatie op tijdelijke of mobiele bouwplaatsen, niveau A en B, "
                     "inclusief brandpreventie ") * 2,
    "place": ("Opleidingscentrum Oscart, Koning Albert II-laan 27, 1000 Brussel, zaal Mercator ") * 3,
    "trainer_name": ("Anne-Catherine Van Hoorebeke-Dierickx ") * 6,
}

LONG = {key: value[:{"holder_name": 60, "course_title": 110, "place": 85, "trainer_name": 40}[key]]
        for key, value in EXTREME.items()}


def facts(language, **overrides):
    values = {"code": "ABCD-EFGH-JKLM", "language": language, "holder_name": "Anna Jansen",
              "course_title": "Eerste hulp", "hours": Decimal("7.5"), "completed_on": date(2026, 11, 20),
              "started_on": date(2026, 11, 18), "place": "Gent", "trainer_name": "Thomas Dubois",
              "valid_until": date(2029, 11, 20), "issued_on": date(2026, 11, 20)}
    values.update({key: value[:200].strip() for key, value in overrides.items()})
    return PrintedFacts(**values)


def word_boxes(pdf, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    width, height = map(float, PAGE.search(html).groups())
    words = [(float(a), float(b), float(c), float(d), unescape(text)) for a, b, c, d, text in WORD.findall(html)]
    return words, width, height


def overlaps(first, second, tolerance=0.5):
    return (min(first[2], second[2]) - max(first[0], second[0]) > tolerance
            and min(first[3], second[3]) - max(first[1], second[1]) > tolerance)


@pytest.mark.parametrize("language", ["nl", "fr", "de", "en"])
@pytest.mark.parametrize("case", ["short", "long", "extreme"])
def test_certificate_keeps_one_page_with_no_word_over_another(app, tmp_path, language, case):
    printed = facts(language, **{"short": {}, "long": LONG, "extreme": EXTREME}[case])
    pdf, _signed = render_certificate(printed)
    assert len(PdfReader(BytesIO(pdf)).pages) == 1
    words, width, height = word_boxes(pdf, tmp_path)
    text = " ".join(word[4] for word in words)
    for value in (printed.holder_name, printed.course_title, printed.place, printed.trainer_name):
        assert value.split()[0] in text and value.split()[-1][:6] in text  # nothing cut off
    clashes = [(a[4], b[4]) for i, a in enumerate(words) for b in words[i + 1:] if overlaps(a, b)]
    assert clashes == []
    outside = [word[4] for word in words if word[0] < 0 or word[1] < 0 or word[2] > width or word[3] > height]
    assert outside == []


@pytest.mark.parametrize(("language", "hours", "expected"), [
    ("en", "1", "1 hour"), ("en", "0.5", "0.5 hours"), ("en", "7.5", "7.5 hours"), ("en", "2", "2 hours"),
    ("nl", "1", "1 uur"), ("nl", "0.5", "0,5 uur"),
    ("fr", "1", "1 heure"), ("fr", "1.5", "1,5 heure"), ("fr", "2", "2 heures"),
    ("de", "1", "1 Stunde"), ("de", "0.5", "0,5 Stunden"),
    # as a course stores them, with one decimal place
    ("en", "1.0", "1 hour"), ("en", "10.0", "10 hours"), ("en", "0.50", "0.5 hours"), ("nl", "1.0", "1 uur"),
    ("fr", "1.0", "1 heure"), ("fr", "2.0", "2 heures"), ("de", "1.0", "1 Stunde"), ("de", "12.0", "12 Stunden"),
])
def test_hours_read_with_the_plural_of_the_language(app, language, hours, expected):
    with force_locale(language):
        html = render_html(replace(facts(language), hours=Decimal(hours)))
    assert f">{expected}<" in html.replace("\u00a0", " ")
