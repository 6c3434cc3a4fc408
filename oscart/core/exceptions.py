"""Domain errors raised by services; views turn them into form errors or HTTP answers."""


class DomainError(Exception):
    """Base class; ``message`` is a translated, user-facing text."""

    def __init__(self, message=""):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class Conflict(DomainError):
    pass


class TooManyAttempts(DomainError):
    """Too many failed attempts from this client address: answered with 429 and ``Retry-After``."""

    def __init__(self, retry_after, message=""):
        super().__init__(message)
        self.retry_after = retry_after


class RuleViolation(DomainError):
    """A business rule refused the input; ``field`` names the form field it belongs to, if any."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field
