"""Compact JWTs signed with RS256, and the JSON Web Key Set that publishes the public key."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .common import b64url, b64url_decode
from .tls import write_private

SIGNING_KEY = "signing-key.pem"


class JwtError(ValueError):
    """A token that is malformed or whose signature does not verify."""


class SigningKey:
    """The sandbox's token signing key (RSA 2048), kept in the state directory."""

    def __init__(self, key: rsa.RSAPrivateKey) -> None:
        self._key = key
        self.public = key.public_key()
        numbers = self.public.public_numbers()
        self._n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        self._e = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
        self.kid = b64url(hashlib.sha256(self._n + self._e).digest()[:20])

    @classmethod
    def load_or_create(cls, state: Path) -> SigningKey:
        path = state / SIGNING_KEY
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if isinstance(key, rsa.RSAPrivateKey):
                return cls(key)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        write_private(path, pem)
        return cls(key)

    def jwk(self, issuer: str | None = None) -> dict[str, Any]:
        jwk: dict[str, Any] = {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "x5t": self.kid,
            "n": b64url(self._n),
            "e": b64url(self._e),
        }
        if issuer:
            jwk["issuer"] = issuer
        return jwk

    def sign(self, claims: dict[str, Any]) -> str:
        header = {"typ": "JWT", "alg": "RS256", "kid": self.kid, "x5t": self.kid}
        signing_input = ".".join(
            b64url(json.dumps(part, separators=(",", ":")).encode("utf-8")) for part in (header, claims)
        )
        signature = self._key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64url(signature)}"

    def verify(self, token: str) -> dict[str, Any]:
        """Check the signature and return the claims (lifetime is the caller's business)."""
        parts = token.split(".")
        if len(parts) != 3:
            raise JwtError("not a compact JWT")
        try:
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            signature = b64url_decode(parts[2])
        except (ValueError, UnicodeDecodeError) as exc:
            raise JwtError("malformed JWT") from exc
        if not isinstance(header, dict) or header.get("alg") != "RS256":
            raise JwtError("unsupported algorithm")
        if not isinstance(claims, dict):
            raise JwtError("malformed claims")
        try:
            self.public.verify(
                signature,
                f"{parts[0]}.{parts[1]}".encode("ascii"),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature as exc:
            raise JwtError("signature does not verify") from exc
        return claims


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT without checking anything (for tests and diagnostics)."""
    claims = json.loads(b64url_decode(token.split(".")[1]))
    if not isinstance(claims, dict):
        raise JwtError("malformed claims")
    return claims
