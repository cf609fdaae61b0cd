"""The directory of tiers-lieux in the JSON API: read for everyone, write for directory staff.

Field names are those of the open data CSV (``data/schemas/tiers-lieux.schema.json``).
"""

import copy
import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import (
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StrictFloat,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from tierslieux.api.auth import api_user, write_auth
from tierslieux.api.problems import ApiProblem, problem_response
from tierslieux.api.schemas import (
    DEPARTEMENT,
    EMAIL,
    EPCI_SIREN,
    HTTP_URL,
    INSEE_COMMUNE,
    MAX_ID,
    NO_NUL,
    PUBLIC_ERRORS,
    REGION,
    ConflictOut,
    ErrorOut,
    Text,
    ValidationErrorOut,
)
from tierslieux.core.permissions import user_can
from tierslieux.core.region_choice import RegionNotServed, region_choice
from tierslieux.places.models import (
    LegalForm,
    LocationPrecision,
    Place,
    PlaceKind,
    PlaceService,
    PlaceSource,
    PlaceState,
)
from tierslieux.places.opendata import place_record
from tierslieux.places.selectors import (
    PlaceFilters,
    place_filters_errors,
    place_get,
    place_list,
    place_same_name_get,
)
from tierslieux.places.services_write import place_create, place_update

router = Router(tags=["tiers-lieux"])

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000

# API field -> model field, for writes and for the errors sent back.
API_TO_MODEL: dict[str, str] = {
    "nom": "name",
    "description": "description",
    "types": "kinds",
    "services": "services",
    "statut": "state",
    "ouvert_depuis": "opened_on",
    "ferme_le": "closed_on",
    "adresse": "address",
    "code_postal": "postcode",
    "commune": "commune",
    "longitude": "lon",
    "latitude": "lat",
    "precision_localisation": "location_precision",
    "mode_gestion": "legal_form",
    "acces_pmr": "pmr_accessible",
    "acces_fibre": "fibre_access",
    "horaires": "opening_hours",
    "site_web": "website",
    "courriel": "email",
    "publie": "is_published",
}
MODEL_TO_API: dict[str, str] = {model: api for api, model in API_TO_MODEL.items()}


def _optional(pattern: str) -> str:
    """``^(x)$`` -> ``^(x)?$``: the pattern, or the empty string (filter not used)."""
    return f"^({pattern[1:-1]})?$"


class PlacePagination(LimitOffsetPagination):
    """Limit/offset pagination, at most ``MAX_LIMIT`` places a page."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Places per page.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Places skipped.")


class PlaceFiltersIn(Schema):
    """The directory's filters (all optional, combined with AND)."""

    q: str = Field("", max_length=200, pattern=NO_NUL, description="Words searched.")
    region: str = Field(
        "",
        pattern=_optional(REGION),
        description=(
            "INSEE code of a served region (e.g. 84), or `all` (the default: every region the "
            "deployment serves). A region not served is a 422."
        ),
    )
    departement: str = Field(
        "", pattern=_optional(DEPARTEMENT), description="Code of the département (e.g. 33)."
    )
    epci: str = Field("", pattern=_optional(EPCI_SIREN), description="SIREN of the EPCI.")
    commune: str = Field("", pattern=_optional(INSEE_COMMUNE), description="INSEE code.")
    kind: PlaceKind | None = None
    service: PlaceService | None = None
    state: PlaceState | None = None

    def to_filters(self) -> PlaceFilters:
        """The filters; a region not served, or a territorial code outside the regions
        chosen, is a 422 problem naming the parameter."""
        try:
            choice = region_choice(self.region)
        except RegionNotServed as refused:
            raise ApiProblem(422, str(refused), errors={"region": [str(refused)]}) from None
        filters = PlaceFilters(
            q=self.q,
            region=choice.code,
            departement=self.departement,
            epci=self.epci,
            commune=self.commune,
            kind=self.kind or "",
            service=self.service or "",
            state=self.state or "",
        )
        errors = place_filters_errors(filters=filters, regions=choice.codes)
        if errors:
            detail = _("A territorial filter names no part of the regions chosen.")
            raise ApiProblem(422, detail, errors={k: [v] for k, v in errors.items()})
        return filters


class PlaceOut(Schema):
    """A tiers-lieu: the columns of the open data CSV, plus ``publie``."""

    id: int
    nom: str
    description: str
    types: list[str] = Field(description="Codes of PlaceKind.")
    services: list[str] = Field(description="Codes of PlaceService.")
    statut: PlaceState
    ouvert_depuis: datetime.date | None
    ferme_le: datetime.date | None
    adresse: str
    code_postal: str
    commune_insee: str = Field(pattern=INSEE_COMMUNE)
    commune: str
    departement: str = Field(pattern=DEPARTEMENT)
    epci_siren: str | None = Field(pattern=EPCI_SIREN)
    longitude: float
    latitude: float
    precision_localisation: LocationPrecision
    mode_gestion: LegalForm | None
    acces_pmr: bool | None
    acces_fibre: bool | None
    horaires: str
    site_web: str
    courriel: str
    source: PlaceSource
    source_id: str
    date_source: datetime.date | None
    attribution: str
    publie: bool = Field(description="Shown to the public (always true for the public).")


def _text_only(value: Any) -> Any:
    """JSON dates are text: a number is not a date (pydantic would read it as a timestamp)."""
    if value is not None and not isinstance(value, str):
        raise ValueError("a date is text: YYYY-MM-DD")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_text_only)]
