"""OpenStreetMap in the loop: imported extracts searched offline, Nominatim and Overpass online.

``osm_import`` reads extracts with pyosmium, ``index`` stores them as SQLite (FTS5 and
R*Tree), ``regions`` keeps the set of imported regions; ``search`` (search and nearby),
``cooccur`` and ``reverse`` answer the map questions on them (``operations`` gathers
these), and ``online`` asks OSM's public services (or the user's own) the same questions.
"""
