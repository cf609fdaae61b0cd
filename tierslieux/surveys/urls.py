"""URLs of the yearly survey (« le panorama », under /panorama/)."""

from django.urls import path

from tierslieux.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("<int:pk>/", views.survey_detail, name="survey_detail"),
    path("<int:pk>/invitations/", views.survey_invitations_send, name="survey_invitations_send"),
    path("<int:pk>/relances/", views.survey_reminders_send, name="survey_reminders_send"),
    path("<int:pk>/saisie/", views.survey_response_record, name="survey_response_record"),
    path("<int:pk>/export.csv", views.survey_export, name="survey_export"),
    path("reponse/<str:token>/", views.response_create, name="response_create"),
    path("reponse/<str:token>/merci/", views.response_thanks, name="response_thanks"),
]
