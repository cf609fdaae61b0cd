from django.contrib import admin

from tierslieux.dashboard import models


@admin.register(models.OtherGrant)
class OtherGrantAdmin(admin.ModelAdmin):
    """Money outside the calls (e.g. the yearly support to the regional network)."""

    list_display = (
        "label",
        "line",
        "year",
        "beneficiary_label",
        "committed_cents",
        "paid_cents",
        "paid_on",
        "is_demo",
    )
    list_filter = ("line", "programme", "year", "is_demo")
    search_fields = ("label", "beneficiary_name", "beneficiary__name")
    autocomplete_fields = ("beneficiary",)
    date_hierarchy = "committed_on"
