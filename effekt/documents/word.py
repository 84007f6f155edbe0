"""Word documents (.docx) with python-docx, laid out like the PDF: a cover, a table of contents,
the municipality and the title in the header, "Sida X av Y" in the footer, a chapter per
strategic goal, tables with assessments as colour and words, and charts as pictures.

Headings use Word's own heading styles, so the table of contents, the navigation pane and
screen readers find the structure. The table of contents is a real TOC field, written out with
the headings so it reads well before Word updates it (Word asks to update fields on opening, and
then adds the page numbers). The document's language is set, so Word spells and hyphenates in
Swedish.
"""

import dataclasses
import functools
import hashlib
import io
import json
import sys
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from effekt.indicators import charts

from . import chart_png, kept
from .content import FILLS, Document, Mark

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

BLUE = RGBColor(0x0B, 0x3D, 0x66)
GREY = RGBColor(0x3D, 0x42, 0x48)
RED = RGBColor(0xA4, 0x14, 0x1F)
FONT = "Arial"
TEXT_WIDTH = Mm(165)  # A4 less the margins
LANGUAGES = {"sv": "sv-SE", "en": "en-GB"}
SETTINGS_ORDER = (  # the schema's order of the w:settings children we add (Word is strict)
    "w:autoHyphenation",
    "w:consecutiveHyphenLimit",
    "w:hyphenationZone",
    "w:doNotHyphenateCaps",
    "w:showEnvelope",
    "w:summaryLength",
    "w:clickAndTypeStyle",
    "w:defaultTableStyle",
    "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting",
    "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing",
    "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData",
    "w:noPunctuationKerning",
    "w:characterSpacingControl",
    "w:printTwoOnOne",
    "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter",
    "w:noLineBreaksBefore",
    "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema",
    "w:saveInvalidXml",
    "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving",
    "w:saveThroughXslt",
    "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace",
    "w:updateFields",
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)


def render(document: Document) -> bytes:
    """The document as .docx bytes: written out, or as written out before from the same contents
    by the same code and translations (kept.py)."""
    return kept.kept("docx", _digest(document), lambda: _written(document))


def _written(document: Document) -> bytes:
    writer = Writer(document)
    BUILDERS[document.kind](writer, document.body)
    return writer.save()


def _digest(document: Document) -> str:
    """The SHA-256 of all a Word file is made from: the document's contents (in their order), the
    language, the code that writes it out and the translations it uses. Its creation date is in
    the contents: the file says when it was made, as the PDF does."""
    language = translation.get_language() or "sv"
    contents = json.dumps(vars(document), default=_plain, ensure_ascii=False)
    made_by = f"{_code()} {_catalogue(language)} {language}\n"
    return hashlib.sha256((made_by + contents).encode()).hexdigest()


def _plain(value):
    if dataclasses.is_dataclass(value):
        return vars(value)
    return str(value)  # dates, decimals, translated texts


@functools.cache
def _code() -> str:
    """What writes the file out: this module, the colours of the assessments, the charts it draws
    and the libraries' versions (a new release makes the documents anew, as a new template does
    the PDF)."""
    modules = (sys.modules[__name__], sys.modules[Document.__module__], chart_png, charts)
    sources = b"".join(Path(module.__file__).read_bytes() for module in modules)
    versions = f"{metadata.version('python-docx')} {metadata.version('pillow')}"
    return hashlib.sha256(sources + versions.encode()).hexdigest()


@functools.cache
def _catalogue(language: str) -> str:
    """The translations of `language` as compiled (none for the source language, English)."""
    digest = hashlib.sha256()
    for folder in settings.LOCALE_PATHS:
        path = Path(folder) / translation.to_locale(language) / "LC_MESSAGES" / "django.mo"
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


# --- low-level helpers -----------------------------------------------------------------------

