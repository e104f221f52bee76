"""Tests of ninhbinh_geo.io.codepages, io.spelling and io.encodings: legacy text decoded right.

The encoders of ``io_corpus`` are written independently of the decoders (from the code tables
and Python's cp1258 codec); every Vietnamese letter goes through each code page and back.
"""

from __future__ import annotations

import unicodedata

import geopandas as gpd
import pytest
from io_corpus import to_cp1258, to_tcvn3, to_vni
from shapely.geometry import Point

from ninhbinh_geo import io
from ninhbinh_geo._errors import EncodingError
from ninhbinh_geo.io.codepages import _DECODERS
from ninhbinh_geo.io.encodings import _decode_columns
from ninhbinh_geo.io.spelling import _score

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
LETTERS = [unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES] + ["đ"]
TEXT = "Cụm công nghiệp Đồng Văn, Khánh Phú, Nghĩa Hưng, Xuân Trường, Ý Yên, Thụy Khuê"


@pytest.mark.parametrize(
    ("encode", "name", "upper"),
    [(to_vni, "vni", True), (to_cp1258, "cp1258", True), (to_tcvn3, "tcvn3", False)],
)
def test_every_letter_round_trips(encode, name, upper):
    letters = LETTERS + ([c.upper() for c in LETTERS] if upper else [])
    for letter in letters:
        assert _DECODERS[name](encode(f"x{letter}x")) == f"x{letter}x", letter
    assert _DECODERS[name](encode(TEXT if upper else TEXT.lower())) == (
        TEXT if upper else TEXT.lower()
    )


def test_public_decoders():
    assert io.decode_tcvn3("§ång V¨n") == "Đồng Văn"
    assert io.decode_vni("Ñoàng Vaên") == "Đồng Văn"
    assert io.decode_cp1258(to_cp1258("Đồng Văn")) == "Đồng Văn"


def test_score_tells_right_text_from_wrong():
    assert _score("Khánh Phú") == 2
    for wrong in ("Kh¸nh Phó ®", "Khaùnh Phuù", "Kh\ufffdnh"):
        assert _score(wrong) < 0, wrong
    assert _score("Khaình Phuì") < _score("Khánh Phú")  # "Phuì" happens to be a syllable


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_a_column_of_bytes_is_decided_by_its_values(encoding):
    encode = {"tcvn3": to_tcvn3, "vni": to_vni, "cp1258": to_cp1258}[encoding]
    values = [encode(v).decode("latin-1") for v in ("Gia Viễn", "Lý Nhân", "Vụ Bản")]
    out, report, found = _decode_columns(
        {"Huyện": values}, source="bytes", forced=None, where="File 'x.csv'",
        labels={"Huyện": ["row 2", "row 3", "row 4"]},
    )  # fmt: skip
    assert out["Huyện"] == ["Gia Viễn", "Lý Nhân", "Vụ Bản"]
    assert found == encoding
    assert report[0].startswith("Huyện: decoded 3 values from")


def test_ties_follow_their_file_and_are_refused_when_nothing_tells():
    tcvn3 = [to_tcvn3(v).decode("latin-1") for v in ("Gia Trấn", "Gia Phú")]
    columns = {"A": tcvn3, "B": [to_tcvn3("Gia Phú").decode("latin-1")]}
    labels = {"A": ["row 2", "row 3"], "B": ["row 2"]}
    out, _, found = _decode_columns(columns, source="bytes", forced=None, where="f",
                                    labels=labels)  # fmt: skip
    # column B alone ("Gia Phó") reads three ways; the file (column A) is TCVN3
    assert (found, out["B"]) == ("tcvn3", ["Gia Phú"])
    with pytest.raises(EncodingError, match=r"column 'B': cannot tell .* --encoding cp1258"):
        _decode_columns({"B": columns["B"]}, source="bytes", forced=None, where="f",
                        labels={"B": ["row 2"]})  # fmt: skip
    out, _, _ = _decode_columns({"B": columns["B"]}, source="bytes", forced="vni", where="f",
                                labels={"B": ["row 2"]})  # fmt: skip
    assert out["B"] == ["Gia Phĩ"]


def test_unicode_text_stays_and_nfd_becomes_nfc():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN Hà Nam", unicodedata.normalize("NFD", "CCN Ý Yên"), "CCN Phú Thứ"]},
        geometry=[Point(106.1, 20.3)] * 3,
        crs=4326,
    )
    out = io.harmonise(raw, layer="u")
    assert out["name_vi"].tolist() == ["CCN Hà Nam", "CCN Ý Yên", "CCN Phú Thứ"]


def test_unknown_encoding_option_is_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("name,lon,lat\nCCN A,105.9,20.3\n", encoding="utf-8")
    with pytest.raises(EncodingError, match=r"encoding='latin9' is not known.*--encoding tcvn3"):
        io.read_layer(path, encoding="latin9")
