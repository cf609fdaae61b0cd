"""Forms of the training catalogue; the services do the business checks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tierslieux.core.money import cents_to_euros, euros_to_cents
from tierslieux.places.models import Place, PlaceState
from tierslieux.training.models import Cohort, Course, CourseModule, Registration, Session


class CourseForm(forms.ModelForm):
    price_euros = forms.DecimalField(
        label=_("price (€)"), min_value=0, max_digits=9, decimal_places=2, initial=0
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "objectives",
            "audience",
            "duration_hours",
            "funding",
            "certification",
            "rncp_code",
            "trainer",
            "is_published",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["price_euros"].initial = cents_to_euros(self.instance.price_cents)

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["price_cents"] = euros_to_cents(data.pop("price_euros"))
        return data


class SessionForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = Session
        fields = ["course", "place", "starts_at", "ends_at", "seats", "format"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every place is offered, closed ones included, so that the service gives its message.
        self.fields["place"].queryset = Place.objects.select_related("commune").order_by("name")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return cleaned

    def _post_clean(self):
        # The services validate the instance (and give the business messages).
        pass


class RegistrationForm(forms.ModelForm):
    place_of_work = forms.ModelChoiceField(
        label=_("place of work (optional)"),
        queryset=Place.objects.filter(is_published=True).exclude(state=PlaceState.CLOSED),
        required=False,
    )

    class Meta:
        model = Registration
        fields = ["name", "email", "organisation", "place_of_work", "funding"]

    def _post_clean(self):
        pass


# --- facilitator cohorts ----------------------------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["course", "name", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def _post_clean(self):
        pass


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("module title"), max_length=200)
    position = forms.IntegerField(label=_("position"), min_value=1, max_value=100, initial=1)


class TraineeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=150)
    place = forms.ModelChoiceField(
        label=_("tiers-lieu of work (optional)"),
        queryset=Place.objects.filter(is_published=True).order_by("name"),
        required=False,
    )


class TraineeProgressForm(forms.Form):
    modules = forms.ModelMultipleChoiceField(
        label=_("modules completed"),
        queryset=CourseModule.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    certified_on = forms.DateField(label=_("certified on"), required=False, widget=DATE)

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = course.modules.order_by("position", "pk")