# The schema's order of the children of the property elements we add to (Word refuses a file
# whose elements are out of order).
ORDER = {
    "w:pPr": [
        "w:pStyle",
        "w:keepNext",
        "w:keepLines",
        "w:pageBreakBefore",
        "w:framePr",
        "w:widowControl",
        "w:numPr",
        "w:suppressLineNumbers",
        "w:pBdr",
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:kinsoku",
        "w:wordWrap",
        "w:overflowPunct",
        "w:topLinePunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:bidi",
        "w:adjustRightInd",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:textboxTightWrap",
        "w:outlineLvl",
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    ],
    "w:rPr": [
        "w:rStyle",
        "w:rFonts",
        "w:b",
        "w:bCs",
        "w:i",
        "w:iCs",
        "w:caps",
        "w:smallCaps",
        "w:strike",
        "w:dstrike",
        "w:outline",
        "w:shadow",
        "w:emboss",
        "w:imprint",
        "w:noProof",
        "w:snapToGrid",
        "w:vanish",
        "w:webHidden",
        "w:color",
        "w:spacing",
        "w:w",
        "w:kern",
        "w:position",
        "w:sz",
        "w:szCs",
        "w:highlight",
        "w:u",
        "w:effect",
        "w:bdr",
        "w:shd",
        "w:fitText",
        "w:vertAlign",
        "w:rtl",
        "w:cs",
        "w:em",
        "w:lang",
        "w:eastAsianLayout",
        "w:specVanish",
        "w:oMath",
    ],
    "w:tcPr": [
        "w:cnfStyle",
        "w:tcW",
        "w:gridSpan",
        "w:hMerge",
        "w:vMerge",
        "w:tcBorders",
        "w:shd",
        "w:noWrap",
        "w:tcMar",
        "w:textDirection",
        "w:tcFitText",
        "w:vAlign",
        "w:hideMark",
    ],
    "w:trPr": [
        "w:cnfStyle",
        "w:divId",
        "w:gridBefore",
        "w:gridAfter",
        "w:wBefore",
        "w:wAfter",
        "w:cantSplit",
        "w:trHeight",
        "w:tblHeader",
        "w:tblCellSpacing",
        "w:jc",
        "w:hidden",
    ],
}


def _element(tag, **attrs):
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key), value)
    return element


def _put(parent, parent_tag, element_tag, **attrs):
    """Add (or replace) `element_tag` in `parent` at its place in the schema's order."""
    for old in parent.findall(qn(element_tag)):
        parent.remove(old)
    element = _element(element_tag, **attrs)
    order = ORDER[parent_tag]
    later = {qn(tag) for tag in order[order.index(element_tag) + 1 :]}
    for child in parent:
        if child.tag in later:
            child.addprevious(element)
            return element
    parent.append(element)
    return element


def _set_fonts(style_element, name):
    """Set a style's font, dropping the theme fonts that would override it."""
    rpr = style_element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _put(rpr, "w:rPr", "w:rFonts")
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attribute}"), name)


SHADE = {"w:val": "clear", "w:color": "auto"}


def _shade_run(run, fill):
    _put(run._r.get_or_add_rPr(), "w:rPr", "w:shd", **SHADE, **{"w:fill": fill})


def _shade_paragraph(paragraph, fill):
    _put(paragraph._p.get_or_add_pPr(), "w:pPr", "w:shd", **SHADE, **{"w:fill": fill})


def _shade_cell(cell, fill):
    _put(cell._tc.get_or_add_tcPr(), "w:tcPr", "w:shd", **SHADE, **{"w:fill": fill})


def _border(paragraph, side, colour, size):
    borders = _put(paragraph._p.get_or_add_pPr(), "w:pPr", "w:pBdr")
    attrs = {"w:val": "single", "w:sz": size, "w:space": "6", "w:color": colour}
    borders.append(_element(f"w:{side}", **attrs))


def _field(paragraph, instruction, placeholder="1", *, size=None, colour=None):
    """A complex field (PAGE, NUMPAGES…) in `paragraph`."""
    paragraph.add_run()._r.append(_element("w:fldChar", **{"w:fldCharType": "begin"}))
    instr = _element("w:instrText", **{"xml:space": "preserve"})
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_element("w:fldChar", **{"w:fldCharType": "separate"}))
    result = paragraph.add_run(placeholder)
    if size:
        result.font.size = size
    if colour:
        result.font.color.rgb = colour
    paragraph.add_run()._r.append(_element("w:fldChar", **{"w:fldCharType": "end"}))


