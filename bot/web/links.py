"""The links the web pages answer to. A server's page is ``/s/<token>`` (the token is random and
stored); a member's own page is ``/s/<token>/m/<user>/<signature>``, signed with a secret of the
database and the server's token, so it cannot be guessed and dies when the token is rotated."""

from __future__ import annotations

import base64
import hashlib
import hmac

SIGNATURE_CHARS = 22  # 132 bits


def member_signature(secret: bytes, token: str, user_id: int) -> str:
    digest = hmac.new(secret, f"{token}:{user_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_CHARS]


def signature_ok(secret: bytes, token: str, user_id: int, signature: str) -> bool:
    return hmac.compare_digest(member_signature(secret, token, user_id), signature)


def server_path(token: str) -> str:
    return f"/s/{token}"


def member_path(secret: bytes, token: str, user_id: int) -> str:
    return f"/s/{token}/m/{user_id}/{member_signature(secret, token, user_id)}"
