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
