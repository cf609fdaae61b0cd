"""URLs of the instruction: applications' list and exports, the instruction page and its
actions, partners' opinions, project reviews, budgets (in the ``calls`` namespace)."""

from django.urls import path

from tierslieux.calls import views_instruction as views
from tierslieux.calls import views_reviews

urlpatterns = [
    path("dossiers/", views.application_list, name="application_list"),
    path("dossiers/export/", views.applications_export, name="applications_export"),
    path(
        "dossiers/<int:pk>/instruction/",
        views.application_instruct,
        name="application_instruct",
    ),
    path(
        "dossiers/<int:pk>/instruction/critere/<int:criterion_pk>/",
        views.application_assess,
        name="application_assess",
    ),
    path(
        "dossiers/<int:pk>/instruction/affecter/",
        views.application_assign,
        name="application_assign",
    ),
    path(
        "dossiers/<int:pk>/instruction/desaffecter/",
        views.application_unassign,
        name="application_unassign",
    ),
    path(
        "dossiers/<int:pk>/instruction/montant/",
        views.application_amount,
        name="application_amount",
    ),
    path(
        "dossiers/<int:pk>/instruction/statut/",
        views.application_transition,
        name="application_transition",
    ),
    path(
        "dossiers/<int:pk>/instruction/maillage/",
        views.application_mesh_compute,
        name="application_mesh_compute",
    ),
    path(
        "dossiers/<int:pk>/instruction/avis/",
        views.opinion_request,
        name="opinion_request",
    ),
    path(
        "dossiers/<int:pk>/instruction/decision/",
        views.application_decide,
        name="application_decide",
    ),
    path("avis/", views_reviews.opinion_list_mine, name="opinion_list_mine"),
    path("avis/<int:pk>/", views_reviews.opinion_give, name="opinion_give"),
    path("revues/", views_reviews.review_list, name="review_list"),
    path("revues/nouvelle/", views_reviews.review_create, name="review_create"),
    path("revues/<int:pk>/", views_reviews.review_detail, name="review_detail"),
    path("<int:pk>/budget/", views_reviews.budget_detail, name="budget_detail"),
]
