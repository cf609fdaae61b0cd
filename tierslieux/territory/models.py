"""The territory: départements, EPCI, communes and the 1 km population grid.

Reference data, loaded by ``manage.py load_territory`` from ``data/territory`` (see
``data/PROVENANCE.md``). Geometry is kept as GeoJSON text and WGS84 coordinates; spatial work
is done in Python by the analytics core (ADR 0003: no PostGIS).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

RURAL_DENSITY_LEVELS: tuple[int, ...] = (5, 6, 7)


class DensityLevel(models.IntegerChoices):
    """INSEE's communal density grid, 7 levels (levels 5 to 7 are rural since 2020)."""

    LARGE_URBAN = 1, _("Large urban centres")
    MEDIUM_URBAN = 2, _("Medium urban centres")
    SMALL_TOWNS = 3, _("Small towns")
    SUBURBAN = 4, _("Urban belts")
    RURAL_TOWNS = 5, _("Rural towns")
    RURAL_DISPERSED = 6, _("Rural with dispersed housing")
    RURAL_VERY_DISPERSED = 7, _("Rural with very dispersed housing")


class Departement(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    region_code = models.CharField(_("region code"), max_length=3, db_index=True)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    code = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommuneQuerySet(models.QuerySet):
    def rural(self) -> "CommuneQuerySet":
        """Communes of INSEE density levels 5 to 7 (rural, INSEE definition since 2020)."""
        return self.filter(density_level__in=RURAL_DENSITY_LEVELS)

    def urban(self) -> "CommuneQuerySet":
        """Communes of INSEE density levels 1 to 4."""
        return self.exclude(density_level__in=RURAL_DENSITY_LEVELS)


class Commune(models.Model):
    code = models.CharField(_("INSEE code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    departement = models.ForeignKey(
        Departement,
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        related_name="communes",
    )
    epci = models.ForeignKey(
        Epci,
        verbose_name=_("EPCI"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communes",
    )
    population = models.PositiveIntegerField(_("population"))
    population_2021 = models.PositiveIntegerField(_("municipal population 2021"))
    density_level = models.PositiveSmallIntegerField(
        _("density level"), choices=DensityLevel.choices
    )
    postal_codes = models.JSONField(_("postal codes"), default=list)
    former_codes = models.JSONField(_("former INSEE codes"), default=list, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    geometry = models.JSONField(_("outline (GeoJSON, simplified)"))

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(density_level__gte=1) & models.Q(density_level__lte=7),
                name="territory_commune_density_1_7",
            ),
            models.CheckConstraint(
                condition=models.Q(lon__gte=-180) & models.Q(lon__lte=180),
                name="territory_commune_lon_range",
            ),
            models.CheckConstraint(
                condition=models.Q(lat__gte=-90) & models.Q(lat__lte=90),
                name="territory_commune_lat_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_rural(self) -> bool:
        return self.density_level in RURAL_DENSITY_LEVELS


class CellKind(models.TextChoices):
    """What a demand point is: a 1 km grid cell, or a commune where no grid exists."""

    GRID_1KM = "grid_1km", _("1 km grid cell")
    COMMUNE_POINT = "commune_point", _("Commune at its town hall")


class PopulationCell(models.Model):
    """One demand point of the mesh.

    In metropolitan France, a populated cell of the 1 km European grid (Eurostat census 2021),
    EPSG:3035 centre. In the overseas regions, which have no such grid, one point per commune
    at its town hall, carrying the commune's population (``kind`` = ``commune_point``, no
    ``x_m``/``y_m``; ADR 0028).
    """

    kind = models.CharField(
        _("kind"), max_length=16, choices=CellKind.choices, default=CellKind.GRID_1KM
    )
    x_m = models.IntegerField(_("x (m, EPSG:3035)"), null=True, blank=True)
    y_m = models.IntegerField(_("y (m, EPSG:3035)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("inhabitants"))
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="cells"
    )

    class Meta:
        verbose_name = _("population cell")
        verbose_name_plural = _("population cells")
        constraints = [
            models.UniqueConstraint(
                fields=["x_m", "y_m"],
                condition=models.Q(kind="grid_1km"),
                name="territory_cell_unique_xy",
            ),
            models.UniqueConstraint(
                fields=["commune"],
                condition=models.Q(kind="commune_point"),
                name="territory_cell_unique_commune_point",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="grid_1km", x_m__isnull=False, y_m__isnull=False)
                    | models.Q(kind="commune_point", x_m__isnull=True, y_m__isnull=True)
                ),
                name="territory_cell_kind_coordinates",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == CellKind.COMMUNE_POINT:
            return f"{self.commune_id}: {self.population}"
        return f"{self.x_m},{self.y_m}: {self.population}"
