"""A tiny app for the tests of ``core.workflow``: a ticket and its transition log, installed by
``config.settings_test`` only (its migration depends on the user model's, as PostgreSQL needs)."""
