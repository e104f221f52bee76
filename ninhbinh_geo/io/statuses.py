"""Status phrases: the one table of Vietnamese and English phrases and the status each means.

A site is ``planned`` (in the plan, not yet established by decision), ``established`` (set up
by decision, not operating yet: land clearance, infrastructure under construction),
``operating``, ``suspended`` (stopped for a time) or ``ceased`` (stopped for good, dissolved,
or taken out of the plan). :data:`STATUS_PHRASES` is matched on the whole phrase, folded (case,
accents and punctuation ignored): a phrase that is not in it is refused and shown with its
rows, never guessed from a word inside it ("chưa đi vào hoạt động" holds "hoạt động" but is
not ``operating``). A planner adds a phrase with ``status_words={"phrase": "status"}``
(``--status "phrase=status"``).

The two stopping statuses are neither established nor operating: ``efficiency`` counts them in
``n_status_unknown`` (not in the established or operating areas), and the zoning rules for
existing sites (``zoning.EXISTING_STATUSES``) do not apply to them.
"""

from __future__ import annotations

import pandas as pd

from .. import schema as _schema
from .._errors import VocabularyError, first_ids
from .spelling import _fold

#: Status phrases and the status each means (compared folded: case, accents, punctuation).
STATUS_PHRASES: dict[str, str] = {
    **dict.fromkeys((
        "quy hoạch", "trong quy hoạch", "đã quy hoạch", "có trong quy hoạch", "quy hoạch mới",
        "chưa thành lập", "chưa thành lập (quy hoạch)", "quy hoạch, chưa thành lập",
        "dự kiến", "dự kiến thành lập", "dự kiến quy hoạch", "đề xuất", "đề xuất bổ sung",
        "đề xuất bổ sung quy hoạch", "bổ sung quy hoạch", "bổ sung mới", "mới bổ sung",
        "kêu gọi đầu tư, chưa thành lập", "planned", "proposed", "in plan", "in the plan",
        "plan", "not yet established",
    ), "planned"),
    **dict.fromkeys((
        "đã thành lập", "thành lập", "đã có quyết định thành lập", "đã có qđ thành lập",
        "đã thành lập, chưa hoạt động", "đã thành lập chưa hoạt động", "chưa hoạt động",
        "chưa đi vào hoạt động", "chưa vận hành", "đang xây dựng", "đang xây dựng hạ tầng",
        "đang đầu tư xây dựng", "đang đầu tư xây dựng hạ tầng", "đầu tư xây dựng",
        "đang đầu tư", "đang triển khai", "đang triển khai xây dựng", "đang giải phóng mặt bằng",
        "đang gpmb", "đang san lấp", "đã có chủ đầu tư hạ tầng", "established",
        "under construction", "established, not operating", "not yet operating",
        "not operating yet",
    ), "established"),
    **dict.fromkeys((
        "đang hoạt động", "đã hoạt động", "hoạt động", "đã đi vào hoạt động",
        "đi vào hoạt động", "đang vận hành", "vận hành", "đã vận hành", "đang hoạt động sản xuất",
        "operating", "operational", "in operation", "active",
    ), "operating"),
    **dict.fromkeys((
        "tạm dừng", "tạm dừng hoạt động", "đang tạm dừng", "đang tạm dừng hoạt động",
        "tạm ngừng", "tạm ngừng hoạt động", "đang tạm ngừng", "tạm dừng triển khai",
        "tạm dừng đầu tư", "tạm dừng thực hiện", "suspended", "on hold", "paused",
        "temporarily closed",
    ), "suspended"),
    **dict.fromkeys((
        "ngừng hoạt động", "đã ngừng hoạt động", "đang ngừng hoạt động", "dừng hoạt động",
        "đã dừng hoạt động", "chấm dứt hoạt động", "đã chấm dứt hoạt động", "giải thể",
        "đã giải thể", "dừng triển khai", "đã dừng triển khai", "đã thu hồi",
        "thu hồi quyết định thành lập", "đã thu hồi quyết định thành lập",
        "đưa ra khỏi quy hoạch", "đã đưa ra khỏi quy hoạch", "loại khỏi quy hoạch",
        "đã loại khỏi quy hoạch", "hủy bỏ", "đã hủy bỏ", "bãi bỏ", "ceased", "closed",
        "dissolved", "removed from plan", "removed from the plan", "cancelled", "canceled",
    ), "ceased"),
}  # fmt: skip
_FOLDED = {_fold(k): v for k, v in STATUS_PHRASES.items()}


def _status_table(status_words: dict[str, str] | None) -> dict[str, str]:
    """Fold the table and add a planner's own phrases; refuse a status not allowed."""
    table = dict(_FOLDED)
    for phrase, status in (status_words or {}).items():
        if status not in _schema.STATUS_VALUES:
            raise VocabularyError(
                f"status_words: {phrase!r} -> {status!r}: the status must be one of "
                f'{", ".join(_schema.STATUS_VALUES)}, e.g. --status "{phrase}=operating".'
            )
        table[_fold(phrase)] = status
    return table


def _status_words(
    out: pd.DataFrame,
    *,
    layer: str,
    heading: str,
    ids: list[str],
    status_words: dict[str, str] | None,
    report: list[str],
) -> pd.DataFrame:
    """Map the status column onto the contract's values; refuse a phrase not in the table."""
    if "status" not in out.columns:
        return out
    table = _status_table(status_words)
    raw = out["status"]
    mapped = [
        None
        if not isinstance(v, str) or not v.strip()
        else v
        if v in _schema.STATUS_VALUES
        else table.get(_fold(v))
        for v in raw
    ]
    unknown = [
        i
        for i, (v, m) in enumerate(zip(raw, mapped, strict=True))
        if isinstance(v, str) and v.strip() and m is None
    ]
    if unknown:
        phrases = list(dict.fromkeys(str(raw.iloc[i]) for i in unknown))
        raise VocabularyError(
            f"Layer '{layer}', column '{heading}' (status): {len(phrases)} phrases are not in "
            f"the table of status phrases: {phrases[:5]} (rows "
            f"{first_ids(ids[i] for i in unknown)}). A phrase is never guessed from a word "
            f'inside it. Say what it means: pass --status "{phrases[0]}=operating" (or '
            f"planned, established, suspended, ceased; Python: status_words={{...}}), or write "
            f"a known phrase such as 'đang hoạt động', 'đã thành lập', 'quy hoạch', 'tạm dừng', "
            f"'ngừng hoạt động'."
        )
    moved = [i for i, (v, m) in enumerate(zip(raw, mapped, strict=True)) if m and v != m]
    if moved:
        i = moved[0]
        report.append(
            f"status: {len(moved)} phrases mapped (e.g. {raw.iloc[i]!r} -> {mapped[i]!r})"
        )
    out["status"] = pd.Series(mapped, index=out.index, dtype=object)
    return out
