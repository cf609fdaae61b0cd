from django.urls import path

from tierslieux.core import views

app_name = "core"
urlpatterns = [
    path("taches/<int:pk>/", views.task_progress_detail, name="task_progress_detail"),
    path("healthz", views.healthz, name="healthz"),
]
