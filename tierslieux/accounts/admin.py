from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from tierslieux.accounts.models import Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("organisation",)}),
    )
    list_display = ("username", "email", "organisation", "is_staff", "is_active")
    list_filter = ("groups", "is_staff", "is_active")
    list_select_related = ("organisation",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "siret")
    list_filter = ("kind",)
    search_fields = ("name", "siret")
