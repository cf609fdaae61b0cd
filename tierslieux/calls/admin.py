from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tierslieux.calls import models, services
from tierslieux.calls.scope import call_region_check, call_region_choices
from tierslieux.core.permissions import region_q


def call_form_for(user, base: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """The call's form with its region chosen among the served regions ``user`` acts in; any
    other region is refused on the field with the reason (ADR 0029)."""
    choices = call_region_choices(user)
    codes = [code for code, _name in choices]
    own = getattr(user, "region_code", "")
    default = own if own in codes else (codes[0] if codes else settings.TERRITORY_REGION_CODE)

    class CallRegionForm(base):
        region_code = forms.CharField(
            label=_("region"),
            max_length=3,
            required=False,
            initial=default,
            widget=forms.Select(choices=choices),
            help_text=_("The region running the call, among those you act in."),
        )

        def clean_region_code(self) -> str:
            code = (self.cleaned_data.get("region_code") or "").strip() or default
            try:
                call_region_check(code, by=user)
            except forms.ValidationError as error:
                raise forms.ValidationError(error.message_dict["region_code"]) from None
            return code

    return CallRegionForm


class CallCriterionInline(admin.TabularInline):
    model = models.CallCriterion
    extra = 0


class CallAidRuleInline(admin.TabularInline):
    model = models.CallAidRule
    extra = 0


class CallDepartementCeilingInline(admin.TabularInline):
    model = models.CallDepartementCeiling
    extra = 0


@admin.register(models.Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "year", "opens_on", "closes_on", "budget_cents")
    list_filter = ("kind", "year")
    search_fields = ("name",)
    inlines = (CallCriterionInline, CallAidRuleInline, CallDepartementCeilingInline)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(region_q(request.user, "region_code"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        return call_form_for(request.user, super().get_form(request, obj, change, **kwargs))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.call_defaults_ensure(call=form.instance, by=request.user)


class ExpenseLineInline(admin.TabularInline):
    model = models.ExpenseLine
    extra = 0


class ResourceLineInline(admin.TabularInline):
    model = models.ResourceLine
    extra = 0


class ApplicationLogInline(admin.TabularInline):
    model = models.ApplicationLog
    extra = 0
    can_delete = False
    readonly_fields = ("from_state", "to_state", "by", "at", "reason")

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = models.Attachment
    extra = 0
    fields = ("label", "original_name", "content_type", "size", "uploaded_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read mostly: the state changes only through the services (and their log)."""

    list_display = ("title", "call", "organisation", "state", "commune", "proposed_cents")
    list_filter = ("state", "call__kind", "call__year", "commune__departement")
    search_fields = ("title", "organisation__name", "organisation__siret")
    list_select_related = ("call", "organisation", "commune")
    autocomplete_fields = ("commune",)
    raw_id_fields = ("place", "organisation", "created_by")
    filter_horizontal = ("instructors",)
    readonly_fields = (
        "state",
        "suggested_cents",
        "minutes_to_nearest_place",
        "inhabitants_brought",
        "mesh_computed_at",
        "submitted_at",
        "created_at",
        "updated_at",
    )
    inlines = (ExpenseLineInline, ResourceLineInline, AttachmentInline, ApplicationLogInline)


@admin.register(models.Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("application", "criterion", "score", "version", "updated_by")
    readonly_fields = ("version",)


@admin.register(models.Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = ("application", "organisation", "partner_kind", "due_on", "verdict", "given_at")
    list_filter = ("partner_kind", "verdict")


class ProjectReviewItemInline(admin.TabularInline):
    model = models.ProjectReviewItem
    extra = 0
    raw_id_fields = ("application",)


@admin.register(models.ProjectReview)
class ProjectReviewAdmin(admin.ModelAdmin):
    list_display = ("held_on", "call")
    inlines = (ProjectReviewItemInline,)


@admin.register(models.Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("application", "accepted", "granted_cents", "committee_on", "reference")
    list_filter = ("accepted",)
    readonly_fields = ("application", "accepted", "granted_cents", "decided_by")
