from django.apps import AppConfig


class WorkflowAppConfig(AppConfig):
    name = "tests.core.workflow_app"
    label = "workflow_app"
    default_auto_field = "django.db.models.BigAutoField"
