"""Every user-facing string of legends, maps and reports, in Vietnamese and English.

One place for labels: plotting and report code asks :func:`label` for a key and never writes a
label literal of its own. All strings are NFC-normalised at import.
"""

from __future__ import annotations

import unicodedata

__all__ = ["LANGS", "LABELS", "label"]

LANGS = ("vi", "en")

_RAW: dict[str, tuple[str, str]] = {
    # layers
    "layer.province": ("Tỉnh Ninh Bình (2025)", "Ninh Bình province (2025)"),
    "layer.former_provinces": ("Tỉnh cũ (trước 2025)", "Former provinces (before 2025)"),
    "layer.districts": ("Huyện cũ (trước 2025)", "Former districts (before 2025)"),
    "layer.coastline": ("Đường bờ biển", "Coastline"),
    "layer.parks": ("Khu công nghiệp (KCN)", "Industrial parks (KCN)"),
    "layer.major_parks": ("KCN lớn (hạt nhân mạng vệ tinh)", "Major parks (satellite hubs)"),
    "layer.clusters": ("Cụm công nghiệp (CCN)", "Industrial clusters (CCN)"),
    "layer.satellite_links": ("Liên kết vệ tinh CCN – KCN", "Satellite links CCN – KCN"),
    "layer.roads": ("Đường giao thông", "Roads"),
    "layer.exposure": ("Phơi nhiễm ngập lụt", "Flood exposure"),
    "layer.hazard": ("Vùng nguy cơ ngập", "Flood hazard zones"),
    "layer.zoning_findings": ("Kết quả rà soát quy hoạch", "Zoning-review findings"),
    # indicators and columns
    "col.name_vi": ("Tên", "Name"),
    "col.kind": ("Loại", "Kind"),
    "col.status": ("Tình trạng", "Status"),
    "col.area_ha": ("Diện tích (ha)", "Area (ha)"),
    "col.occupancy_pct": ("Tỷ lệ lấp đầy (%)", "Occupancy (%)"),
    "col.jobs_per_ha": ("Lao động/ha", "Jobs per ha"),
    "col.projects_per_ha": ("Dự án/ha", "Projects per ha"),
    "col.nearest_park": ("KCN lớn gần nhất", "Nearest major park"),
    "col.straight_km": ("Khoảng cách đường chim bay (km)", "Straight-line distance (km)"),
    "col.road_km": ("Khoảng cách theo đường bộ (km)", "Road distance (km)"),
    "col.detour_ratio": ("Hệ số đường vòng", "Detour ratio"),
    "col.snap_m": ("Khoảng cách tới đường (m)", "Distance to road (m)"),
    "col.is_satellite": ("CCN vệ tinh", "Satellite cluster"),
    "col.exposed_share": ("Tỷ lệ diện tích bị ngập", "Share of area flooded"),
    "col.exposed_ha": ("Diện tích bị ngập (ha)", "Flooded area (ha)"),
    "col.ead_ha": ("Diện tích ngập kỳ vọng hằng năm (ha/năm)", "Expected annual exposed area (ha/yr)"),
    "col.max_depth_m": ("Độ sâu ngập lớn nhất (m)", "Maximum depth (m)"),
    "col.mean_depth_m": ("Độ sâu ngập trung bình (m)", "Mean depth (m)"),
    "col.result": ("Kết quả", "Result"),
    "col.rule_id": ("Mã quy tắc", "Rule"),
    "col.measured": ("Giá trị đo", "Measured"),
    "col.threshold": ("Ngưỡng", "Threshold"),
    "col.legal_source": ("Căn cứ pháp lý", "Legal source"),
    "col.source_status": ("Mức xác nhận", "Confirmation status"),
    "col.source": ("Nguồn", "Source"),
    "col.accuracy": ("Độ chính xác", "Accuracy"),
    "col.former_province": ("Tỉnh cũ", "Former province"),
    "col.district_old": ("Huyện cũ", "Former district"),
    # categories
    "status.planned": ("Quy hoạch", "Planned"),
    "status.established": ("Đã thành lập", "Established"),
    "status.operating": ("Đang hoạt động", "Operating"),
    "result.pass": ("Đạt", "Pass"),
    "result.fail": ("Không đạt", "Fail"),
    "result.needs_review": ("Cần xem xét", "Needs review"),
    "result.not_applicable": ("Không áp dụng", "Not applicable"),
    "accuracy.surveyed": ("Đo đạc", "Surveyed"),
    "accuracy.digitized": ("Số hóa", "Digitized"),
    "accuracy.approximate": ("Gần đúng", "Approximate"),
    "accuracy.illustrative": ("Minh họa", "Illustrative"),
    "kind.KCN": ("Khu công nghiệp", "Industrial park"),
    "kind.CCN": ("Cụm công nghiệp", "Industrial cluster"),
    "bool.true": ("Có", "Yes"),
    "bool.false": ("Không", "No"),
    "nodata": ("Không có dữ liệu", "No data"),
    # map furniture and warnings
    "map.north": ("B", "N"),
    "map.scale_km": ("km", "km"),
    "map.sources": ("Nguồn", "Sources"),
    "warn.illustrative": (
        "MINH HỌA – không phải số liệu đo đạc",
        "ILLUSTRATIVE – not measured data",
    ),
    "warn.illustrative_footprint": (
        "Ranh giới CCN/KCN là hình minh họa theo diện tích công bố quanh vị trí gần đúng",
        "Cluster and park outlines are illustrative: the published area drawn around an "
        "approximate location",
    ),
    "warn.illustrative_hazard": (
        "Lớp nguy cơ ngập là MINH HỌA, suy ra từ bờ biển và sông; hãy dùng bản đồ ngập thực tế",
        "The hazard layer is ILLUSTRATIVE, derived from coastline and rivers; use a real flood map",
    ),
    # titles
    "title.overview": ("Tổng quan KCN và CCN tỉnh Ninh Bình", "Ninh Bình parks and clusters: overview"),
    "title.efficiency": ("Hiệu quả sử dụng đất CCN", "Land-use efficiency of clusters"),
    "title.satellite": ("Mạng lưới CCN vệ tinh quanh KCN lớn", "Satellite clusters around major parks"),
    "title.exposure": ("Phơi nhiễm ngập lụt của CCN", "Flood exposure of clusters"),
    "title.zoning": ("Rà soát quy hoạch CCN", "Zoning review of clusters"),
    "title.report": ("Báo cáo rà soát KCN/CCN tỉnh Ninh Bình", "Ninh Bình parks and clusters review"),
}

LABELS: dict[str, dict[str, str]] = {
    key: {"vi": unicodedata.normalize("NFC", vi), "en": unicodedata.normalize("NFC", en)}
    for key, (vi, en) in _RAW.items()
}


def label(key: str, lang: str = "vi") -> str:
    """Return the label for ``key`` in ``lang``.

    Parameters
    ----------
    key : str
        A key of :data:`LABELS`, e.g. ``"col.area_ha"`` or ``"status.operating"``.
    lang : {"vi", "en"}, default "vi"
        Language of the label.

    Returns
    -------
    str
        The NFC-normalised label.

    Raises
    ------
    KeyError
        When ``key`` is unknown or ``lang`` is not ``"vi"`` or ``"en"``.

    Examples
    --------
    >>> label("status.operating")
    'Đang hoạt động'
    >>> label("status.operating", "en")
    'Operating'
    """
    if lang not in LANGS:
        raise KeyError(f"Unknown language {lang!r}; use one of {LANGS}.")
    try:
        return LABELS[key][lang]
    except KeyError:
        raise KeyError(f"No label {key!r}; add it to ninhbinh_geo/labels.py.") from None
