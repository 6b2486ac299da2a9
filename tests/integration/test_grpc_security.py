"""Token authentication through metadata, on and off, and TLS with a self-signed certificate made here."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from scoring_service import errors
from scoring_service.client import ScoringClient
from scoring_service.domain import ScoreRequest
from tests.server_support import serve

pytestmark = pytest.mark.integration
TOKEN = "s3cret-token"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1, valid for a day, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_without_a_token_setting_calls_need_none(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    with serve(tiny_bundle_dir, tmp_path) as (address, _), ScoringClient(address) as client:
        assert client.model_info().version == "1"


def test_token_required_when_set(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    with serve(tiny_bundle_dir, tmp_path, token=TOKEN) as (address, _):
        with ScoringClient(address, retries=0) as anonymous:
            with pytest.raises(errors.Unauthenticated, match="authorization"):
                anonymous.model_info()
            with pytest.raises(errors.Unauthenticated):
                list(anonymous.score_batch([100_001]))
            assert anonymous.health() is True  # probes need no secret
        impostor = ScoringClient(address, token="wrong", retries=0)
        with impostor, pytest.raises(errors.Unauthenticated, match="not the service's token"):
            impostor.score(ScoreRequest(client_id=100_001))
        with ScoringClient(address, token=TOKEN) as member:
            assert member.score(ScoreRequest(client_id=100_001)).client_id == 100_001
            assert [r.client_id for r in member.score_batch([100_001, 100_003])] == [100_001, 100_003]


def test_tls_with_token(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    with serve(tiny_bundle_dir, tmp_path, token=TOKEN, tls_cert=cert, tls_key=key) as (address, _):
        with ScoringClient(address, token=TOKEN, root_certificates=cert.read_bytes()) as client:
            assert client.health() is True
            assert client.score(ScoreRequest(client_id=100_001)).client_id == 100_001
        plaintext = ScoringClient(address, token=TOKEN, retries=0, timeout=1.0)
        with plaintext, pytest.raises(errors.Unavailable):
            plaintext.model_info()
        other = tmp_path / "other"
        other.mkdir()
        other_cert, _ = self_signed(other)  # a certificate the server does not have
        with (
            ScoringClient(
                address, token=TOKEN, root_certificates=other_cert.read_bytes(), retries=0
            ) as wrong,
            pytest.raises(errors.Unavailable),
        ):
            wrong.model_info()


def test_tls_files_must_come_in_pairs(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from scoring_service.settings import ScoringSettings

    cert, _ = self_signed(tmp_path)
    with pytest.raises(ValidationError, match="go together"):
        ScoringSettings(tls_cert=cert)
    with pytest.raises(ValidationError, match="does not exist"):
        ScoringSettings(tls_cert=cert, tls_key=tmp_path / "missing.key")