Longitude = Annotated[StrictFloat, Field(ge=-180, le=180)]
Latitude = Annotated[StrictFloat, Field(ge=-90, le=90)]


def _json_object(value: Any) -> Any:
    """The body must be a JSON object (ninja schemas would also read attributes of a list)."""
    if not isinstance(getattr(value, "_obj", value), dict):  # ninja wraps it in a DjangoGetter
        raise ValueError("the body must be a JSON object")
    return value


def _both_or_neither(name: str, other: str) -> dict[str, Any]:
    return {
        "if": {"required": [name], "properties": {name: {"type": "number"}}},
        "then": {"required": [other], "properties": {other: {"type": "number"}}},
    }


class PlaceIn(Schema):
    """A place entered by directory staff: both coordinates, or neither (the commune's town
    hall then)."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                _both_or_neither("longitude", "latitude"),
                _both_or_neither("latitude", "longitude"),
                # A closed place needs its closing date.
                {
                    "if": {"required": ["statut"], "properties": {"statut": {"const": "closed"}}},
                    "then": {
                        "required": ["ferme_le"],
                        "properties": {"ferme_le": {"type": "string", "format": "date"}},
                    },
                },
            ]
        }
    )

    nom: Text = Field(min_length=1, max_length=200, examples=["La Fabrique du Bourg"])
    description: Text = ""
    types: list[PlaceKind] = Field(default_factory=list, max_length=len(PlaceKind))
    services: list[PlaceService] = Field(default_factory=list, max_length=len(PlaceService))
    statut: PlaceState = PlaceState.OPEN
    ouvert_depuis: IsoDate | None = None
    ferme_le: IsoDate | None = None
    adresse: Text = Field("", max_length=300)
    code_postal: str = Field("", pattern=r"^(\d{5})?$", description="Postcode, or empty.")
    commune: str = Field(
        pattern=INSEE_COMMUNE,
        examples=["33063"],
        description=(
            "INSEE code of a commune of the territory; a well-formed code of another commune "
            "is a 422 (the list is GET /communes, or the mesh's /territoire/communes)."
        ),
    )
    longitude: Longitude | None = None
    latitude: Latitude | None = Field(None, validate_default=True)
    precision_localisation: LocationPrecision = LocationPrecision.ADDRESS
    mode_gestion: LegalForm | None = None
    acces_pmr: StrictBool | None = None
    acces_fibre: StrictBool | None = None
    horaires: Text = Field("", max_length=300)
    site_web: str = Field(
        "", max_length=300, pattern=_optional(HTTP_URL), description="http(s) address, or empty."
    )
    courriel: str = Field("", max_length=254, pattern=_optional(EMAIL), description="Or empty.")
    publie: StrictBool = False

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        return _json_object(data)

    @field_validator("latitude")
    @classmethod
    def _coordinates(cls, latitude: float | None, info: ValidationInfo) -> float | None:
        """Both coordinates, or neither (reported on ``latitude``)."""
        if "longitude" in info.data and (info.data["longitude"] is None) != (latitude is None):
            raise ValueError("give both longitude and latitude, or neither")
        return latitude


# Fields a PATCH may set to null (the others may be left out, never null): a place's
# coordinates may move, one at a time, but not vanish.
PATCH_NOT_NULL: dict[str, Any] = {"longitude": Longitude, "latitude": Latitude}


def _not_in_schema_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _patch_model() -> type[Schema]:
    """PlaceIn with every field optional, null only where PlaceIn allows it."""
    fields: dict[str, Any] = {}
    for name, field in PlaceIn.model_fields.items():
        info = copy.copy(field)
        info.default, info.default_factory = None, None
        info.validate_default = False  # a field left out is not validated, nor changed
        info.json_schema_extra = _not_in_schema_default
        fields[name] = (PATCH_NOT_NULL.get(name, field.annotation), info)
    return create_model(
        "PlacePatchIn",
        __base__=Schema,
        __doc__=_PATCH_DOC,
        __validators__={"an_object": model_validator(mode="before")(_patch_object)},
        **fields,
    )


def _patch_object(cls: Any, data: Any) -> Any:
    return _json_object(data)


_PATCH_DOC = "The fields to change (the others are kept); null only where a place allows it."
PlacePatchIn = _patch_model()


def place_out(place: Place) -> dict[str, Any]:
    return {**place_record(place), "publie": place.is_published}


def to_model_data(payload: dict[str, Any]) -> dict[str, Any]:
    """API fields to model fields (enums to their values, null codes to "")."""
    data = {}
    for field, value in payload.items():
        if field in {"types", "services"} and value is not None:
            value = [str(v) for v in value]
        elif field == "mode_gestion" and value is None:
            value = ""
        data[API_TO_MODEL[field]] = value
    return data


def invalid_place(request: HttpRequest, exc: ValidationError) -> Any:
    """422 problem with the service's messages under the API's field names."""
    errors: dict[str, list[str]] = {}
    for field, messages in exc.message_dict.items():
        errors.setdefault(MODEL_TO_API.get(field, field), []).extend(messages)
    return problem_response(request, 422, _("The place is not valid."), errors=errors)


class PlaceRecords:
    """Places as API records, built only for the page the paginator slices."""

    def __init__(self, places: Any) -> None:
        self.places = places

    def count(self) -> int:
        return self.places.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [place_out(p) for p in self.places[item]]


def _require_change(user: Any) -> None:
    if not user_can(user, "places.change"):
        raise HttpError(403, _("You may not change the directory."))


@router.get(
    "/places",
    response={200: list[PlaceOut], **PUBLIC_ERRORS},
    summary="List the tiers-lieux",
    operation_id="place_list",
    url_name="place_list",
)
@paginate(PlacePagination)
def place_list_view(request: HttpRequest, filters: Query[PlaceFiltersIn]) -> Any:
    """Published places (all places for directory staff), ordered by name."""
    places = place_list(user=api_user(request), filters=filters.to_filters())
    return PlaceRecords(places)


@router.get(
    "/places/{place_id}",
    response={200: PlaceOut, 404: ErrorOut, **PUBLIC_ERRORS},
    summary="One tiers-lieu",
    operation_id="place_get",
    url_name="place_detail",
)
def place_detail_view(
    request: HttpRequest, place_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    place = place_get(user=api_user(request), pk=place_id)
    if place is None:
        raise HttpError(404, _("No tiers-lieu has this id."))
    return place_out(place)


@router.post(
    "/places",
    auth=write_auth,
    response={
        201: PlaceOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ConflictOut,
        422: ValidationErrorOut,
    },
    summary="Add a tiers-lieu (directory staff)",
    operation_id="place_create",
)
def place_create_view(request: HttpRequest, payload: PlaceIn) -> Any:
    """A place with the same name (accents and case aside) in the same commune is a 409."""
    _require_change(request.auth)
    same = place_same_name_get(user=request.auth, name=payload.nom, commune=payload.commune)
    if same is not None:
        detail = _("A tiers-lieu with this name already exists in this commune.")
        return problem_response(request, 409, detail, conflicting_id=same.pk)
    try:
        place = place_create(data=to_model_data(payload.model_dump()), by=request.auth)
    except ValidationError as exc:
        return invalid_place(request, exc)
    return Status(201, place_out(place))


@router.patch(
    "/places/{place_id}",
    auth=write_auth,
    response={200: PlaceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Change a tiers-lieu (directory staff)",
    operation_id="place_update",
)
def place_update_view(
    request: HttpRequest,
    payload: PlacePatchIn,  # type: ignore[valid-type]
    place_id: int = Path(..., ge=1, le=MAX_ID),
) -> Any:
    _require_change(request.auth)
    place = place_get(user=request.auth, pk=place_id)
    if place is None:
        raise HttpError(404, _("No tiers-lieu has this id."))
    data = to_model_data(payload.model_dump(exclude_unset=True))
    try:
        place = place_update(place=place, data=data, by=request.auth)
    except ValidationError as exc:
        return invalid_place(request, exc)
    return place_out(place)
