"""Errors of the API as RFC 9457 problem details (``application/problem+json``).

Every error the API answers, whatever raised it (request validation, a service's
``full_clean()``, a bad token, a missing object, a malformed JSON body, the rate limit), has one
body: ``type``, ``title``, ``status``, ``detail``, ``instance``, plus ``errors`` (messages per
field) when fields are at fault. ``type`` is ``about:blank`` (RFC 9457, section 4.2.1: the
problem is what the status says) and ``title`` is the status's standard phrase; ``detail`` is in
the caller's language. The 429 answer carries ``Retry-After`` (seconds), set by ninja.

``document_problems`` rewrites the generated OpenAPI document so that it says exactly this:
every error response is ``application/problem+json`` with the ``Problem`` schema, and every
operation lists the statuses it can answer (401 and 429 everywhere, 400 where a JSON body is
read, 422 where a parameter or a body is validated).
"""

import json
from http import HTTPStatus
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.errors import HttpError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE = "about:blank"


class ProblemOut(Schema):
    """An RFC 9457 problem: what went wrong, for which request."""

    type: str = Field(description="URI of the problem type; about:blank: see the status.")
    title: str = Field(description="The status's standard phrase (e.g. Not Found).")
    status: int = Field(ge=400, le=599, description="The HTTP status code.")
    detail: str = Field(description="What went wrong, in the caller's language.")
    instance: str = Field(description="The path of the request that failed.")


class ValidationProblemOut(ProblemOut):
    """A problem with messages per field (``__all__`` for the request as a whole)."""

    errors: dict[str, list[str]] = Field(
        description="Messages per field, with the API's field names."
    )


class ConflictProblemOut(ProblemOut):
    """A write refused because it conflicts with an existing object."""

    conflicting_id: int = Field(ge=1, description="Id of the object already there.")


class ApiProblem(HttpError):
    """An error raised by a view, with members added to its problem body (``errors``...)."""

    def __init__(self, status_code: int, message: str, **extra: Any) -> None:
        super().__init__(status_code, message)
        self.extra = extra


def problem_body(request: HttpRequest, status: int, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
        "instance": request.path,
        **extra,
    }


def problem_response(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    body = problem_body(request, status, detail, **extra)
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


# --- the OpenAPI document -------------------------------------------------------------------

_SCHEMA_REF = "#/components/schemas/{}"
_DESCRIPTIONS = {
    400: "Malformed request body (not JSON).",
    401: "Missing, invalid or revoked token (a bad token is refused even on public reads).",
    403: "The caller's roles do not allow this operation.",
    404: "No object with this id visible to the caller.",
    409: "Conflicts with an existing object.",
    422: "A parameter or a field is not valid: messages per field in `errors`.",
    429: "Too many requests: wait `Retry-After` seconds.",
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def _problem_response(status: int, schema_name: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": _SCHEMA_REF.format(schema_name)}}},
    }
    if status == 429:
        response["headers"] = _RETRY_AFTER
    return response


def _schema_name(response: dict[str, Any], default: str) -> str:
    for content in response.get("content", {}).values():
        ref = content.get("schema", {}).get("$ref", "")
        if ref:
            return ref.rsplit("/", 1)[-1]
    return default


def document_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Make every error response of ``document`` a documented problem (see the module)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for schema in (ProblemOut, ValidationProblemOut, ConflictProblemOut):
        schemas.setdefault(
            schema.__name__, schema.model_json_schema(ref_template=_SCHEMA_REF.format("{model}"))
        )
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            statuses = {int(code) for code in responses}
            statuses |= {401, 429}
            if operation.get("parameters"):
                statuses.add(422)
            if "requestBody" in operation:
                statuses |= {400, 422}
            for status in sorted(statuses):
                if status < 400:
                    continue
                existing = responses.get(str(status), {})
                default = "ValidationProblemOut" if status == 422 else "ProblemOut"
                responses[str(status)] = _problem_response(status, _schema_name(existing, default))
            operation["responses"] = dict(sorted(responses.items(), key=lambda kv: int(kv[0])))
    return document
