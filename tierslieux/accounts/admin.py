from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from tierslieux.accounts.models import Invitation, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("organisation", "region_code")}),
        (_("Origin"), {"fields": ("origin", "email_confirmed_at")}),
    )
    list_display = ("username", "email", "organisation", "region_code", "is_staff", "is_active")
    list_filter = ("groups", "is_staff", "is_active", "origin")
    list_select_related = ("organisation",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "siret", "rna")
    list_filter = ("kind",)
    search_fields = ("name", "siret", "rna")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are sent, resent and cancelled from the product's page."""

    list_display = ("email", "role", "organisation", "state", "sent_at", "invited_by")
    list_filter = ("state", "role")
    search_fields = ("email",)
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
