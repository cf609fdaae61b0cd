"""Regions in the permissions (ADR 0029): one test per page that takes an object.

Every URL of the product with a number in its path is listed here, either in ``PAGES`` (an
object of a region: who may open it is checked) or in ``NOT_REGIONAL`` (with the reason). A new
page that is in neither makes ``test_every_page_with_an_object_is_classified`` fail, so that
nobody adds a page without saying who of which region may open it.

The objects belong to region 75 (the world of ``conftest.py``). For each page:

- staff and partners of region 84 (instructor, network and local authority of the very same
  organisations, reader) get 403 or 404, by the page's own method;
- the national reader reads (200) the pages that show a record, and is refused (403) every
  page that writes, with nothing changed;
- region 75's instructor (or the holder on its own pages) opens the read pages (so the objects
  of the test are the right ones).
"""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accounts.factories import UserFactory
from tests.calls.factories import ApplicationFactory
from tests.premises.conftest import offer_values
from tierslieux.accounts import services as account_services
from tierslieux.calls import services as call_services
from tierslieux.calls.models import Application
from tierslieux.calls.storage import attachment_policy
from tierslieux.core.uploads import check_upload
from tierslieux.premises import services as premises_services

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"

READ = "read"
"""A page showing a record: the national reader gets 200 by GET."""
WRITE = "write"
"""A page that changes something: the national reader gets 403 by POST."""
STAFF = "staff"
"""A working page of the region's staff (or of the holder): the national reader gets 403 or
404 by GET, like anyone outside the region."""


@dataclass(frozen=True)
class Page:
    kind: str
    object: str
    """Key of the object in ``Objects.pk`` whose id goes in the URL."""
    arg: str = "pk"
    extra: tuple[tuple[str, str], ...] = ()
    """Further URL arguments: (name, key in ``Objects.pk``)."""
    data: tuple[tuple[str, str], ...] = ()
    """POST data that would make the write happen if it were allowed."""
    owner: str = "instructor"
    """Who of region 75 opens the read page (the positive control)."""


PAGES: dict[str, Page] = {
    # calls: the holder's pages of a file
    "calls:application_create": Page(WRITE, "call", arg="call_pk", owner="holder"),
    "calls:application_detail": Page(READ, "submitted"),
    "calls:application_edit": Page(WRITE, "draft", owner="holder"),
    "calls:application_plan_balance": Page(WRITE, "draft", owner="holder"),
    "calls:application_submit": Page(WRITE, "draft", owner="holder"),
    "calls:application_withdraw": Page(WRITE, "submitted", owner="holder"),
    "calls:application_message_post": Page(WRITE, "submitted", data=(("body", "Bonjour"),)),
    "calls:attachment_upload": Page(WRITE, "draft", owner="holder"),
    "calls:attachment_download": Page(READ, "attachment"),
    "calls:attachment_delete": Page(WRITE, "attachment", owner="holder"),
    # calls: the instruction
    "calls:application_instruct": Page(STAFF, "instructing"),
    "calls:application_assess": Page(
        WRITE, "instructing", extra=(("criterion_pk", "criterion"),), data=(("score", "3"),)
    ),
    "calls:application_assign": Page(WRITE, "instructing"),
    "calls:application_unassign": Page(WRITE, "instructing"),
    "calls:application_amount": Page(WRITE, "instructing"),
    "calls:application_transition": Page(WRITE, "instructing"),
    "calls:application_mesh_compute": Page(WRITE, "instructing"),
    "calls:opinion_request": Page(WRITE, "instructing"),
    "calls:application_decide": Page(WRITE, "proposed"),
    "calls:opinion_give": Page(STAFF, "opinion", owner="network"),
    "calls:review_detail": Page(
        READ, "review", data=(("item", "review_item"), ("network_view", "Avis"))
    ),
    "calls:budget_detail": Page(READ, "call"),
    # agreements
    "agreements:agreement_create": Page(WRITE, "accepted_awaiting", arg="application_pk"),
    "agreements:agreement_detail": Page(READ, "agreement"),
    "agreements:agreement_transition": Page(WRITE, "agreement"),
    "agreements:milestone_record": Page(WRITE, "milestone"),
    "agreements:milestone_reschedule": Page(WRITE, "milestone"),
    "agreements:tranche_pay": Page(WRITE, "tranche"),
    "agreements:premises_detail": Page(READ, "premises"),
    "agreements:agreement_docx": Page(READ, "agreement"),
    "agreements:agreement_pdf": Page(READ, "agreement"),
    "agreements:milestone_minutes_docx": Page(READ, "milestone"),
    # public premises on offer (an offer not published yet: its authority's and region's)
    "premises:offer_detail": Page(STAFF, "offer"),
    "premises:offer_edit": Page(WRITE, "offer"),
    "premises:offer_transition": Page(WRITE, "offer"),
    # invitations (the invited role is held for a region)
    "accounts:invitation_resend": Page(WRITE, "invitation"),
    "accounts:invitation_cancel": Page(WRITE, "invitation"),
}

