"""A small SMTP server on loopback for the tests (standard library only): it speaks enough of
RFC 5321 for `smtplib` to hand it mail, and keeps each message it was given."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    """What the server was given: each message with its envelope recipients."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        kept: Received = self.server.received  # type: ignore[attr-defined]
        rcpt: list[str] = []
        self.wfile.write(b"220 localhost test SMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 localhost\r\n")
            elif verb == b"MAIL":
                rcpt = []
                self.wfile.write(b"250 OK\r\n")
            elif verb == b"RCPT":
                rcpt.append(line.split(b":", 1)[1].strip().strip(b"<>").decode())
                self.wfile.write(b"250 OK\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = bytearray()
                while (part := self.rfile.readline()) not in (b".\r\n", b""):
                    data += part[1:] if part.startswith(b"..") else part
                message = message_from_bytes(bytes(data), policy=policy.default)
                assert isinstance(message, EmailMessage)
                kept.messages.append((rcpt, message))
                self.wfile.write(b"250 kept\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


@contextmanager
def smtp_server() -> Iterator[tuple[int, Received]]:
    """An SMTP server on a free loopback port until the block ends: (port, what it got)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.received = Received()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.received  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
