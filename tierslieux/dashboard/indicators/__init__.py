"""The indicator engine: records read once into plain data, one pure function per indicator.

- ``data``: the plain records (frozen dataclasses) and the reference figures the rules use;
- ``reader``: the only module touching the ORM (records, coverage demand, demo counts...);
- ``codes``: codes, units and the ``Definition`` type;
- one module per family of indicators (``places``, ``funding``, ``survey``, ``coverage``),
  each holding the definitions and the pure function computing each of them;
- ``registry``: the indicators in display order;
- ``engine``: a snapshot (every indicator for a date and a territory) and a series by year,
  pure;
- ``results``: what the engine gives back (``Indicators``, ``MoneyTable``...).

``tierslieux.dashboard.selectors`` is the public API over it (see ADR 0020).
"""
