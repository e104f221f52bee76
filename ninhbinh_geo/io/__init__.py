"""Reading a planner's own files and turning differently shaped inventories into the site layer.

:func:`read_layer` reads GeoPackage, GeoJSON and Shapefile (through pyogrio), KML (every
placemark of nested folders), and CSV or XLSX tables with coordinate columns, as planners'
offices write them. :func:`harmonise` maps Vietnamese or English headings, name prefixes,
numbers with their units and qualifiers, status phrases (:data:`STATUS_PHRASES`) and the former
province and district onto the columns of the site layer (``DEVELOPERS.md``), and tests every
site against the province. :func:`read_inventory` chains both with
:func:`ninhbinh_geo.schema.validate_sites`. Every refusal names the rows as the planner sees
them and a fix that works from the command line.

Legacy encodings TCVN3 (ABC), VNI and Windows-1258 and UTF-8 (with or without BOM) are found
per file and per column and decoded to Unicode NFC; when the text cannot tell, the candidates
are named and ``encoding=`` settles it.

Rooms, in the order a file goes through them:

- ``formats``: :func:`read_layer` and :data:`SUPPORTED_FORMATS`, choosing the reader by extension;
- ``tables``: the cells of a CSV (bytes kept, separator found) or of a workbook's sheets;
- ``codepages``: the legacy code pages TCVN3, VNI and Windows-1258, decoded to Unicode;
- ``spelling``: folding for matching, and Vietnamese syllables that tell right text from wrong;
- ``encodings``: the encoding of each file and column found and decoded;
- ``layout``: headings below titles, units rows, merged cells, totals, sub-headings, the sheet;
- ``coordinates``: decimal degrees, DMS, "lat, lon" pairs, VN-2000 metres and their CRS;
- ``points``: point geometries from the coordinate columns of a table;
- ``vector``: GeoPackage, GeoJSON, Shapefile through pyogrio; broken files named; the CRS;
- ``kml``: every placemark of a KML's nested folders, ExtendedData and popup tables;
- ``columns``: Vietnamese and English headings mapped onto the contract's columns;
- ``numbers``: one number read: separators, units and qualifiers in the cell;
- ``quantities``: number columns read one way each, areas to hectares, no silent NaN;
- ``vocabulary``: kinds, name prefixes, provinces, districts, yes/no, site ids;
- ``statuses``: the table of status phrases (:data:`STATUS_PHRASES`);
- ``location``: the province test and the former province and district from the coordinates;
- ``conform``: provenance from arguments, ``source_attributes``, :data:`HARMONISED_COLUMNS`;
- ``harmonisation``: :func:`harmonise`, the stages above in order, one coordinate check;
- ``inventory``: :func:`read_inventory` (read, harmonise, validate) and :func:`file_provenance`;
- ``footprints``: :func:`nominal_footprints`, illustrative circles for sites given as points.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .codepages import TCVN3_TO_UNICODE, decode_cp1258, decode_tcvn3, decode_vni
    from .conform import HARMONISED_COLUMNS
    from .footprints import NOMINAL_AREA_HA, nominal_footprints
    from .formats import SUPPORTED_FORMATS, read_layer
    from .harmonisation import harmonise
    from .inventory import file_provenance, read_inventory
    from .location import PROVINCE_TOLERANCE_M
    from .statuses import STATUS_PHRASES

# The public names by room, imported when first used: the embedded data's loaders need only
# ``footprints``, and reading a planner's file (pyogrio, the encodings, the vocabulary) costs
# about 0.1 s of imports that ``nb.datasets.load_clusters()`` should not pay.
_ROOMS = {
    "TCVN3_TO_UNICODE": "codepages",
    "decode_cp1258": "codepages",
    "decode_tcvn3": "codepages",
    "decode_vni": "codepages",
    "HARMONISED_COLUMNS": "conform",
    "NOMINAL_AREA_HA": "footprints",
    "nominal_footprints": "footprints",
    "SUPPORTED_FORMATS": "formats",
    "read_layer": "formats",
    "harmonise": "harmonisation",
    "file_provenance": "inventory",
    "read_inventory": "inventory",
    "PROVINCE_TOLERANCE_M": "location",
    "STATUS_PHRASES": "statuses",
}


def __getattr__(name: str) -> object:
    room = _ROOMS.get(name)
    if room is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{room}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_ROOMS})


__all__ = [
    "HARMONISED_COLUMNS",
    "NOMINAL_AREA_HA",
    "PROVINCE_TOLERANCE_M",
    "STATUS_PHRASES",
    "SUPPORTED_FORMATS",
    "TCVN3_TO_UNICODE",
    "decode_cp1258",
    "decode_tcvn3",
    "decode_vni",
    "file_provenance",
    "harmonise",
    "nominal_footprints",
    "read_inventory",
    "read_layer",
]
