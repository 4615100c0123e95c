"""The center's own certificate authority and the broker's certificate, made by `qms broker
setup` when none is given, so that devices reach the broker over TLS on the hall's LAN (their
passwords and commands, an officer's PIN among them, never cross it in clear).

The CA's key stays in the setup folder (mode 0600) on the machine that ran the setup; only
`ca.crt` goes to the devices, which trust it alone (`mqtts://…?ca=/etc/qms/ca.crt`). A setup
run again keeps the CA (devices keep trusting it) and makes a new broker certificate only if
the broker's address changed.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT, CA_KEY = "ca.crt", "ca.key"
BROKER_CERT, BROKER_KEY = "broker.crt", "broker.key"
CA_DAYS = 20 * 365
BROKER_DAYS = 5 * 365


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _names(host: str) -> list[x509.GeneralName]:
    """The names devices may reach the broker by: `host`, and loopback for the hub."""
    names: list[x509.GeneralName] = []
    for name in dict.fromkeys([host, "127.0.0.1", "localhost"]):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            names.append(x509.DNSName(name))
    return names


def _ca(folder: Path, site: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_path, key_path = folder / CA_CERT, folder / CA_KEY
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return cert, key
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"qms center CA ({site})")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False),
                           critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _broker_cert_fits(path: Path, ca: x509.Certificate, host: str) -> bool:
    if not path.exists() or not path.with_name(BROKER_KEY).exists():
        return False
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    if cert.issuer != ca.subject:
        return False
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    return (list(names) == _names(host)
            and cert.not_valid_after_utc > datetime.now(UTC) + timedelta(days=30))


def ensure_center_tls(folder: Path, site: str, host: str) -> tuple[Path, Path, Path]:
    """The center's CA (made once) and a broker certificate for `host` signed by it, in
    `folder`; returns (broker certificate, broker key, CA certificate)."""
    folder.mkdir(parents=True, exist_ok=True)
    ca, ca_key = _ca(folder, site)
    cert_path, key_path = folder / BROKER_CERT, folder / BROKER_KEY
    if not _broker_cert_fits(cert_path, ca, host):
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
                .issuer_name(ca.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(hours=1))
                .not_valid_after(now + timedelta(days=BROKER_DAYS))
                .add_extension(x509.SubjectAlternativeName(_names(host)), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                               critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    ca_key.public_key()), critical=False)
                .sign(ca_key, hashes.SHA256()))
        _write_key(key_path, key)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path, folder / CA_CERT
