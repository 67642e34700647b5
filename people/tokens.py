"""Invitation links. The token in a link is signed: an HMAC-SHA256, with
Assure's secret key, of the invitation's id, the number of its link and when
that link was made. It is never stored: the invitation keeps its SHA-256
(people.models.Invitation.token_hash), and the worker makes the link again
when it sends the message (outbox.links), so neither the database nor the
record of messages holds a link that opens an account.

Sending a link again makes a new one (its number goes up), which stops the
old one working; accepting or cancelling empties the stored hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from outbox.services import site_link
from people.models import Invitation

SALT = "assure.people.invitation"


def token_for(invitation: Invitation) -> str:
    value = f"{invitation.pk}:{invitation.sends}:{invitation.sent_at.isoformat()}"
    mac = salted_hmac(SALT, value, algorithm="sha256").digest()
    return f"{invitation.pk}-{base64.urlsafe_b64encode(mac).rstrip(b'=').decode('ascii')}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The pending, unexpired invitation a link's token opens, or None: a
    forged, reused, superseded or expired link finds nothing."""
    if len(token) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("user", "board", "invited_by")
        .filter(token_hash=hash_token(token), status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None or invitation.expires_at <= timezone.now():
        return None
    if not hmac.compare_digest(token_for(invitation), token):
        return None  # made with another secret key
    return invitation


def invitation_link(invitation_id: int) -> str | None:
    """The link of a pending invitation, for the message the worker sends;
    None once it was accepted, cancelled or expired."""
    invitation = Invitation.objects.filter(
        pk=invitation_id, status=Invitation.Status.PENDING, expires_at__gt=timezone.now()
    ).first()
    if invitation is None:
        return None
    return site_link(reverse("invitations:accept", kwargs={"token": token_for(invitation)}))
