"""The calls' side of the national view: money committed per region, handed down to the
territory (a lower layer) when the app is ready (``CallsConfig.ready``)."""

from django.db.models import Sum

from tierslieux.calls.models import Application, Call


def committed_cents_by_region() -> dict[str, int]:
    """{region: cents granted to the accepted applications of its calls}, for every region
    that has at least one call (0 when none is accepted yet); regions without a call are
    absent: they do not use the product for their calls."""
    regions = set(Call.objects.order_by().values_list("region_code", flat=True).distinct())
    granted = dict(
        Application.objects.funded()
        .order_by()
        .values_list("call__region_code")
        .annotate(cents=Sum("decision__granted_cents"))
        .values_list("call__region_code", "cents")
    )
    return {code: int(granted.get(code) or 0) for code in sorted(regions)}
