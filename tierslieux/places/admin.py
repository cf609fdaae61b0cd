from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tierslieux.places.models import Place, PlaceProposal


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "commune", "state", "is_published", "source", "updated_at")
    list_filter = ("is_published", "state", "source", "commune__departement")
    search_fields = ("name", "search_text", "source_id")
    list_select_related = ("commune",)
    autocomplete_fields = ("commune",)
    readonly_fields = ("source", "source_id", "source_date", "created_at", "updated_at")
    actions = ("publish", "unpublish")

    @admin.action(description=_("Publish the selected places"))
    def publish(self, request, queryset):
        for place in queryset:
            place.is_published = True
            place.save(update_fields=["is_published", "updated_at"])

    @admin.action(description=_("Unpublish the selected places"))
    def unpublish(self, request, queryset):
        for place in queryset:
            place.is_published = False
            place.save(update_fields=["is_published", "updated_at"])


@admin.register(PlaceProposal)
class PlaceProposalAdmin(admin.ModelAdmin):
    list_display = ("__str__", "place", "state", "proposer_name", "created_at")
    list_filter = ("state",)
    readonly_fields = ("reviewed_by", "reviewed_at")
