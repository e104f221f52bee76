"""The small XML pieces every QGIS file is made of: legal text, elements, numbers, the document.

The styles (QML), the project and, later, other QGIS documents are ElementTree trees built with
:func:`_el`, which makes every text and attribute legal XML 1.0, and written with
:func:`_document`, which adds the QGIS doctype.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

#: Version written into the QML and project files: the oldest QGIS the files were checked with.
QGIS_FORMAT_VERSION = "3.22.16-Białowieża"

_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
# XML 1.0 forbids these code points even as character references; ElementTree would write them.
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: object) -> str:
    """Return ``text`` as a string that is legal in XML 1.0 (invalid code points become U+FFFD).

    ElementTree escapes ``<``, ``&``, quotes and newlines, but writes control characters as
    they are, which makes the whole file unreadable to QGIS.
    """
    return _XML_INVALID_RE.sub("\ufffd", str(text))


def _el(parent: ET.Element | None, tag: str, text: object = None, **attrs: object) -> ET.Element:
    clean = {k: _clean(v) for k, v in attrs.items()}
    node = ET.Element(tag, clean) if parent is None else ET.SubElement(parent, tag, clean)
    if text is not None:
        node.text = _clean(text)
    return node


def _number(value: float) -> str:
    """Shortest decimal that reads back as exactly ``value`` (QGIS parses it with toDouble)."""
    return repr(float(value))


def _option_map(parent: ET.Element, props: Mapping[str, object]) -> ET.Element:
    opt = _el(parent, "Option", type="Map")
    for key, value in props.items():
        _el(opt, "Option", name=key, value=value, type="QString")
    return opt


def _empty_properties(parent: ET.Element, tag: str) -> None:
    ddp = _el(parent, tag)
    opt = _el(ddp, "Option", type="Map")
    _el(opt, "Option", name="name", value="", type="QString")
    _el(opt, "Option", name="properties")
    _el(opt, "Option", name="type", value="collection", type="QString")


def _document(root: ET.Element) -> str:
    """Return the text of a QGIS document (QML or project): doctype, then the indented tree."""
    ET.indent(root)
    return _DOCTYPE + ET.tostring(root, encoding="unicode")
