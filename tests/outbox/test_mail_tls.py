"""Mail to a production-like relay: STARTTLS then a password, or TLS from the first byte (smtps://),
against an aiosmtpd server on loopback with a certificate made for the test."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
from pathlib import Path
from typing import Any, List, Tuple

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gracious.outbox import mail, smtp
from tests.outbox.servers import SmtpServer

PAYLOAD = {
    **mail.compose("thank_you", "maya.okafor@example.com", {"summary": "All sorted."}, name="Maya Okafor"),
    "message_id": "<thank-you:case-9@gracious>",
}


def certificate(folder: Path) -> Tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "relay.pem", folder / "relay.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def tls(tmp_path: Path) -> Tuple[ssl.SSLContext, ssl.SSLContext]:
    """The relay's TLS context and a client's that trusts only the relay's certificate."""
    cert_file, key_file = certificate(tmp_path)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    return server, ssl.create_default_context(cafile=str(cert_file))


class Logins:
    """The relay's authenticator: one account, every try kept."""

    def __init__(self) -> None:
        self.tries: List[Tuple[str, str, bool]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        login, password = data.login.decode(), data.password.decode()
        self.tries.append((login, password, server.transport.get_extra_info("ssl_object") is not None))
        # handled=False: aiosmtpd answers a refusal with its 535 (handled=True would leave it unanswered).
        return AuthResult(success=(login, password) == ("care@larkspur.example", "p@ss:w/rd"), handled=False)


def test_starttls_then_the_password_decoded_from_the_url(tls: Tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server_tls, client_tls = tls
    logins = Logins()
    relay = SmtpServer(tls_context=server_tls, require_starttls=True, authenticator=logins, auth_require_tls=True)
    url = f"smtp://care%40larkspur.example:p%40ss%3Aw%2Frd@127.0.0.1:{relay.port}"
    with relay:
        asyncio.run(smtp.send(PAYLOAD, url=url, context=client_tls))
    assert logins.tries == [("care@larkspur.example", "p@ss:w/rd", True)]
    [message] = relay.inbox.messages()
    assert message["Subject"] == "Thank you for talking to us, Maya"


def test_a_wrong_password_is_a_failed_delivery_with_the_relays_answer(
    tls: Tuple[ssl.SSLContext, ssl.SSLContext],
) -> None:
    server_tls, client_tls = tls
    relay = SmtpServer(
        tls_context=server_tls,
        require_starttls=True,
        authenticator=Logins(),
        auth_require_tls=True,
    )
    with relay, pytest.raises(smtp.DeliveryError, match="SMTP 535"):
        asyncio.run(
            smtp.send(PAYLOAD, url=f"smtp://care%40larkspur.example:wrong@127.0.0.1:{relay.port}", context=client_tls)
        )
    assert relay.inbox.accepted == []


def test_a_relay_whose_certificate_is_not_trusted_gets_nothing(tls: Tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server_tls, _ = tls
    relay = SmtpServer(tls_context=server_tls, require_starttls=True)
    with relay, pytest.raises(smtp.DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        asyncio.run(smtp.send(PAYLOAD, url=relay.url))  # the system's trusted certificates only
    assert relay.inbox.accepted == []


def test_smtps_speaks_tls_from_the_first_byte(tls: Tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server_tls, client_tls = tls
    logins = Logins()
    # aiosmtpd offers AUTH only after its own STARTTLS when auth_require_tls; here TLS is from the start,
    # and Logins records that the password came over it.
    relay = SmtpServer(ssl_context=server_tls, authenticator=logins, auth_require_tls=False)
    with relay:
        asyncio.run(
            smtp.send(
                PAYLOAD,
                url=f"smtps://care%40larkspur.example:p%40ss%3Aw%2Frd@127.0.0.1:{relay.port}",
                context=client_tls,
            )
        )
    assert logins.tries == [("care@larkspur.example", "p@ss:w/rd", True)]
    assert len(relay.inbox.accepted) == 1
