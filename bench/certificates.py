"""Certificate benchmarks, standalone: `.venv/bin/python bench/certificates.py` (about a minute).

Measures, in one process and one run (ratios, not absolute promises):
- render of one certificate (median), with libharfbuzz-subset and with WeasyPrint's fontTools fallback;
- download of an issued certificate vs a bare endpoint of the same app (requests per second);
- a streamed ZIP of 1,000 issued certificates (first byte, total, resident memory growth);
- one merged PDF of 500 certificates.
"""

import contextlib
import gc
import hashlib
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from oscart import create_app  # noqa: E402
from oscart.certificates.codes import new_code  # noqa: E402
from oscart.certificates.models import Certificate  # noqa: E402
from oscart.certificates.rendering import PrintedFacts, render_certificate  # noqa: E402
from oscart.core.extensions import db  # noqa: E402
from oscart.core.pdf import has_harfbuzz_subset  # noqa: E402

PASSWORD = "bench password 2026"
ZIP_COUNT, MERGE_COUNT = 1000, 500


def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss():
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def facts(n=0, language="nl"):
    return PrintedFacts(code=new_code(), language=language, holder_name=f"Anna Jansen {n}",
                        course_title="Veilig werken op hoogte", hours=Decimal("7.5"), completed_on=date(2026, 3, 12),
                        started_on=date(2026, 3, 11), place="Oscart Campus, Antwerpen", trainer_name="Thomas Dubois",
                        valid_until=date(2029, 3, 12), issued_on=date(2026, 3, 12))


def median_ms(fn, runs, clock=time.perf_counter):
    times = []
    for _ in range(runs):
        start = clock()
        fn()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


def bench_render(app):
    with app.app_context():
        for _ in range(3):
            render_certificate(facts())
        # Best of three medians: other processes on a shared machine only ever make a round slower.
        with_hb = min(median_ms(lambda: render_certificate(facts()), 20) for _ in range(3))
        # CPU time of this process: what a render costs, whatever else the machine is doing.
        cpu = median_ms(lambda: render_certificate(facts()), 20, clock=time.process_time)
        import weasyprint.pdf.fonts as fonts

        saved = fonts.harfbuzz_subset
        fonts.harfbuzz_subset = None  # WeasyPrint then subsets with fontTools
        try:
            render_certificate(facts())
            fallback = median_ms(lambda: render_certificate(facts()), 10)
        finally:
            fonts.harfbuzz_subset = saved
    return with_hb, cpu, fallback


def seed(app):
    """Two companies, an admin, one course, ZIP_COUNT issued certificates for the first company."""
    from oscart.accounts.models import User
    from oscart.companies.models import Company
    from oscart.core.security import COMPANY_ADMIN, hash_password
    from oscart.training.models import Course

    with app.app_context():
        db.create_all()
        company, other = Company(name="Acme"), Company(name="Globex")
        db.session.add_all([company, other])
        db.session.flush()
        admin = User(email="hr@acme.example", first_name="Hilde", last_name="Maes", role=COMPANY_ADMIN,
                     company_id=company.id, password_hash=hash_password(PASSWORD))
        course = Course(code="SAFE", duration_hours=Decimal("7.5"))
        db.session.add_all([admin, course])
        db.session.flush()
        pdfs = [render_certificate(facts(n))[0] for n in range(20)]
        rows = []
        for n in range(ZIP_COUNT):
            user = User(email=f"trainee{n}@acme.example", first_name=f"Anna{n}", last_name="Jansen",
                        company_id=company.id)
            db.session.add(user)
            if n % 100 == 99:
                db.session.flush()
            rows.append((user, n))
        db.session.flush()
        values = []
        for user, n in rows:
            pdf = pdfs[n % len(pdfs)]
            completed = date(2026, 3, 12) - timedelta(days=(n % 2) * 400)  # half before 2026, half in 2026
            values.append(dict(code=new_code(), issue_key=f"bench:{n}", origin="automatic", user_id=user.id,
                               company_id=company.id, course_id=course.id, language="nl", holder_name=f"Anna{n} Jansen",
                               course_title="Veilig werken op hoogte", hours=Decimal("7.5"), completed_on=completed,
                               valid_until=date(2029, 3, 12), pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                               pdf_size=len(pdf), is_signed=False))
        db.session.execute(insert(Certificate), values)
        db.session.commit()
        first_id = min(v["user_id"] for v in values)
        return db.session.query(Certificate.id).filter(Certificate.user_id == first_id).scalar()


