"""A probe for the fault runs: every half second /healthz, /readyz, a logged-in page and a login attempt, each
answer recorded with its time, so that what users saw before, during and after a fault can be counted."""

import itertools
import re
import threading
import time
import urllib.parse
from collections import Counter
from http.client import HTTPConnection

from bench.run import login as login_cookie  # noqa: F401 - a logged-in cookie, read like a browser

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_addresses = itertools.count(1)


class Probe:
    def __init__(self, port, cookie, interval=0.5):
        self.port, self.cookie, self.interval = port, cookie, interval
        self.answers = []  # (monotonic time, name, status or error name)
        self._running = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self):
        self._running.set()
        self._thread.start()

    def stop(self):
        self._running.clear()
        self._thread.join(timeout=30)

    def _loop(self):
        while self._running.is_set():
            started = time.monotonic()
            for name, call in (("healthz", lambda: self._get("/healthz")), ("readyz", lambda: self._get("/readyz")),
                               ("page (logged in)", lambda: self._get("/training/", self.cookie)),
                               ("login (wrong password)", self._login)):
                self.answers.append((time.monotonic(), name, self._status(call)))
            time.sleep(max(0.0, self.interval - (time.monotonic() - started)))

    @staticmethod
    def _status(call):
        try:
            return call()
        except Exception as error:  # noqa: BLE001 - refused, reset, timed out: recorded by name
            return type(error).__name__

    def _connection(self):
        return HTTPConnection("127.0.0.1", self.port, timeout=10)

    def _get(self, path, cookie=None):
        connection = self._connection()
        try:
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def _login(self):
        """An unknown address from a new client address each time: it never locks an account or an address."""
        number = next(_addresses)
        address = {"X-Forwarded-For": f"198.51.{number >> 8 & 255}.{number & 255}"}
        connection = self._connection()
        try:
            connection.request("GET", "/login", headers=address)
            response = connection.getresponse()
            page = response.read().decode()
            token = CSRF.search(page)
            if response.status != 200 or token is None:
                return response.status
            cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
            body = urllib.parse.urlencode({"csrf_token": token.group(1), "email": f"probe{number}@nowhere.example",
                                           "password": "wrong"})
            connection.request("POST", "/login", body=body, headers={
                **address, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def windows(self, down_at, up_at):
        """Answers per probe before the fault, during it, in the 15 s after it ended and later; and how long
        after the end the last answer other than 200 came."""
        spans = {"before": (0, down_at), "during": (down_at, up_at), "first 15 s after": (up_at, up_at + 15),
                 "later": (up_at + 15, float("inf"))}
        result = {}
        for span, (start, end) in spans.items():
            counts = {}
            for at, name, status in self.answers:
                if start <= at < end:
                    counts.setdefault(name, Counter())[status] += 1
            result[span] = {name: dict(counter) for name, counter in counts.items()}
        late = [at for at, _, status in self.answers if at >= up_at and status != 200]
        result["last non-200 after the end (s)"] = round(max(late) - up_at, 1) if late else None
        return result
