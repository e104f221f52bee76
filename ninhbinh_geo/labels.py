"""Every user-facing string of legends, maps and reports, in Vietnamese and English.

One place for labels: plotting and report code asks :func:`label` for a key and never writes a
label literal of its own. All strings are NFC-normalised at import.
"""

from __future__ import annotations

import unicodedata

__all__ = ["LABELS", "LANGS", "label"]

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
    "layer.protected_areas": (
        "Di sản và khu bảo tồn được quốc tế công nhận",
        "Internationally designated heritage and protected areas",
    ),
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
    "col.ead_ha": (
        "Diện tích ngập kỳ vọng hằng năm (ha/năm)",
        "Expected annual exposed area (ha/yr)",
    ),
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
    "col.site_id": ("Mã", "ID"),
    "col.park_name": ("KCN", "Park"),
    "col.rank": ("Thứ tự gần", "Rank by distance"),
    "col.hazard": ("Loại nguy cơ", "Hazard"),
    "col.return_period": ("Chu kỳ lặp lại (năm)", "Return period (years)"),
    "col.depth_m": ("Độ sâu ngập (m)", "Flood depth (m)"),
    "col.depth_class": ("Cấp độ sâu ngập", "Depth class"),
    "col.coverage_share": ("Tỷ lệ diện tích có dữ liệu", "Share of area with data"),
    "col.zone_share": ("Tỷ lệ diện tích trong vùng", "Share of area in zone"),
    "col.zone_ha": ("Diện tích trong vùng (ha)", "Area in zone (ha)"),
    "col.major": ("KCN lớn", "Major park"),
    "col.jobs": ("Lao động", "Jobs"),
    "col.projects": ("Dự án", "Projects"),
    "col.status_year": ("Năm", "Year"),
    "col.communes": ("Xã", "Communes"),
    "col.expansion_ha": ("Diện tích mở rộng (ha)", "Proposed extension (ha)"),
    "col.unit": ("Đơn vị", "Unit"),
    "col.statement": ("Nhận định", "Finding"),
    "col.location_accuracy": ("Độ chính xác vị trí", "Location accuracy"),
    "col.footprint_accuracy": ("Độ chính xác ranh giới", "Outline accuracy"),
    "col.source_date": ("Ngày nguồn", "Source date"),
    "col.source_url": ("Đường dẫn nguồn", "Source URL"),
    "col.licence": ("Giấy phép", "Licence"),
    "col.satellite_rank": ("Thứ tự vệ tinh", "Satellite rank"),
    "col.straight_km_points": ("Khoảng cách giữa hai tâm (km)", "Distance between centres (km)"),
    "col.occupancy_basis": ("Cơ sở tính tỷ lệ lấp đầy", "Occupancy basis"),
    "col.road_reason": ("Ghi chú khoảng cách đường bộ", "Road distance note"),
    "col.road_min": ("Thời gian đi đường (phút)", "Travel time (min)"),
    "col.road_park": ("KCN theo đường bộ", "Park by road"),
    "col.road_km_to_nearest": (
        "Khoảng cách đường bộ tới KCN lớn gần nhất (km)",
        "Road distance to the nearest major park (km)",
    ),
    "col.road_reason_to_nearest": (
        "Ghi chú khoảng cách đường bộ tới KCN lớn gần nhất",
        "Note on the road distance to the nearest major park",
    ),
    "col.road_min_to_nearest": (
        "Thời gian đi đường tới KCN lớn gần nhất (phút)",
        "Travel time to the nearest major park (min)",
    ),
    "col.road_straight_km": (
        "Khoảng cách đường chim bay giữa hai điểm (km)",
        "Straight line between the two points (km)",
    ),
    "col.park_snap_m": ("Khoảng cách từ KCN tới đường (m)", "Distance from the park to a road (m)"),
    "col.max_snap_m": (
        "Đoạn tiếp cận tối đa ngoài lớp đường bộ (m)",
        "Longest access leg allowed off the road layer (m)",
    ),
    "col.straight_basis": ("Cách đo đường chim bay", "Straight-line basis"),
    "col.distance_accuracy": ("Độ chính xác khoảng cách", "Distance accuracy"),
    "col.distance_precision_km": ("Độ chính xác làm tròn (km)", "Rounded to (km)"),
    "col.road_accuracy": ("Độ chính xác khoảng cách đường bộ", "Road distance accuracy"),
    "col.road_precision_km": (
        "Độ chính xác làm tròn khoảng cách đường bộ (km)",
        "Road distance rounded to (km)",
    ),
    "straight_basis.edges": ("giữa hai ranh giới", "edge to edge"),
    "straight_basis.points": ("giữa hai điểm vị trí", "between location points"),
    # why a road distance is missing (values of road_reason)
    "road_reason.site_far": (
        "CCN cách lớp đường bộ xa hơn đoạn tiếp cận cho phép",
        "The site lies farther from the road layer than the access leg allowed",
    ),
    "road_reason.park_far": (
        "KCN cách lớp đường bộ xa hơn đoạn tiếp cận cho phép",
        "The park lies farther from the road layer than the access leg allowed",
    ),
    "road_reason.other_piece": (
        "CCN và KCN nằm trên hai phần rời nhau của mạng đường bộ",
        "Site and park lie on separate pieces of the road network",
    ),
    "road_reason.no_route": (
        "Không có tuyến đường bộ nối CCN với KCN trên các đoạn đường còn thông",
        "No route joins the site and the park on the roads left open",
    ),
    "road_reason.no_hub_reached": (
        "Không tới được KCN lớn nào bằng đường bộ; KCN ghi là KCN gần nhất theo đường chim bay",
        "No major park can be reached by road; the park shown is the nearest in a straight line",
    ),
    "road_reason.other_park": (
        "Khoảng cách đường bộ được đo tới một KCN khác",
        "The road distance was measured to another park",
    ),
    "col.worst_result": ("Kết quả xấu nhất", "Worst result"),
    "col.severity": ("Mức độ", "Severity"),
    "col.reason": ("Lý do", "Reason"),
    "col.layer": ("Lớp dữ liệu", "Layer"),
    "col.rows": ("Số dòng", "Rows"),
    "map.worst_result": ("Kết quả xấu nhất", "Worst result"),
    "map.more_sources": ("và {n} nguồn khác", "and {n} more"),
    "map.exposure_worst": ("lớn nhất theo các kịch bản", "largest across scenarios"),
    "map.zoning_worst": ("xấu nhất của mỗi khu", "worst per site"),
    "map.crs": ("Hệ tọa độ", "Coordinate system"),
    "map.not_drawn": (
        "{n} đối tượng không có vị trí nên không được vẽ: {ids}",
        "{n} features have no location and are not drawn: {ids}",
    ),
    # categories
    "status.planned": ("Quy hoạch", "Planned"),
    "status.established": ("Đã thành lập", "Established"),
    "status.operating": ("Đang hoạt động", "Operating"),
    "status.suspended": ("Tạm dừng", "Suspended"),
    "status.ceased": ("Ngừng hoạt động", "Ceased"),
    "result.pass": ("Đạt", "Pass"),
    "result.fail": ("Không đạt", "Fail"),
    "result.needs_review": ("Cần xem xét", "Needs review"),
    "result.not_applicable": ("Không áp dụng", "Not applicable"),
    "designation.world_heritage": ("Di sản thế giới (UNESCO)", "World Heritage (UNESCO)"),
    "designation.ramsar": ("Khu Ramsar (đất ngập nước)", "Ramsar site (wetland)"),
    "designation.biosphere_reserve": (
        "Khu dự trữ sinh quyển (UNESCO MAB)",
        "Biosphere reserve (UNESCO MAB)",
    ),
    # zoning margins ({value} and {threshold} come formatted, {unit} is the rule's unit)
    "margin.above": (
        "{value} {unit} trên ngưỡng {threshold} {unit}",
        "{value} {unit} above {threshold} {unit}",
    ),
    "margin.below": (
        "{value} {unit} dưới ngưỡng {threshold} {unit}",
        "{value} {unit} below {threshold} {unit}",
    ),
    "margin.at": ("đúng ngưỡng {threshold} {unit}", "exactly at {threshold} {unit}"),
    "margin.inside": ("{value} {unit} bên trong khu vực", "{value} {unit} inside the area"),
    "margin.outside": ("cách khu vực {value} {unit}", "{value} {unit} outside the area"),
    "margin.not_met": ("chưa đáp ứng điều kiện", "condition not met"),
    "margin.met": ("đáp ứng điều kiện", "condition met"),
    "margin.overlap": ("chồng lấn {value} {unit}", "{value} {unit} overlap"),
    "margin.no_overlap": ("không chồng lấn", "no overlap"),
    # what would decide an undecided zoning finding (zoning.missing_data)
    "missing.column": ("chưa có dữ liệu {what}", "{what} unknown"),
    "missing.layer": ("thiếu lớp {what}", "{what} layer absent"),
    "missing.zones": (
        "lớp {what} thiếu ranh giới phân vùng mà quy tắc cần",
        "{what} layer lacks the zone polygons the rule needs",
    ),
    "missing.position.approximate": (
        "vị trí khu đất (điểm vị trí gần đúng)",
        "site position (approximate location)",
    ),
    "missing.position.illustrative": (
        "vị trí khu đất (điểm vị trí minh họa)",
        "site position (illustrative location)",
    ),
    "missing.position.surveyed": (
        "ranh giới khu đất (chỉ biết điểm vị trí)",
        "site outline (only its point is known)",
    ),
    "missing.position.digitized": (
        "ranh giới khu đất (chỉ biết điểm vị trí)",
        "site outline (only its point is known)",
    ),
    "missing.footprint": ("ranh giới khu đất", "site footprint"),
    "missing.footprint.illustrative": (
        "ranh giới thực của khu đất (ranh giới đang dùng là minh họa)",
        "a real footprint (the one drawn is illustrative)",
    ),
    "missing.footprint.approximate": (
        "ranh giới chính xác của khu đất",
        "an exact footprint (the one drawn is approximate)",
    ),
    "missing.hazard.illustrative": (
        "bản đồ ngập thực tế (lớp đang dùng là minh họa)",
        "a real hazard map (the one used is illustrative)",
    ),
    "missing.hazard.coverage": (
        "lớp nguy cơ phủ toàn bộ khu đất",
        "a hazard raster covering the whole site",
    ),
    "missing.exposure.row": (
        "giá trị phơi nhiễm cho loại nguy cơ của quy tắc",
        "an exposure value for the rule's hazard",
    ),
    "missing.sites.existing": (
        "số liệu các CCN hiện có của cùng đơn vị",
        "the existing clusters of the same unit",
    ),
    "missing.review.rule": (
        "xem xét từng trường hợp (quy tắc yêu cầu khi vi phạm)",
        "a case-by-case review (the rule asks for one when violated)",
    ),
    "missing.source.U": (
        "căn cứ pháp lý đã xác minh (quy tắc trạng thái U)",
        "a verified legal source (the rule's status is U)",
    ),
    "missing.unknown": ("không rõ", "unknown"),
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
    "warn.no_annual_exposure": (
        "Không tính diện tích ngập kỳ vọng hằng năm: cần ít nhất hai chu kỳ lặp lại, ở đây có "
        "{n} ({periods} năm)",
        "No expected annual exposure: it needs at least two return periods, and {n} was given "
        "({periods} years)",
    ),
    # report
    "report.generated": ("Lập bởi ninhbinh_geo", "Generated by ninhbinh_geo"),
    "report.toc": ("Mục lục", "Contents"),
    "report.facts": (
        "Số liệu chính thức của tỉnh (cuối năm 2024)",
        "Official provincial figures (end of 2024)",
    ),
    "report.coverage": (
        "Mức bao phủ của danh mục so với số liệu chính thức",
        "Inventory coverage against the official figures",
    ),
    "report.efficiency": ("Hiệu quả sử dụng đất", "Land-use efficiency"),
    "report.efficiency_district": ("Hiệu quả theo huyện cũ", "Efficiency by former district"),
    "report.efficiency_sites": ("Chỉ tiêu theo từng CCN", "Indicators per cluster"),
    "report.proximity": (
        "Mạng lưới vệ tinh và khoảng cách tới KCN lớn",
        "Satellite network and distances to the major parks",
    ),
    "report.network": ("Mạng lưới đường bộ", "Road network"),
    "report.exposure": (
        "Phơi nhiễm ngập lụt và nước biển dâng",
        "Flood and sea-level-rise exposure",
    ),
    "report.ead": ("Diện tích ngập kỳ vọng hằng năm", "Expected annual exposed area"),
    "report.findings": ("Kết quả rà soát quy hoạch theo quy tắc", "Zoning-review findings by rule"),
    "report.findings_summary": ("Tổng hợp kết quả rà soát", "Summary of the findings"),
    "report.rules": ("Quy tắc và căn cứ pháp lý", "Rules and their legal sources"),
    "report.maps": ("Bản đồ", "Maps"),
    "report.sources": (
        "Nguồn dữ liệu, giấy phép và độ chính xác",
        "Data sources, licences and accuracy",
    ),
    "report.warnings": ("Cảnh báo", "Warnings"),
    "report.how_real_hazard": (
        "Để dùng dữ liệu thực, chạy: ninhbinh-geo review --hazard <độ sâu ngập.tif> "
        "--dem <DEM.tif> --slr-cm 100",
        "To use real data, run: ninhbinh-geo review --hazard <depth.tif> --dem <DEM.tif> "
        "--slr-cm 100",
    ),
    "report.status_legend": (
        "Mức xác nhận: C = đã xác nhận điều khoản; P = xác nhận một phần; S = nguồn thứ cấp; "
        "U = chưa kiểm chứng",
        "Confirmation status: C = article confirmed; P = partly confirmed; S = secondary source; "
        "U = unverified",
    ),
    "report.no_rows": ("Không có dòng nào.", "No rows."),
    "report.qualifier.at_least": ("hơn", "more than"),
    "report.qualifier.approx": ("khoảng", "about"),
    "report.qualifier.exact": ("", ""),
    # titles
    "title.overview": (
        "Tổng quan KCN và CCN tỉnh Ninh Bình",
        "Ninh Bình parks and clusters: overview",
    ),
    "title.efficiency": ("Hiệu quả sử dụng đất CCN", "Land-use efficiency of clusters"),
    "title.satellite": (
        "Mạng lưới CCN vệ tinh quanh KCN lớn",
        "Satellite clusters around major parks",
    ),
    "title.exposure": ("Phơi nhiễm ngập lụt của CCN", "Flood exposure of clusters"),
    "title.zoning": ("Rà soát quy hoạch CCN", "Zoning review of clusters"),
    "title.report": (
        "Báo cáo rà soát KCN/CCN tỉnh Ninh Bình",
        "Ninh Bình parks and clusters review",
    ),
    # deliverables (issue 15)
    "scenario.return_period": ("Lũ chu kỳ {n} năm", "{n}-year flood"),
    "scenario.slr": ("Nước biển dâng {n} cm", "Sea-level rise {n} cm"),
    "theme.overview": ("Tổng quan (không kịch bản ngập)", "Overview (no flood scenario)"),
    "layout.a3": ("Bản đồ A3", "A3 map"),
    "layout.legend": ("Chú giải", "Legend"),
    "layout.made_with": ("Lập bằng {tool} {version}, {date}", "Made with {tool} {version}, {date}"),
    "diff.title": ("Thay đổi so với lần rà soát trước", "What changed since the last review"),
    "diff.cause.input_value": ("Số liệu đầu vào thay đổi", "Input value changed"),
    "diff.cause.rule_threshold": ("Ngưỡng của quy tắc thay đổi", "Rule threshold changed"),
    "diff.cause.rule_text": ("Lời văn của quy tắc thay đổi", "Rule wording changed"),
    "diff.cause.rule_definition": (
        "Nội dung quy tắc thay đổi (phép so sánh, tham số, căn cứ)",
        "Rule definition changed (comparison, parameters, legal source)",
    ),
    "diff.cause.effective_date": ("Ngày hiệu lực thay đổi", "Effective date changed"),
    "diff.cause.rule_added": ("Quy tắc mới", "Rule added"),
    "diff.cause.rule_removed": ("Quy tắc bị bỏ", "Rule removed"),
    "diff.cause.site_added": ("Khu mới", "Site added"),
    "diff.cause.site_removed": ("Khu bị bỏ", "Site removed"),
    "diff.cause.unexplained": (
        "Kết quả thay đổi, không rõ nguyên nhân trong số liệu đã lưu",
        "Outcome changed; no stored input or rule explains it",
    ),
    "diff.outcome_changed": ("Kết quả thay đổi", "Outcome changed"),
    "diff.none": ("Không có thay đổi.", "No changes."),
    "diff.summary": (
        "{n_changed} kết quả thay đổi ở {n_sites} khu; {n_rules} quy tắc thay đổi.",
        "{n_changed} outcomes changed at {n_sites} sites; {n_rules} rules changed.",
    ),
    "diff.rules": ("Quy tắc thay đổi", "Rules that changed"),
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
