"""The token in a ticket's QR address: unguessable, tied to one ticket, the same on replay.

HMAC-SHA256 of the ticket id under the site's secret (kept in the ledger, never on the wire),
cut to 96 bits and written in URL-safe base64 (16 characters). The engine stays pure: the
token is a function of the secret and the ticket id, so the ledger's replay gives the same one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

TOKEN_BYTES = 12  # 96 bits
TOKEN_LENGTH = 16
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{16}$"
_TOKEN = re.compile(TOKEN_PATTERN)


def ticket_token(secret: bytes, ticket_id: str) -> str:
    digest = hmac.new(secret, ticket_id.encode(), hashlib.sha256).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode()


def token_matches(secret: bytes, ticket_id: str, token: str) -> bool:
    return hmac.compare_digest(ticket_token(secret, ticket_id), token)


def looks_like_token(text: str) -> bool:
    return bool(_TOKEN.match(text))
