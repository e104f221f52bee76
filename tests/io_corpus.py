"""A corpus of planners' files, built in code: the shapes a provincial or district office sends.

Every file is written at test time (no file of the corpus is stored in the repository); names
are real clusters of the province with illustrative values, positions near their real ones.
Each :class:`Case` says how the file is built, the command-line options it is read with (the
same options become keyword arguments of :func:`ninhbinh_geo.io.read_inventory`), and what must
happen: the values read, or the exception, the key words of its message and the command-line fix
it names.

The legacy encoders below are the inverse of the package's decoders, written independently
from the code tables (TCVN3, VNI) and from Python's ``cp1258`` codec.
"""

from __future__ import annotations

import csv
import io as _stdio
import json
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import openpyxl
import pyogrio
import pyproj
from shapely.geometry import Point, box

from ninhbinh_geo import io
from ninhbinh_geo._errors import (
    CRSError,
    EncodingError,
    InputFileError,
    LocationError,
    NumberFormatError,
    VocabularyError,
)

# --------------------------------------------------------------------------------------------
# legacy encoders (test side)

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_UNICODE_TO_TCVN3 = {v: k for k, v in io.TCVN3_TO_UNICODE.items()}
# VNI: marks after the base vowel, as cp1252 bytes (lower-case forms; upper-case bytes are
# 0x20 lower).
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRC = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_SINGLE = {"đ": "ñ", "ơ": "ô", "ư": "ö", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò",
               "ỵ": "î"}  # fmt: skip


def to_tcvn3(text: str) -> bytes:
    """TCVN3 bytes of NFC text (upper-case toned letters as the lower-case codes, as the H fonts)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = _UNICODE_TO_TCVN3.get(ch) or _UNICODE_TO_TCVN3.get(ch.lower())
        out.append(code if code else ch)
    return "".join(out).encode("latin-1")


def _split(ch: str) -> tuple[str, str, str]:
    """(base letter, modifier, tone) of one NFC letter."""
    d = unicodedata.normalize("NFD", ch)
    tone = next((c for c in d if c in _TONE_MARKS), "")
    mods = "".join(c for c in d[1:] if c not in _TONE_MARKS)
    return d[0], mods, tone


def to_vni(text: str) -> bytes:
    """VNI bytes of NFC text."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out.append(ch)
            continue
        low, upper = ch.lower(), ch.isupper()
        if low in _VNI_SINGLE:
            out.append(_VNI_SINGLE[low].upper() if upper else _VNI_SINGLE[low])
            continue
        base, mods, tone = _split(low)
        if mods == "\u031b":  # ơ, ư with a tone
            head, mark = _VNI_SINGLE["ơ" if base == "o" else "ư"], _VNI_TONE[tone]
        elif mods == "\u0302":
            head, mark = base, _VNI_CIRC[tone]
        elif mods == "\u0306":
            head, mark = base, _VNI_BREVE[tone]
        else:
            head, mark = base, _VNI_TONE[tone]
        out.append((head.upper() + mark.upper()) if upper else head + mark)
    return "".join(out).encode("cp1252")


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes of NFC text: base letters and combining tone marks."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out += ch.encode()
            continue
        d = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in d if c in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONE_MARKS))
        out += base.encode("cp1258") + tone.encode("cp1258")
    return out


ENCODERS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-sig": lambda t: t.encode("utf-8-sig"),
    "tcvn3": to_tcvn3,
    "vni": to_vni,
    "cp1258": to_cp1258,
}

# --------------------------------------------------------------------------------------------
# the sites: real clusters, illustrative values, positions near their real ones


@dataclass(frozen=True)
class Site:
    name: str
    district: str
    province: str
    lon: float
    lat: float


SITES = (
    Site("Gia Vân", "Gia Viễn", "Ninh Bình", 105.875082, 20.359771),
    Site("Đức Lý", "Lý Nhân", "Hà Nam", 106.098187, 20.574901),
    Site("Hợp Hưng", "Vụ Bản", "Nam Định", 106.095342, 20.404115),
    Site("Mai Sơn", "Yên Mô", "Ninh Bình", 105.957826, 20.181906),
    Site("Đồng Hướng", "Kim Sơn", "Ninh Bình", 106.101265, 20.096274),
    Site("Nam Thanh", "Nam Trực", "Nam Định", 106.206404, 20.367493),
)
HEAD = ["STT", "Tên CCN", "Huyện", "Diện tích (ha)", "Tình trạng", "Kinh độ", "Vĩ độ"]
AREAS = ["30", "65", "53,5", "44,98", "67,12", "50"]
STATUSES = ["Quy hoạch", "Quy hoạch", "Đã thành lập", "Đang hoạt động", "Đang hoạt động",
            "Đã thành lập"]  # fmt: skip
STATUS_VALUES = ["planned", "planned", "established", "operating", "operating", "established"]


def rows(n: int = 3, **columns: list[object]) -> list[list[object]]:
    """The standard table of the first ``n`` sites; ``columns`` replace a column's values."""
    body = []
    for i, s in enumerate(SITES[:n]):
        row = {"STT": i + 1, "Tên CCN": f"CCN {s.name}", "Huyện": s.district,
               "Diện tích (ha)": AREAS[i], "Tình trạng": STATUSES[i], "Kinh độ": s.lon,
               "Vĩ độ": s.lat}  # fmt: skip
        for k, v in columns.items():
            row[k] = v[i]
        body.append([row[h] for h in HEAD])
    return [HEAD, *body]


