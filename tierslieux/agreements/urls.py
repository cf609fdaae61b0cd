"""URLs of the agreements and their follow-up (mounted under /conventions/)."""

from django.urls import path

from tierslieux.agreements import views, views_documents
from tierslieux.agreements import views_followup as followup

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("nouvelle/<int:application_pk>/", views.agreement_create, name="agreement_create"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/statut/", views.agreement_transition, name="agreement_transition"),
    path(
        "rendez-vous/<int:pk>/",
        views.milestone_record,
        name="milestone_record",
    ),
    path(
        "rendez-vous/<int:pk>/date/",
        views.milestone_reschedule,
        name="milestone_reschedule",
    ),
    path("versements/<int:pk>/payer/", views.tranche_pay, name="tranche_pay"),
    path("locaux/", followup.premises_list, name="premises_list"),
    path("locaux/nouvelle/", followup.premises_create, name="premises_create"),
    path("locaux/<int:pk>/", followup.premises_detail, name="premises_detail"),
    path("accompagnement/", followup.journal_list, name="journal_list"),
    path("accompagnement/nouveau/", followup.journal_create, name="journal_create"),
    path("accompagnement/vivier/", followup.pipeline_detail, name="pipeline_detail"),
    path("rappels/", followup.reminder_list, name="reminder_list"),
]

# The generated documents: the convention as DOCX / PDF, the minutes template of a meeting.
urlpatterns += [
    path("<int:pk>/convention.docx", views_documents.agreement_docx, name="agreement_docx"),
    path("<int:pk>/convention.pdf", views_documents.agreement_pdf, name="agreement_pdf"),
    path(
        "rendez-vous/<int:pk>/compte-rendu.docx",
        views_documents.milestone_minutes_docx,
        name="milestone_minutes_docx",
    ),
]
