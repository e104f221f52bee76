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
