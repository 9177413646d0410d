"""A real SMTP server in this process (aiosmtpd), and settings that point Django's SMTP backend at it."""

import socket
import threading

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """The server's handler: keeps every message it accepts; answers RCPT or DATA with ``refuse`` when set
    (e.g. "550 5.1.1 no such user", "451 4.3.0 try later")."""

    def __init__(self):
        self.messages = []  # (mail_from, rcpt_tos, content bytes)
        self.refuse_rcpt = None
        self.refuse_data = None
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return self.refuse_data
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server; Django's settings send to it through the SMTP backend."""
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "新赛道培育库 <noreply@ntr.example.gov.cn>"
    settings.SITE_URL = "https://ntr.example.gov.cn"
    recorder.port = port
    yield recorder
    controller.stop()


@pytest.fixture
def smtp_down(settings):
    """A host configured but nothing listening on its port: the server is down."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 2
    return settings.EMAIL_PORT
