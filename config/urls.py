from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("comptes/", include("tierslieux.accounts.urls")),
    path("territoire/", include("tierslieux.territory.urls")),
    path("tiers-lieux/", include("tierslieux.places.urls")),
    path("appels/", include("tierslieux.calls.urls")),
    path("conventions/", include("tierslieux.agreements.urls")),
    path("panorama/", include("tierslieux.surveys.urls")),
    path("tableau-de-bord/", include("tierslieux.dashboard.urls")),
    path("api/", include("tierslieux.api.urls")),
    path("", include("tierslieux.workspace.urls")),
    path("", include("tierslieux.core.urls")),
]

handler400 = "tierslieux.workspace.views_errors.bad_request"
handler403 = "tierslieux.workspace.views_errors.permission_denied"
handler404 = "tierslieux.workspace.views_errors.page_not_found"
handler500 = "tierslieux.workspace.views_errors.server_error"
