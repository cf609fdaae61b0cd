"""Public pages of the calls (under /appels/, namespace ``calls``)."""

from django.urls import path

from tierslieux.calls import views_public

urlpatterns = [
    path("", views_public.call_list, name="call_list"),
    path("<int:pk>/", views_public.call_detail, name="call_detail"),
    path("projets-finances/", views_public.funded_list, name="funded_list"),
]