NOT_REGIONAL: dict[str, str] = {
    "calls:call_detail": "a call is public",
    "places:place_detail": "the directory is public (its region filters are the public pages')",
    "places:proposal_correct": "a proposal's own link (token-less page of the proposer)",
    "places:proposal_review": "the directory is kept by the network and the Région together",
    "places:place_import_result": "the importer's own task",
    "territory:scenario_result": "the requester's own task",
    "territory:mesh_download": "the requester's own task",
    "dashboard:report_status": "the requester's own task",
    "dashboard:report_pdf": "the requester's own task",
    "dashboard:report_xlsx": "the requester's own task",
    "core:task_progress_detail": "the requester's own task",
    "surveys:survey_detail": "the yearly survey covers every place of the deployment",
    "surveys:survey_invitations_send": "the yearly survey covers every place of the deployment",
    "surveys:survey_reminders_send": "the yearly survey covers every place of the deployment",
    "surveys:survey_response_record": "the yearly survey covers every place of the deployment",
    "surveys:survey_export": "the yearly survey covers every place of the deployment",
    "training:course_detail": "the training catalogue is public",
    "training:course_update": "the catalogue is the network's",
    "training:session_detail": "the training catalogue is public",
    "training:session_update": "the catalogue is the network's",
    "training:session_attendance": "the catalogue is the network's",
    "training:registration_certificate": "the participant's or the network's",
    "training:cohort_detail": "the facilitator cohorts are the network's",
    "training:module_add": "the facilitator cohorts are the network's",
    "training:trainee_add": "the facilitator cohorts are the network's",
    "training:trainee_progress": "the facilitator cohorts are the network's",
    "network:programme_detail": "the partnership programme has no region yet (ADR 0033)",
    "network:programme_update": "the partnership programme has no region yet (ADR 0033)",
    "network:programme_extend": "the partnership programme has no region yet (ADR 0033)",
    "network:objective_set": "the partnership programme has no region yet (ADR 0033)",
    "network:report_edit": "the partnership programme has no region yet (ADR 0033)",
    "network:meeting_edit": "the partnership programme has no region yet (ADR 0033)",
    "dashboard:programme_grant_link": "the partnership programme has no region yet (ADR 0033)",
    "network:resource_file": "the resources library is shared by every region",
    "network:resource_delete": "the resources library is shared by every region",
    "premises:interest_express": "the holder's own project (checked on the project)",
    "premises:interest_withdraw": "the holder's own project (checked on the project)",
    "premises:interest_accept": "the offering authority's own building (its organisation)",
    "premises:interest_decline": "the offering authority's own building (its organisation)",
    "premises:photo_view": "a published building's photos are public",
}

OUTSIDERS = ("instructor84", "network84", "authority84", "reader84")


def _named_urls_with_numbers() -> set[str]:
    found: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = pattern.pattern.converters.values()
                if any(type(c).__name__ == "IntConverter" for c in converters):
                    found.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return {name for name in found if not name.startswith(("api", "admin"))}


def test_every_page_with_an_object_is_classified():
    names = _named_urls_with_numbers()
    assert not set(PAGES) & set(NOT_REGIONAL)
    assert names - set(PAGES) - set(NOT_REGIONAL) == set(), "classify these pages"
    assert set(PAGES) | set(NOT_REGIONAL) <= names, "pages that no longer exist"


@dataclass
class Objects:
    users: dict
    pk: dict


