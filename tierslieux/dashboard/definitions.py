"""The evaluation indicators: codes, labels, units, definitions and the Région's published figures.

The definitions are shown beside every figure on the dashboard and in the yearly report, so
that a reader knows exactly what was counted. Each one lives beside the pure function computing
it, in a module of ``dashboard/indicators/`` per family (``places``, ``funding``, ``survey``,
``coverage``); ``indicators.registry`` lists them in order. This module gathers the names.
"""

from tierslieux.dashboard.indicators.codes import Code, Definition, Unit
from tierslieux.dashboard.indicators.registry import DEFINITIONS

__all__ = ["DEFINITIONS", "Code", "Definition", "Unit"]
