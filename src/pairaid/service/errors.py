"""Errors of the service; each maps to one HTTP status (see :mod:`pairaid.service.app`)."""

from __future__ import annotations

from pairaid.errors import PairaidError


class ServiceError(PairaidError):
    """Base of the service's errors; ``status`` is the HTTP status it is answered with."""

    status = 400


class NotAuthenticated(ServiceError):
    """No or an unknown API token (401)."""

    status = 401


class Forbidden(ServiceError):
    """The user's role or region may not do this (403); logged in the audit log."""

    status = 403


class NotFound(ServiceError):
    """The addressed need, pledge, dispatch or user does not exist (404)."""

    status = 404


class Conflict(ServiceError):
    """The request contradicts the current state, e.g. it would over-commit (409)."""

    status = 409


class Invalid(ServiceError):
    """A well-formed request whose values make no sense together (422)."""

    status = 422