@pytest.fixture
def objects(world, settings, tmp_path) -> Objects:
    """The world's region-75 objects, plus outsiders of region 84 in the same organisations."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    users = dict(world.users)
    network_org = users["network"].organisation
    authority_org = users["authority"].organisation
    users["instructor84"] = UserFactory(instructor=True, region_code="84")
    users["network84"] = UserFactory(network=True, organisation=network_org, region_code="84")
    users["authority84"] = UserFactory(authority=True, organisation=authority_org, region_code="84")
    users["reader84"] = UserFactory(reader=True, region_code="84")
    holder = users["holder"]
    draft = ApplicationFactory(call=world.call, organisation=holder.organisation, title="Pièces")
    attachment = call_services.attachment_add(
        application=draft,
        upload=check_upload(
            SimpleUploadedFile("statuts.pdf", PDF, content_type="application/pdf"),
            policy=attachment_policy(),
        ),
        label="Statuts",
        by=holder,
    )
    # The file's application goes on to be submitted: instructors and the national reader
    # see submitted files only.
    Application.objects.filter(pk=draft.pk).update(state="submitted")
    offer = premises_services.premises_offer_create(
        values=offer_values(), by=users["authority"], authority=authority_org, photos=[]
    )
    invitation = account_services.user_invite(
        email="invitee@example.org", role="reader", organisation=None, by=users["superuser"]
    )
    agreement = world.agreement
    instructing = world.applications["instructing"]
    pk = {
        "call": world.call.pk,
        "draft": world.applications["draft"].pk,
        "submitted": world.applications["submitted"].pk,
        "instructing": instructing.pk,
        "proposed": world.applications["proposed"].pk,
        "accepted_awaiting": world.applications["accepted_awaiting"].pk,
        "criterion": instructing.call.criteria.first().pk,
        "opinion": instructing.opinions.get(organisation=network_org).pk,
        "review": world.review.pk,
        "review_item": world.review.items.first().pk,
        "attachment": attachment.pk,
        "agreement": agreement.pk,
        "milestone": agreement.milestones.order_by("pk").first().pk,
        "tranche": agreement.tranches.order_by("order").first().pk,
        "premises": world.premises.pk,
        "offer": offer.pk,
        "invitation": invitation.pk,
    }
    return Objects(users=users, pk=pk)


def _url(name: str, page: Page, objects: Objects) -> str:
    kwargs = {page.arg: objects.pk[page.object]}
    kwargs.update({arg: objects.pk[key] for arg, key in page.extra})
    return reverse(name, kwargs=kwargs)


def _data(page: Page, objects: Objects) -> dict[str, str]:
    return {k: str(objects.pk.get(v, v)) for k, v in page.data}


def _ask(client, user, method: str, url: str, data: dict | None = None):
    client.force_login(user)
    if method == "get":
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    return client.post(url, data or {}, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_staff_of_another_region_cannot_open_the_page(client, objects, name):
    page = PAGES[name]
    url = _url(name, page, objects)
    method = "post" if page.kind == WRITE else "get"
    for who in OUTSIDERS:
        response = _ask(client, objects.users[who], method, url, _data(page, objects))
        assert response.status_code in (403, 404), f"{who} {method.upper()} {url}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if p.kind == READ))
def test_the_region_reads_its_own_page(client, objects, name):
    page = PAGES[name]
    response = _ask(client, objects.users[page.owner], "get", _url(name, page, objects))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_national_reader_reads_but_never_writes(client, objects, name):
    from auditlog.models import LogEntry

    page = PAGES[name]
    url = _url(name, page, objects)
    reader = objects.users["national_reader"]
    if page.kind == READ:
        assert _ask(client, reader, "get", url).status_code == 200
    if page.kind == STAFF:
        assert _ask(client, reader, "get", url).status_code in (403, 404)
    if page.kind in (WRITE, READ):
        changes = LogEntry.objects.count()
        response = _ask(client, reader, "post", url, _data(page, objects))
        if page.kind == WRITE:
            assert response.status_code == 403
        else:  # a read page takes no POST, or refuses it
            assert response.status_code in (403, 405)
        assert LogEntry.objects.count() == changes, "the national reader changed something"
