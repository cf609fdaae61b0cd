"""One way to cut a list into pages, keeping the list's filters in the pager's links."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


@dataclass(frozen=True)
class Paged:
    page: Page
    query: str
    """The request's query string without ``page`` (the filters), for the pager's links."""


def paginate(
    request: HttpRequest, items: Sequence[Any] | Any, *, per_page: int = PAGE_SIZE
) -> Paged:
    """The requested page of ``items`` (a queryset or a list); a bad page number gives the
    nearest valid page, never an error."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return Paged(page=page, query=query.urlencode())
