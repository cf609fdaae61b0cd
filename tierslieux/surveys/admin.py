"""Admin of the yearly survey: read-mostly (answers are written through the services)."""

from django.contrib import admin

from tierslieux.surveys.models import Survey, SurveyInvitation, SurveyLog, SurveyResponse


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "opens_on", "closes_on", "is_demo")
    list_filter = ("is_demo",)
    readonly_fields = ("created_by", "created_at", "updated_at")


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin):
    list_display = ("place", "survey", "email", "sent_at", "reminded_at", "responded_at")
    list_filter = ("survey", "place__commune__departement")
    search_fields = ("place__name", "email")
    list_select_related = ("place", "survey")
    # The hash is useless to a person and must never be edited into a known value.
    exclude = ("token_hash",)
    readonly_fields = (
        "survey",
        "place",
        "sent_at",
        "reminded_at",
        "reminder_count",
        "responded_at",
    )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = (
        "place",
        "survey",
        "users_per_week",
        "jobs_hosted",
        "turnover_range",
        "business_model_confidence",
        "governance",
        "submitted_at",
    )
    list_filter = ("survey", "business_model_confidence", "governance", "turnover_range")
    search_fields = ("place__name",)
    list_select_related = ("place", "survey")
    readonly_fields = ("survey", "place", "invitation", "submitted_at", "recorded_by")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SurveyLog)
class SurveyLogAdmin(admin.ModelAdmin):
    list_display = ("survey", "event", "place", "by", "at")
    list_filter = ("survey", "event")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
