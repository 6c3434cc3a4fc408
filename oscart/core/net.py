"""Client address of the current request (ProxyFix has already applied the trusted hops)."""

from flask import request


def client_ip():
    return request.remote_addr or "unknown"
