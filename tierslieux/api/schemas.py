"""Schemas shared by the routers: errors and safe text."""

from typing import Annotated

from ninja import Field, Schema

# PostgreSQL refuses NUL characters in text: they are refused at the door (422), not at save.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, Field(pattern=NO_NUL)]
MAX_ID = 2**63 - 1  # BigAutoField


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in the caller's language.")


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        description="Messages per field (`__all__` for the request as a whole)."
    )


# Answers any public endpoint may give besides 200: bad token, bad parameters, rate limit.
PUBLIC_ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
}
