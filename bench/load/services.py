"""Services of their own for the fault runs: a PostgreSQL cluster, a Redis server and an SMTP server that exist
only for the run, so that stopping them disturbs nobody else on the machine (the shared PostgreSQL and Redis keep
running). Each stops and starts again the way the machine's own would (``pg_ctl stop -m fast``, ``SHUTDOWN
NOSAVE``)."""

import os
import pwd
import shutil
import socket
import socketserver
import subprocess
import threading
import time
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _answers(port, host="127.0.0.1"):
    try:
        socket.create_connection((host, port), 1).close()
    except OSError:
        return False
    return True


def _wait(port, up, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _answers(port) == up:
            return
        time.sleep(0.2)
    raise SystemExit(f"port {port} still {'down' if up else 'up'} after {seconds} s")


class Postgres:
    """A PostgreSQL cluster in ``folder`` on ``port``, run as the postgres user (trust on 127.0.0.1 only)."""

    def __init__(self, folder, port):
        self.folder, self.port = Path(folder), port
        self.data = self.folder / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/oscart_faults"

    def _as_postgres(self, *command, check=True):
        return subprocess.run(["runuser", "-u", "postgres", "--", *map(str, command)], check=check,
                              capture_output=True, text=True)

    def start(self):
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.folder / "server.log", "-w", "-o",
                          f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                          "-c max_connections=100", "start")
        _wait(self.port, up=True)

    def stop(self):
        """A fast shutdown, as ``pg_ctlcluster … stop`` does: open transactions are rolled back."""
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", check=False)
        _wait(self.port, up=False)

    def remove(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class Redis:
    """A Redis server on ``port`` without persistence, as the machine's own runs."""

    def __init__(self, port):
        self.port, self.process = port, None
        self.url = f"redis://127.0.0.1:{port}"

    def start(self):
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--daemonize", "no",
                                         "--loglevel", "warning"], stdout=subprocess.DEVNULL)
        _wait(self.port, up=True)

    def stop(self):
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, check=False)
        if self.process is not None:
            self.process.wait(timeout=10)
        _wait(self.port, up=False)


class SmtpServer:
    """A small SMTP server that accepts every message (and records its Message-ID) or, while ``refusing``,
    answers every connection with 421 as a server that is down for maintenance does."""

    def __init__(self, port):
        self.port, self.refusing, self.received, self.refused = port, False, [], 0
        stub = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                if stub.refusing:
                    stub.refused += 1
                    self.wfile.write(b"421 4.3.2 Service not available, closing channel\r\n")
                    return
                self.wfile.write(b"220 faults.example ESMTP\r\n")
                while line := self.rfile.readline():
                    command = line.decode("ascii", "replace").strip().upper()
                    if command.startswith(("EHLO", "HELO")):
                        self.wfile.write(b"250 faults.example\r\n")
                    elif command == "DATA":
                        self.wfile.write(b"354 go ahead\r\n")
                        stub.received.append(self._message_id())
                        self.wfile.write(b"250 2.0.0 queued\r\n")
                    elif command == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:  # MAIL, RCPT, RSET, NOOP
                        self.wfile.write(b"250 ok\r\n")

            def _message_id(self):
                found = None
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    if line.lower().startswith(b"message-id:"):
                        found = line.split(b":", 1)[1].strip().decode()
                return found

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
