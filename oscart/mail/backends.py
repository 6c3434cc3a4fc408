"""Mail transports: SMTP in production, console, file or memory elsewhere."""

import base64
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

# Messages "sent" by the memory backend, for tests and the shell.
sent_messages = []


def build_email(message, config):
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="oscart.example")
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for item in message.attachments or ():
        maintype, _, subtype = item["content_type"].partition("/")
        email.add_attachment(base64.b64decode(item["data"]), maintype=maintype, subtype=subtype,
                             filename=item["filename"])
    return email


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
