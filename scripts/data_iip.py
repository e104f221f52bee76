"""Site points of the IIP Vietnam investment portal: read, match to the inventory, apply.

``../shared/data/inventory/iip/iip_points_ninhbinh2025.csv`` holds one point per park (KCN) or
cluster (CCN) of the new Ninh Bình province as the portal lists it (name, 2025 address, area,
update date). The file has no licence: it is used per site, as facts (an ``approximate``
location with its basis, the address and the area with the portal as source) and never shipped.

The matching is automatic (:func:`candidates`: the same kind and name after folding, or a
shared commune, or a point near the site's earlier point) and reviewed by hand: every IIP
record and every candidate has a row in ``scripts/iip_matches.csv`` with the decision, its
basis and a note. :func:`check_decisions` refuses a table that misses a record or a candidate,
or whose recorded distances no longer agree with the data, so that a change of the source
file forces a new review.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from data_names import ALIASES, commune_keys, fold, nfc, site_key

__all__ = [
    "IIP_LICENCE",
    "IIP_SOURCE",
    "IIP_URL",
    "MAX_DISTRICT_KM",
    "apply_decisions",
    "candidates",
    "check_decisions",
    "new_sites",
    "read_decisions",
    "read_points",
]

MATCHES = Path(__file__).with_name("iip_matches.csv")
IIP_FILE = "data/inventory/iip/iip_points_ninhbinh2025.csv"
IIP_SOURCE = "IIP Vietnam investment portal (api.iipvietnam.vn)"
#: The records carry a slug (``code``) but the portal's page addresses add a numeric id that
#: the records do not hold, so no per-site page can be derived: the portal's address is cited.
IIP_URL = "https://api.iipvietnam.vn/"
IIP_LICENCE = "facts from a public portal, restated (no licence claimed)"
METRIC = "EPSG:3405"
#: A matched point farther than this from its site's former district polygon is an outlier that
#: the table must explain (the WOF district shapes are coarse pre-2013 outlines).
MAX_DISTRICT_KM = 5.0
#: A matched point farther than this from the site's earlier approximate point (web-map point,
#: commune label point, GeoNames town) is flagged for review.
MAX_EARLIER_KM = 3.0
#: Unmatched IIP points this close to a site's earlier approximate point become candidates.
NEAR_KM = 2.0
DECISIONS = ("match", "part", "extension", "reject", "add")
BASES = (
    "name+kind+commune", "name+kind+district", "name+kind", "alias", "manual", "commune",
    "nearby", "none",
)  # fmt: skip
#: Recorded distances must agree with recomputed ones to this tolerance (km).
_KM_TOLERANCE = 0.051
#: Upper-case words kept as written when IIP's upper-case names are put in title case.
_ACRONYMS = {"VSIP", "I", "II", "III", "IV", "V", "VI"}
#: Qualifying words written in lower case inside a name (KCN Đồng Văn I mở rộng).
_LOWER = {"MỞ", "RỘNG", "GIAI", "ĐOẠN", "HỖ", "TRỢ", "DỆT", "MAY"}


def _title(text: str) -> str:
    words = []
    for w in text.split():
        if w in _ACRONYMS or w.isdigit():
            words.append(w)
        elif w in _LOWER and words:
            words.append(w.lower())
        else:
            words.append(w.capitalize())
    return " ".join(words)


def display_name(name: str, kind: str) -> str:
    """Inventory-style name (``CCN Xuân Chính``) of an IIP record name.

    Examples
    --------
    >>> display_name("KHU CÔNG NGHIỆP VSIP NAM ĐỊNH - NINH BÌNH", "KCN")
    'KCN VSIP Nam Định'
    >>> display_name("KHU CÔNG NGHIỆP THANH BÌNH II – NINH BÌNH", "KCN")
    'KCN Thanh Bình II'
    """
    text = re.sub(r"\s+", " ", str(nfc(name)))
    text = re.sub(r"\s+[-–]\s+(TỈNH\s+)?(NINH BÌNH|NINH BINH|HÀ NAM|NAM ĐỊNH)\s*$", "", text)
    text = re.sub(r"^(KHU CÔNG NGHIỆP|CỤM CÔNG NGHIỆP)\s+", "", text)
    return f"{kind} {_title(text)}"


def read_points(shared: Path) -> gpd.GeoDataFrame:
    """IIP records of the province as points (EPSG:4326), one row per record ``code``."""
    raw = pd.read_csv(shared / IIP_FILE, dtype=str, keep_default_na=False).map(nfc)
    if raw["code"].duplicated().any():
        raise SystemExit(f"IIP codes repeat: {raw.loc[raw['code'].duplicated(), 'code']}")
    kinds = set(raw["kind"])
    if kinds - {"CCN", "KCN"}:
        raise SystemExit(f"IIP kinds {sorted(kinds)}: only CCN and KCN are handled")
    updated = raw["updated_at"].str.extract(r"^(\d{4})/(\d{2})/(\d{2})")
    if updated.isna().any().any():
        raise SystemExit("IIP updated_at not in the form YYYY/MM/DD ...")
    pts = gpd.GeoDataFrame(
        {
            "iip_code": raw["code"],
            "kind": raw["kind"],
            "iip_name": raw["name"].map(lambda s: re.sub(r"\s+", " ", s)),
            "name_vi": [display_name(n, k) for n, k in zip(raw["name"], raw["kind"], strict=True)],
            "address": raw["address"].map(lambda s: re.sub(r"\s+", " ", s)),
            "area_ha": raw["acreage_ha"].astype(float),
            "updated": updated[0] + "-" + updated[1] + "-" + updated[2],
            "lon": raw["X"].astype(float),
            "lat": raw["Y"].astype(float),
        },
        geometry=gpd.points_from_xy(raw["X"].astype(float), raw["Y"].astype(float)),
        crs="EPSG:4326",
    )
    pts["key"] = [site_key(n, k) for n, k in zip(pts["iip_name"], pts["kind"], strict=True)]
    return pts.sort_values("iip_code", ignore_index=True)


def _site_communes(site: pd.Series) -> set[str]:
    return commune_keys(site["communes"]) if site["communes"] else set()


def _district_names(site: pd.Series) -> list[str]:
    return [d.strip() for d in (site["district_old"] or "").split(";") if d.strip()]


def _km(a: object, b: object) -> float:
    return float(a.distance(b)) / 1000.0


def candidates(
    points: gpd.GeoDataFrame, sites: pd.DataFrame, districts: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Automatic match candidates, one row per (IIP record, inventory site) pair.

    ``sites`` must carry ``lon``/``lat`` of their earlier location and ``location_accuracy``.
    Columns: ``iip_code``, ``site_id``, ``basis`` (``name+kind+commune``,
    ``name+kind+district``, ``name+kind``, ``alias``, ``commune``, ``nearby``),
    ``district_km`` (IIP point to the nearest former district polygon the site names, NaN if
    it names none) and ``earlier_km`` (IIP point to the site's earlier approximate point, NaN
    if that was illustrative).
    """
    pts_m = points.to_crs(METRIC)
    site_pts = gpd.GeoSeries(
        gpd.points_from_xy(sites["lon"], sites["lat"]), index=sites.index, crs="EPSG:4326"
    ).to_crs(METRIC)
    dist_poly = dict(zip(districts["name_vi"], districts.to_crs(METRIC).geometry, strict=True))
    site_keys = {i: site_key(n) for i, n in sites["name_vi"].items()}
    rows = []
    for p_idx, p in points.iterrows():
        pkind, pname, pqual = p["key"]
        p_geom = pts_m.geometry[p_idx]
        p_communes = commune_keys(p["address"])
        target = ALIASES.get((pkind, pname), (pkind, pname))
        for s_idx, s in sites.iterrows():
            skind, sname, squal = site_keys[s_idx]
            if skind != pkind:
                continue
            s_communes = _site_communes(s)
            dnames = _district_names(s)
            d_km = min((_km(dist_poly[d], p_geom) for d in dnames), default=math.nan)
            approx = s["location_accuracy"] != "illustrative"
            e_km = _km(site_pts[s_idx], p_geom) if approx else math.nan
            if (skind, sname) == target and squal == pqual and target == (pkind, pname):
                if p_communes & s_communes:
                    basis = "name+kind+commune"
                elif dnames and d_km < 1.0:
                    basis = "name+kind+district"
                else:
                    basis = "name+kind"
            elif (skind, sname) == target:
                basis = "alias"
            elif (
                (p_communes & s_communes)
                or any(c in pname for c in s_communes)
                or sname in p_communes | {pname}
            ):
                basis = "commune"
            elif approx and e_km < NEAR_KM:
                basis = "nearby"
            else:
                continue
            rows.append(
                {
                    "iip_code": p["iip_code"],
                    "site_id": s["site_id"],
                    "basis": basis,
                    "district_km": round(d_km, 1) if not math.isnan(d_km) else math.nan,
                    "earlier_km": round(e_km, 1) if not math.isnan(e_km) else math.nan,
                }
            )
    return pd.DataFrame(rows, columns=["iip_code", "site_id", "basis", "district_km", "earlier_km"])


