from django.contrib import admin

from tierslieux.territory.models import Commune, Departement, Epci


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region_code")
    list_filter = ("region_code",)


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind")
    search_fields = ("code", "name")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "departement", "epci", "population", "density_level")
    list_filter = ("departement", "density_level")
    search_fields = ("code", "name")
    list_select_related = ("departement", "epci")
    exclude = ("geometry",)
