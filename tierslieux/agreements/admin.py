from django.contrib import admin

from tierslieux.agreements import models


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class IndicatorInline(admin.TabularInline):
    model = models.AgreementIndicator
    extra = 0


class MilestoneInline(ReadOnlyInline):
    model = models.Milestone
    fields = ("kind", "planned_on", "held_on", "decision", "decided_by", "decided_at")
    readonly_fields = fields


class TrancheInline(ReadOnlyInline):
    model = models.PaymentTranche
    fields = (
        "order",
        "label",
        "amount_cents",
        "depends_on",
        "state",
        "paid_on",
        "paid_amount_cents",
    )
    readonly_fields = fields


class AgreementLogInline(ReadOnlyInline):
    model = models.AgreementLog
    fields = ("event", "from_state", "to_state", "milestone", "tranche", "amount_cents", "by", "at")
    readonly_fields = fields


@admin.register(models.Agreement)
class AgreementAdmin(admin.ModelAdmin):
    """State, amount and dates change through the services (meetings, payments, signature)."""

    list_display = ("__str__", "state", "amount_cents", "starts_on", "ends_on", "signed_on")
    list_filter = ("state",)
    search_fields = ("reference", "application__title", "application__organisation__name")
    readonly_fields = ("application", "state", "amount_cents", "signed_on", "created_by")
    inlines = (IndicatorInline, MilestoneInline, TrancheInline, AgreementLogInline)


@admin.register(models.Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("agreement", "kind", "planned_on", "held_on", "decision")
    list_filter = ("kind", "decision")
    readonly_fields = ("agreement", "kind", "decision", "decided_by", "decided_at")


@admin.register(models.PremisesAgreement)
class PremisesAgreementAdmin(admin.ModelAdmin):
    list_display = (
        "tenant_name",
        "authority",
        "surface_m2",
        "yearly_rent_cents",
        "reference_rent_per_m2_cents",
        "starts_on",
        "renewal_on",
    )
    search_fields = ("place__name", "project_label", "authority__name", "address")
    raw_id_fields = ("place", "application")


@admin.register(models.JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ("happened_on", "project_key_label", "stage", "kind", "referral_to", "author")
    list_filter = ("stage", "kind", "referral_to")
    search_fields = ("project_label", "notes")
    raw_id_fields = ("place", "application", "commune", "organisation")
