"""Workflow errors of the program; the web layer maps each class to one HTTP status code."""

from whimscreen.errors import ProgramError


class NotAuthenticated(ProgramError):
    """No valid session (HTTP 401)."""


class Forbidden(ProgramError):
    """The user's role or approval does not allow this (HTTP 403)."""


class NotFound(ProgramError):
    """No such object, or not one this user may see (HTTP 404: existence is not revealed)."""


class InvalidState(ProgramError):
    """The action does not fit the object's current state (HTTP 409)."""


class Throttled(ProgramError):
    """Too many failed logins (HTTP 429)."""


class InvalidInput(ProgramError):
    """A submitted value is out of range or malformed (HTTP 422)."""


class Busy(ProgramError):
    """The server has no free database connection in time (HTTP 503: retry later)."""
