"""A tiny app for the tests of ``core.workflow``: a ticket and its transition log (tables made by
the test database's ``run_syncdb``, no migrations)."""