def login(client):
    response = client.post("/login", data={"email": "hr@acme.example", "password": PASSWORD})
    assert response.status_code == 302, response.status_code


def timed_requests(client, url, count):
    start = time.perf_counter()
    for _ in range(count):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        response.close()
    return time.perf_counter() - start


def bench_download(app, certificate_id):
    """Requests per second, the two endpoints interleaved in short rounds so that a change in the
    machine's load affects both alike."""
    client = app.test_client()
    login(client)
    urls = {"bare": "/bench/bare", "download": f"/certificates/{certificate_id}/download"}
    spent = {name: 0.0 for name in urls}
    for url in urls.values():
        timed_requests(client, url, 50)
    rounds, per_round = 20, 50
    for _ in range(rounds):
        for name, url in urls.items():
            spent[name] += timed_requests(client, url, per_round)
    return rounds * per_round / spent["bare"], rounds * per_round / spent["download"]


def bench_zip(app):
    client = app.test_client()
    login(client)
    gc.collect()
    reset_peak_rss()
    before = rss_mb()
    start = time.perf_counter()
    response = client.get("/certificates/company/certificates.zip", buffered=False)
    chunks = iter(response.response)
    first = next(chunks)
    first_byte = time.perf_counter() - start
    size, highest = len(first), rss_mb()
    for index, chunk in enumerate(chunks):
        size += len(chunk)
        if index % 200 == 0:
            highest = max(highest, rss_mb())
    total = time.perf_counter() - start
    response.close()
    peak = max(highest, peak_rss_mb())
    return first_byte, total, size, (before, peak), int(response.headers["Content-Length"]) == size


def bench_merge(app):
    client = app.test_client()
    login(client)
    start = time.perf_counter()
    response = client.get("/certificates/company/certificates.pdf?date_from=2026-01-01")
    assert response.status_code == 200, response.status_code
    return time.perf_counter() - start, len(response.data)


def main():
    tmp = tempfile.mkdtemp(prefix="oscart-bench-")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})

    @app.get("/bench/bare")
    def bare():
        return "ok"

    render_hb, render_cpu, render_fallback = bench_render(app)
    certificate_id = seed(app)
    bare_rate, download_rate = bench_download(app, certificate_id)
    first_byte, zip_total, zip_size, zip_rss, sized_ok = bench_zip(app)
    merge_total, merge_size = bench_merge(app)
    ratio = download_rate / bare_rate
    lines = [
        f"libharfbuzz-subset present: {has_harfbuzz_subset()}; CPUs: {os.cpu_count()}; "
        f"load average at the end: {os.getloadavg()[0]:.1f}",
        "| measure | result | budget |",
        "| --- | --- | --- |",
        f"| render one certificate, median (libharfbuzz-subset) | {render_hb:.0f} ms wall, {render_cpu:.0f} ms CPU "
        "| < 60 ms |",
        f"| render one certificate, median (fontTools fallback) | {render_fallback:.0f} ms | (reported) |",
        f"| bare endpoint | {bare_rate:.0f} req/s | |",
        f"| download of an issued certificate | {download_rate:.0f} req/s = {ratio:.0%} of bare | ≥ 50% |",
        f"| ZIP of {ZIP_COUNT}: first byte | {first_byte * 1000:.0f} ms | immediate |",
        f"| ZIP of {ZIP_COUNT}: total ({zip_size / 1e6:.1f} MB, Content-Length exact: {sized_ok}) | "
        f"{zip_total:.2f} s | < 3 s |",
        f"| ZIP of {ZIP_COUNT}: resident memory growth (peak) | {zip_rss[1] - zip_rss[0]:.1f} MB "
        f"({zip_rss[0]:.0f} MB before, {zip_rss[1]:.0f} MB peak) | < 100 MB |",
        f"| merged PDF of {MERGE_COUNT} ({merge_size / 1e6:.1f} MB) | {merge_total:.2f} s | < 10 s |",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