def with_column(table: list[list[object]], heading: str, values: list[object]):
    """The table with one more column."""
    return [[*table[0], heading], *[[*r, v] for r, v in zip(table[1:], values, strict=True)]]


def names(n: int = 3) -> list[str]:
    return [f"CCN {s.name}" for s in SITES[:n]]


# --------------------------------------------------------------------------------------------
# writers


def write_csv(path: Path, table: list[list[object]], *, encoding: str = "utf-8",
              sep: str = ",") -> Path:  # fmt: skip
    buf = _stdio.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(
        [["" if v is None else v for v in r] for r in table]
    )
    path.write_bytes(ENCODERS[encoding](buf.getvalue()))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]],
               merges: dict[str, list[str]] | None = None) -> Path:  # fmt: skip
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, table in sheets.items():
        ws = book.create_sheet(name)
        for r in table:
            ws.append(list(r))
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    book.save(path)
    return path


def points(n: int = 3, **columns: list[object]) -> gpd.GeoDataFrame:
    table = rows(n, **columns)
    data = [dict(zip(table[0], r, strict=True)) for r in table[1:]]
    gdf = gpd.GeoDataFrame(data, geometry=[Point(s.lon, s.lat) for s in SITES[:n]], crs=4326)
    return gdf.drop(columns=["Kinh độ", "Vĩ độ", "STT"])


def shp_points(n: int = 3) -> gpd.GeoDataFrame:
    """The standard sites with Shapefile field names (10 bytes at most)."""
    return points(n).rename(columns={"Tên CCN": "Ten", "Huyện": "Huyen",
                                     "Diện tích (ha)": "Dien_tich", "Tình trạng": "TinhTrang"})


def write_vector(path: Path, gdf: gpd.GeoDataFrame, **kwargs: object) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        pyogrio.write_dataframe(gdf, path, **kwargs)
    return path


def in_crs(crs: str, n: int = 3) -> list[tuple[float, float]]:
    """(easting, northing) of the first ``n`` sites in ``crs``, to the centimetre."""
    t = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return [tuple(round(v, 2) for v in t.transform(s.lon, s.lat)) for s in SITES[:n]]


def dms(value: float, pos: str, neg: str) -> str:
    hemi = pos if value >= 0 else neg
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = (value - d - m / 60) * 3600
    return f"{d}°{m}'{s:.3f}\"{hemi}"


def kml(placemarks: str, *, folders: bool = True) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>CCN.kml</name>\n'
        + placemarks
        + "</Document></kml>\n"
    )


def placemark(site: Site, fields: dict[str, str], *, polygon: bool = False) -> str:
    data = "".join(f'<Data name="{k}"><value>{v}</value></Data>' for k, v in fields.items())
    if polygon:
        b = box(site.lon - 0.003, site.lat - 0.003, site.lon + 0.003, site.lat + 0.003)
        coords = " ".join(f"{x},{y},0" for x, y in b.exterior.coords)
        geom = (f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates>"
                f"</LinearRing></outerBoundaryIs></Polygon>")  # fmt: skip
    else:
        geom = f"<Point><coordinates>{site.lon},{site.lat},0</coordinates></Point>"
    return (f"<Placemark><name>CCN {site.name}</name><ExtendedData>{data}</ExtendedData>"
            f"{geom}</Placemark>\n")  # fmt: skip


# --------------------------------------------------------------------------------------------
# cases


@dataclass(frozen=True)
class Case:
    """One file of the corpus and what must happen to it."""

    name: str
    build: Callable[[Path], Path]
    args: tuple[str, ...] = ()
    expect: dict[str, list[object]] = field(default_factory=dict)
    report: tuple[str, ...] = ()
    error: type[Exception] | None = None
    words: tuple[str, ...] = ()
    fix: str = ""
    problem: str = ""


def kwargs(args: tuple[str, ...]) -> dict[str, object]:
    """The keyword arguments of ``read_inventory`` that the command-line options stand for."""
    out: dict[str, object] = {}
    flags = {"--allow-missing": "allow_missing", "--allow-outside": "allow_outside",
             "--repair": "repair"}  # fmt: skip
    values = {"--crs": "crs", "--lonlat": "lonlat", "--layer": "layer", "--sheet": "sheet",
              "--encoding": "encoding", "--kind": "kind"}  # fmt: skip
    it = iter(args)
    for a in it:
        if a in flags:
            out[flags[a]] = True
        elif a in values:
            out[values[a]] = next(it)
        elif a == "--status":
            phrase, status = next(it).rsplit("=", 1)
            out.setdefault("status_words", {})[phrase] = status  # type: ignore[index]
        else:
            raise ValueError(a)
    return out


def _lonlat(n: int = 3) -> dict[str, list[object]]:
    return {"lon": [s.lon for s in SITES[:n]], "lat": [s.lat for s in SITES[:n]]}


def _standard(n: int = 3) -> dict[str, list[object]]:
    """What the standard table reads as."""
    return {
        "name_vi": names(n),
        "district_old": [s.district for s in SITES[:n]],
        "former_province": [s.province for s in SITES[:n]],
        "area_ha": [float(a.replace(",", ".")) for a in AREAS[:n]],
        "status": STATUS_VALUES[:n],
        **_lonlat(n),
    }


def _csv(table: list[list[object]], **kw: object) -> Callable[[Path], Path]:
    return lambda p: write_csv(p, table, **kw)  # type: ignore[arg-type]


def _xlsx(sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None):
    return lambda p: write_xlsx(p, sheets, merges)


def _bytes(data: bytes) -> Callable[[Path], Path]:
    def build(p: Path) -> Path:
        p.write_bytes(data)
        return p

    return build


