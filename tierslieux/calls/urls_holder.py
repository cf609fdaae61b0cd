"""Pages of the project holder (under /appels/, namespace ``calls``)."""

from django.urls import path

from tierslieux.calls import views_holder

urlpatterns = [
    path(
        "mon-organisation/",
        views_holder.organisation_register,
        name="organisation_register",
    ),
    path("<int:call_pk>/candidater/", views_holder.application_create, name="application_create"),
    path("mes-dossiers/", views_holder.application_mine, name="application_mine"),
    path("dossiers/<int:pk>/", views_holder.application_detail, name="application_detail"),
    path("dossiers/<int:pk>/modifier/", views_holder.application_edit, name="application_edit"),
    path(
        "dossiers/<int:pk>/plan-de-financement/solde/",
        views_holder.application_plan_balance,
        name="application_plan_balance",
    ),
    path("dossiers/<int:pk>/deposer/", views_holder.application_submit, name="application_submit"),
    path(
        "dossiers/<int:pk>/retirer/", views_holder.application_withdraw, name="application_withdraw"
    ),
    path(
        "dossiers/<int:pk>/messages/",
        views_holder.application_message_post,
        name="application_message_post",
    ),
    path("dossiers/<int:pk>/pieces/", views_holder.attachment_upload, name="attachment_upload"),
    path("pieces/<int:pk>/", views_holder.attachment_download, name="attachment_download"),
    path("pieces/<int:pk>/supprimer/", views_holder.attachment_delete, name="attachment_delete"),
]
