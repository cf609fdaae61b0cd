from django.urls import include, path

app_name = "calls"
urlpatterns = [
    path("", include("tierslieux.calls.urls_public")),
    path("", include("tierslieux.calls.urls_holder")),
    path("", include("tierslieux.calls.urls_instruction")),
]
