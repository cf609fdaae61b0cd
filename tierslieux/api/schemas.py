"""Schemas and patterns shared by the routers: errors, safe text, codes of the territory."""

from typing import Annotated, Any

from ninja import Field, Schema

from tierslieux.api.problems import ConflictProblemOut, ProblemOut, ValidationProblemOut

# PostgreSQL refuses NUL characters in text: they are refused at the door (422), not at save.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, Field(pattern=NO_NUL)]
MAX_ID = 2**63 - 1  # BigAutoField

# Codes of the territory (INSEE): a commune is 5 digits, or 2A/2B and 3 digits in Corsica.
INSEE_COMMUNE = r"^(\d{5}|2[AB]\d{3})$"
POSTCODE = r"^\d{5}$"
DEPARTEMENT = r"^(\d{2,3}|2[AB])$"
EPCI_SIREN = r"^\d{9}$"
REGION = r"^(\d{2}|all)$"  # an INSEE region code, or every served region
# Subsets of what Django's EmailValidator and URLValidator accept, so that every value the
# schema allows is accepted by the model too (ASCII names; an IDN is written as xn--).
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
EMAIL = rf"^{_ATOM}(\.{_ATOM})*@({_LABEL}\.)+[A-Za-z]{{2,63}}$"
HTTP_URL = rf"^https?://({_LABEL}\.)+[A-Za-z]{{2,63}}([/?#][A-Za-z0-9._~%!$&'()*+,;=:@/?#-]*)?$"

ErrorOut = ProblemOut
ValidationErrorOut = ValidationProblemOut
ConflictOut = ConflictProblemOut


class PageOut(Schema):
    """Paging of a list answer."""

    count: int = Field(ge=0, description="Rows matching the filters, all pages.")
    limit: int = Field(ge=1)
    offset: int = Field(ge=0)


# Answers any public endpoint may give besides 200: bad token, bad parameters, rate limit.
PUBLIC_ERRORS: dict[int, type[Schema]] = {
    401: ProblemOut,
    422: ValidationProblemOut,
    429: ProblemOut,
}


# Public data (the same for every caller) may be kept by browsers and proxies this long.
PUBLIC_MAX_AGE = 300


def cache_publicly(response: Any) -> None:
    """Mark the answer of a public read as cacheable for ``PUBLIC_MAX_AGE`` seconds."""
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
