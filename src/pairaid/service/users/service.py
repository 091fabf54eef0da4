"""Adding users, checking API tokens and roles."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pairaid import schemas
from pairaid.service.errors import Conflict, Forbidden, Invalid
from pairaid.service.regions import ServiceRegions
from pairaid.service.users.models import ROLES, User

TOKEN_PREFIX = "pa_"
REGION_CODE = re.compile(schemas.REGION_CODE)
"""GB/T 2260 six-digit code or ISO 3166-2 code (:data:`pairaid.schemas.REGION_CODE`)."""


@dataclass(frozen=True)
class Actor:
    """The authenticated user of a request."""

    id: int
    name: str
    role: str
    region_code: str | None


def hash_token(token: str) -> str:
    """SHA-256 (hex) of an API token.

    Notes
    -----
    Tokens carry 256 random bits from :mod:`secrets`, so a fast hash suffices: slow
    password hashes (argon2, bcrypt) protect guessable passwords, and would cost every
    request tens of milliseconds.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(session: Session, *, name: str, role: str, regions: ServiceRegions,
             region_code: str | None = None) -> tuple[User, str]:
    """Add a user and return it with its API token (shown once, stored hashed).

    ``regions`` is the service's data set (:func:`pairaid.service.regions.load_regions`).

    Raises
    ------
    Invalid
        Unknown role, a region missing for a donor or recipient, a malformed code, or a
        region not of the role's kind in the service's data set (donors are donor regions,
        recipients recipient regions: :mod:`pairaid.service.regions`).
    Conflict
        The name is taken.
    """
    if role not in ROLES:
        raise Invalid(f"role {role!r} is not one of {', '.join(ROLES)}")
    if role in ("donor", "recipient") and not region_code:
        raise Invalid(f"a {role} needs --region CODE (the region it acts for)")
    if region_code is not None and not REGION_CODE.match(region_code):
        raise Invalid(f"region {region_code!r} is not a GB/T 2260 (420100) or ISO 3166-2 "
                      "(CN-GD) code")
    if role in ("donor", "recipient"):
        assert region_code is not None
        regions.check(region_code, role)
    if not name.strip():
        raise Invalid("the user name is empty")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    user = User(name=name.strip(), role=role, region_code=region_code,
                token_hash=hash_token(token))
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"a user named {name!r} exists already") from None
    return user, token


def authenticate(session: Session, *, token: str) -> Actor | None:
    """The user holding ``token``, or ``None``."""
    user = session.scalars(select(User).where(User.token_hash == hash_token(token))).first()
    if user is None:
        return None
    return Actor(user.id, user.name, user.role, user.region_code)


def require(actor: Actor, roles: Iterable[str], *, region: str | None = None,
            what: str) -> None:
    """Refuse unless ``actor`` has one of ``roles`` (and, for donors and recipients, acts for
    ``region`` when given).

    Raises
    ------
    Forbidden
        Naming the role or region that would be needed.
    """
    roles = tuple(roles)
    if actor.role not in roles:
        raise Forbidden(f"{what}: needs role {' or '.join(roles)}; {actor.name} is "
                        f"{actor.role}")
    if region is not None and actor.role in ("donor", "recipient") \
            and actor.region_code != region:
        raise Forbidden(f"{what}: {actor.name} acts for {actor.region_code}, not {region}")
