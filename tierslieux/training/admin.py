"""Admin of the training catalogue: read-mostly (the network works through the pages and the
services, which check the host place, the seats and the workflow)."""

from django.contrib import admin

from tierslieux.training.models import Course, Registration, RegistrationLog, Session


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "duration_hours", "rncp_code", "trainer", "is_published")
    list_filter = ("is_published",)
    search_fields = ("title", "trainer", "rncp_code")


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("course", "place", "starts_at", "seats", "format")
    list_filter = ("format", "place__commune__departement")
    list_select_related = ("course", "place")
    readonly_fields = ("course", "place", "starts_at", "ends_at", "seats", "format")


class RegistrationLogInline(admin.TabularInline):
    model = RegistrationLog
    extra = 0
    can_delete = False
    readonly_fields = ("from_state", "to_state", "by", "reason", "at")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "session", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("name", "email")
    list_select_related = ("session__course",)
    # The hash is useless to a person and must never be edited into a known value.
    exclude = ("token_hash",)
    readonly_fields = ("session", "state", "cancelled_at", "anonymised_at")
    inlines = [RegistrationLogInline]