def _mixed_encodings(p: Path) -> Path:
    """Names typed in a TCVN3 font, districts in a VNI font: one 8-bit CSV."""
    lines = [b"STT,Ten CCN,Huyen,status,lon,lat"]
    for i, s in enumerate(SITES[:3]):
        lines.append(b",".join([str(i + 1).encode(), to_tcvn3(f"CCN {s.name}"),
                                to_vni(s.district), b"planned", str(s.lon).encode(),
                                str(s.lat).encode()]))
    p.write_bytes(b"\n".join(lines) + b"\n")
    return p


def _legacy_in_cells(encoder: Callable[[str], bytes], codec: str):
    """An Excel sheet typed in a legacy font: Unicode cells showing the legacy bytes."""
    def build(p: Path) -> Path:
        table = [[encoder(v).decode(codec) if isinstance(v, str) else v for v in r]
                 for r in rows(3)]
        return write_xlsx(p, {"CCN": table})

    return build


def _shapefile(encoding: str, *, cpg: bool):
    def build(p: Path) -> Path:
        gdf = shp_points()
        if encoding == "tcvn3":
            for c in ("Ten", "Huyen", "TinhTrang"):
                gdf[c] = [to_tcvn3(v).decode("latin-1") for v in gdf[c]]
            write_vector(p, gdf, encoding="latin1")
        else:
            write_vector(p, gdf, encoding="UTF-8")
        if not cpg:
            p.with_suffix(".cpg").unlink(missing_ok=True)
        return p

    return build


def _title_rows(p: Path) -> Path:
    table = [["UBND TỈNH NINH BÌNH"], ["DANH SÁCH CỤM CÔNG NGHIỆP (đến 31/12/2024)"], [],
             *rows(3)]  # fmt: skip
    return write_xlsx(p, {"Sheet1": table}, {"Sheet1": ["A1:G1", "A2:G2"]})


def _units_row(p: Path) -> Path:
    head = ["STT", "Tên CCN", "Huyện", "Diện tích", "Tình trạng", "Kinh độ", "Vĩ độ"]
    units = [None, None, None, "m²", None, "độ", "độ"]
    body = rows(3, **{"Diện tích (ha)": ["300.000", "650.000", "535.000"]})[1:]
    return write_xlsx(p, {"Sheet1": [head, units, *body]})


def _merged_header(p: Path) -> Path:
    top = ["STT", "Tên CCN", "Huyện", "Diện tích (ha)", None, "Tình trạng", "Tọa độ", None]
    sub = [None, None, None, "Quy hoạch", "Đã cho thuê", None, "Kinh độ", "Vĩ độ"]
    body = [[r[0], r[1], r[2], r[3], "10", r[4], r[5], r[6]] for r in rows(3)[1:]]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2", "G1:H1"]
    return write_xlsx(p, {"Sheet1": [top, sub, *body]}, {"Sheet1": merges})


def _merged_district(p: Path) -> Path:
    table = rows(3, **{"Huyện": ["Gia Viễn", None, None]})
    return write_xlsx(p, {"Sheet1": table}, {"Sheet1": ["C2:C4"]})


def _totals(p: Path) -> Path:
    table = rows(3)
    table.insert(3, [None, "Cộng", None, "95", None, None, None])
    table.append(["Tổng cộng", None, None, "148,5", None, None, None])
    return write_xlsx(p, {"Sheet1": table}, {"Sheet1": ["A6:C6"]})


def _subheadings(p: Path) -> Path:
    t = rows(3)
    table = [t[0], ["I. Huyện Gia Viễn"], t[1], ["II. Các cụm khác"], t[2], t[3]]
    return write_xlsx(p, {"Sheet1": table}, {"Sheet1": ["A2:G2", "A4:G4"]})


def _numbering_row(p: Path) -> Path:
    t = rows(3)
    return write_xlsx(p, {"Sheet1": [t[0], [f"({i})" for i in range(1, 8)], *t[1:]]})


def _two_sheets(p: Path) -> Path:
    notes = [["Ghi chú"], ["Số liệu minh họa cho kiểm thử"]]
    return write_xlsx(p, {"Ghi chú": notes, "Danh sách": rows(3)})


def _two_tables(p: Path) -> Path:
    return write_xlsx(p, {"Hà Nam": rows(2)[:1] + rows(2)[2:], "Nam Định": rows(3)[:1] +
                          rows(3)[3:]})


def _gpkg_two_layers(p: Path) -> Path:
    write_vector(p, points(3), layer="ccn")
    write_vector(p, points(2), layer="kcn_cu")
    return p


def _shp_missing(suffix: str):
    def build(p: Path) -> Path:
        write_vector(p, shp_points(), encoding="UTF-8")
        p.with_suffix(suffix).unlink()
        return p

    return build


def _geojson_polygons(closed: bool) -> Callable[[Path], Path]:
    def build(p: Path) -> Path:
        feats = []
        for i, s in enumerate(SITES[:3]):
            b = box(s.lon - 0.003, s.lat - 0.003, s.lon + 0.003, s.lat + 0.003)
            ring = [list(c) for c in b.exterior.coords]
            if not closed and i == 1:
                ring = ring[:-1]
            feats.append({"type": "Feature", "properties": {"name": f"CCN {s.name}",
                          "status": "planned", "area": AREAS[i]},
                          "geometry": {"type": "Polygon", "coordinates": [ring]}})  # fmt: skip
        p.write_text(json.dumps({"type": "FeatureCollection", "features": feats},
                                ensure_ascii=False), encoding="utf-8")  # fmt: skip
        return p

    return build


