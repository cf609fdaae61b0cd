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
    path("", include("tierslieux.core.urls")),
]
