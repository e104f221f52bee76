"""Every user-facing string of legends, maps and reports, in Vietnamese and English.

One place for labels: plotting and report code asks :func:`label` for a key and never writes a
label literal of its own. All strings are NFC-normalised at import. The report's strings are
kept in :mod:`ninhbinh_geo._labels_report` and merged here.
"""

from __future__ import annotations

import unicodedata

from ._labels_report import REPORT_LABELS

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
    # maps (issue 12)
    "legend.return_period": ("chu kỳ lặp lại {rp} năm", "{rp}-year return period"),
    "legend.scenario": ("kịch bản {name}", "scenario {name}"),
    "legend.zoning_outcome": (
        "Kết quả xấu nhất của mỗi khu: quy tắc quyết định (số khu)",
        "Worst result per site: the binding rule (sites)",
    ),
    "outcome.fail": ("Không đạt", "Fail"),
    "outcome.needs_review.layer": (
        "Cần xem xét – thiếu lớp bản đồ",
        "Needs review – a map layer is missing",
    ),
    "outcome.needs_review.column": (
        "Cần xem xét – thiếu thông tin của khu",
        "Needs review – a site attribute is unknown",
    ),
    "outcome.needs_review.sites": (
        "Cần xem xét – thiếu số liệu các CCN khác",
        "Needs review – data on the other clusters missing",
    ),
    "outcome.needs_review.position": (
        "Cần xem xét – vị trí hoặc ranh giới chưa đủ chính xác",
        "Needs review – position or outline not exact enough",
    ),
    "outcome.needs_review.hazard": (
        "Cần xem xét – chưa có bản đồ ngập thực tế",
        "Needs review – no real hazard map",
    ),
    "outcome.needs_review.review": (
        "Cần xem xét từng trường hợp",
        "Needs a case-by-case review",
    ),
    "outcome.pass": ("Đạt", "Pass"),
    "outcome.not_applicable": ("Không áp dụng", "Not applicable"),
    "map.illustrative_location": (
        "vị trí minh họa theo huyện",
        "illustrative location by district",
    ),
    "map.illustrative_location_legend": (
        "Ký hiệu rỗng, viền đứt: vị trí minh họa theo huyện ({n})",
        "Hollow, dashed symbol: illustrative location by district ({n})",
    ),
    "map.rounded_to": ("{accuracy}, làm tròn {step} km", "{accuracy}, rounded to {step} km"),
    "map.binding_rule": ("Quy tắc quyết định", "Binding rule"),
    "map.binding_margin": ("Cách ngưỡng", "Margin"),
    "map.missing_input": ("Cần dữ liệu để quyết định", "Would be decided by"),
    "map.other_rules": (
        "{n} quy tắc khác: đạt hoặc không áp dụng",
        "{n} other rules: pass or not applicable",
    ),
    "map.credits": ("Nguồn dữ liệu", "Data"),
    "map.basemap": ("Nền bản đồ", "Basemap"),
    "map.scenario": ("Kịch bản", "Scenario"),
    "map.no_scenario": ("không có ở kịch bản này", "none in this scenario"),
    "col.outcome": ("Kết quả của khu", "Site outcome"),
    "col.address_2025": ("Địa chỉ (2025)", "Address (2025)"),
    "map.legend": ("Chú giải", "Legend"),
    # risk (issue 13)
    "layer.flood_cut_roads": (
        "Đoạn đường ngập làm đứt liên kết CCN – KCN",
        "Flooded road segments cutting cluster–park links",
    ),
    "col.links_cut": ("Số liên kết bị cắt", "Links cut"),
    "col.links_cut_alone": (
        "Số liên kết bị cắt khi chỉ đóng đoạn này",
        "Links cut by this segment alone",
    ),
    "col.closed_rp": (
        "Chu kỳ lặp nhỏ nhất gây đóng đường (năm)",
        "Most frequent return period closing it (years)",
    ),
    "col.damage_eur": ("Thiệt hại (EUR giá 2010)", "Damage (EUR, 2010 prices)"),
    "col.ead_damage_eur": (
        "Thiệt hại kỳ vọng hằng năm (EUR giá 2010/năm)",
        "Expected annual damage (EUR, 2010 prices, per year)",
    ),
    "col.ead_method": ("Phương pháp tích phân theo chu kỳ lặp", "Integration over return periods"),
    "col.rare_tail": ("Giả định ngoài chu kỳ lặp lớn nhất", "Assumption beyond the rarest map"),
    "col.protection_rp": ("Tiêu chuẩn phòng lũ (năm)", "Flood protection standard (years)"),
    "col.road_km_dry": ("Khoảng cách đường bộ khi không ngập (km)", "Road distance, no flood (km)"),
    "col.first_cut_rp": (
        "Chu kỳ lặp nhỏ nhất làm đứt liên kết (năm)",
        "Most frequent return period cutting the link (years)",
    ),
    "col.cut_annual_p": (
        "Xác suất liên kết bị cắt hằng năm",
        "Annual probability of the link being cut",
    ),
    "ead_method.trapezoid": (
        "hình thang (tuyến tính theo xác suất)",
        "trapezoid (linear in probability)",
    ),
    "ead_method.step": (
        "bậc thang (công cụ CCDR của Ngân hàng Thế giới)",
        "step (World Bank CCDR tools)",
    ),
    "ead_method.loglinear": (
        "tuyến tính theo log xác suất (Delft-FIAT)",
        "log-linear in probability (Delft-FIAT)",
    ),
    "report.damage": (
        "Thiệt hại do ngập theo CCN và chu kỳ lặp",
        "Flood damage by cluster and return period",
    ),
    "report.damage_totals": (
        "Tổng thiệt hại do ngập theo chu kỳ lặp",
        "Total flood damage by return period",
    ),
    "report.ead_methods": (
        "Giá trị kỳ vọng hằng năm theo từng phương pháp tích phân",
        "Expected annual values by integration method",
    ),
    "report.flood_cut": (
        "Liên kết đường bộ CCN – KCN bị ngập cắt",
        "Cluster–park road links cut by floods",
    ),
    "report.flood_cut_summary": (
        "Đường bị đóng do ngập theo chu kỳ lặp",
        "Roads closed by floods, by return period",
    ),
    "layer.sea_level_zones": (
        "Ngập do nước biển dâng và vùng trũng không thông ra biển",
        "Sea-level flooding and low land cut off from the sea",
    ),
    "inundation_class.flooded": ("Ngập (thông ra biển)", "Flooded (joined to the sea)"),
    "inundation_class.low_unconnected": (
        "Thấp hơn mực nước nhưng không thông ra biển",
        "Below the water level but cut off from the sea",
    ),
    "col.inundation_class": ("Loại", "Class"),
    "col.p_inundated": ("Xác suất bị ngập", "Probability of inundation"),
    "col.datum_offset_m": (
        "Chênh lệch hệ cao độ (m, mốc Hòn Dấu trong hệ của DEM)",
        "Datum offset (m, Hòn Dấu zero in the DEM's datum)",
    ),
    "report.slr_probability": (
        "Xác suất ngập do nước biển dâng theo sai số cao độ của DEM",
        "Probability of sea-level inundation over the DEM's vertical error",
    ),
    "col.sector": ("Ngành (đường cong thiệt hại)", "Sector (damage curve)"),
    "col.curve_id": ("Đường cong", "Curve"),
    "col.damage_factor": ("Hệ số thiệt hại", "Damage factor"),
    "col.asset_value_eur": ("Giá trị tài sản (EUR giá 2010)", "Asset value (EUR, 2010 prices)"),
    "col.value_basis": ("Cách tính giá trị", "Value basis"),
    "col.currency": ("Tiền tệ", "Currency"),
    "col.price_year": ("Năm giá", "Price year"),
    "col.cost_per_m2": ("Đơn giá xây dựng (/m²)", "Construction cost (per m²)"),
    "col.built_share": ("Tỷ lệ diện tích xây dựng (giả định)", "Built share (assumed)"),
    "col.damage_reason": ("Lý do thiếu thiệt hại", "Why no damage"),
    "col.return_periods": ("Các chu kỳ lặp (năm)", "Return periods (years)"),
    "col.ead_reason": ("Lý do thiếu giá trị", "Why no value"),
    "col.total": ("Tổng", "Total"),
    "col.ratio_to_chosen": ("Tỷ lệ so với phương pháp chọn", "Ratio to the chosen method"),
    "col.chosen": ("Phương pháp chọn", "Chosen"),
    "col.sites_damaged": ("Số CCN bị thiệt hại", "Clusters damaged"),
    "col.closed_edges": ("Số đoạn đường bị đóng", "Road segments closed"),
    "col.closed_km": ("Chiều dài đường bị đóng (km)", "Length of road closed (km)"),
    "col.links_measured": ("Số liên kết đo được khi không ngập", "Links measured without flood"),
    "col.clusters_isolated": (
        "Số CCN bị cô lập khỏi mọi KCN lớn",
        "Clusters cut off from every hub",
    ),
    "col.close_m": ("Ngưỡng đóng đường (m nước)", "Road closed above (m of water)"),
    "col.flood_hub_id": ("KCN lớn của liên kết", "Hub of the link"),
    "col.flood_reason": ("Lý do không tính", "Why not measured"),
    "warn.damage_assumptions": (
        "Thiệt hại tính bằng đường cong độ sâu – thiệt hại JRC (châu Á) và đơn giá xây dựng JRC "
        "của Việt Nam trên tỷ lệ diện tích xây dựng giả định (--damage-sector)",
        "Damage uses the JRC depth–damage curve (Asia) and the JRC construction cost of Viet Nam "
        "over an assumed built share of the area (--damage-sector)",
    ),
    # access and siting (issue 14)
    "layer.service_areas": (
        "Vùng phục vụ theo thời gian di chuyển từ KCN hạt nhân",
        "Service areas by travel time from the hubs",
    ),
    "layer.candidate_sites": ("Địa điểm ứng viên cho CCN mới", "Candidate sites for new clusters"),
    "col.minutes": ("Thời gian di chuyển (phút)", "Travel time (min)"),
    "col.travel_min": (
        "Thời gian đến KCN hạt nhân gần nhất (phút)",
        "Travel time to the nearest hub (min)",
    ),
    "col.travel_park": ("KCN hạt nhân gần nhất theo thời gian", "Nearest hub by travel time"),
    "col.area_km2": ("Diện tích (km²)", "Area (km²)"),
    "col.clusters_within": ("Số CCN trong vùng", "Clusters within"),
    "col.score": ("Điểm phù hợp (0–1)", "Suitability score (0–1)"),
    "col.stay_share": (
        "Tỷ lệ giữ hạng khi trọng số ±20 %",
        "Share of ±20 % weight scenarios kept",
    ),
    "col.people_30min_2000": ("Dân số trong 30 phút (2000)", "People within 30 min (2000)"),
    "col.people_30min_2020": ("Dân số trong 30 phút (2020)", "People within 30 min (2020)"),
    "col.people_30min_change": ("Thay đổi 2000–2020", "Change 2000–2020"),
    "col.people_30min_change_pct": ("Thay đổi 2000–2020 (%)", "Change 2000–2020 (%)"),
    "col.access_gravity": ("Chỉ số hấp dẫn (gravity)", "Gravity index"),
    "col.access_2sfca": ("Chỉ số 2SFCA", "2SFCA index"),
    "col.access_e2sfca": ("Chỉ số E2SFCA", "Enhanced 2SFCA index"),
    "col.access_bfca": ("Chỉ số FCA cân bằng", "Balanced FCA index"),
    "col.speed_kmh": ("Tốc độ (km/h)", "Speed (km/h)"),
    "col.ceiling_kmh": ("Tốc độ tối đa theo luật (km/h)", "Legal ceiling (km/h)"),
    "title.traveltime": (
        "Mạng lưới vệ tinh theo thời gian di chuyển",
        "The satellite network by travel time",
    ),
    "warn.illustrative_candidates": (
        "Các địa điểm ứng viên cho CCN mới là MINH HỌA: chúng dựa trên lớp ngập minh họa "
        "và ranh giới CCN/KCN minh họa; chỉ dùng để thử quy trình",
        "The candidate sites for new clusters are ILLUSTRATIVE: they rest on the illustrative "
        "flood layer and illustrative site outlines; use them only to try the method",
    ),
    "warn.access_left_out": (
        "Chỉ số tiếp cận: bỏ qua các KCN hạt nhân không có số liệu cung ({ids})",
        "Access indices: hubs without a supply figure are left out ({ids})",
    ),
    "warn.population_unreached": (
        "{share} dân số năm 2020 của tỉnh sống xa hơn {km} km so với lớp đường (chỉ có quốc lộ "
        "và tỉnh lộ) nên không được tính vào dân số trong tầm với",
        "{share} of the province's 2020 population lives farther than {km} km from the road "
        "layer (national and provincial roads only) and is counted in no catchment",
    ),
    "legend.within_min": ("trong {m} phút", "within {m} min"),
    "legend.over_min": ("trên {m} phút", "over {m} min"),
    "legend.min_range": ("{lo}–{hi} phút", "{lo}–{hi} min"),
    "report.population_credit": (
        "Dân số: WorldPop (www.worldpop.org), CC BY 4.0",
        "Population: WorldPop (www.worldpop.org), CC BY 4.0",
    ),
    # deliverables (issue 15)
    "scenario.return_period": ("Lũ chu kỳ {n} năm", "{n}-year flood"),
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

# the report's own strings live in _labels_report; a key is defined in one place only
LABELS: dict[str, dict[str, str]] = {
    key: {"vi": unicodedata.normalize("NFC", vi), "en": unicodedata.normalize("NFC", en)}
    for key, (vi, en) in {**_RAW, **REPORT_LABELS}.items()
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
