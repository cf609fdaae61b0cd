"""Forms of the match: a holder's interest, the authority's acceptance or refusal."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tierslieux.premises.forms import DateInput
from tierslieux.premises.selectors_interest import HolderProjects


class InterestForm(forms.Form):
    """Which of the holder's projects is interested, and a word to the authority."""

    project = forms.ChoiceField(label=_("Your project"))
    message = forms.CharField(
        label=_("Message to the authority (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, projects: HolderProjects, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.projects = projects
        choices = [
            (f"application:{a.pk}", _("Application: %(title)s") % {"title": a.title})
            for a in projects.applications
        ]
        choices += [
            (f"entry:{e.pk}", _("Project followed: %(label)s") % {"label": e.project_key_label})
            for e in projects.entries
        ]
        self.fields["project"].choices = choices

    def chosen(self) -> dict[str, Any]:
        """``application`` or ``journal_entry`` for the service (among the holder's own)."""
        kind, _sep, pk = self.cleaned_data["project"].partition(":")
        if kind == "application":
            return {"application": next(a for a in self.projects.applications if str(a.pk) == pk)}
        return {"journal_entry": next(e for e in self.projects.entries if str(e.pk) == pk)}


class AcceptForm(forms.Form):
    starts_on = forms.DateField(label=_("Agreement starts on"), required=False, widget=DateInput)
    duration_months = forms.IntegerField(
        label=_("Duration (months)"), required=False, min_value=1, max_value=600
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
