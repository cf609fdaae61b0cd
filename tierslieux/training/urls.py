"""URLs of the training catalogue (under /formations/)."""

from django.urls import path

from tierslieux.training import views, views_cohorts

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("nouvelle/", views.course_edit, name="course_create"),
    path("<int:pk>/", views.course_detail, name="course_detail"),
    path("<int:pk>/modifier/", views.course_edit, name="course_update"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions.ics", views.session_calendar, name="session_calendar"),
    path("sessions/carte/", views.session_map, name="session_map"),
    path("sessions.geojson", views.sessions_geojson, name="sessions_geojson"),
    path("sessions/nouvelle/", views.session_edit, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/modifier/", views.session_edit, name="session_update"),
    path("sessions/<int:pk>/presences/", views.session_attendance, name="session_attendance"),
    path(
        "inscriptions/<int:pk>/attestation.pdf",
        views.registration_certificate,
        name="registration_certificate",
    ),
    path("annulation/<str:token>/", views.registration_cancel, name="registration_cancel"),
    path("promotions/", views_cohorts.cohort_list, name="cohort_list"),
    path("promotions/nouvelle/", views_cohorts.cohort_create, name="cohort_create"),
    path("promotions/<int:pk>/", views_cohorts.cohort_detail, name="cohort_detail"),
    path("promotions/<int:pk>/stagiaires/", views_cohorts.trainee_add, name="trainee_add"),
    path("promotions/<int:pk>/modules/", views_cohorts.module_add, name="module_add"),
    path("stagiaires/<int:pk>/", views_cohorts.trainee_progress, name="trainee_progress"),
]
