"""Lists that can grow are cut into pages that keep their filters (issue 12)."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.agreements.factories import JournalEntryFactory
from tests.calls.factories import ApplicationFactory, CallFactory
from tierslieux.core.pagination import PAGE_SIZE, paginate

# Tests that read the database say so one by one: the others check pure rules.


def test_paginate_keeps_the_filters_and_forgives_a_bad_page_number():
    request = RequestFactory().get("/x/", {"state": "submitted", "page": "zzz"})
    paged = paginate(request, list(range(120)))
    assert paged.page.number == 1
    assert paged.query == "state=submitted"
    request = RequestFactory().get("/x/", {"page": "99"})
    assert paginate(request, list(range(120))).page.number == 3


def _pager_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="pagination" aria-label="Pages">.*?</nav>', html, re.S).group(0)
    return [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', nav)]


@pytest.mark.django_db
def test_instruction_list_is_paged_with_its_filters(client):
    call = CallFactory()
    ApplicationFactory.create_batch(PAGE_SIZE + 3, call=call, submitted=True, complete=False)
    ApplicationFactory(call=call, under_instruction=True, complete=False)
    client.force_login(UserFactory(instructor=True))
    url = reverse("calls:application_list")
    html = client.get(url, {"state": "submitted"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{PAGE_SIZE + 3} applications" in html
    assert html.count("/instruction/") == PAGE_SIZE
    assert "Page 1 of 2" in html
    assert "?state=submitted&page=2" in _pager_links(html)
    page2 = client.get(url, {"state": "submitted", "page": 2}, HTTP_ACCEPT_LANGUAGE="en")
    assert page2.content.decode().count("/instruction/") == 3
    # The exports still hold every filtered application, not one page.
    export = client.get(reverse("calls:applications_export"), {"state": "submitted"})
    assert export.content.decode().count("\n") == PAGE_SIZE + 3 + 1


@pytest.mark.django_db
def test_journal_list_is_paged(client):
    JournalEntryFactory.create_batch(PAGE_SIZE + 1)
    client.force_login(UserFactory(network=True))
    url = reverse("agreements:journal_list")
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{PAGE_SIZE + 1} entries" in html
    assert "?page=2" in _pager_links(html)
    assert 'aria-current="page"' in html
