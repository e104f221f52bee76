import unicodedata

import pytest

from ninhbinh_geo.labels import LABELS, label


def test_every_label_has_both_languages_in_nfc():
    for key, texts in LABELS.items():
        assert set(texts) == {"vi", "en"}, key
        for text in texts.values():
            assert unicodedata.is_normalized("NFC", text), key


def test_vietnamese_labels_have_diacritics():
    assert label("status.operating") == "Đang hoạt động"
    assert "ệ" in label("title.efficiency")


def test_unknown_key_and_language():
    with pytest.raises(KeyError, match=r"labels\.py"):
        label("nope")
    with pytest.raises(KeyError, match="Unknown language"):
        label("status.operating", "fr")


def test_both_languages_fill_the_same_fields():
    import string

    for key, texts in LABELS.items():
        fields = [
            {f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f}
            for lang in ("vi", "en")
        ]
        assert fields[0] == fields[1], key


def test_report_labels_are_merged_and_defined_once():
    from ninhbinh_geo import _labels_report, labels

    assert not set(_labels_report.REPORT_LABELS) & set(labels._RAW)
    assert label("extent.built_or_under_way") == "đã và đang đầu tư"
    assert label("scope.former_nam_dinh", "en") == "Former Nam Định"


def test_no_label_key_is_written_twice_in_its_table():
    # A dict literal keeps the last of two equal keys without a word: a merge that adds a key
    # twice would silently change a label (once "{n}" lost to "{cm}" and broke the QGIS themes).
    import ast
    from collections import Counter
    from pathlib import Path

    import ninhbinh_geo

    root = Path(ninhbinh_geo.__file__).parent
    for name in ("labels.py", "_labels_report.py"):
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                twice = [k for k, n in Counter(keys).items() if n > 1]
                assert twice == [], (name, twice)
