from django.contrib import admin

from tierslieux.network import models


class ObjectiveInline(admin.TabularInline):
    model = models.Objective
    extra = 0


class ExtensionInline(admin.TabularInline):
    model = models.ProgrammeExtension
    extra = 0


@admin.register(models.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("title", "starts_on", "ends_on", "is_demo")
    search_fields = ("title",)
    inlines = [ExtensionInline, ObjectiveInline]


@admin.register(models.Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "licence", "published_on", "is_demo")
    list_filter = ("kind", "licence", "is_demo")
    search_fields = ("title", "description")