def _geojson_swapped(p: Path) -> Path:
    feats = [{"type": "Feature", "properties": {"name": f"CCN {s.name}", "status": "planned"},
              "geometry": {"type": "Point", "coordinates": [s.lat, s.lon]}} for s in SITES[:3]]
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return p


def _kml_folders(p: Path) -> Path:
    f = {"Diện tích (ha)": "30", "Tình trạng": "Quy hoạch"}
    g = {"Diện tích (ha)": "53,5", "Tình trạng": "Đã thành lập"}
    body = (
        "<Folder><name>CCN Ninh Bình</name><Folder><name>Huyện Gia Viễn</name>"
        + placemark(SITES[0], f) + "</Folder><Folder><name>Huyện Yên Mô</name>"
        + placemark(SITES[3], {"Diện tích (ha)": "44,98", "Tình trạng": "Đang hoạt động"})
        + "</Folder></Folder><Folder><name>CCN Nam Định</name>"
        + placemark(SITES[2], g) + "</Folder>"
    )
    p.write_text(kml(body), encoding="utf-8")
    return p


def _kml_polygons(p: Path) -> Path:
    body = "".join(placemark(s, {"Tình trạng": "Đang hoạt động", "Huyện": s.district},
                             polygon=True) for s in SITES[:2])  # fmt: skip
    p.write_text(kml(body), encoding="utf-8")
    return p


def _outside(p: Path) -> Path:
    # A typo in the first decimal of the latitude of the second site: 0.1° = 11 km north.
    return write_csv(p, rows(3, **{"Vĩ độ": [SITES[0].lat, 20.674901, SITES[2].lat]}))


def _m2(values: list[str], heading: str = "Diện tích (m²)") -> Callable[[Path], Path]:
    t = rows(len(values), **{"Diện tích (ha)": values})
    t[0] = [heading if h == "Diện tích (ha)" else h for h in t[0]]
    return _csv(t)


def _areas(values: list[str], **kw: object) -> Callable[[Path], Path]:
    return _csv(rows(len(values), **{"Diện tích (ha)": values}), **kw)


def _metres(crs: str, *, northing_first: bool, heading: tuple[str, str] = ("X", "Y")):
    def build(p: Path) -> Path:
        xy = in_crs(crs)
        t = rows(3)
        t[0] = [*t[0][:5], *heading]
        for r, (e, n) in zip(t[1:], xy, strict=True):
            r[5], r[6] = (n, e) if northing_first else (e, n)
        return write_csv(p, t)

    return build


def _statuses(values: list[str]) -> Callable[[Path], Path]:
    n = len(values)
    extra = [Site(f"{s.name} {i}", s.district, s.province, s.lon + 0.001 * i, s.lat)
             for i, s in enumerate(SITES[:n])]  # fmt: skip
    table = [HEAD] + [
        [i + 1, f"CCN {s.name}", s.district, "20", v, s.lon, s.lat]
        for i, (s, v) in enumerate(zip(extra, values, strict=True))
    ]
    return _csv(table)


def _shp_metres(p: Path) -> Path:
    gdf = shp_points().to_crs("EPSG:5897").set_crs(None, allow_override=True)
    write_vector(p, gdf, encoding="UTF-8")
    return p


ENC = _standard()
ERR_NO_FIX = ""