def _table_row(row, *, header=False):
    """Rows do not break across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    _put(tr_pr, "w:trPr", "w:cantSplit")
    if header:
        _put(tr_pr, "w:trPr", "w:tblHeader", **{"w:val": "true"})


class Writer:
    """A Word document under construction, with the building blocks the documents need."""

    def __init__(self, document: Document):
        self.document = document
        self.doc = new_docx()
        self._styles()
        self._settings()
        self._page()
        self._cover()
        self._contents()

    # --- set-up ------------------------------------------------------------------------------

    def _styles(self):
        styles = self.doc.styles
        lang = LANGUAGES.get(self.document.language[:2], "sv-SE")
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _put(rpr, "w:rPr", "w:lang", **{"w:val": lang, "w:eastAsia": lang, "w:bidi": "ar-SA"})
        normal = styles["Normal"]
        normal.font.size = Pt(10.5)
        _set_fonts(normal.element, FONT)
        normal.paragraph_format.space_after = Pt(5)
        normal.paragraph_format.line_spacing = 1.15
        sizes = {1: 18, 2: 13, 3: 11}
        for level, size in sizes.items():
            style = styles[f"Heading {level}"]
            _set_fonts(style.element, FONT)
            style.font.size = Pt(size)
            style.font.bold = True
            style.font.italic = False
            style.font.color.rgb = GREY if level == 3 else BLUE
            style.paragraph_format.space_before = Pt(14 if level > 1 else 0)
            style.paragraph_format.space_after = Pt(5)
            style.paragraph_format.keep_with_next = True
        for name in ("Header", "Footer", "TOC Heading", "Title", "Subtitle", "Caption"):
            _set_fonts(styles[name].element, FONT)
        styles["Caption"].font.color.rgb = BLUE
        styles["Caption"].font.bold = True
        styles["Caption"].font.italic = False
        styles["Caption"].font.size = Pt(9)

    def _settings(self):
        settings = self.doc.settings.element
        lang = LANGUAGES.get(self.document.language[:2], "sv-SE")

        def put(tag, **attrs):
            for old in settings.findall(qn(tag)):
                settings.remove(old)
            element = _element(tag, **attrs)
            later = SETTINGS_ORDER[SETTINGS_ORDER.index(tag) + 1 :]
            settings.insert_element_before(element, *later)

        put("w:autoHyphenation", **{"w:val": "true"})
        put("w:updateFields", **{"w:val": "true"})
        put("w:themeFontLang", **{"w:val": lang})
        if lang.startswith("sv"):
            put("w:decimalSymbol", **{"w:val": ","})
            put("w:listSeparator", **{"w:val": ";"})
        props = self.doc.core_properties
        props.title = self.document.title
        props.subject = self.document.cover_subtitle
        props.author = self.document.municipality
        props.last_modified_by = self.document.municipality
        props.language = lang
        props.keywords = self.document.kicker
        props.created = props.modified = timezone.now().replace(microsecond=0, tzinfo=None)
        props.revision = 1

    def _page(self):
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(25), Mm(22)
        section.left_margin, section.right_margin = Mm(25), Mm(20)
        section.header_distance, section.footer_distance = Mm(12), Mm(10)
        section.different_first_page_header_footer = True  # the cover has neither
        header = section.header.paragraphs[0]
        header.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        run = header.add_run(f"{self.document.municipality}\t{self.document.title}")
        run.font.size, run.font.color.rgb = Pt(8.5), GREY
        _border(header, "bottom", "8A8F94", "4")
        footer = section.footer.paragraphs[0]
        footer.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        if self.document.is_draft:
            draft = footer.add_run(_("Draft"))
            draft.bold, draft.font.size, draft.font.color.rgb = True, Pt(8.5), RED
        footer.add_run("\t")
        number, total = "\x00number\x00", "\x00total\x00"
        text = _("Page %(number)s of %(total)s") % {"number": number, "total": total}
        for piece in (
            text.replace(total, f"\x01{total}\x01")
            .replace(number, f"\x01{number}\x01")
            .split("\x01")
        ):
            if piece == number:
                _field(footer, "PAGE", size=Pt(8.5), colour=GREY)
            elif piece == total:
                _field(footer, "NUMPAGES", size=Pt(8.5), colour=GREY)
            elif piece:
                run = footer.add_run(piece)
                run.font.size, run.font.color.rgb = Pt(8.5), GREY

    def _cover(self):
        d = self.document
        band = self.doc.add_table(rows=1, cols=1)
        band.alignment = WD_TABLE_ALIGNMENT.CENTER
        cell = band.cell(0, 0)
        _shade_cell(cell, "0B3D66")
        cell.width = TEXT_WIDTH
        first = cell.paragraphs[0]
        first.paragraph_format.space_before = Pt(18)
        run = first.add_run(d.municipality)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(16), RGBColor(0xFF, 0xFF, 0xFF)
        kicker = cell.add_paragraph()
        kicker.paragraph_format.space_before = Pt(40)
        kicker.paragraph_format.space_after = Pt(14)
        run = kicker.add_run(d.kicker.upper())
        run.font.size, run.font.color.rgb = Pt(11), RGBColor(0xFF, 0xFF, 0xFF)
        spacer = self.doc.add_paragraph()
        spacer.paragraph_format.space_before = Pt(60)
        title = self.doc.add_paragraph()
        run = title.add_run(d.cover_title)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(30), BLUE
        subtitle = self.doc.add_paragraph()
        subtitle.paragraph_format.space_after = Pt(30)
        run = subtitle.add_run(d.cover_subtitle)
        run.font.size = Pt(16)
        if d.decision:
            self._boxed(d.decision, "00703C", "EEF5F0")
        if d.status:
            if d.is_draft:
                self._boxed(d.status, "A4141F", "FBEEEE", bold=True)
            else:
                self._boxed(d.status, "00703C", "EEF5F0")
        foot = self.doc.add_paragraph()
        foot.paragraph_format.space_before = Pt(120)
        run = foot.add_run(f"{d.municipality} · {d.title} · {d.created_text}")
        run.font.size, run.font.color.rgb = Pt(9), GREY
        foot.add_run().add_break(WD_BREAK.PAGE)

    def _boxed(self, text, border, fill, bold=False):
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(12)
        _border(paragraph, "left", border, "36")
        _shade_paragraph(paragraph, fill)
        run = paragraph.add_run(text)
        run.font.size, run.bold = Pt(11), bold

    def _contents(self):
        heading = self.doc.add_paragraph(_("Contents"), style="TOC Heading")
        heading.runs[0].font.color.rgb = BLUE
        heading.runs[0].font.size = Pt(18)
        heading.runs[0].bold = True
        entries = self.document.toc or [{"title": "", "level": 1}]
        paragraphs = []
        for entry in entries:
            paragraph = self.doc.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.6 * (entry["level"] - 1))
            paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
            paragraphs.append((paragraph, entry))
        first, last = paragraphs[0][0], paragraphs[-1][0]
        # the field's start, instruction and separator open the first entry; its end closes the
        # last: what lies between is the field's (pre-computed) result
        instruction = _element("w:instrText", **{"xml:space": "preserve"})
        instruction.text = ' TOC \\o "1-2" \\h \\z \\u '
        runs = []
        for child in (
            _element("w:fldChar", **{"w:fldCharType": "begin"}),
            instruction,
            _element("w:fldChar", **{"w:fldCharType": "separate"}),
        ):
            run = _element("w:r")
            run.append(child)
            runs.append(run)
        anchor = first._p.pPr
        for run in runs:
            if anchor is None:
                first._p.insert(0, run)
            else:
                anchor.addnext(run)
            anchor = run
        for paragraph, entry in paragraphs:
            run = paragraph.add_run(entry["title"])
            run.bold = entry["level"] == 1
        last.add_run()._r.append(_element("w:fldChar", **{"w:fldCharType": "end"}))
        last.add_run().add_break(WD_BREAK.PAGE)

    # --- building blocks ---------------------------------------------------------------------

    def heading(self, text, level=1, *, chapter=False, kicker=None):
        if kicker:
            p = self.doc.add_paragraph()
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.keep_with_next = True
            if chapter:
                p.paragraph_format.page_break_before = True
                chapter = False
            run = p.add_run(kicker.upper())
            run.font.size, run.font.color.rgb = Pt(8.5), GREY
        paragraph = self.doc.add_heading(text, level)
        if chapter:
            paragraph.paragraph_format.page_break_before = True
        return paragraph

    def text(self, text, *, bold_prefix=None, italic=False, size=None, colour=None):
        paragraph = self.doc.add_paragraph()
        if bold_prefix:
            paragraph.add_run(f"{bold_prefix} ").bold = True
        self._runs(paragraph, text, italic=italic, size=size, colour=colour)
        return paragraph

    def paragraphs(self, texts, empty=None):
        if not texts and empty:
            self.text(empty, italic=True, colour=GREY)
        for text in texts:
            self.text(text)

    @staticmethod
    def _runs(paragraph, text, *, bold=False, italic=False, size=None, colour=None):
        """Runs of `text`; its line breaks stay line breaks within the paragraph."""
        for index, line in enumerate(str(text).split("\n")):
            if index:
                paragraph.add_run().add_break()
            run = paragraph.add_run(line)
            run.bold, run.italic = bold or None, italic or None
            if size:
                run.font.size = size
            if colour:
                run.font.color.rgb = colour
        return paragraph

    def mark(self, label, mark, rest=""):
        """'Label: [Uppfyllt] rest' with the mark shaded in its colour."""
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        run = paragraph.add_run(f" {mark.label} ")
        run.bold = True
        _shade_run(run, mark.fill)
        if rest:
            paragraph.add_run(f"  {rest}")
        return paragraph

    def table(self, headers, rows, *, widths=None, numeric=(), footer=None, caption=None, size=9):
        """`rows`: lists of cells; a cell is text, a list of paragraphs, or a dict with `text`
        (or `paragraphs`), and optionally `fill`, `bold`, `span` (rows merged downwards)."""
        if caption:
            cap = self.doc.add_paragraph(caption, style="Caption")
            cap.paragraph_format.keep_with_next = True
        all_rows = [headers, *rows] + ([footer] if footer else [])
        table = self.doc.add_table(rows=len(all_rows), cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = widths is None
        spans = []
        # every row's cells once: python-docx works each row's (and table.cell() the whole
        # table's) cells out anew on every call, which made large tables quadratic
        table_rows = list(table.rows)
        cells = [row.cells for row in table_rows]
        for r, values in enumerate(all_rows):
            _table_row(table_rows[r], header=r == 0)
            for c, value in enumerate(values):
                if value is None:
                    continue
                cell = cells[r][c]
                if widths:
                    cell.width = widths[c]
                spec = value if isinstance(value, dict) else {"text": value}
                texts = spec.get("paragraphs")
                if texts is None:
                    text = spec.get("text", "")
                    texts = text if isinstance(text, list) else [text]
                texts = texts or [""]
                header = r == 0
                bold = header or spec.get("bold") or (footer is not None and r == len(all_rows) - 1)
                for i, text in enumerate(texts):
                    paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                    paragraph.paragraph_format.space_after = Pt(2)
                    if c in numeric:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    if isinstance(text, tuple):  # (bold lead-in, text)
                        lead, text = text
                        run = paragraph.add_run(f"{lead} ")
                        run.bold, run.font.size = True, Pt(size)
                    self._runs(
                        paragraph,
                        text,
                        bold=bold,
                        size=Pt(size),
                        colour=RGBColor(0xFF, 0xFF, 0xFF) if header else None,
                    )
                if header:
                    _shade_cell(cell, "0B3D66")
                elif spec.get("fill"):
                    _shade_cell(cell, spec["fill"])
                if spec.get("span", 1) > 1:
                    spans.append((r, c, spec["span"]))
        for r, c, span in spans:
            cells[r][c].merge(cells[r + span - 1][c])
        self.doc.add_paragraph().paragraph_format.space_after = Pt(2)
        return table

    def picture(self, png, description, width=None):
        self.doc.add_picture(io.BytesIO(png), width=width or Cm(16))
        inline = self.doc.inline_shapes[-1]._inline
        inline.docPr.set("descr", description)
        inline.docPr.set("title", description[:120])

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


# --- the documents ----------------------------------------------------------------------------


def _legend(w):
    paragraph = w.doc.add_paragraph()
    run = paragraph.add_run(_("Assessments:") + " ")
    run.font.size = Pt(8.5)
    for mark in (
        Mark("green", _("Fulfilled")),
        Mark("yellow", _("Partly fulfilled")),
        Mark("red", _("Not fulfilled")),
        Mark("none", _("Not assessed")),
    ):
        run = paragraph.add_run(f" {mark.label} ")
        run.font.size, run.bold = Pt(8.5), True
        _shade_run(run, mark.fill)
        paragraph.add_run(" ")


def _summary_table(w, rows, total_counts, total_mark):
    headers = [
        _("Strategic goal"),
        _("Fulfilled"),
        _("Partly"),
        _("Not fulfilled"),
        _("Not assessed"),
        _("Attainment"),
    ]

    def cells(title, counts, mark, bold=False):
        return [
            {"text": title, "bold": bold},
            str(counts["fulfilled"]),
            str(counts["partly"]),
            str(counts["not_fulfilled"]),
            str(counts["not_assessed"]),
            {"text": mark.label, "fill": mark.fill, "bold": True},
        ]

    w.table(
        headers,
        [cells(r["heading"], r["counts"], r["attainment"]) for r in rows],
        footer=cells(_("All effect goals"), total_counts, total_mark),
        widths=[Cm(6.4), Cm(1.8), Cm(1.6), Cm(1.9), Cm(1.8), Cm(3.0)],
        numeric=(1, 2, 3, 4),
        caption=_("Effect goals per strategic goal and their assessment"),
    )


def build_compilation(w: Writer, b: dict):
    w.heading(_("Goal attainment per strategic goal"), 1)
    lead = _(
        "The executive board's compilation of the boards' reports for %(period)s, up to "
        "%(ends)s: how far the effect goals that break down each strategic goal have been "
        "fulfilled."
    ) % {"period": b["period"], "ends": b["ends_on"]}
    if b["is_interim"]:
        lead += " " + _("In the interim report the assessment is a forecast for the year.")
    w.text(lead)
    w.mark(_("All effect goals"), b["total"]["attainment"], b["total"]["counts_text"])
    _summary_table(w, b["goals"], b["total"]["counts"], b["total"]["attainment"])
    w.text(
        b["method"]
        + " "
        + _(
            "Effect goals whose report has not been accepted are counted as not assessed, never "
            "as not fulfilled."
        ),
        size=Pt(9),
        colour=GREY,
    )
    _legend(w)
    if b["overall_analysis"]:
        w.heading(_("Overall analysis"), 1)
        w.paragraphs(b["overall_analysis"])
    for g in b["goals"]:
        w.heading(g["heading"], 1, chapter=True, kicker=f"{_('Strategic goal')} {g['number']}")
        w.mark(_("Attainment"), g["attainment"], g["counts_text"])
        if g["analysis"]:
            w.heading(_("The executive office's analysis"), 2)
            w.paragraphs(g["analysis"])
        w.heading(_("Effect goals"), 2)
        if not g["effect_goals"]:
            w.text(_("No effect goal supports this strategic goal."))
            continue
        rows = []
        for eg in g["effect_goals"]:
            analysis = list(eg["analysis"]) if not eg["reference"] else [eg["reference"] + "."]
            if eg["reasons"]:
                analysis.append((_("Reasons it is not fulfilled") + ":", " ".join(eg["reasons"])))
            if eg["actions"]:
                analysis.append((_("Actions taken or planned") + ":", " ".join(eg["actions"])))
            rows.append(
                [
                    eg["organisation"],
                    f"{eg['number']}. {eg['title']}",
                    {"text": eg["mark"].label, "fill": eg["mark"].fill, "bold": True},
                    {"paragraphs": analysis},
                ]
            )
        w.table(
            [_("Organisation"), _("Effect goal"), _("Assessment"), _("Analysis")],
            rows,
            widths=[Cm(2.9), Cm(4.4), Cm(2.5), Cm(6.7)],
            size=8.5,
        )
    w.heading(_("Assignments"), 1, chapter=True)
    w.text(
        _(
            "The assignments the council gave for %(year)s, with their earmarked funds and how "
            "far each recipient has come."
        )
        % {"year": b["year"]}
    )
    rows = []
    for a in b["assignments"]:
        span = len(a["recipients"])
        for i, r in enumerate(a["recipients"]):
            title = [a["title"]] + ([f"{_('Deadline')}: {a['deadline']}"] if a["deadline"] else [])
            rows.append(
                [
                    {"paragraphs": title, "span": span} if i == 0 else "",
                    {"text": a["amount"], "span": span} if i == 0 else "",
                    r["organisation"],
                    r["progress"],
                    r["comment"],
                ]
            )
    if not rows:
        rows = [[_("No assignments this year."), "", "", "", ""]]
    footer = (
        [_("Earmarked funds in total"), b["earmarked_total"], "", "", ""]
        if b["earmarked_total"]
        else None
    )
    w.table(
        [_("Assignment"), _("Earmarked amount"), _("Recipient"), _("Progress"), _("Comment")],
        rows,
        widths=[Cm(4.4), Cm(2.6), Cm(3.0), Cm(2.0), Cm(4.5)],
        numeric=(1,),
        footer=footer,
        size=8.5,
    )
    if b["companies"]:
        w.heading(_("Companies and federations"), 1, chapter=True)
        for c in b["companies"]:
            w.heading(c["organisation"], 2)
            w.paragraphs(c["results"], empty=_("No results reported."))
    if b["indicators"]:
        w.heading(_("Indicators"), 1, chapter=True)
        w.text(
            _(
                "The council's indicators show whether the municipality develops in the long run "
                "as the strategic goals say. The target is a positive trend."
            )
        )
        w.text(b["indicator_note"], size=Pt(9), colour=GREY)
        for i in b["indicators"]:
            w.heading(i["heading"], 2)
            w.paragraphs(i["description"])
            paragraph = w.doc.add_paragraph()
            run = paragraph.add_run(f" {i['trend_label']} ")
            run.bold = True
            _shade_run(run, FILLS[i["trend_colour"]])
            paragraph.add_run(f"  {i['trend_sentence']} {i['direction']}")
            w.picture(
                chart_png.render(lines=i["lines"], unit=i["unit"], breaks=i["breaks"]),
                i["chart_description"],
            )
            if i["years"]:
                years = [str(y) for y in i["years"]]
                first = Cm(4.6)
                rest = Cm(max(0.9, (16.5 - 4.6) / max(len(years), 1)))
                w.table(
                    [_("Series"), *years],
                    [[label, *cells] for label, cells in i["table"]],
                    widths=[first] + [rest] * len(years),
                    numeric=tuple(range(1, len(years) + 1)),
                    caption=i["numbers_caption"],
                    size=7.5,
                )
    w.heading(_("The reports"), 1, chapter=True)
    w.text(_("The compilation is built on these reports."))
    w.table(
        [_("Organisation"), _("Status")],
        [[r["organisation"], r["status"]] for r in b["reports"]] or [[_("No reports."), ""]],
        widths=[Cm(10), Cm(6.5)],
    )


def _reference(w, ref):
    w.text(ref["text"], italic=True, colour=GREY)


def _plan_effect_goal(w, eg):
    w.heading(eg["heading"], 2)
    if len(eg["supports"]) > 1:
        w.text("; ".join(eg["supports"]), bold_prefix=_("Supports:"), size=Pt(9), colour=GREY)
    w.paragraphs(eg["description"])
    if eg["measures"]:
        w.table(
            [_("Indicator"), _("Target"), _("Latest value")],
            [[m["indicator"], m["target"], m["latest"]] for m in eg["measures"]],
            widths=[Cm(8), Cm(4.5), Cm(4)],
            caption=_("Measures"),
        )
    if eg["activities"]:
        w.table(
            [_("Activity"), _("Responsible unit"), _("Period")],
            [[a["title"], a["unit"], a["period"]] for a in eg["activities"]],
            widths=[Cm(8), Cm(4.5), Cm(4)],
            caption=_("Activities"),
        )
    else:
        w.text(_("No activities yet."), italic=True, colour=GREY)


def build_plan(w: Writer, b: dict):
    w.heading(_("Area of responsibility"), 1)
    w.paragraphs(b["responsibility"], empty=_("Not described yet."))
    w.heading(_("Development given the strategic goals"), 1)
    w.paragraphs(b["direction"], empty=_("Not described yet."))
    if b["overview"]:
        w.heading(_("The effect goals at a glance"), 1, chapter=True)
        w.text(
            _(
                "The effect goals of %(organisation)s break the council's strategic goals for "
                "%(term)s down into the effects residents can expect."
            )
            % {"organisation": b["organisation"], "term": b["term"]}
        )
        w.table(
            [_("Effect goal"), _("Supports strategic goal"), _("Activities")],
            [
                [f"{r['number']}. {r['title']}", r["supports"], str(r["activities"])]
                for r in b["overview"]
            ],
            widths=[Cm(10), Cm(4), Cm(2.5)],
            numeric=(2,),
        )
    if b["no_goals_text"]:
        w.text(b["no_goals_text"])
    for s in b["sections"]:
        w.heading(s["heading"], 1, chapter=True, kicker=f"{_('Strategic goal')} {s['number']}")
        w.paragraphs(s["description"])
        for eg in s["effect_goals"]:
            _plan_effect_goal(w, eg)
        for ref in s["references"]:
            _reference(w, ref)
        if not s["effect_goals"] and not s["references"]:
            w.text(_("No effect goal supports this strategic goal."))
    if b["unlinked"]:
        w.heading(_("Other effect goals"), 1, chapter=True)
        for eg in b["unlinked"]:
            _plan_effect_goal(w, eg)
    w.heading(b["assignments_title"], 1, chapter=True)
    if b["assignments"]:
        footer = (
            [_("Earmarked funds in total"), b["earmarked_total"], "", ""]
            if b["earmarked_total"]
            else None
        )
        w.table(
            [_("Assignment"), _("Earmarked amount"), _("Deadline"), _("Decision reference")],
            [
                [
                    {"paragraphs": [a["title"], *a["description"]]},
                    a["amount"],
                    a["deadline"] or "–",
                    a["reference"] or "–",
                ]
                for a in b["assignments"]
            ],
            widths=[Cm(7.5), Cm(3), Cm(3), Cm(3)],
            numeric=(1,),
            footer=footer,
        )
    else:
        w.text(_("No assignments this year."))


def _report_assessment(w, eg):
    w.heading(eg["heading"], 2)
    w.mark(_("Assessment"), eg["mark"])
    w.heading(_("Analysis of the effects"), 3)
    w.paragraphs(eg["analysis"], empty=_("Not written yet."))
    if eg["reasons"]:
        w.heading(_("Reasons it is not fulfilled"), 3)
        w.paragraphs(eg["reasons"])
    if eg["actions"]:
        w.heading(_("Actions taken or planned"), 3)
        w.paragraphs(eg["actions"])


def build_report(w: Writer, b: dict):
    w.heading(_("Summary"), 1)
    lead = b["period_text"]
    if b["is_interim"]:
        lead += " " + _("In the interim report the assessment is a forecast for the year.")
    w.text(lead)
    w.mark(_("All effect goals"), b["attainment"], b["counts_text"])
    if b["summary"]:
        _summary_table(w, b["summary"], b["counts"], b["attainment"])
    _legend(w)
    for s in b["sections"]:
        w.heading(s["heading"], 1, chapter=True, kicker=f"{_('Strategic goal')} {s['number']}")
        w.mark(_("Attainment"), s["attainment"], s["counts_text"])
        w.table(
            [_("Effect goal"), _("Assessment")],
            [
                [
                    f"{eg['number']}. {eg['title']}",
                    {"text": eg["mark"].label, "fill": eg["mark"].fill, "bold": True},
                ]
                for eg in s["rows"]
            ],
            widths=[Cm(12.5), Cm(4)],
        )
        for eg in s["effect_goals"]:
            _report_assessment(w, eg)
        for ref in s["references"]:
            _reference(w, ref)
    if b["unlinked"]:
        w.heading(_("Other effect goals"), 1, chapter=True)
        for eg in b["unlinked"]:
            _report_assessment(w, eg)
    w.heading(_("Assignments"), 1, chapter=True)
    if b["assignments"]:
        w.table(
            [_("Assignment"), _("Earmarked amount"), _("Progress"), _("Comment")],
            [
                [a["title"], a["amount"], a["progress"], {"paragraphs": a["comment"]}]
                for a in b["assignments"]
            ],
            widths=[Cm(5.5), Cm(3), Cm(2.5), Cm(5.5)],
            numeric=(1,),
        )
    else:
        w.text(_("No assignments this year."))
    if b["mission_results"] is not None:
        w.heading(_("Results of the whole mission"), 1)
        w.paragraphs(b["mission_results"], empty=_("Not written yet."))


BUILDERS = {"plan": build_plan, "report": build_report, "compilation": build_compilation}
