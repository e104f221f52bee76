"""Speeds by road class: the legal ceilings, the planning speeds below them, the access legs.

The legal ceilings are those of Circular 31/2019/TT-BGTVT of the Ministry of Transport (issued
29 August 2019, in force 15 October 2019) on the speed and safe distance of motor vehicles,
as read in its published text and two summaries of it (which agree on every figure below):

- **Art. 6** (inside residential areas, expressways excepted): 60 km/h on a divided road or a
  one-way road of two or more motor lanes, **50 km/h** on a two-way road or a one-way road of
  one motor lane;
- **Art. 7** (outside residential areas, expressways excepted): cars up to 30 seats and trucks
  up to 3.5 t: 90 km/h divided / **80 km/h** two-way; buses over 30 seats and trucks over
  3.5 t: 80 / **70 km/h**;
- **Art. 8**: mopeds (xe gắn máy) and special-use machines: 40 km/h;
- **Art. 9**: expressways: at most 120 km/h (the sign of each expressway rules).

The article numbers come from the order of the summaries, which list these figures under
Articles 6 to 9; they were not read in the official gazette. A successor circular under the
2024 Law on Road Traffic Order and Safety may have replaced this one from 2025: that could not
be confirmed from material read here, and the figures should be checked against it.

The **planning speeds** are a documented assumption of this package, not a measurement: the
average door-to-door speed a truck or a commuter keeps on such a road in the Red River Delta,
where national and provincial roads run through villages (Art. 6: 50 km/h) and carry mixed
traffic with motorbikes. They sit below the Art. 6 ceiling of a two-way road, hence below
every ceiling that applies. Override them per class (``speeds_kmh=``) with a survey.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ACCESS_SPEED_KMH",
    "CEILING_SOURCE",
    "SPEED_CLASSES",
    "WALKING_SPEED_KMH",
    "SpeedClass",
    "planning_speeds",
    "speed_table",
]

#: Where the legal ceilings come from.
CEILING_SOURCE = "Circular 31/2019/TT-BGTVT"
#: Two-way road inside a residential area (Art. 6), every motor vehicle.
TOWN_TWO_WAY_KMH = 50.0  # Circular 31/2019/TT-BGTVT Art. 6
#: Two-way road outside residential areas, cars up to 30 seats and trucks up to 3.5 t (Art. 7).
OPEN_TWO_WAY_CAR_KMH = 80.0  # Circular 31/2019/TT-BGTVT Art. 7
#: Two-way road outside residential areas, trucks over 3.5 t and coaches (Art. 7).
OPEN_TWO_WAY_TRUCK_KMH = 70.0  # Circular 31/2019/TT-BGTVT Art. 7
#: Mopeds (xe gắn máy), every road (Art. 8).
MOPED_KMH = 40.0  # Circular 31/2019/TT-BGTVT Art. 8
#: Expressways, the highest sign allowed (Art. 9).
EXPRESSWAY_KMH = 120.0  # Circular 31/2019/TT-BGTVT Art. 9

#: Speed on the access leg between a place and the road layer, which lacks commune roads: a
#: motorbike on a commune road, half the Art. 8 ceiling for mopeds (a planning assumption; the
#: leg is the straight line, so the detour of the real path is folded into this speed).
ACCESS_SPEED_KMH = 20.0
#: A walking access leg, for those who want one (a common planning value, an assumption).
WALKING_SPEED_KMH = 5.0


@dataclass(frozen=True)
class SpeedClass:
    """One road class: its planning speed and the legal ceiling it stays below."""

    road_class: str
    planning_kmh: float
    ceiling_kmh: float
    ceiling_basis: str
    note: str


#: Planning speeds of the road classes of the embedded road layer (its ``level`` column, and
#: ``road_class`` for layers without it) and of an expressway, by class name.
SPEED_CLASSES: dict[str, SpeedClass] = {
    c.road_class: c
    for c in (
        SpeedClass(
            "Cao tốc",
            80.0,
            EXPRESSWAY_KMH,
            "Art. 9 (expressways, up to 120 km/h as signed)",
            "expressway (CT01 is not in the embedded layer); trucks keep about 80 km/h",
        ),
        SpeedClass(
            "Quốc Gia",
            50.0,
            TOWN_TWO_WAY_KMH,
            "Art. 6 (two-way road in a residential area: 50 km/h; outside: 80 cars, 70 trucks)",
            "national road through villages and towns, mixed traffic",
        ),
        SpeedClass(
            "Asean",
            50.0,
            TOWN_TWO_WAY_KMH,
            "Art. 6 (as national roads)",
            "Asian Highway route, signed on national roads (AH1 on QL1A)",
        ),
        SpeedClass(
            "Cấp Tỉnh",
            40.0,
            TOWN_TWO_WAY_KMH,
            "Art. 6 (two-way road in a residential area: 50 km/h)",
            "provincial road, narrower, more junctions",
        ),
        SpeedClass(
            "Cấp Huyện",
            30.0,
            TOWN_TWO_WAY_KMH,
            "Art. 6 (two-way road in a residential area: 50 km/h)",
            "district road",
        ),
        SpeedClass(
            "Đường chính",
            50.0,
            TOWN_TWO_WAY_KMH,
            "Art. 6 (as national roads)",
            "main road of the LegoCity class column (national roads)",
        ),
        SpeedClass(
            "Đường thứ cấp",
            40.0,
            TOWN_TWO_WAY_KMH,
            "Art. 6 (as provincial roads)",
            "secondary road of the LegoCity class column (provincial and district roads)",
        ),
    )
}


def planning_speeds() -> dict[str, float]:
    """Return the planning speed of every known road class, in km/h.

    Examples
    --------
    >>> planning_speeds()["Quốc Gia"], planning_speeds()["Cấp Tỉnh"]
    (50.0, 40.0)
    """
    return {name: c.planning_kmh for name, c in SPEED_CLASSES.items()}


def speed_table(speeds_kmh: dict[str, float] | None = None) -> object:
    """Tabulate the speeds used, their ceilings and their basis (for the report).

    Parameters
    ----------
    speeds_kmh : dict, optional
        The speeds actually used by class (defaults where None); classes unknown here get no
        ceiling.

    Returns
    -------
    pandas.DataFrame
        ``road_class``, ``speed_kmh``, ``planning_kmh`` (the default), ``ceiling_kmh``,
        ``ceiling_basis``, ``source``, ``note``; one row for the access leg.

    Examples
    --------
    >>> t = speed_table({"Quốc Gia": 45.0})
    >>> t.set_index("road_class").loc["Quốc Gia", ["speed_kmh", "ceiling_kmh"]].tolist()
    [45.0, 50.0]
    """
    import pandas as pd

    speeds = dict(speeds_kmh or planning_speeds())
    rows = []
    for name, kmh in speeds.items():
        c = SPEED_CLASSES.get(name)
        rows.append(
            {
                "road_class": name,
                "speed_kmh": float(kmh),
                "planning_kmh": c.planning_kmh if c else float("nan"),
                "ceiling_kmh": c.ceiling_kmh if c else float("nan"),
                "ceiling_basis": c.ceiling_basis if c else "",
                "source": CEILING_SOURCE if c else "user",
                "note": c.note if c else "speed given by the user",
            }
        )
    rows.append(
        {
            "road_class": "access leg",
            "speed_kmh": ACCESS_SPEED_KMH,
            "planning_kmh": ACCESS_SPEED_KMH,
            "ceiling_kmh": MOPED_KMH,
            "ceiling_basis": "Art. 8 (mopeds: 40 km/h)",
            "source": CEILING_SOURCE,
            "note": "straight line from a place to the road at a commune-road speed",
        }
    )
    return pd.DataFrame(rows)
