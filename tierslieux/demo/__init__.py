"""Demo records: ten years of a regional tiers-lieux policy replayed through the public services
of the other apps (``manage.py demo_records``), and one sign-in account per role. A top-layer app:
nothing below imports it. See ``docs/demo-data.md`` and ADR 0018."""
