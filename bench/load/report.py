"""After a load run: latency per page from Locust's CSV files, errors split into designed 429s and the rest, and
checks against the database that the limits held exactly and that nothing was lost or done twice."""

import csv
import re
import subprocess
from collections import Counter

from sqlalchemy import create_engine, text

from bench.load.stack import BIN, ROOT, portal_env


def pages(stats_csv):
    """[(name, requests, requests/s, failures, p50, p95, p99, max)] per request name, in Locust's order, plus the
    total."""
    with open(stats_csv, newline="") as handle:
        return [(row["Name"], int(row["Request Count"]), float(row["Requests/s"]), int(row["Failure Count"]),
                 row["50%"], row["95%"], row["99%"], row["Max Response Time"]) for row in csv.DictReader(handle)]


def failures(failures_csv):
    """{"designed 429": n, "unexpected …": n, …} from Locust's failures file."""
    counts = Counter()
    with open(failures_csv, newline="") as handle:
        for row in csv.DictReader(handle):
            message = re.sub(r"^CatchResponseError\('(.*)'\)$", r"\1", row["Error"])
            counts[f"{row['Name']}: {message}"] += int(row["Occurrences"])
    return counts


def lockouts(engine, outcomes, max_failures):
    """Per attacked account: the failures the portal counted (their numbers, as audited), the locks, and
    whether the right password got in afterwards. Exact: every count 1..max once, then a lock; no count lost."""
    results = []
    with engine.connect() as connection:
        for attack in outcomes["lockout"]:
            events = connection.execute(text(
                "SELECT e.action, e.details FROM audit_event e JOIN \"user\" u ON u.id = e.subject_id "
                "WHERE u.email = :email AND e.action IN ('login.failed', 'login.locked') ORDER BY e.seq"),
                {"email": attack["email"]}).all()
            counts = [details.get("count") for action, details in events
                      if action == "login.failed" and details.get("reason") == "password"]
            refused_locked = sum(1 for action, details in events
                                 if action == "login.failed" and details.get("reason") == "locked")
            locks = sum(1 for action, _ in events if action == "login.locked")
            mails = connection.execute(text(
                "SELECT status, count(*) FROM outbox_message WHERE recipient = :email AND template = 'account_locked' "
                "GROUP BY status"), {"email": attack["email"]}).all()
            exact = (counts[:max_failures] == list(range(1, max_failures + 1))
                     and counts[max_failures:] == list(range(1, len(counts) - max_failures + 1))
                     and locks == len(counts) // max_failures)
            results.append({"email": attack["email"], "wrong_attempts": len(attack["wrong"]),
                            "statuses": Counter(attack["wrong"]), "counted": counts,
                            "refused_while_locked": refused_locked, "locks": locks, "mails": dict(mails),
                            "right_password_after": attack["right_password_after"], "exact": exact})
    return results


def address_limit(engine, outcomes, allowed):
    """The address that guessed unknown e-mail addresses: failures counted before the first 429, all of them,
    and the failures audited for it."""
    tally = outcomes["address_limit"]
    order = [status for status in tally["order"] if status is not None]
    first_refusal = order.index(429) if 429 in order else len(order)
    with engine.connect() as connection:
        audited = connection.execute(text("SELECT count(*) FROM audit_event WHERE action = 'login.failed' AND "
                                          "ip = :ip"), {"ip": tally["address"]}).scalar_one()
    return {"address": tally["address"], "attempts": len(order), "counted": tally["counted"],
            "refused": tally["refused"], "before_first_429": first_refusal, "audited_failures": audited,
            "allowed": allowed, "exact": tally["counted"] == allowed == audited and first_refusal == allowed}


def outbox(engine):
    with engine.connect() as connection:
        by_status = dict(connection.execute(text("SELECT status, count(*) FROM outbox_message GROUP BY status")).all())
        retried = connection.execute(text("SELECT count(*) FROM outbox_message WHERE attempts > 1")).scalar_one()
    return {"by_status": by_status, "delivered_after_a_retry": retried}


def jobs(engine):
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(
            "SELECT id, kind, status, total, progress, attempts, result_size, error FROM job ORDER BY id"))]


def audit_chain(database_url, log):
    """``flask audit verify`` on the database after the run: every event still linked to the one before."""
    done = subprocess.run([str(BIN / "flask"), "--app", "app", "audit", "verify"], cwd=ROOT, stdout=log,
                          stderr=subprocess.STDOUT, env=portal_env(database_url, broker="memory://",
                                                                   limits="memory://", results=ROOT / "instance"))
    return done.returncode == 0


def engine_for(database_url):
    return create_engine(database_url)


def markdown(title, rows, failed, checks, context):
    """The summary: context lines, the latency table, errors, then each check."""
    lines = [f"# {title}", "", *context, "",
             "| page | requests | per second | failures | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {name} | {count:,} | {rate:.1f} | {fails:,} | {p50} | {p95} | {p99} | {int(float(top)):,} |"
              for name, count, rate, fails, p50, p95, p99, top in rows]
    designed = sum(n for key, n in failed.items() if key.endswith("designed 429"))
    other = {key: n for key, n in failed.items() if not key.endswith("designed 429")}
    lines += ["", f"Designed 429s: {designed:,}. Other errors: {sum(other.values()):,}."]
    lines += [f"- {key}: {n:,}" for key, n in sorted(other.items())]
    for heading, body in checks:
        lines += ["", f"## {heading}", "", *body]
    return "\n".join(lines) + "\n"