CASES: list[Case] = [
    # ---- 1. reading: encodings -----------------------------------------------------------
    Case("utf8.csv", _csv(rows(3)), expect=ENC, problem="encoding"),
    Case("utf8_bom.csv", _csv(rows(3), encoding="utf-8-sig"), expect=ENC,
         report=("UTF-8 with BOM",), problem="encoding"),
    Case("tcvn3.csv", _csv(rows(3), encoding="tcvn3"), expect=ENC,
         report=("TCVN3 (ABC)",), problem="encoding"),
    Case("vni.csv", _csv(rows(3), encoding="vni"), expect=ENC, report=("VNI",),
         problem="encoding"),
    Case("windows1258.csv", _csv(rows(3), encoding="cp1258"), expect=ENC,
         report=("Windows-1258",), problem="encoding"),
    Case("tcvn3_cells.xlsx", _legacy_in_cells(to_tcvn3, "latin-1"), expect=ENC,
         report=("TCVN3 (ABC)",), problem="encoding"),
    Case("vni_cells.xlsx", _legacy_in_cells(to_vni, "cp1252"), expect=ENC, report=("VNI",),
         problem="encoding"),
    Case("mixed_fonts.csv", _mixed_encodings,
         expect={"name_vi": names(3), "district_old": [s.district for s in SITES[:3]]},
         report=("TCVN3 (ABC)", "VNI"), problem="encoding"),
    Case("ambiguous.csv", _bytes("name,status,lon,lat\nCCN Gia Ph\xf3,planned,105.875082,20.359771\n"
                                 .encode("latin-1")),
         error=EncodingError, words=("cannot tell the text encoding", "TCVN3 (ABC) 'CCN Gia Phú'",
                                     "VNI 'CCN Gia Phĩ'", "row 2"),
         fix="--encoding tcvn3", problem="encoding"),
    Case("ambiguous_told.csv", _bytes("name,status,lon,lat\nCCN Gia Ph\xf3,planned,105.875082,20.359771\n"
                                      .encode("latin-1")),
         args=("--encoding", "tcvn3"), expect={"name_vi": ["CCN Gia Phú"]}, problem="encoding"),
    Case("nfd_mac.csv", _bytes(unicodedata.normalize(
        "NFD", "Tên CCN,Huyện,Tình trạng,lon,lat\nCCN Hợp Hưng,Vụ Bản,Đã thành lập,106.095342,"
        "20.404115\n").encode()),
         expect={"name_vi": ["CCN Hợp Hưng"], "district_old": ["Vụ Bản"]}, problem="encoding"),
    Case("utf8_no_cpg.shp", _shapefile("utf-8", cpg=False), expect={"name_vi": names(3),
         "district_old": [s.district for s in SITES[:3]], "status": STATUS_VALUES[:3]},
         report=(".cpg' (which names the encoding) is missing", "Unicode (UTF-8)"), problem="encoding"),
    Case("tcvn3_no_cpg.shp", _shapefile("tcvn3", cpg=False), expect={"name_vi": names(3)},
         report=("TCVN3 (ABC)",), problem="encoding"),
    Case("utf8_with_cpg.shp", _shapefile("utf-8", cpg=True), expect={"name_vi": names(3)},
         problem="encoding"),
    # ---- 1. reading: workbooks -----------------------------------------------------------
    Case("title_rows.xlsx", _title_rows, expect=ENC,
         report=("headings found in row 4", "DANH SÁCH CỤM"), problem="workbook"),
    Case("units_row.xlsx", _units_row, expect={**ENC, "area_ha": [30.0, 65.0, 53.5]},
         report=("row 2 read as a row of units",), problem="workbook"),
    Case("merged_header.xlsx", _merged_header, expect={**ENC, "leased_ha": [10.0] * 3},
         report=("headings span rows 1-2",), problem="workbook"),
    Case("merged_district.xlsx", _merged_district,
         expect={"district_old": ["Gia Viễn"] * 3, "name_vi": names(3)},
         report=("cells merged down over rows 2-4",), problem="workbook"),
    Case("totals.xlsx", _totals, expect=ENC, report=("dropped 2 total rows",),
         problem="workbook"),
    Case("subheadings.xlsx", _subheadings, expect=ENC,
         report=("dropped 2 sub-heading rows", "I. Huyện Gia Viễn"), problem="workbook"),
    Case("numbering_row.xlsx", _numbering_row, expect=ENC,
         report=("row 2 read as a row of column numbers",), problem="workbook"),
    Case("notes_and_list.xlsx", _two_sheets, expect=ENC, report=("sheet 'Danh sách' read",),
         problem="workbook"),
    Case("two_tables.xlsx", _two_tables, error=InputFileError,
         words=("2 of them hold a table of named sites", "'Hà Nam'", "'Nam Định'"),
         fix="--sheet 'Hà Nam'", problem="workbook"),
    Case("two_tables_told.xlsx", _two_tables, args=("--sheet", "Nam Định"),
         expect={"name_vi": ["CCN Hợp Hưng"]}, problem="workbook"),
    Case("sheet_missing.xlsx", _two_sheets, args=("--sheet", "CCN"), error=InputFileError,
         words=("sheet 'CCN' not found", "'Ghi chú', 'Danh sách'"), fix="--sheet",
         problem="workbook"),
    Case("title_rows.csv", _csv([["DANH SÁCH CỤM CÔNG NGHIỆP"], [], *rows(3)]), expect=ENC,
         report=("headings found in row 3",), problem="workbook"),
    Case("semicolons.csv", _csv(rows(3), sep=";"), expect=ENC, report=("semicolon",),
         problem="workbook"),
    Case("tabs.csv", _csv(rows(3), sep="\t"), expect=ENC, report=("tab",), problem="workbook"),
    Case("empty.xlsx", _bytes(b""), error=InputFileError, words=("empty (0 bytes)",),
         fix="Save the workbook again", problem="workbook"),
    Case("old_xls_renamed.xlsx", _bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600),
         error=InputFileError, words=("cannot be opened as an XLSX workbook",),
         fix="save it as 'Excel Workbook (.xlsx)'", problem="workbook"),
    Case("headings_only.csv", _csv([HEAD]), error=InputFileError,
         words=("no rows below its headings",), fix="--sheet", problem="workbook"),
    # ---- 2. numbers and units ------------------------------------------------------------
    Case("units_in_cells.csv", _areas(["50,5 ha", "505.000 m²", "12 ha"]),
         expect={"area_ha": [50.5, 50.5, 12.0]}, report=("with their unit in the cell",),
         problem="numbers"),
    Case("qualifiers.csv", _areas(["khoảng 52 ha", "hơn 30 ha", "≈ 45"]),
         expect={"area_ha": [52.0, 30.0, 45.0],
                 "area_ha_qualifier": ["approx", "at_least", "approx"]},
         problem="numbers"),
    Case("qualifiers_en.csv", _areas(["~52", "> 30", "about 45.5"]),
         expect={"area_ha": [52.0, 30.0, 45.5],
                 "area_ha_qualifier": ["approx", "at_least", "approx"]}, problem="numbers"),
    Case("narrow_nbsp.csv", _m2(["505\u202f000", "1\u00a0200\u00a0000", "12\u202f500,5"]),
         expect={"area_ha": [50.5, 120.0, 1.25005]}, problem="numbers"),
    Case("m2_vi.csv", _m2(["505.000", "505,5", "1.200.000"]),
         expect={"area_ha": [50.5, 0.05055, 120.0]}, problem="numbers"),
    Case("m2_en.csv", _m2(["505,000", "1,200,000", "32,500.5"]),
         expect={"area_ha": [50.5, 120.0, 3.25005]}, problem="numbers"),
    Case("m2_lone_thousands.csv", _m2(["505.000", "650.000", "535.000"]),
         expect={"area_ha": [50.5, 65.0, 53.5]}, report=("read as thousands",),
         problem="numbers"),
    Case("contradictory.csv", _areas(["505,000", "12,5", "30"]), error=NumberFormatError,
         words=("'505,000' (row 2", "would be a decimal with three places",
                "'12,5' (row 3"), fix="--allow-missing", problem="numbers"),
    Case("contradictory_allowed.csv", _areas(["505,000", "12,5", "30"]),
         args=("--allow-missing",), expect={"area_ha": [float("nan"), 12.5, 30.0]},
         report=("area_ha_reason",), problem="numbers"),
    Case("both_ways.csv", _areas(["12,5", "13.5", "30,25"]), error=NumberFormatError,
         words=("writes decimals both ways", "'13.5' (row 3"), fix="--allow-missing",
         problem="numbers"),
    Case("lone_ambiguous.csv", _areas(["1.035", "30", "44"]), error=NumberFormatError,
         words=("could be 1.035 or 1035", "nothing in the file tells"), fix="--allow-missing",
         problem="numbers"),
    Case("file_tells.csv", _csv(with_column(rows(3, **{"Diện tích (ha)": ["1.035", "30",
                                                                      "44"]}),
                                            "Tỷ lệ lấp đầy (%)", ["85,5", "40", "12,25"])),
         expect={"area_ha": [1035.0, 30.0, 44.0], "occupancy_pct": [85.5, 40.0, 12.25]},
         report=("as the other number columns of the file are written",), problem="numbers"),
    Case("words.csv", _areas(["năm mươi", "30", "44"]), error=NumberFormatError,
         words=("'năm mươi' (row 2", "is no number"), fix="--allow-missing", problem="numbers"),
    Case("words_allowed.csv", _areas(["năm mươi", "30", "44"]), args=("--allow-missing",),
         expect={"area_ha": [float("nan"), 30.0, 44.0]}, report=("area_ha_reason",),
         problem="numbers"),
    Case("not_known.csv", _areas(["đang cập nhật", "-", "44"]),
         expect={"area_ha": [float("nan"), float("nan"), 44.0],
                 "area_ha_reason": ["not known: written 'đang cập nhật'",
                                    "not known: written '-'", None]}, problem="numbers"),
    Case("km2.csv", _m2(["0,505", "0,65", "1,2"], heading="Diện tích (km²)"),
         expect={"area_ha": [50.5, 65.0, 120.0]}, problem="numbers"),
    Case("french_spaces.csv", _m2(["505 000", "1 035,5", "12 000"]),
         expect={"area_ha": [50.5, 0.10355, 1.2]}, problem="numbers"),
    Case("percent.csv", _csv(with_column(rows(3), "Tỷ lệ lấp đầy (%)", ["85,5%", "100%", "0%"])),
         expect={"occupancy_pct": [85.5, 100.0, 0.0]}, problem="numbers"),
    Case("english.csv", _areas(["1,035.5", "30.25", "44"]),
         expect={"area_ha": [1035.5, 30.25, 44.0]}, problem="numbers"),
    Case("excel_numbers_m2.xlsx", _xlsx({"CCN": [
        ["Tên CCN", "Diện tích quy hoạch (m²)", "Tình trạng", "Kinh độ", "Vĩ độ"],
        *[[f"CCN {s.name}", a, "Quy hoạch", s.lon, s.lat]
          for s, a in zip(SITES[:3], [300000, 650000.0, 535000], strict=True)]]}),
         expect={"area_ha": [30.0, 65.0, 53.5]}, problem="numbers"),
    # ---- 3. status vocabulary -------------------------------------------------------------
    Case("statuses_vi.csv", _statuses(["Đang hoạt động", "Đã ngừng hoạt động", "Tạm dừng",
                                       "Chưa đi vào hoạt động", "Quy hoạch"]),
         expect={"status": ["operating", "ceased", "suspended", "established", "planned"]},
         problem="status"),
    Case("statuses_en.csv", _statuses(["Operating", "Suspended", "Closed",
                                       "Under construction", "Planned"]),
         expect={"status": ["operating", "suspended", "ceased", "established", "planned"]},
         problem="status"),
    Case("statuses_ascii.csv", _statuses(["dang hoat dong", "TAM NGUNG HOAT DONG",
                                          "chua thanh lap"]),
         expect={"status": ["operating", "suspended", "planned"]}, problem="status"),
    Case("status_unknown.csv", _statuses(["Đang hoạt động", "Hoàn thành hạ tầng"]),
         error=VocabularyError, words=("not in the table of status phrases",
                                       "'Hoàn thành hạ tầng'", "row 3"),
         fix='--status "Hoàn thành hạ tầng=operating"', problem="status"),
    Case("status_told.csv", _statuses(["Đang hoạt động", "Hoàn thành hạ tầng"]),
         args=("--status", "Hoàn thành hạ tầng=established"),
         expect={"status": ["operating", "established"]}, problem="status"),
    Case("status_word_inside.csv", _statuses(["Đang hoạt động một phần", "Quy hoạch"]),
         error=VocabularyError, words=("never guessed from a word inside it",
                                       "'Đang hoạt động một phần'"), fix="--status",
         problem="status"),
    # ---- 4. coordinates -------------------------------------------------------------------
    Case("swapped.csv", _csv(rows(3, **{"Kinh độ": [s.lat for s in SITES[:3]],
                                        "Vĩ độ": [s.lon for s in SITES[:3]]})),
         error=CRSError, words=("the columns are swapped",), fix="--lonlat 'Vĩ độ,Kinh độ'",
         problem="coordinates"),
    Case("swapped_told.csv", _csv(rows(3, **{"Kinh độ": [s.lat for s in SITES[:3]],
                                             "Vĩ độ": [s.lon for s in SITES[:3]]})),
         args=("--lonlat", "Vĩ độ,Kinh độ"), expect=_lonlat(), problem="coordinates"),
    Case("swapped_row.csv", _csv(rows(3, **{"Kinh độ": [SITES[0].lon, SITES[1].lat,
                                                        SITES[2].lon],
                                            "Vĩ độ": [SITES[0].lat, SITES[1].lon,
                                                      SITES[2].lat]})),
         error=LocationError, words=("swapped in rows 'row 3 (CCN Đức Lý)'",),
         fix="--lonlat auto", problem="coordinates"),
    Case("swapped_row_auto.csv", _csv(rows(3, **{"Kinh độ": [SITES[0].lon, SITES[1].lat,
                                                             SITES[2].lon],
                                                 "Vĩ độ": [SITES[0].lat, SITES[1].lon,
                                                           SITES[2].lat]})),
         args=("--lonlat", "auto"), expect=_lonlat(), report=("swapped back in 1 rows",),
         problem="coordinates"),
    Case("vn2000_9209_xnorth.csv", _metres("EPSG:9209", northing_first=True),
         error=CRSError, words=("X = northing", "TM-3 105°30'", "Nam Định"),
         fix="--crs EPSG:9209", problem="coordinates"),
    Case("vn2000_9209_told.csv", _metres("EPSG:9209", northing_first=True),
         args=("--crs", "EPSG:9209"), expect=_lonlat(),
         report=("holds northings",), problem="coordinates"),
    Case("vn2000_5897.csv", _metres("EPSG:5897", northing_first=False),
         args=("--crs", "EPSG:5897"), expect=_lonlat(), problem="coordinates"),
    Case("vn2000_5897_nocrs.csv", _metres("EPSG:5897", northing_first=False),
         error=CRSError, words=("hold metres", "X = easting"), fix="--crs EPSG:",
         problem="coordinates"),
    Case("utm48n.csv", _metres("EPSG:3405", northing_first=False, heading=("Easting",
                                                                           "Northing")),
         args=("--crs", "EPSG:3405"), expect=_lonlat(), problem="coordinates"),
    Case("degrees_with_metric_crs.csv", _csv(rows(3)), args=("--crs", "EPSG:9209"),
         error=CRSError, words=("hold degrees",), fix="Drop --crs", problem="coordinates"),
    Case("dms.csv", _csv(rows(3, **{"Kinh độ": [dms(s.lon, "E", "W") for s in SITES[:3]],
                                    "Vĩ độ": [dms(s.lat, "N", "S") for s in SITES[:3]]})),
         expect=_lonlat(), problem="coordinates"),
    Case("latlon_pair.csv", _csv([["Tên CCN", "Tọa độ", "status"], *[[f"CCN {s.name}",
                                  f"{s.lat}, {s.lon}", "planned"] for s in SITES[:3]]]),
         expect=_lonlat(), report=("holds both",), problem="coordinates"),
    Case("latlon_pair_comma.csv", _csv([["Tên CCN", "Vị trí (lat, lon)", "Hiện trạng"], *[
        [f"CCN {s.name}", f"{str(s.lat).replace('.', ',')}; {str(s.lon).replace('.', ',')}",
         "đã thành lập"] for s in SITES[:3]]], sep=";"), args=("--lonlat", "Vị trí (lat, lon)"),
         expect=_lonlat(), problem="coordinates"),
    Case("unreadable_coordinate.csv", _csv(rows(3, **{"Kinh độ": [SITES[0].lon, "105.9.12",
                                                                  SITES[2].lon]})),
         error=LocationError, words=("cannot be read", "row 3 (CCN Đức Lý)", "'105.9.12'"),
         fix="--lonlat", problem="coordinates"),
    Case("outside.csv", _outside, error=LocationError,
         words=("outside the new Ninh Bình province", "row 3 (CCN Đức Lý, CCN-HN-DUCLY) (6.2 km)"),
         fix="--allow-outside", problem="coordinates"),
    Case("outside_allowed.csv", _outside, args=("--allow-outside",),
         expect={"outside_province": [False, True, False]}, report=("kept outside",),
         problem="coordinates"),
    Case("places_filled.csv", _csv([["Tên CCN", "Trạng thái", "lon", "lat"], *[
        [f"CCN {s.name}", "quy hoạch", s.lon, s.lat] for s in SITES[:6]]]),
         expect={"former_province": [s.province for s in SITES[:6]],
                 "district_old": [s.district for s in SITES[:6]]},
         report=("former_province: filled from the coordinates for 6 rows",
                 "district_old: filled from the coordinates for 6 rows"), problem="coordinates"),
    Case("no_prj_metres.shp", _shp_metres, error=CRSError,
         words=("has no CRS", "VN-2000"), fix="--crs EPSG:5897", problem="coordinates"),
    Case("no_prj_told.shp", _shp_metres, args=("--crs", "EPSG:5897"), expect=_lonlat(),
         problem="coordinates"),
    Case("swapped.geojson", _geojson_swapped, error=CRSError, words=("look swapped",),
         fix="--lonlat auto", problem="coordinates"),
    Case("swapped_auto.geojson", _geojson_swapped, args=("--lonlat", "auto"), expect=_lonlat(),
         problem="coordinates"),
    Case("no_coordinate_columns.csv", _csv([["Tên CCN", "Huyện"], ["CCN Gia Vân", "Gia Viễn"]]),
         error=InputFileError, words=("no longitude and latitude column",),
         fix="--lonlat", problem="coordinates"),
    # ---- 5. files that break, and vector formats --------------------------------------------
    Case("two_layers.gpkg", _gpkg_two_layers, error=InputFileError,
         words=("holds 2 layers", "'ccn'", "'kcn_cu'"), fix="--layer 'ccn'", problem="files"),
    Case("two_layers_told.gpkg", _gpkg_two_layers, args=("--layer", "ccn"),
         expect={"name_vi": names(3)}, problem="files"),
    Case("empty.gpkg", _bytes(b""), error=InputFileError, words=("empty (0 bytes)",),
         fix="Export the GeoPackage again", problem="files"),
    Case("not_sqlite.gpkg", _bytes(b"PK\x03\x04 a zip file renamed"), error=InputFileError,
         words=("not an SQLite database",), fix="Export it again", problem="files"),
    Case("no_dbf.shp", _shp_missing(".dbf"), error=InputFileError,
         words=("the attribute table 'no_dbf.dbf' is missing",), fix="copy 'no_dbf.dbf'",
         problem="files"),
    Case("no_shx.shp", _shp_missing(".shx"), error=InputFileError,
         words=("the index 'no_shx.shx' is missing",), fix="copy 'no_shx.shx'",
         problem="files"),
    Case("open_ring.geojson", _geojson_polygons(closed=False), error=InputFileError,
         words=("are not closed", "feature 2 (CCN Đức Lý)"), fix="--repair", problem="files"),
    Case("open_ring_repaired.geojson", _geojson_polygons(closed=False), args=("--repair",),
         expect={"name_vi": names(3), "area_ha": [30.0, 65.0, 53.5]},
         report=("closed the rings of 1 features",), problem="files"),
    Case("polygons.geojson", _geojson_polygons(closed=True),
         expect={"name_vi": names(3), "status": ["planned"] * 3}, problem="files"),
    Case("truncated.geojson", _bytes(b'{"type": "FeatureCollection", "features": [{"type"'),
         error=InputFileError, words=("damaged",), fix="export it again", problem="files"),
    Case("folders.kml", _kml_folders,
         expect={"name_vi": ["CCN Gia Vân", "CCN Mai Sơn", "CCN Hợp Hưng"],
                 "area_ha": [30.0, 44.98, 53.5],
                 "status": ["planned", "operating", "established"]}, problem="files"),
    Case("polygons.kml", _kml_polygons,
         expect={"name_vi": names(2), "district_old": [s.district for s in SITES[:2]],
                 "status": ["operating"] * 2}, problem="files"),
    Case("no_placemarks.kml", _bytes(kml("<Folder><name>x</name></Folder>").encode()),
         error=InputFileError, words=("holds no placemarks",), fix="Save Place As",
         problem="files"),
    Case("broken.kml", _bytes(b"<kml><Document><Placemark><name>A</name></Document>"),
         error=InputFileError, words=("not a well-formed KML", "line 1"), fix="save it again",
         problem="files"),
    Case("sites.dxf", _bytes(b"0\nEOF\n"), error=InputFileError,
         words=("format '.dxf' is not supported",), fix="ogr2ogr", problem="files"),
]