def read_decisions(path: Path = MATCHES) -> pd.DataFrame:
    """The hand-reviewed table of decisions (``scripts/iip_matches.csv``).

    Columns: ``iip_code``, ``iip_name``, ``decision`` (:data:`DECISIONS`), ``site_id`` (the
    inventory site, or the new id of an added row), ``match_basis`` (:data:`BASES`),
    ``use_point`` (``yes``/``no``: take the portal point as the site's location),
    ``status`` (added rows only; empty = not known, never guessed),
    ``district_km`` and ``earlier_km`` (as recomputed by :func:`candidates`),
    ``basis_note`` (appended to ``location_basis``) and ``note`` (the reviewer's reason).
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False).map(nfc)
    for col in ("district_km", "earlier_km"):
        table[col] = pd.to_numeric(table[col].replace("", None)).astype(float)
    bad = (
        ~table["decision"].isin(DECISIONS)
        | ~table["match_basis"].isin(BASES)
        | ~table["use_point"].isin(["yes", "no", ""])
        | ~table["status"].isin(["", "planned", "established", "operating"])
        | ((table["status"] != "") & (table["decision"] != "add"))
    )
    if bad.any():
        raise SystemExit(f"iip_matches.csv: bad decision or basis in rows {list(table.index[bad])}")
    return table


def _same_km(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= _KM_TOLERANCE


def check_decisions(
    points: gpd.GeoDataFrame, auto: pd.DataFrame, table: pd.DataFrame, site_ids: set[str]
) -> None:
    """Refuse a decision table that does not cover the data as they are now."""
    problems = []
    codes = set(points["iip_code"])
    unknown = sorted(set(table["iip_code"]) - codes)
    if unknown:
        problems.append(f"IIP codes not in the source file: {unknown}")
    final = table[table["decision"] != "reject"]
    counts = final["iip_code"].value_counts()
    missing = sorted(codes - set(counts.index))
    twice = sorted(counts.index[counts > 1])
    if missing:
        problems.append(f"IIP records without a decision: {missing}")
    if twice:
        problems.append(f"IIP records with more than one decision: {twice}")
    linked = table[table["decision"].isin(["match", "part", "extension", "reject"])]
    ghost = sorted(set(linked["site_id"]) - site_ids)
    if ghost:
        problems.append(f"site_ids not in the inventory: {ghost}")
    taken = table[table["decision"].isin(["match", "part"])]["site_id"]
    if taken.duplicated().any():
        problems.append(f"sites matched twice: {sorted(taken[taken.duplicated()])}")
    added = table[table["decision"] == "add"]["site_id"]
    if (added.isin(site_ids) | added.duplicated() | (added == "")).any():
        problems.append("added rows need a new, unique site_id")
    pairs = table.set_index(["iip_code", "site_id"])
    for _, c in auto.iterrows():
        key = (c["iip_code"], c["site_id"])
        if key not in pairs.index:
            problems.append(f"candidate {key} ({c['basis']}) has no row: review it")
            continue
        row = pairs.loc[key]
        if (
            row["decision"] != "reject"
            and row["match_basis"] != "manual"
            and (row["match_basis"] != c["basis"])
        ):
            problems.append(f"{key}: basis now {c['basis']!r}, table says {row['match_basis']!r}")
        for col in ("district_km", "earlier_km"):
            if not _same_km(float(row[col]), float(c[col])):
                problems.append(f"{key}: {col} now {c[col]}, table says {row[col]}")
    taken_points = table[table["decision"].isin(["match", "part"]) & (table["use_point"] == "yes")]
    far = taken_points[taken_points["district_km"] > MAX_DISTRICT_KM]
    for _, row in far.iterrows():
        if not row["note"].startswith("exception:"):
            problems.append(
                f"{row['site_id']}: point {row['district_km']} km from its former district; "
                "take another point or explain in a note starting 'exception:'"
            )
    unexplained = table[(table["earlier_km"] > MAX_EARLIER_KM) & (table["note"] == "")]
    for _, row in unexplained.iterrows():
        problems.append(
            f"{row['site_id']}: {row['earlier_km']} km from its earlier point; say in a note "
            "which point is kept and why"
        )
    if problems:
        raise SystemExit("scripts/iip_matches.csv needs a review:\n  " + "\n  ".join(problems))


def _area_text(value: float) -> str:
    return f"{value:g} ha"


#: Short names of the earlier location methods of ``build_data._locate``, by basis prefix.
_EARLIER = {
    "unverified point": "the anonymous web-map point",
    "commune label point": "the commune label point",
    "GeoNames place": "the GeoNames town point",
}


def _earlier(basis: str) -> str:
    for prefix, label in _EARLIER.items():
        if basis.startswith(prefix):
            return label
    return "the earlier point"


def apply_decisions(
    sites: pd.DataFrame, points: gpd.GeoDataFrame, table: pd.DataFrame
) -> pd.DataFrame:
    """Take the matched IIP points as the sites' locations; add ``address_2025``, ``area_alt``.

    Returns a copy with a new column ``address_2025`` (empty where no record matched).
    ``match`` and ``part`` records give the address and, where ``use_point`` is ``yes``, the
    point (``approximate``; the basis names the portal, the record, its date, the match basis
    and how far the earlier point lay); otherwise the basis says why the point was not taken.
    An ``extension`` record only adds its point's distance to the basis and its area to
    ``area_alt``. The inventory's ``area_ha`` is never overwritten: a differing IIP area goes
    to ``area_alt`` with its date; where no other source states an area, a matched record's
    area becomes ``area_ha`` with the portal as its basis.
    """
    out = sites.copy()
    out["address_2025"] = ""
    by_code = points.set_index("iip_code")
    linked = table[table["decision"].isin(["match", "part", "extension"])]
    for _, d in linked.iterrows():
        p = by_code.loc[d["iip_code"]]
        i = out.index[out["site_id"] == d["site_id"]][0]
        s = out.loc[i]
        record = f"record '{d['iip_code']}', updated {p['updated']}"
        km = f"{d['earlier_km']:g} km"
        if d["decision"] == "extension":
            # The extension has its own point and area; the site keeps its own point.
            out.loc[i, "location_basis"] = (
                f"{s['location_basis']}; the IIP portal point of its extension ({p['name_vi']}, "
                f"{record}) lies {km} away"
            )
            alt = f"{p['name_vi']}: {_area_text(p['area_ha'])} (IIP portal, {p['updated']})"
        else:
            out.loc[i, "address_2025"] = p["address"]
            if d["use_point"] == "yes":
                earlier = ""
                if s["location_accuracy"] != "illustrative":
                    earlier = f"; {_earlier(s['location_basis'])} lies {km} away"
                part = (
                    f"; the record is {p['name_vi']}, a part of the site"
                    if d["decision"] == "part"
                    else ""
                )
                extra = f"; {d['basis_note']}" if d["basis_note"] else ""
                out.loc[i, "lon"] = round(float(p["lon"]), 6)
                out.loc[i, "lat"] = round(float(p["lat"]), 6)
                out.loc[i, "location_accuracy"] = "approximate"
                out.loc[i, "location_basis"] = (
                    f"IIP Vietnam portal point, unverified ({record}; via a public GitHub copy "
                    f"of the portal's records); matched by {d['match_basis']}{part}{earlier}{extra}"
                )
            else:
                out.loc[i, "location_basis"] = (
                    f"{s['location_basis']}; the IIP portal point ({record}) lies {km} away and "
                    f"was not taken: {d['basis_note']}"
                )
            alt = ""
            if math.isnan(s["area_ha"]) and d["decision"] == "match":
                # No other source states an area: the portal's listed area is the only
                # published figure, better than a nominal marker.
                out.loc[i, "area_ha"] = float(p["area_ha"])
                out.loc[i, "area_basis"] = (
                    f"area listed on the IIP portal (record updated {p['updated']}); no other "
                    "source read states one"
                )
            elif math.isnan(s["area_ha"]) or not np.isclose(
                s["area_ha"], p["area_ha"], atol=0.005
            ):
                label = "phase I on the IIP portal" if d["decision"] == "part" else "IIP portal"
                alt = f"{_area_text(p['area_ha'])} ({label}, {p['updated']})"
        out.loc[i, "area_alt"] = "; ".join(x for x in (s["area_alt"], alt) if x)
    unlinked = ~out["site_id"].isin(linked["site_id"])
    out.loc[unlinked, "location_basis"] += "; no record of the IIP portal matches the site"
    out["accuracy"] = out["location_accuracy"]
    return out


#: A commune label point this close to an added site's point, of the commune the site is named
#: after, gives the site's former district (former Ninh Bình only: the points cover no other).
NAMED_COMMUNE_KM = 3.0
#: An added site's point this close to another district's shape is flagged: the coarse
#: pre-2013 shapes may put it on the wrong side.
BORDER_KM = 1.5


def _former_district(
    p: pd.Series,
    geom: object,
    province: str,
    dist_m: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
) -> tuple[str, list[str]]:
    """Former district of an added site, with notes on how it was found.

    In order: the district the record's address names (records written before the 2025
    reform still name it); the district of the commune the site is named after, where its
    label point lies within :data:`NAMED_COMMUNE_KM`; the district shape the point falls in
    (or the nearest one).
    """
    in_prov = dist_m[dist_m["former_province"] == province]
    d_km = (in_prov.geometry.distance(geom) / 1000).sort_values()
    by_shape = str(d_km.index[0])
    named = re.search(r"\b(?:huyện|thị xã)\s+([^,]+)", p["address"], flags=re.IGNORECASE)
    if named:
        district = next((d for d in in_prov.index if fold(d) == fold(named.group(1))), "")
        if district:
            note = (
                []
                if district == by_shape
                else [
                    f"district from the record's address ({named.group(0)}); the point lies "
                    f"{d_km[district]:.1f} km from its coarse pre-2013 shape"
                ]
            )
            return district, note
    name = site_key(p["name_vi"])[1]
    same = communes[communes["key"] == name]
    if len(same):
        km = same.geometry.distance(geom) / 1000
        if km.min() <= NAMED_COMMUNE_KM:
            near = same.loc[km.idxmin()]
            district = str(near["district_name"])
            note = (
                []
                if district == by_shape
                else [
                    f"district of the commune the site is named after ({near['commune']}, label "
                    f"point {km.min():.1f} km away, tnmt-nb 2024); the coarse pre-2013 shapes put "
                    f"the point in {by_shape}"
                ]
            )
            return district, note
    notes = []
    if d_km.iloc[0] > 0:
        notes.append(
            f"point {d_km.iloc[0]:.1f} km outside the coarse pre-2013 district shapes; former "
            f"district = the nearest ({by_shape})"
        )
    elif len(d_km) > 1 and d_km.iloc[1] < BORDER_KM:
        notes.append(
            f"district from the coarse pre-2013 shape the point falls in; {d_km.index[1]} is "
            f"{d_km.iloc[1]:.1f} km away, so the district is uncertain"
        )
    return by_shape, notes


def new_sites(
    points: gpd.GeoDataFrame,
    table: pd.DataFrame,
    districts: gpd.GeoDataFrame,
    former: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
) -> pd.DataFrame:
    """Rows for the IIP records the inventory lacks (decision ``add``).

    ``communes`` holds the commune label points of the former Ninh Bình (columns ``key``:
    folded name, ``commune``, ``district_name``). The former province comes from the shipped
    polygons (the nearest one when the point falls outside); the former district as
    :func:`_former_district` says; ``status`` is the table's (empty = unknown, awaiting a
    decision). Nothing else is invented: unknown values stay empty.
    """
    pts = points.set_index("iip_code")
    pts_m = pts.to_crs(METRIC).geometry
    dist_m = districts.to_crs(METRIC).set_index("name_vi")
    prov_m = former.to_crs(METRIC).set_index("name_vi").geometry
    communes_m = communes.to_crs(METRIC)
    rows = []
    for _, d in table[table["decision"] == "add"].iterrows():
        p, geom = pts.loc[d["iip_code"]], pts_m.loc[d["iip_code"]]
        notes = []
        prov_km = prov_m.distance(geom) / 1000
        province = str(prov_km.idxmin())
        if prov_km.min() > 0:
            notes.append(
                f"point {prov_km.min():.2f} km outside the ODM former-province outline; former "
                f"province = the nearest ({province})"
            )
        district, more = _former_district(p, geom, province, dist_m, communes_m)
        notes += more
        if d["note"]:
            notes.append(d["note"])
        rows.append(
            {
                "site_id": d["site_id"],
                "name_vi": p["name_vi"],
                "kind": p["kind"],
                "former_province": province,
                "district_old": district,
                "status": d["status"],
                "area_ha": float(p["area_ha"]),
                "area_basis": f"area listed on the IIP portal (record updated {p['updated']})",
                "major": False,
                "lon": round(float(p["lon"]), 6),
                "lat": round(float(p["lat"]), 6),
                "location_accuracy": "approximate",
                "location_basis": (
                    f"IIP Vietnam portal point, unverified (record '{d['iip_code']}', updated "
                    f"{p['updated']}; via a public GitHub copy of the portal's records); the site "
                    "is not in the inventory's other sources"
                ),
                "address_2025": p["address"],
                "source": IIP_SOURCE,
                "source_url": IIP_URL,
                "source_date": p["updated"],
                "licence": IIP_LICENCE,
                "accuracy": "approximate",
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows)
