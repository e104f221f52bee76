"""Reading a planner's own files and turning differently shaped inventories into the site layer.

:func:`read_layer` reads GeoPackage, GeoJSON, Shapefile, KML (through pyogrio), and CSV or XLSX
tables with longitude/latitude columns. :func:`harmonise` maps Vietnamese or English headings,
name prefixes, units, decimal commas, status words and legacy TCVN3 (ABC) text onto the columns
of the site layer (``DEVELOPERS.md``). :func:`read_inventory` chains both with
:func:`ninhbinh_geo.schema.validate_sites`.

Legacy encodings: only TCVN3 (ABC) is recognised. Files in VNI or Windows-1258 are not
converted; save them as Unicode (UTF-8) first.

Rooms, in the order a file goes through them:

- ``formats``: :func:`read_layer` and :data:`SUPPORTED_FORMATS`, choosing the reader by extension;
- ``tables``: CSV (UTF-8 or Latin-1, ``,``/``;``/tab) and XLSX sheets, values kept as written;
- ``points``: point geometries from the longitude/latitude columns of a table;
- ``vector``: GeoPackage, GeoJSON, Shapefile, KML through pyogrio; layers and the file's CRS;
- ``kml``: the attribute tables of KML placemark descriptions as columns;
- ``encodings``: legacy TCVN3 text detected per column and decoded; folding for matching;
- ``columns``: Vietnamese and English headings mapped onto the contract's columns;
- ``numbers``: decimal commas, thousands separators, m² to ha;
- ``vocabulary``: kinds, name prefixes, status words, provinces, districts, yes/no, site ids;
- ``conform``: provenance from arguments, ``source_attributes``, :data:`HARMONISED_COLUMNS`;
- ``harmonisation``: :func:`harmonise`, the stages above in order, one coordinate check;
- ``inventory``: :func:`read_inventory` (read, harmonise, validate) and :func:`file_provenance`;
- ``footprints``: :func:`nominal_footprints`, illustrative circles for sites given as points.
"""

from __future__ import annotations

from .conform import HARMONISED_COLUMNS
from .encodings import TCVN3_TO_UNICODE, decode_tcvn3
from .footprints import NOMINAL_AREA_HA, nominal_footprints
from .formats import SUPPORTED_FORMATS, read_layer
from .harmonisation import harmonise
from .inventory import file_provenance, read_inventory

__all__ = [
    "HARMONISED_COLUMNS",
    "NOMINAL_AREA_HA",
    "SUPPORTED_FORMATS",
    "TCVN3_TO_UNICODE",
    "decode_tcvn3",
    "file_provenance",
    "harmonise",
    "nominal_footprints",
    "read_inventory",
    "read_layer",
]
