class DomainError(Exception):
    """A rule of the domain refused an action. `message` is translated and shown to the user as is."""

    def __init__(self, message: str, *, code: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}