def _chart_sheet(p: Path) -> Path:
    from openpyxl.chart import BarChart, Reference

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Danh sách"
    for r in rows(3):
        ws.append(r)
    chart = book.create_chartsheet("Biểu đồ")
    bars = BarChart()
    bars.add_data(Reference(ws, min_col=4, min_row=1, max_row=4))
    chart.add_chart(bars)
    book.save(p)
    return p


def _gpkg_with_table(p: Path) -> Path:
    import pandas as pd

    write_vector(p, points(3), layer="ccn")
    write_vector(p, pd.DataFrame({"ghi_chu": ["nguồn: minh họa"]}), layer="metadata")
    return p


def _self_intersecting(p: Path) -> Path:
    s = SITES[0]
    bowtie = [[s.lon, s.lat], [s.lon + 0.01, s.lat + 0.01], [s.lon + 0.01, s.lat],
              [s.lon, s.lat + 0.01], [s.lon, s.lat]]  # fmt: skip
    feats = [{"type": "Feature", "properties": {"name": f"CCN {s.name}", "status": "planned"},
              "geometry": {"type": "Polygon", "coordinates": [bowtie]}}]  # fmt: skip
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return p


CASES += [
    Case("chart_sheet.xlsx", _chart_sheet, expect=ENC, problem="workbook"),
    Case("layer_and_table.gpkg", _gpkg_with_table, expect={"name_vi": names(3)},
         report=("layer 'ccn' read: the only one with geometry",), problem="files"),
    Case("table_only.gpkg", _gpkg_with_table, args=("--layer", "metadata"),
         error=InputFileError, words=("is a table without geometry",), fix="--layer",
         problem="files"),
    Case("bowtie.geojson", _self_intersecting, error=InputFileError,
         words=("1 polygons are not valid", "feature 1 (CCN Gia Vân): its outline crosses itself"),
         fix="--repair", problem="files"),
    Case("bowtie_repaired.geojson", _self_intersecting, args=("--repair",),
         expect={"name_vi": ["CCN Gia Vân"]},
         report=("mended 1 invalid polygons (--repair)", "its outline crosses itself"),
         problem="files"),
]
