"""Prometheus metrics: requests and their latency per endpoint, counters features increment, and gauges
read at scrape time. Under gunicorn set PROMETHEUS_MULTIPROC_DIR (an empty directory per start) so that
every worker's counts are added up (prometheus_client's multiprocess mode)."""

import hmac
import ipaddress
import time

from flask import Response, abort, current_app, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from oscart.core.net import client_ip

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_STARTED = "oscart.metrics_started"

REQUESTS = Counter("oscart_http_requests_total", "HTTP requests answered, by endpoint, method and status.",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("oscart_http_request_duration_seconds", "Time to answer a request, by endpoint.",
                    ["endpoint"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
LOGIN_FAILURES = Counter("oscart_login_failures_total", "Failed login attempts (wrong password, unknown "
                         "e-mail address, locked or disabled account).")
LOCKOUTS = Counter("oscart_account_lockouts_total", "Accounts locked after too many failed logins.")

# Gauges computed when scraped: name -> (help text, function returning a number; called in the request).
_gauges = {}


def gauge(name, documentation):
    """Register ``function`` as a gauge read at scrape time (e.g. the outbox backlog from the database)."""
    def register(function):
        _gauges[name] = (documentation, function)
        return function
    return register


class _ScrapeTimeGauges:
    def collect(self):
        for name, (documentation, function) in _gauges.items():
            yield GaugeMetricFamily(name, documentation, value=function())


def start_timer():
    request.environ[_STARTED] = time.perf_counter()


def count_request(response):
    endpoint = request.endpoint or "none"  # unknown URLs share one label, so scanners add no series
    REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    started = request.environ.get(_STARTED)
    if started is not None:
        LATENCY.labels(endpoint).observe(time.perf_counter() - started)
    return response


def exposition():
    """The metrics text: this process's (or, in multiprocess mode, all workers') plus the scrape-time gauges."""
    if current_app.config.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    gauges = CollectorRegistry()
    gauges.register(_ScrapeTimeGauges())
    return text + generate_latest(gauges)


def may_read():
    """A client in METRICS_ALLOWED_IPS, or one that sends ``Authorization: Bearer <METRICS_TOKEN>``."""
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(client_ip())
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(allowed, strict=False)
               for allowed in current_app.config.get("METRICS_ALLOWED_IPS", ()))


def metrics():
    if not may_read():
        abort(404)  # as if there were nothing here
    return Response(exposition(), content_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def init_app(app):
    app.before_request(start_timer)
    app.after_request(count_request)
    app.add_url_rule("/metrics", "metrics", metrics)
