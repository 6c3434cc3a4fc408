"""Links: ``external_url`` for mails and documents (absolute, on the public base URL), and ``url_for`` for
templates (Flask's URLs, built straight from the endpoint's one rule).

A page links to a few dozen URLs, and ``flask.url_for`` looks up the blueprint, the URL defaults, the
adapter's rules for the method, the host and the scheme for each of them: about as much work as the rest of
a course card. Most links name an endpoint with one rule; those are built by the rule itself, as Flask's
URL adapter would, with the same converters, quoting and query string for other values. Everything else
(``_anchor``, ``_external`` and the other options, ``None`` values, relative endpoints, rules with defaults,
URL-default functions, values that do not convert) goes to ``flask.url_for`` unchanged.
"""

from urllib.parse import urlencode, urlsplit

from flask import current_app, request, url_for
from flask.globals import request_ctx

_UNKNOWN = object()
_FLASK_OPTIONS = frozenset(("_anchor", "_method", "_scheme", "_external"))  # url_for's own keywords


def external_url(endpoint, /, **values):
    """The absolute URL of ``endpoint`` on the configured PUBLIC_BASE_URL (its path prefix included, as in
    ``https://example.org/portal``): for links in mails, calendars, QR codes and PDFs. Built from the app's URL
    map, so it is the same in a request, a CLI command or a Celery task, and never taken from a request's Host
    header. Values that are not URL variables become the query string."""
    app = current_app._get_current_object()
    base = urlsplit(app.config["PUBLIC_BASE_URL"])
    values = {name: value for name, value in values.items() if value is not None}  # as url_for drops them
    app.inject_url_defaults(endpoint, values)
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def template_url_for(endpoint, /, **values):
    """The same string as ``flask.url_for(endpoint, **values)``."""
    try:
        context = request_ctx._get_current_object()  # one proxy lookup: app and adapter come from it
    except RuntimeError:  # outside a request (mails): external URLs, Flask's way
        return url_for(endpoint, **values)
    rules = context.app.extensions.setdefault("oscart_simple_rules", {})
    rule = rules.get(endpoint, _UNKNOWN)
    if rule is _UNKNOWN:
        rule = rules[endpoint] = _simple_rule(context.app, endpoint)
    if (rule is None or not _FLASK_OPTIONS.isdisjoint(values) or not rule.arguments <= values.keys()
            or None in values.values()):  # Flask drops None values
        return url_for(endpoint, **values)
    adapter = context.url_adapter
    built = rule.build(values)  # other values become the query string; None when a value does not convert
    if built is None or built[0] != adapter.subdomain:  # the latter: a URL for another host
        return url_for(endpoint, **values)
    return f"{adapter.script_name.rstrip('/')}/{built[1].lstrip('/')}"  # as MapAdapter.build joins them


def _simple_rule(app, endpoint):
    """The endpoint's rule when building it needs nothing but its arguments; None otherwise."""
    if endpoint.startswith(".") or any(app.url_default_functions.values()) or app.url_map.host_matching:
        return None
    try:
        rules = list(app.url_map.iter_rules(endpoint))
    except KeyError:  # no such endpoint: url_for raises the error
        return None
    if len(rules) != 1:
        return None
    rule = rules[0]
    if rule.defaults or rule.websocket or rule.subdomain or rule.build_only or rule.alias:
        return None
    return rule


def url_with_args(endpoint, /, path=None, **changes):
    """``endpoint``'s URL carrying the current request's query string, with ``changes`` applied (None drops an
    argument): for pager links and for exports and forms that keep a list's filters.

    ``path`` holds the endpoint's URL variables (default: the current request's, for its own endpoint). The
    query arguments are appended as they came, every value of each, so that one named like ``url_for``'s own
    keywords (``_external``, ``_anchor``, ``_method``, ``_scheme``, ``endpoint``) is only passed along.
    """
    if path is None:
        path = request.view_args if endpoint == request.endpoint else {}
    path = dict(path or {})
    variables = _url_variables(endpoint)
    args = request.args.copy()
    for name, value in changes.items():
        if name in variables:  # e.g. an export's extension, which chooses the rule
            path[name] = value
        elif value is None:
            args.pop(name, None)
        else:
            args[name] = value
    base = template_url_for(endpoint, **path)
    return f"{base}?{urlencode(list(args.items(multi=True)))}" if args else base


def _url_variables(endpoint):
    """The names ``endpoint``'s rules take from the values given to ``url_for``: their variables and defaults."""
    return {name for rule in current_app.url_map.iter_rules(endpoint)
            for name in (*rule.arguments, *(rule.defaults or {}))}
