"""Mail transports: SMTP in production, console, file or memory elsewhere."""

import base64
import smtplib
from datetime import UTC
from email import policy
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from oscart.core.database import utcnow

# Messages "sent" by the memory backend, for tests and the shell.
sent_messages = []


class VerbatimHeader(UnstructuredHeader):
    """A header written as given on one line: never RFC 2047 encoded words, which Python's folding makes of a long
    value. RFC 2369 list headers are ``<URL>`` entries that mailbox providers read literally (one-click
    unsubscribe, RFC 8058); a line may be 998 characters long (RFC 5322)."""

    def fold(self, *, policy):
        return f"{self.name}: {self}{policy.linesep}"


_HEADERS = HeaderRegistry()
for _name in ("list-unsubscribe", "list-unsubscribe-post"):
    _HEADERS.map_to_type(_name, VerbatimHeader)
POLICY = policy.default.clone(header_factory=_HEADERS)


def build_email(message, config):
    """The message as it goes out. ``Date`` and ``Message-ID`` come from the outbox row, so that every attempt
    to deliver it sends the same message: its date is when it was written, in the transaction of the change
    that caused it (RFC 5322's origination date), not when a retry finally reached the server."""
    email = EmailMessage(policy=POLICY)
    headers = message.headers or {}
    given = {name.lower() for name in headers}
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    if "date" not in given:
        email["Date"] = format_datetime((message.created_at or utcnow()).astimezone(UTC))
    if "message-id" not in given:
        email["Message-ID"] = message_id(message, config)
    for name, value in headers.items():
        email[name] = value
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for item in message.attachments or ():
        content_type = POLICY.header_factory("content-type", item["content_type"])
        email.add_attachment(base64.b64decode(item["data"]), maintype=content_type.maintype,
                             subtype=content_type.subtype, params=dict(content_type.params),
                             filename=item["filename"])
    return email


def message_id(message, config):
    """The same id for every attempt to deliver an outbox row, in the sender's domain."""
    domain = parseaddr(config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2] or "oscart.example"
    if message.id is None or message.created_at is None:
        return make_msgid(domain=domain)
    return f"<oscart.{message.id}.{message.created_at.astimezone(UTC):%Y%m%d%H%M%S%f}@{domain}>"


class ConsoleBackend:
    """Prints a mail for the developer to read: its headers and its text decoded, so links can be copied whole
    (the transfer encoding would cut them into lines ending in ``=``)."""

    def send(self, message, config):
        email = build_email(message, config)
        lines = [f"{name}: {value}" for name, value in email.items()
                 if not name.lower().startswith(("content-", "mime-"))]
        lines += ["", email.get_body(("plain",)).get_content().rstrip(), ""]
        lines += [f"[attachment: {part.get_filename()}, {part.get_content_type()}]"
                  for part in email.iter_attachments()]
        print("\n".join(lines), flush=True)


class FileBackend:
    def send(self, message, config):
        folder = Path(config["MAIL_FILE_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{message.id:08d}.eml").write_bytes(build_email(message, config).as_bytes())


class MemoryBackend:
    def send(self, message, config):
        sent_messages.append(build_email(message, config))


class SMTPBackend:
    def send(self, message, config):
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(build_email(message, config))


_BACKENDS = {"console": ConsoleBackend, "file": FileBackend, "memory": MemoryBackend, "smtp": SMTPBackend}


def get_backend(name):
    return _BACKENDS[name]()
