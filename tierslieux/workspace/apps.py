from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The top layer that gathers every app for a person: the home page and the start pages."""

    name = "tierslieux.workspace"
    label = "workspace"
    verbose_name = _("Workspace")
