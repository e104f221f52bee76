"""The report's strings (Vietnamese, English), merged into :data:`ninhbinh_geo.labels.LABELS`.

Kept apart from the labels of maps and legends so that each stays a readable size; read them
only through :func:`ninhbinh_geo.labels.label`. ``{name}`` fields are filled by the report with
numbers already formatted (:mod:`ninhbinh_geo.formatting`).
"""

from __future__ import annotations

__all__ = ["REPORT_LABELS"]

REPORT_LABELS: dict[str, tuple[str, str]] = {
    # sections and their parts
    "report.summary": ("Tóm tắt", "Summary"),
    "report.notes": ("Ghi chú và giả định", "Notes and assumptions"),
    "report.next": ("Việc cần làm tiếp", "What to do next"),
    "report.zoning": ("Rà soát quy hoạch", "Zoning review"),
    "report.other": ("Các bảng khác", "Other tables"),
    "report.question_title": ("Câu hỏi rà soát", "The question"),
    "report.question": (
        "Các cụm công nghiệp (CCN) của tỉnh Ninh Bình mới sử dụng đất ra sao, cách các khu công "
        "nghiệp (KCN) hạt nhân bao xa theo đường chim bay và theo đường bộ, chịu ngập lụt đến "
        "mức nào, và có đáp ứng các quy định quy hoạch không? Báo cáo đặt số liệu chính thức của "
        "tỉnh bên cạnh những gì lớp dữ liệu được rà soát chứa.",
        "How well do the industrial clusters (CCN) of the new Ninh Bình province use their land, "
        "how far do they lie from the hub industrial parks (KCN) in a straight line and by road, "
        "how exposed are they to flooding, and do they meet the zoning rules? The report sets the "
        "province's official figures beside what the reviewed layer holds.",
    ),
    "report.reviewed_layer": (
        "Lớp được rà soát: {clusters} CCN và {parks} KCN, từ {source}.",
        "Reviewed layer: {clusters} clusters and {parks} parks, from {source}.",
    ),
    "report.source.embedded": (
        "dữ liệu nhúng của gói (danh mục tổng hợp từ các nguồn công khai)",
        "the package's embedded data (an inventory compiled from public sources)",
    ),
    "report.source.file": ("tệp {name}", "the file {name}"),
    "report.key_figures": (
        "Số liệu chính: chính thức và trong lớp được rà soát",
        "Key figures: official and in the reviewed layer",
    ),
    "report.main_results": ("Kết quả chính", "Main results"),
    "report.indicator": ("Chỉ tiêu", "Indicator"),
    "report.official": ("Chính thức", "Official"),
    "report.in_layer": ("Lớp rà soát", "Reviewed layer"),
    "report.sum": ("Σ {value}", "Σ {value}"),
    "report.facts_sources": (
        "Số liệu chính thức tính đến {as_of}, theo",
        "Official figures as of {as_of}, from",
    ),
    "report.area_basis": (
        "Diện tích trong lớp rà soát là tổng của {n} CCN có diện tích công bố; Σ là tổng của ba "
        "tỉnh cũ khi tỉnh mới không công bố số gộp.",
        "The reviewed layer's area is the sum over the {n} clusters with a published area; Σ is "
        "the sum of the three former provinces where the new province published no total.",
    ),
    "report.coverage_line": (
        "Lớp rà soát có {layer} CCN, bằng {share} của {official} CCN quy hoạch; {established} CCN "
        "đã thành lập ({est_share} của {est_official}) và {operating} CCN đang hoạt động "
        "({op_share} của {op_official}). Danh mục có thể gồm cả CCN của dự thảo quy hoạch đã bị "
        "loại, nên mỗi tỷ lệ là cận trên.",
        "The reviewed layer holds {layer} clusters, {share} of the {official} planned; "
        "{established} established ({est_share} of {est_official}) and {operating} operating "
        "({op_share} of {op_official}). The inventory may hold clusters of draft plans that the "
        "final plan dropped, so each share is an upper bound.",
    ),
    "report.full_data": ("Dữ liệu đầy đủ", "Full data"),
    "report.rows_shown": ("Hiển thị {shown} trong {total} dòng.", "{shown} of {total} rows shown."),
    # scopes and official indicators (datasets.load_facts)
    "scope.merged_province": ("Toàn tỉnh", "Whole province"),
    "scope.former_ha_nam": ("Hà Nam (cũ)", "Former Hà Nam"),
    "scope.former_nam_dinh": ("Nam Định (cũ)", "Former Nam Định"),
    "scope.former_ninh_binh": ("Ninh Bình (cũ)", "Former Ninh Bình"),
    "indicator.clusters_planned_2021_2030": (
        "CCN quy hoạch 2021–2030",
        "Clusters planned 2021–2030",
    ),
    "indicator.planned_area": ("Diện tích quy hoạch (ha)", "Planned area (ha)"),
    "indicator.clusters_established": (
        "CCN đã thành lập (kể cả đang hoạt động)",
        "Clusters established (operating included)",
    ),
    "indicator.clusters_operating": ("CCN đang hoạt động", "Clusters operating"),
    "indicator.mean_occupancy_operating": (
        "Tỷ lệ lấp đầy bình quân của CCN đang hoạt động",
        "Mean occupancy of operating clusters",
    ),
    "indicator.jobs": ("Lao động", "Jobs"),
    "indicator.projects": ("Dự án", "Projects"),
    "indicator.clusters_with_central_wastewater_plant": (
        "CCN có hệ thống xử lý nước thải tập trung",
        "Clusters with a central wastewater plant",
    ),
    "indicator.clusters_wastewater_compliant": (
        "CCN xử lý nước thải đạt chuẩn",
        "Clusters whose wastewater treatment complies",
    ),
    "indicator.wastewater_plants_operating_stably": (
        "Trạm xử lý nước thải vận hành ổn định",
        "Wastewater plants operating stably",
    ),
    # what a published count counts, beyond its number (facts column `extent`)
    "extent.built_or_under_way": ("đã và đang đầu tư", "built or under way"),
    # notes and assumptions
    "note.official": (
        "Số liệu chính thức được ghi đúng như tỉnh công bố, giữ dấu (≈ khoảng, > hơn) và số chữ "
        "số thập phân đã công bố; không số nào được ngoại suy từ lớp rà soát.",
        "Official figures are shown as the province published them, with their sign (≈ about, "
        "> more than) and their published decimals; nothing is extrapolated from the reviewed "
        "layer.",
    ),
    "note.positions": (
        "{layer}: {placed} trong {total} chỉ biết đến đơn vị hành chính ({district} theo huyện "
        "cũ, {province} theo tỉnh cũ) và được đặt trên một vòng quanh tâm của đơn vị đó (độ "
        "chính xác: minh họa); {approximate} có vị trí gần đúng hoặc tốt hơn.",
        "{layer}: {placed} of {total} are known only to an administrative unit ({district} to "
        "their former district, {province} to their former province) and are placed on a ring "
        "around its centre (accuracy: illustrative); {approximate} have an approximate or better "
        "position.",
    ),
    "note.footprints": (
        "Ranh giới: {n} trong {total} CCN là hình tròn minh họa có diện tích công bố quanh vị "
        "trí; các quy tắc phụ thuộc ranh giới vì vậy thường là “cần xem xét”.",
        "Outlines: {n} of {total} clusters are illustrative circles of the published area around "
        "their position; rules that depend on the outline therefore often say “needs review”.",
    ),
    "note.csv": (
        "Các bảng CSV (thư mục tables) giữ số đầy đủ, chưa làm tròn, với dấu chấm thập phân để "
        "máy đọc; báo cáo làm tròn mỗi số theo độ chính xác của nó.",
        "The CSV tables (folder tables) keep full, unrounded numbers with a decimal point for "
        "machines; the report rounds each number to what its accuracy supports.",
    ),
    "note.road": (
        "Khoảng cách đường bộ = quãng đường trên lớp đường bộ cộng đoạn tiếp cận theo đường "
        "thẳng ở hai đầu, mỗi đoạn tối đa {max_km} km, áp dụng như nhau cho CCN và KCN; xa hơn "
        "thì không đo và ghi rõ lý do.",
        "Road distance = the way along the road layer plus a straight access leg at each end, "
        "each at most {max_km} km, for clusters and parks alike; beyond that no distance is "
        "given and the reason is stated.",
    ),
    "note.road_layer": (
        "Lớp đường bộ nhúng chỉ có quốc lộ và tỉnh lộ, nên nhiều CCN nằm cách đường vài km.",
        "The embedded road layer holds only national and provincial roads, so many clusters "
        "lie kilometres from it.",
    ),
    "note.straight": (
        "Khoảng cách đường chim bay đo giữa hai ranh giới khi cả hai là ranh giới thực, nếu "
        "không thì giữa hai điểm vị trí; mỗi khoảng cách được làm tròn theo độ chính xác của vị "
        "trí ({illustrative} km nếu minh họa, {approximate} km nếu gần đúng) và ghi độ chính xác "
        "trên cùng dòng.",
        "Straight-line distances run edge to edge where both outlines are real, else between "
        "the location points; each is rounded to what the positions support ({illustrative} km "
        "if illustrative, {approximate} km if approximate) with its accuracy in the same row.",
    ),
    "note.exposed": (
        "“Bị ngập” (phơi nhiễm): phần diện tích CCN có độ sâu ngập từ {depth} m trở lên trên "
        "bản đồ ngập của mỗi chu kỳ lặp lại, tính theo phần của từng ô lưới nằm trong ranh giới; "
        "tỷ lệ tính trên phần diện tích có dữ liệu.",
        "“Exposed”: the part of a cluster's footprint where the flood depth is {depth} m or more "
        "on the depth map of each return period, counting the share of each raster cell inside "
        "the footprint; shares are of the area with data.",
    ),
    "note.area_precision": (
        "Diện tích ngập được làm tròn theo độ chính xác của dữ liệu: {illustrative} ha khi ranh "
        "giới hoặc bản đồ ngập là minh họa, {approximate} ha khi gần đúng.",
        "Exposed areas are rounded to what the data support: {illustrative} ha where the outline "
        "or the flood map is illustrative, {approximate} ha where approximate.",
    ),
    "note.efficiency": (
        "Tổng và tỷ lệ hiệu quả tính trên những gì lớp rà soát biết, kèm số CCN làm cơ sở; "
        "lấp đầy = diện tích đã cho thuê ÷ diện tích cho thuê được (hoặc tỷ lệ công bố).",
        "Efficiency sums and ratios cover what the reviewed layer knows, with the number of "
        "clusters they rest on; occupancy = leased ÷ leasable area (or the published rate).",
    ),
    # what to do next
    "next.decided": (
        "Dữ liệu hiện có quyết định được {decided} trong {pairs} cặp (CCN, quy tắc) ({share}). "
        "Những dữ liệu sau sẽ quyết định phần còn lại (nhiều cặp nhất trước):",
        "The data at hand decide {decided} of {pairs} (cluster, rule) pairs ({share}). These "
        "missing data would decide the rest (most pairs first):",
    ),
    "next.dem": (
        "Cung cấp mô hình số độ cao (DEM, ví dụ Copernicus GLO-30 hoặc FABDEM) để tính nước "
        "biển dâng: ninhbinh-geo review --dem <DEM.tif> --slr-cm 100.",
        "Give a digital elevation model (DEM, e.g. Copernicus GLO-30 or FABDEM) for the "
        "sea-level-rise scenarios: ninhbinh-geo review --dem <DEM.tif> --slr-cm 100.",
    ),
    "next.roads": (
        "Bổ sung đường huyện, đường xã vào lớp đường bộ (--roads): {n} trong {total} CCN chưa "
        "có khoảng cách đường bộ tới KCN lớn gần nhất.",
        "Add district and commune roads to the road layer (--roads): {n} of {total} clusters "
        "have no road distance to their nearest hub park.",
    ),
    "next.positions": (
        "Xác định vị trí và ranh giới thực của {n} CCN hiện chỉ được đặt theo huyện hoặc tỉnh cũ.",
        "Find the real position and outline of the {n} clusters now placed only by former "
        "district or province.",
    ),
    "next.efficiency": (
        "Thu thập diện tích cho thuê, đã cho thuê, lao động và dự án của từng CCN: {n} trong "
        "{total} CCN chưa có số liệu nào trong số đó.",
        "Collect leasable and leased area, jobs and projects per cluster: {n} of {total} "
        "clusters have none of them.",
    ),
    # columns of the report's own tables
    "col.scope": ("Phạm vi", "Scope"),
    "col.n_sites": ("CCN", "Clusters"),
    "col.n_area_known": ("CCN có diện tích", "With area"),
    "col.n_planned": ("Quy hoạch", "Planned"),
    "col.n_established": ("Đã thành lập", "Established"),
    "col.n_operating": ("Đang hoạt động", "Operating"),
    "col.n_occupancy": ("CCN có diện tích cho thuê", "With leasable and leased area"),
    "col.features": ("Số đối tượng", "Features"),
    "col.mean_occupancy_operating_pct": (
        "Lấp đầy bình quân CCN đang hoạt động (%)",
        "Mean occupancy, operating (%)",
    ),
    "col.n_wwtp": ("CCN có trạm XLNT tập trung", "With a central wastewater plant"),
    "col.hub": ("KCN lớn", "Hub park"),
    "col.n_nearest": ("CCN gần KCN này nhất", "Clusters nearest to it"),
    "col.n_satellites": ("CCN vệ tinh", "Satellite clusters"),
    "col.n_road": ("Có khoảng cách đường bộ", "With a road distance"),
    "col.road_outcome": ("Kết quả nối vào đường", "Road access outcome"),
    "col.share": ("Tỷ lệ", "Share"),
    "col.accuracy_step": ("Độ chính xác (làm tròn)", "Accuracy (rounded to)"),
    "col.note": ("Ghi chú", "Note"),
    "col.scenario": ("Kịch bản", "Scenario"),
    "col.n_exposed": ("CCN bị ngập", "Clusters exposed"),
    "col.missing": ("Dữ liệu còn thiếu", "Missing data"),
    "col.pairs": ("Cặp (CCN, quy tắc) chờ", "Pairs waiting"),
    "col.alone": ("Chỉ thiếu dữ liệu này", "Decided by this alone"),
    "col.sites": ("Số CCN", "Clusters"),
    "col.rules": ("Quy tắc", "Rules"),
    "col.binding_rule": ("Quy tắc ràng buộc", "Binding rule"),
    "col.binding_margin": ("Mức chênh", "Margin"),
    "col.n_pass": ("Đạt", "Pass"),
    "col.n_fail": ("Không đạt", "Fail"),
    "col.n_not_applicable": ("Không áp dụng", "Not applicable"),
    "col.n_needs_review": ("Cần xem xét", "Needs review"),
    "col.decided_share": ("Đã quyết định", "Decided"),
    "col.hazard_class": ("cấp nguy cơ", "hazard class"),
    "col.has_wwtp": ("có trạm XLNT tập trung", "central wastewater plant"),
    "col.wwtp_compliant": ("XLNT đạt chuẩn", "compliant wastewater treatment"),
    "col.craft_village": ("CCN làng nghề", "craft village"),
    "col.mountainous": ("địa bàn miền núi", "mountainous area"),
    "outcome.measured": ("Đo được khoảng cách đường bộ", "Road distance measured"),
    "district.unknown": ("Không rõ huyện", "District unknown"),
    "layer.dykes": ("đê điều", "dykes"),
    "layer.residential": ("khu dân cư", "residential areas"),
    "layer.rivers": ("sông", "rivers"),
    "layer.heritage": ("di sản và khu bảo tồn", "heritage and protected areas"),
    "missing.remark.existing_clusters": ("của các CCN hiện có", "of the existing clusters"),
    "severity.blocking": ("Bắt buộc", "Blocking"),
    "severity.major": ("Quan trọng", "Major"),
    "severity.advisory": ("Khuyến nghị", "Advisory"),
    "accuracy.step": ("{accuracy} ({step} {unit})", "{accuracy} ({step} {unit})"),
    # efficiency
    "eff.by_province": ("Theo tỉnh cũ", "By former province"),
    "eff.no_figures": (
        "{n} trong {total} CCN chưa có số liệu lấp đầy, lao động hay dự án; bảng dưới liệt kê "
        "những CCN có, lấp đầy thấp nhất trước.",
        "{n} of {total} clusters have no occupancy, jobs or projects figure; the table lists "
        "those that have one, lowest occupancy first.",
    ),
    "eff.headline": (
        "Hiệu quả: tỷ lệ lấp đầy biết được ở {occ} trong {n} CCN, lao động ở {jobs}, dự án ở "
        "{projects}; {operating} CCN đang hoạt động trong lớp rà soát (chính thức: {official}).",
        "Efficiency: occupancy is known for {occ} of {n} clusters, jobs for {jobs}, projects "
        "for {projects}; {operating} clusters operate in the reviewed layer (official: "
        "{official}).",
    ),
    # satellite network
    "net.satellites": (
        "{sat} trong {n} CCN là CCN vệ tinh: cách KCN lớn gần nhất không quá {max_km} km theo "
        "đường chim bay.",
        "{sat} of {n} clusters are satellites: within {max_km} km of the nearest hub park in a "
        "straight line.",
    ),
    "net.road_access": ("Khoảng cách đường bộ đo được", "Road distances measured"),
    "net.hubs": ("Theo KCN lớn", "By hub park"),
    "net.closest": ("CCN vệ tinh gần KCN lớn nhất", "Satellite clusters closest to a hub"),
    "net.components": (
        "Lớp đường bộ gồm {k} phần rời nhau, tổng dài {km} km; phần lớn nhất dài {big} km.",
        "The road layer has {k} separate pieces, {km} km in all; the largest is {big} km long.",
    ),
    "net.headline": (
        "Mạng lưới vệ tinh: {sat} trong {n} CCN cách KCN lớn gần nhất không quá {max_km} km; "
        "khoảng cách đường bộ tới KCN đó đo được cho {road} CCN ({share}) và cho {links} trong "
        "{n_links} liên kết vệ tinh ({link_share}).",
        "Satellite network: {sat} of {n} clusters lie within {max_km} km of their nearest hub; "
        "the road distance to it is measured for {road} clusters ({share}) and for {links} of "
        "{n_links} satellite links ({link_share}).",
    ),
    # exposure
    "exp.scenarios": ("Theo kịch bản", "By scenario"),
    "scenario.rp": ("Chu kỳ lặp lại {rp} năm", "{rp}-year return period"),
    "scenario.slr": ("Nước biển dâng {cm} cm", "Sea level +{cm} cm"),
    "exp.ead_basis": (
        "Tích phân diện tích ngập theo xác suất xảy ra hằng năm của các chu kỳ {periods} năm.",
        "Exposed area integrated over the annual probability of the {periods}-year return periods.",
    ),
    "exp.no_ead": (
        "Không có diện tích ngập kỳ vọng hằng năm: cần bản đồ ngập của ít nhất hai chu kỳ lặp "
        "lại, lần rà soát này có {n} ({periods}). Hãy cho thêm bản đồ ngập của chu kỳ khác "
        "(--hazard).",
        "No expected annual exposed area: it needs flood maps of at least two return periods, "
        "and this review has {n} ({periods}). Give flood maps of other return periods "
        "(--hazard).",
    ),
    "exp.top": ("CCN bị ngập nhiều nhất", "Most exposed clusters"),
    "exp.slr": ("Nước biển dâng", "Sea-level rise"),
    "exp.no_dem": (
        "Không có kịch bản nước biển dâng vì lần rà soát này không có mô hình số độ cao (DEM). "
        "Để tính: ninhbinh-geo review --dem <DEM.tif> --slr-cm 100 (DEM như Copernicus GLO-30 "
        "hoặc FABDEM; mỗi --slr-cm là một kịch bản, tính bằng cm).",
        "No sea-level-rise scenario: this review was given no digital elevation model (DEM). "
        "To run them: ninhbinh-geo review --dem <DEM.tif> --slr-cm 100 (a DEM such as "
        "Copernicus GLO-30 or FABDEM; each --slr-cm is one scenario, in cm).",
    ),
    "exp.slr_none": (
        "Đã có DEM nhưng không có kết quả nước biển dâng cho các CCN.",
        "A DEM was given but no sea-level result was found for the clusters.",
    ),
    "exp.headline": (
        "Ngập lụt ({scenario}): {k} trong {n} CCN có phần diện tích ngập từ {depth} m, tổng "
        "{ha} ha{illustrative}.",
        "Flooding ({scenario}): {k} of {n} clusters have land flooded {depth} m deep or more, "
        "{ha} ha in all{illustrative}.",
    ),
    "exp.illustrative_suffix": (" — lớp ngập MINH HỌA", " — ILLUSTRATIVE flood layer"),
    # zoning
    "zon.decided": (
        "Dữ liệu quyết định được {decided} trong {pairs} cặp (CCN, quy tắc) ({share}): {fail} "
        "không đạt, {pass_} đạt, {na} không áp dụng; {nr} cặp cần xem xét.",
        "The data decide {decided} of {pairs} (cluster, rule) pairs ({share}): {fail} fail, "
        "{pass_} pass, {na} not applicable; {nr} pairs need review.",
    ),
    "zon.worst": ("Kết quả xấu nhất theo CCN: {items}.", "Worst result per cluster: {items}."),
    "zon.sites": ("CCN cần xem trước", "Clusters to look at first"),
    "zon.sites_order": (
        "Không đạt trước (chênh lệch lớn nhất trước), rồi cần xem xét theo mức độ của quy tắc "
        "ràng buộc.",
        "Fails first (largest margin first), then needs-review by the severity of the binding "
        "rule.",
    ),
    "zon.rules": ("Theo quy tắc", "By rule"),
    "zon.headline": (
        "Rà soát quy hoạch: {fail} CCN không đạt ít nhất một quy tắc, {nr} CCN cần xem xét, "
        "{ok} CCN đạt; dữ liệu quyết định được {share} số cặp (CCN, quy tắc).",
        "Zoning review: {fail} clusters fail at least one rule, {nr} need review, {ok} pass; "
        "the data decide {share} of the (cluster, rule) pairs.",
    ),
    # sources
    "src.accuracy": (
        "Độ chính xác, từ tốt đến kém: đo đạc, số hóa, gần đúng, minh họa (minh họa: dựng nên "
        "khi thiếu dữ liệu thực, không dùng để ra quyết định).",
        "Accuracy, best first: surveyed, digitized, approximate, illustrative (illustrative: "
        "made up where real data are missing, not for decisions).",
    ),
    # risk (issue 13)
    "report.risk": (
        "Rủi ro ngập lụt: thiệt hại và đường bị cắt",
        "Flood risk: damage and cut roads",
    ),
    "risk.illustrative": (
        "MINH HỌA: các con số dưới đây dựa trên lớp ngập minh họa, không dùng để ra quyết định.",
        "ILLUSTRATIVE: the figures below rest on the illustrative flood layer; not for decisions.",
    ),
    "risk.ead": ("Giá trị kỳ vọng hằng năm theo phương pháp", "Expected annual values by method"),
    "risk.method": (
        "Phương pháp được chọn (--ead-method): {method}; ngoài chu kỳ lặp lớn nhất: {tail}; "
        "{protection}. Tổng của các phương pháp khác ghi bên cạnh để so sánh.",
        "Chosen method (--ead-method): {method}; beyond the rarest map: {tail}; {protection}. "
        "The other methods' totals are shown beside it.",
    ),
    "risk.protection_rp": (
        "lũ thường xuyên hơn chu kỳ {rp} năm không gây thiệt hại",
        "floods more frequent than {rp} years do nothing",
    ),
    "risk.protection_most_frequent": (
        "lũ thường xuyên hơn bản đồ ngập thường xuyên nhất không gây thiệt hại",
        "floods more frequent than the most frequent map do nothing",
    ),
    "rare_tail.flat": (
        "giữ nguyên giá trị của bản đồ hiếm nhất",
        "the rarest map's value held (flat)",
    ),
    "rare_tail.none": ("không tính", "left out"),
    "sector.residential": ("nhà ở", "residential"),
    "sector.commercial": ("thương mại", "commercial"),
    "sector.industrial": ("công nghiệp", "industrial"),
    "sector.transport": ("giao thông", "transport"),
    "sector.infrastructure_roads": ("hạ tầng đường bộ", "road infrastructure"),
    "col.ead_ha_total": (
        "Diện tích ngập kỳ vọng hằng năm (ha/năm)",
        "Expected annual exposed area (ha/year)",
    ),
    "col.ead_money_m": (
        "Thiệt hại kỳ vọng hằng năm (triệu {currency} giá {year}/năm)",
        "Expected annual damage (million {currency}, {year} prices, per year)",
    ),
    "col.ead_money_k": (
        "Thiệt hại kỳ vọng hằng năm (nghìn {currency} giá {year}/năm)",
        "Expected annual damage (thousand {currency}, {year} prices, per year)",
    ),
    "col.damage_m": (
        "Thiệt hại (triệu {currency} giá {year})",
        "Damage (million {currency}, {year} prices)",
    ),
    "col.damage_ref_m": (
        "Thiệt hại lũ {rp} năm (triệu {currency})",
        "Damage, {rp}-year flood (million {currency})",
    ),
    "col.sites_total": ("Số CCN tính", "Clusters counted"),
    "warn.damage_values": (
        "ngành {sector}, đường cong {curve}, đơn giá {cost} {currency}/m² giá năm {year}, tỷ lệ "
        "diện tích xây dựng {share}",
        "sector {sector}, curve {curve}, cost {cost} {currency}/m² at {year} prices, built share "
        "{share}",
    ),
    "risk.damage": ("Thiệt hại theo chu kỳ lặp", "Damage by return period"),
    "risk.assumptions": (
        "Giả định: đường cong độ sâu – thiệt hại {curve} (ngành {sector}); đơn giá xây dựng "
        "{cost} {currency}/m² giá năm {year}; tỷ lệ diện tích xây dựng {share}; giá trị tài sản "
        "= diện tích × tỷ lệ xây dựng × đơn giá.",
        "Assumptions: depth–damage curve {curve} (sector {sector}); construction cost {cost} "
        "{currency}/m² at {year} prices; built share {share}; asset value = area × built share "
        "× cost.",
    ),
    "risk.top": (
        "CCN có thiệt hại kỳ vọng hằng năm lớn nhất",
        "Clusters with the largest expected annual damage",
    ),
    "risk.cut": ("Liên kết đường bộ bị ngập cắt", "Road links cut by floods"),
    "risk.cut_basis": (
        "Đoạn đường bị coi là đóng khi nước sâu hơn {close_m} m; khoảng cách đường bộ từ mỗi CCN "
        "tới KCN hạt nhân của nó được tính lại trên mạng đường còn lại.",
        "A road segment is closed where the water is deeper than {close_m} m; the road distance "
        "from each cluster to its hub is measured again on the roads left open.",
    ),
    "risk.cut_first": ("Liên kết bị cắt sớm nhất", "Links cut first"),
    "risk.cut_headline": (
        "Đường bị ngập cắt (lũ {rp} năm): {cut} trong {n} liên kết CCN – KCN bị cắt, {isolated} "
        "CCN bị cô lập khỏi mọi KCN hạt nhân{illustrative}.",
        "Roads cut by floods ({rp}-year flood): {cut} of {n} cluster–hub links are cut, "
        "{isolated} clusters are cut off from every hub{illustrative}.",
    ),
    "risk.headline": (
        "Thiệt hại kỳ vọng hằng năm: {value} triệu {currency} (giá {year}) theo phương pháp "
        "{method}; các phương pháp khác: {others}{illustrative}.",
        "Expected annual damage: {value} million {currency} ({year} prices) by the {method} "
        "method; the other methods: {others}{illustrative}.",
    ),
    "col.slr_cm": ("Nước biển dâng (cm)", "Sea-level rise (cm)"),
    "col.sites_likely": ("Số CCN có xác suất ngập ≥ 50 %", "Clusters with p ≥ 50 %"),
    "col.sites_possible": ("Số CCN có xác suất ngập > 0", "Clusters with p > 0"),
    "col.draws": ("Số lần mô phỏng", "Draws"),
    "col.error_m": ("Sai số cao độ của DEM (m)", "DEM vertical error (m)"),
    "risk.slr_no_dem": (
        "Không có xác suất ngập do nước biển dâng: lần rà soát này không có DEM. Để tính: "
        "ninhbinh-geo review --dem <DEM.tif> --slr-cm 100 --dem-error-m 2 --slr-draws 200.",
        "No probability of sea-level inundation: this review was given no DEM. To compute it: "
        "ninhbinh-geo review --dem <DEM.tif> --slr-cm 100 --dem-error-m 2 --slr-draws 200.",
    ),
    "risk.slr_no_draws": (
        "Không có xác suất ngập do nước biển dâng: đã có DEM nhưng không mô phỏng sai số cao độ "
        "(thêm --dem-error-m và --slr-draws).",
        "No probability of sea-level inundation: a DEM was given but its vertical error was not "
        "drawn (add --dem-error-m and --slr-draws).",
    ),
    "risk.note_methods": (
        "Giá trị kỳ vọng hằng năm phụ thuộc cách cộng các chu kỳ lặp: hình thang (tuyến tính "
        "theo xác suất), bậc thang (công cụ CCDR) hay tuyến tính theo log xác suất (Delft-FIAT) "
        "có thể chênh nhau nhiều lần trên cùng bản đồ; báo cáo ghi phương pháp được chọn và "
        "tổng của các phương pháp khác.",
        "Expected annual values depend on how the return periods are added up: trapezoids "
        "(linear in probability), steps (CCDR tools) or log-linear in probability (Delft-FIAT) "
        "can differ several-fold on the same maps; the report states the chosen method and the "
        "others' totals.",
    ),
    "risk.next_cost": (
        "Thay đơn giá xây dựng JRC (EUR giá 2010) và tỷ lệ xây dựng giả định bằng giá trị tài "
        "sản hoặc đơn giá xây dựng bằng VND của địa phương (hàm tính thiệt hại của gói nhận cả "
        "hai).",
        "Replace the JRC construction cost (EUR, 2010 prices) and the assumed built share with "
        "local asset values or a construction cost in VND (ninhbinh_geo.risk.flood_damage takes "
        "either).",
    ),
    "risk.next_draws": (
        "Cho --dem-error-m và --slr-draws để có xác suất ngập thay cho có/không.",
        "Give --dem-error-m and --slr-draws for a probability of inundation instead of yes/no.",
    ),
    # access (issue 14)
    "report.access": (
        "Tiếp cận: thời gian di chuyển, lao động trong tầm với, địa điểm mới",
        "Access: travel time, labour within reach, new sites",
    ),
    "acc.travel_title": (
        "Thời gian di chuyển tới KCN hạt nhân gần nhất",
        "Travel time to the nearest hub",
    ),
    "acc.speeds": (
        "Tốc độ quy hoạch theo cấp đường: {items}; đoạn tiếp cận ngoài đường {leg} km/h. Các tốc "
        "độ này thấp hơn tốc độ tối đa cho phép của {source} (Điều 6, Điều 8) để tính cả giao "
        "thông hỗn hợp qua làng xã; đổi bằng --speed CẤP=KMH và --access-speed KMH.",
        "Planning speeds by road class: {items}; the access leg off the road {leg} km/h. They "
        "lie below the legal ceilings of {source} (Art. 6, Art. 8) to allow for mixed traffic "
        "through villages; change them with --speed CLASS=KMH and --access-speed KMH.",
    ),
    "acc.travel": (
        "Trong {n} CCN: {b15} trong vòng 15 phút tới KCN hạt nhân gần nhất, {b30} trong 30 phút, "
        "{b45} trong 45 phút, {over} xa hơn; {none} CCN không có thời gian di chuyển (xa lớp "
        "đường). Trung vị: {median} phút.",
        "Of {n} clusters, {b15} lie within 15 minutes of their nearest hub, {b30} within 30, "
        "{b45} within 45, {over} farther; {none} have no travel time (too far from the road "
        "layer). Median: {median} min.",
    ),
    "col.road_class": ("Cấp đường", "Road class"),
    "acc.service_title": ("Vùng phục vụ của KCN hạt nhân", "Service areas of the hubs"),
    "acc.service": (
        "Số CCN nằm trong vùng đi tới được trong {budgets} phút từ mỗi KCN hạt nhân.",
        "Clusters inside the area reached within {budgets} minutes of each hub.",
    ),
    "acc.service_basis": (
        "Cách dựng vùng: phần đất đi tới được ngoài đường với tốc độ {leg} km/h trong thời gian "
        "còn lại, xa đường nhiều nhất {km} km.",
        "How the areas are drawn: the land reached off the road at {leg} km/h in the time left, "
        "at most {km} km from it.",
    ),
    "acc.access_leg": ("Đoạn tiếp cận ngoài đường", "Access leg off the road"),
    "acc.circular": ("Thông tư", "Circular"),
    "col.within_15": ("Trong 15 phút", "Within 15 min"),
    "col.within_30": ("Trong 30 phút", "Within 30 min"),
    "col.within_45": ("Trong 45 phút", "Within 45 min"),
    "col.within_60": ("Trong 60 phút", "Within 60 min"),
    "acc.labour_title": ("Lao động trong tầm với, 2000 → 2020", "Labour within reach, 2000 → 2020"),
    "acc.labour_province": (
        "Dân số của tỉnh theo WorldPop: {p2000} người năm 2000, {p2020} người năm 2020; {share} "
        "dân số năm 2020 ở quá xa lớp đường nên không thuộc vùng tầm với nào. Bảng: dân số trong "
        "30 phút từ mỗi KCN hạt nhân.",
        "The province's population by WorldPop: {p2000} in 2000, {p2020} in 2020; {share} of "
        "the 2020 population lives too far from the road layer to fall in any catchment. The "
        "table: people within 30 minutes of each hub.",
    ),
    "acc.labour_limits": (
        "Giới hạn của số liệu dân số WorldPop: ô lưới 1 km (tính cả ô theo tâm ô); mô hình "
        "không ràng buộc trải dân trên mọi vùng đất; tổng năm 2020 của tỉnh thấp hơn Tổng điều "
        "tra dân số 2019 khoảng 7 %, nên thay đổi 2000 → 2020 một phần là do đếm thiếu; đây là "
        "toàn bộ cư dân, không phải lực lượng lao động.",
        "Limits of the WorldPop figures: 1 km cells (whole cells, by their centre); an "
        "unconstrained model spreading people over all land; the province's 2020 total reads "
        "about 7 % below the 2019 census, so the 2000 → 2020 change is partly this undercount; "
        "all residents, not the labour force.",
    ),
    "acc.credit": ("Nguồn dân số: {credit}.", "Population data: {credit}."),
    "acc.index_title": ("Chỉ số tiếp cận", "Access indices"),
    "acc.supply": (
        "Cung tại KCN hạt nhân: {supply}; cầu tại CCN: diện tích; vùng tầm với 30 phút "
        "(--access-supply đổi cung).",
        "Supply at the hubs: {supply}; demand at the clusters: their area; 30-minute "
        "catchments (--access-supply changes the supply).",
    ),
    "acc.left_out": (
        "KCN hạt nhân bị bỏ qua vì không có số liệu cung: {ids}.",
        "Hubs left out for want of a supply figure: {ids}.",
    ),
    "acc.none_left": (
        "Mọi KCN hạt nhân đều có số liệu cung.",
        "Every hub has a supply figure.",
    ),
    "col.hubs_within_30min": ("Số KCN hạt nhân trong 30 phút", "Hubs within 30 min"),
    "col.leasable_ha": ("Diện tích cho thuê (ha)", "Leasable area (ha)"),
    "acc.siting_title": ("Địa điểm ứng viên cho CCN mới", "Candidate sites for new clusters"),
    "acc.siting": (
        "{n} địa điểm ứng viên xếp theo điểm phù hợp; khi mỗi trọng số thay đổi ±20 % ({scenarios} "
        "kịch bản), {kept} địa điểm luôn giữ trong nhóm đầu.",
        "{n} candidate sites ranked by suitability; when each weight moves ±20 % ({scenarios} "
        "scenarios), {kept} of them always stay in the top group.",
    ),
    "acc.siting_weights": ("Trọng số các yếu tố: {weights}.", "Factor weights: {weights}."),
    "factor.travel_time": ("thời gian tới KCN hạt nhân", "travel time to a hub"),
    "factor.labour": ("dân số trong 30 phút", "people within 30 min"),
    "factor.road": ("khoảng cách tới đường", "distance to a road"),
    "col.candidate_id": ("Mã địa điểm", "Candidate"),
    "col.candidate_rank": ("Hạng", "Rank"),
    "col.worst_rank": ("Hạng thấp nhất khi đổi trọng số", "Worst rank over weight changes"),
    "warn.illustrative_candidates_map": (
        "Địa điểm ứng viên là MINH HỌA: dựa trên lớp ngập và ranh giới minh họa",
        "Candidate sites are ILLUSTRATIVE: they rest on the illustrative flood layer and outlines",
    ),
    "acc.headline": (
        "Tiếp cận: {b30} trong {n} CCN tới được KCN hạt nhân gần nhất trong 30 phút; {none} CCN "
        "không có thời gian di chuyển.",
        "Access: {b30} of {n} clusters reach their nearest hub within 30 minutes; {none} have "
        "no travel time.",
    ),
    "acc.siting_headline": (
        "{n} địa điểm ứng viên cho CCN mới{illustrative}.",
        "{n} candidate sites for new clusters{illustrative}.",
    ),
    "acc.illustrative_suffix": (
        " — MINH HỌA, dựa trên lớp ngập minh họa",
        " — ILLUSTRATIVE, resting on the illustrative flood layer",
    ),
    "acc.note_speeds": (
        "Thời gian di chuyển theo tốc độ quy hoạch của từng cấp đường, thấp hơn tốc độ tối đa "
        "của Thông tư 31/2019/TT-BGTVT; đoạn từ địa điểm tới đường tính theo đường thẳng.",
        "Travel times use a planning speed per road class, below the ceilings of Circular "
        "31/2019/TT-BGTVT; the leg from a site to the road is a straight line.",
    ),
    "acc.next_supply": (
        "Thu thập số liệu cung (diện tích cho thuê hoặc việc làm) cho {n} KCN hạt nhân đang bị "
        "bỏ qua trong chỉ số tiếp cận.",
        "Collect a supply figure (leasable area or jobs) for the {n} hubs left out of the "
        "access indices.",
    ),
    "acc.next_roads": (
        "Bổ sung đường huyện, đường xã (--roads): {n} trong {total} CCN chưa có thời gian di "
        "chuyển tới KCN hạt nhân.",
        "Add district and commune roads (--roads): {n} of {total} clusters have no travel time "
        "to a hub.",
    ),
    # diff (issue 15.4)
    "dif.col.result_old": ("Kết quả trước", "Result before"),
    "dif.col.result_new": ("Kết quả sau", "Result after"),
    "dif.col.causes": ("Nguyên nhân", "Cause"),
    "dif.col.changed_inputs": ("Số liệu đầu vào thay đổi", "Inputs changed"),
    "dif.col.hash_old": ("Mã băm trước", "Hash before"),
    "dif.col.hash_new": ("Mã băm sau", "Hash after"),
    "dif.col.effective_date": ("Ngày hiệu lực", "Effective date"),
    "dif.col.outcomes_changed": ("Số kết quả thay đổi", "Outcomes changed"),
}
