from django.contrib import admin
from django.urls import include, path

from tierslieux.api.opendata import views as opendata_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("comptes/", include("tierslieux.accounts.urls")),
    path("territoire/", include("tierslieux.territory.urls")),
    path("tiers-lieux/", include("tierslieux.places.urls")),
    # The SCDL file's first address, kept (it moved to /donnees/ with the open data page).
    path("appels/projets-finances/subventions-scdl.csv", opendata_views.scdl_csv),
    path("appels/", include("tierslieux.calls.urls")),
    path("conventions/", include("tierslieux.agreements.urls")),
    path("locaux-vacants/", include("tierslieux.premises.urls")),
    path("panorama/", include("tierslieux.surveys.urls")),
    path("formations/", include("tierslieux.training.urls")),
    path("reseau/", include("tierslieux.network.urls")),
    path("tableau-de-bord/", include("tierslieux.dashboard.urls")),
    # Version 1 of the API; the unversioned paths of before stay as its aliases (ADR 0025).
    path("donnees/", include("tierslieux.api.opendata.urls")),
    path("api/v1/", include("tierslieux.api.urls")),
    path("api/", include("tierslieux.api.urls", namespace="api-unversioned")),
    path("", include("tierslieux.workspace.urls")),
    path("", include("tierslieux.core.urls")),
]

handler400 = "tierslieux.workspace.views_errors.bad_request"
handler403 = "tierslieux.workspace.views_errors.permission_denied"
handler404 = "tierslieux.workspace.views_errors.page_not_found"
handler500 = "tierslieux.workspace.views_errors.server_error"
