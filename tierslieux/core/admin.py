from django.contrib import admin

from tierslieux.core.models import TaskProgress


@admin.register(TaskProgress)
class TaskProgressAdmin(admin.ModelAdmin):
    list_display = ("label", "state", "fraction", "requested_by", "created_at")
    list_filter = ("state",)
    readonly_fields = [f.name for f in TaskProgress._meta.fields]
