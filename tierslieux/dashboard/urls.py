from django.urls import path

from tierslieux.dashboard import views, views_programme

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard_detail, name="dashboard_detail"),
    path("rapport/", views.report_generate, name="report_generate"),
    path("rapport/<int:pk>/", views.report_status, name="report_status"),
    path("rapport/<int:pk>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("rapport/<int:pk>/rapport.xlsx", views.report_xlsx, name="report_xlsx"),
    path(
        "programmes/<int:pk>/subventions/",
        views_programme.programme_grant_link,
        name="programme_grant_link",
    ),
]
