"""Where Effekt prints faster than WeasyPrint and pydyf do by themselves: the same PDF, with less
work in their hottest places (benchmarks/compilation_documents.py, the whole municipality's
compilation).

Each change replaces a function of theirs with one doing the same work faster, and is made only
for the version it mirrors: another version keeps its own. pdf.py imports this module before
it prints anything. tests/test_documents.py prints documents with WeasyPrint's own setup and
drawing and with these and compares the bytes (pydyf's packing at level 6 changes the bytes,
not what the PDF shows).
"""

import types
import zlib

import pydyf
import weasyprint
from weasyprint.draw import text as draw_text
from weasyprint.text import line_break
from weasyprint.text.constants import LST_TO_ISO, PANGO_DIRECTION
from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, pango, unicode_to_char_p
from weasyprint.text.fonts import font_features, get_font_description


def _page_references(pdf) -> tuple:
    """pydyf's `PDF.page_references`, the same tuple, built once per number of pages.

    WeasyPrint's tagging asks for it once per tagged box, and pydyf rebuilds the tuple of every
    page each time: for the whole municipality's compilation (270 pages, 40,000 boxes) that was a
    tenth of the printing time. The pages are only ever appended, so their number says whether
    the tuple is still right."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_effekt_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_effekt_page_references"] = cached
    return cached[1]


def _compressobj(level=-1, *args, **kwargs):
    """zlib's `compressobj` at its default level 6 where pydyf asks for 9.

    pydyf packs every page's content stream at level 9: for the whole municipality's compilation
    that took half a second, where level 6 takes a tenth of a second for a PDF about 5 % larger."""
    return zlib.compressobj(min(level, 6) if level >= 0 else level, *args, **kwargs)


_draw_first_line = draw_text.draw_first_line  # WeasyPrint's own
_GLYPH_INFO = ffi.sizeof("PangoGlyphInfo")  # glyph, width, x and y offset, attributes: 5 × 4 bytes
_EMPTY, _UNKNOWN = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG


def _runs(textbox, first_line, stream):
    """The line's runs of glyphs as `draw_first_line` needs them, each with the glyphs' ids,
    widths and horizontal offsets read from Pango's array at once; None if the line needs what
    only WeasyPrint's own drawing does (a glyph no font has, an empty or raised glyph, a bitmap
    or colour font, right-to-left text)."""
    runs, previous = [], None
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        item, glyph_string = glyph_item.item, glyph_item.glyphs
        if item.analysis.level % 2:
            return None
        pango_font = item.analysis.font
        if pango_font != previous:  # as WeasyPrint asks: once per change of font
            previous = pango_font
            font, font_size = stream.add_font(pango_font)
            if font.bitmap or font.svg or font.png or font.colr:
                return None
            if pango.pango_version() < 14802:  # https://gitlab.gnome.org/GNOME/pango/-/issues/530
                font_size = textbox.style["font_size"]
            changed = (font, font_size)
        else:
            changed = None
        count = glyph_string.num_glyphs
        values = memoryview(ffi.buffer(glyph_string.glyphs, count * _GLYPH_INFO)).cast("i")
        glyphs, y_offsets = values[0::5].tolist(), values[3::5]
        if any(y_offsets) or any(glyph == _EMPTY or glyph & _UNKNOWN for glyph in glyphs):
            return None
        widths, x_offsets = values[1::5].tolist(), values[2::5].tolist()
        runs.append((changed, pango_font, glyph_item, glyphs, widths, x_offsets))
    return runs


def _fast_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """WeasyPrint's `draw_first_line`, the same text operators, for the lines that need none of
    its rarer cases (which it draws itself).

    WeasyPrint reads each glyph's id, width and offsets from Pango one field at a time through
    cffi and works out what to write for it anew each time: for the whole municipality's
    compilation (8,900 lines, some 400,000 glyphs) that was a seventh of the printing time. Here
    each run's glyphs are read from Pango's array at once, and what is written for a glyph of a
    given width and offset is worked out once per font and size (`_fragment`)."""
    if text_overflow == "ellipsis" or block_ellipsis != "none":
        return _draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
        return []
    layout = textbox.pango_layout
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    first_line, _index = layout.get_first_line()
    runs = _runs(textbox, first_line, stream)
    if runs is None:
        return _draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)

    stream.set_text_matrix(*matrix.values)
    parts = []
    for changed, pango_font, glyph_item, glyphs, widths, x_offsets in runs:
        if changed is not None:
            font, font_size = changed
            written = "".join(parts)
            if written:  # as WeasyPrint: not when a run had no glyphs
                stream.show_text(written)
            parts = []
            stream.set_font_size(font.hash, font_size)
            fragments = font.__dict__.setdefault("_effekt_fragments", {}).setdefault(font_size, {})
        parts.append("<")
        for i, key in enumerate(zip(glyphs, widths, x_offsets, strict=True)):
            fragment = fragments.get(key)
            if fragment is None:
                fragment = fragments[key] = _fragment(
                    stream, layout, font, font_size, pango_font, glyph_item, i, *key
                )
            parts.append(fragment)
        if parts[-1][-1] == "<":  # "<" alone, or a last kerning's ">-12<"
            parts[-1] = parts[-1][:-1]
        else:
            parts.append(">")
    stream.show_text("".join(parts))
    return []


def _fragment(
    stream, layout, font, font_size, pango_font, glyph_item, i, glyph_id, width, x_offset
):
    """What WeasyPrint writes for the `i`th glyph of `glyph_item`, as WeasyPrint works it out:
    its offset, its id and the kerning that makes its width Pango's; on the way, as WeasyPrint
    does, the characters it shows and its width in the font are noted in the font."""
    if glyph_id not in font.to_unicode:
        offset = glyph_item.item.offset
        clusters = glyph_item.glyphs.log_clusters
        last = glyph_item.glyphs.num_glyphs - 1
        end = glyph_item.item.length if i == last else clusters[i + 1]
        utf8_text = layout.text.encode()
        font.to_unicode[glyph_id] = utf8_text[offset + clusters[i] : offset + end].decode()
    offset = x_offset / font_size
    fragment = f">{-offset}<" if offset else ""
    fragment += f"{glyph_id:04x}"
    if glyph_id in font.widths:
        logical_width = font.widths[glyph_id]
    else:
        pango.pango_font_get_glyph_extents(
            pango_font, glyph_id, stream.ink_rect, stream.logical_rect
        )
        logical_width = font.widths[glyph_id] = round(
            stream.logical_rect.width * 1000 * FROM_UNITS / font_size
        )
    kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
    if kerning:
        fragment += f">{int(kerning)}<"
    return fragment


_setup = line_break.Layout.setup  # WeasyPrint's own


def _fast_setup(self, style):
    """WeasyPrint's `Layout.setup` (a Pango layout for a text in `style`), with what does not
    depend on the text made once per document rather than once per layout.

    WeasyPrint makes a new Pango context and a new font description for every layout it makes:
    one per line laid out (more where a line is tried twice) and one more per line drawn, some
    30,000 for the whole municipality's compilation, a tenth of the printing time. Pango's
    layouts share a context that nothing changes, and copy the font description they are given,
    so here the context is made once per direction and language and the description once per
    font, kept with the document's font configuration (they go with the document). Whatever
    else `setup` does (the font features' attributes, the underline metrics) is done as
    WeasyPrint does it, for every layout."""
    font_config = style.font_config
    kept = font_config.__dict__.get("_effekt_layouts")
    if kept is None:
        kept = font_config.__dict__["_effekt_layouts"] = ({}, {})
    contexts, descriptions = kept
    if style["text_decoration_line"] != "none":  # the metrics need their own context: as WeasyPrint
        return _setup(self, style)
    self.style = style
    self.first_line_direction = 0

    if style["font_language_override"] != "normal":
        lang = LST_TO_ISO.get(
            style["font_language_override"].lower(), style["font_language_override"]
        )
    else:
        lang = style["lang"] or None
    context_key = (style["direction"], lang)
    context = contexts.get(context_key)
    if context is None:
        context = ffi.gc(
            pango.pango_font_map_create_context(font_config.font_map), gobject.g_object_unref
        )
        pango.pango_context_set_round_glyph_positions(context, False)
        pango.pango_context_set_base_dir(context, PANGO_DIRECTION[style["direction"]])
        if lang:
            lang_p, _lang = unicode_to_char_p(lang)
            language = pango.pango_language_from_string(lang_p)
            pango.pango_context_set_language(context, language)
        else:
            language = pango.pango_language_get_default()
        context = contexts[context_key] = (context, language)
    pango_context, self.language = context

    assert not isinstance(style["font_family"], str), "font_family should be a list"
    variations = style["font_variation_settings"]
    font_key = (
        tuple(style["font_family"]),
        style["font_style"],
        style["font_stretch"],
        style["font_weight"],
        style["font_size"],
        style["font_variant_caps"],
        variations if variations == "normal" else tuple(map(tuple, variations)),
    )
    font_description = descriptions.get(font_key)
    if font_description is None:
        font_description = descriptions[font_key] = get_font_description(style)
    self.layout = ffi.gc(pango.pango_layout_new(pango_context), gobject.g_object_unref)
    pango.pango_layout_set_auto_dir(self.layout, False)
    pango.pango_layout_set_font_description(self.layout, font_description)
    self.ascent = self.underline_position = self.strikethrough_position = None
    _set_features(self, style)


def _set_features(layout, style):
    """The end of WeasyPrint's `Layout.setup`, as it does it: the font features' attributes."""
    features = font_features(
        style["font_kerning"],
        style["font_variant_ligatures"],
        style["font_variant_position"],
        style["font_variant_caps"],
        style["font_variant_numeric"],
        style["font_variant_alternates"],
        style["font_variant_east_asian"],
        style["font_feature_settings"],
    )
    if features:
        features = ",".join(f"{key} {value}" for key, value in features.items()).encode()
        attr = style.font_config.font_features.get(features)
        if attr is None:  # WeasyPrint makes one each time and keeps the first
            attr = style.font_config.font_features[features] = pango.pango_attr_font_features_new(
                features
            )
        attr_list = pango.pango_attr_list_new()
        pango.pango_attr_list_insert(attr_list, attr)
        pango.pango_layout_set_attributes(layout.layout, attr_list)


def install():
    """The changes, for the versions they mirror."""
    if pydyf.__version__ == "0.13.0":
        pydyf.PDF.page_references = property(_page_references)
        pydyf.zlib = types.SimpleNamespace(compress=zlib.compress, compressobj=_compressobj)
    if weasyprint.__version__ == "70.0":
        line_break.Layout.setup = _fast_setup
        if _GLYPH_INFO == 20:
            draw_text.draw_first_line = _fast_draw_first_line


install()
