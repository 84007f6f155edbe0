"""Measurements in Excel: a template to fill in, and an import that is all or nothing.

The template has one sheet of measurements (one row per series, for the next year to fill) and a
sheet of instructions. The import reads that sheet, checks every row and reports every problem by
sheet, row and column; if there is any problem nothing is imported. Otherwise every row is written
through `measurement_set`, in one transaction, so each write is permission-checked and recorded.

What a row means:
- a row with no value (and no note) is skipped: the template has a row for every series, and only
  the filled ones count; a file never clears a value (the form does that);
- an empty note keeps the note already saved for that year;
- a value equal to the saved one (and the same note) is left alone, whatever its source;
- anything right of the template's columns (A–G) is refused rather than silently left out;
  a note follows the text rules of every text (`effekt.core.forms.refused_character`).
"""

import datetime
import decimal
import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from effekt.core.forms import refused_character
from effekt.organisations import access
from effekt.organisations.access import Action

from .models import Indicator, Measurement, Series
from .services import measurement_set

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a 5 MB zip of repeated text can unpack to gigabytes
MAX_ROWS = 10_000
MIN_YEAR, MAX_YEAR = 1990, 2100
NOTE_MAX = Measurement._meta.get_field("note").max_length  # 300
VALUE_PLACES = Measurement._meta.get_field("value").decimal_places  # 6
VALUE_INTEGER_DIGITS = Measurement._meta.get_field("value").max_digits - VALUE_PLACES  # 12

# Column order of the measurement sheet; the letters are fixed by the template.
COLUMNS = ("indicator_id", "indicator", "series_id", "series", "year", "value", "note")
LETTER = {name: "ABCDEFG"[i] for i, name in enumerate(COLUMNS)}

_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f']+")


def _headers():
    return (
        _("Indicator id"),
        _("Indicator"),
        _("Series id"),
        _("Series"),
        _("Year"),
        _("Value"),
        _("Note"),
    )


def _sheet_name():
    return _("Measurements")


def _instructions_name():
    return _("Instructions")


def _in_every_language(func):
    """The results of `func` in every language of the site (a template may come from any)."""
    results = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            results.append(func())
    with translation.override("en"):
        results.append(func())
    return results


# --- The template -------------------------------------------------------------------------------


def _next_years(series_list):
    """The year to fill for each series: the one after its latest value, else the indicator's, else
    last year."""
    latest = dict(
        Measurement.objects.filter(series__in=series_list, value__isnull=False)
        .values_list("series_id")
        .annotate(latest=Max("year"))
    )
    by_indicator = {}
    for series in series_list:
        year = latest.get(series.pk)
        if year is not None:
            by_indicator[series.indicator_id] = max(by_indicator.get(series.indicator_id, 0), year)
    last_year = timezone.localdate().year - 1
    years = {}
    for series in series_list:
        latest_year = latest.get(series.pk) or by_indicator.get(series.indicator_id)
        years[series.pk] = latest_year + 1 if latest_year else last_year
    return years


def _series_order(series):
    order = {Series.Role.OWN: 0, Series.Role.COMPARISON: 1, Series.Role.COUNTRY: 2}
    return (order.get(series.role, 9), series.gender != Series.Gender.TOTAL, series.area_name)


def template_workbook(indicators) -> bytes:
    """An .xlsx to fill in: one row per series of `indicators`, for the next year to fill.

    Written in openpyxl's write-only mode, row by row (a workbook held in memory cell by cell took
    a third of a second for 2,000 series); the names are written as text, never as formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    indicators = list(indicators)
    series_list = list(Series.objects.filter(indicator__in=indicators).select_related("indicator"))
    years = _next_years(series_list)
    position = {indicator.pk: i for i, indicator in enumerate(indicators)}
    series_list.sort(key=lambda s: (position[s.indicator_id], _series_order(s)))

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name())
    bold = Font(bold=True)
    reader_only = PatternFill("solid", fgColor="EEEEEE")
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(value, *, font=None, fill=None, alignment=None, ws=sheet):
        written = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # a name starting with "=" is text, never a formula
        if font:
            written.font = font
        if fill:
            written.fill = fill
        if alignment:
            written.alignment = alignment
        return written

    for letter, width in zip("ABCDEFG", (12, 50, 10, 36, 8, 14, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    last = len(series_list) + 1 + 500
    year_check = DataValidation(
        type="whole",
        operator="between",
        formula1=str(MIN_YEAR),
        formula2=str(MAX_YEAR),
        showErrorMessage=True,
        error=_("The year must be between %(first)s and %(last)s.")
        % {"first": MIN_YEAR, "last": MAX_YEAR},
    )
    value_check = DataValidation(
        type="decimal",
        showErrorMessage=True,
        operator="between",
        formula1="-999999999999",
        formula2="999999999999",
        error=_("The value must be a number, for example 62.5."),
    )
    year_check.add(f"E2:E{last}")
    value_check.add(f"F2:F{last}")
    sheet.data_validations.append(year_check)
    sheet.data_validations.append(value_check)

    sheet.append([cell(header, font=bold) for header in _headers()])
    for series in series_list:
        sheet.append(
            [
                series.indicator_id,
                cell(str(series.indicator), fill=reader_only),
                series.pk,
                cell(str(series), fill=reader_only),
                years[series.pk],
                None,
                None,
            ]
        )

    help_sheet = workbook.create_sheet(_instructions_name())
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 100

    def help_row(*texts, font=None):
        help_sheet.append([cell(t, font=font, alignment=wrap, ws=help_sheet) for t in texts])

    help_row(_("Column"), _("What to enter"), font=bold)
    headers = _headers()
    explanations = (
        _("The indicator's number in Effekt. Leave it as it is."),
        _("The indicator's name, for the reader. It is not imported."),
        _("The series' number in Effekt: which area and gender the value is for. Required."),
        _("The area and gender of the series, for the reader. It is not imported."),
        _("The year the value is for, between %(first)s and %(last)s.")
        % {"first": MIN_YEAR, "last": MAX_YEAR},
        _(
            "The value, as a number (62,5 or 62.5). Rows without a value are skipped; a value "
            "in a cell formatted as a percentage is read as the percentage shown."
        ),
        _(
            "A note on the value, at most %(max)s characters (optional). An empty note keeps the "
            "note already saved."
        )
        % {"max": NOTE_MAX},
    )
    for letter, header, text in zip("ABCDEFG", headers, explanations, strict=True):
        help_row(f"{letter}: {header}", text)
    help_sheet.append([])
    for text in (
        _("Copy rows to enter more years or series; each series and year may appear only once."),
        _("Paste values, not formulas, and do not merge cells."),
        _(
            "If any row has a problem, nothing is imported: every problem is listed with its row "
            "and column, so that you can correct them all and upload the file again."
        ),
    ):
        help_row(text)

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- The import ---------------------------------------------------------------------------------


class Problem(NamedTuple):
    """One problem of an uploaded file, as (sheet, row, column letter, message).

    Sheet, row and column are None where they make no sense (a problem of the file as a whole).
    """

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.sheet is None:
            return self.message
        if self.row is None:
            return _("Sheet “%(sheet)s”: %(message)s") % {
                "sheet": self.sheet,
                "message": self.message,
            }
        if self.column is None:
            return _("Sheet “%(sheet)s”, row %(row)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        return _("Sheet “%(sheet)s”, row %(row)s, column %(column)s: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def _problem(message, sheet=None, row=None, column=None) -> Problem:
    return Problem(sheet, row, column, str(message))


class WorkbookErrors(ValidationError):
    """The file was refused; `problems` lists every problem found. Nothing was imported."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__([str(problem) for problem in self.problems])


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # rows without a value
    measurements: list = field(default_factory=list, repr=False)

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


@dataclass
class _Row:
    number: int
    series_id: int
    year: int
    value: decimal.Decimal
    note: str


class _Bad(Exception):
    """One cell's problem, raised by the cell readers."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray | memoryview):
        data = bytes(file)
    else:
        size = getattr(file, "size", None)
        if size is not None and size > MAX_FILE_BYTES:
            raise _too_big()
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_FILE_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise _too_big()
    return data


def _too_big():
    return WorkbookErrors(
        [
            _problem(
                _("The file is larger than %(max)s MB. Import the values in several files.")
                % {"max": MAX_FILE_BYTES // (1024 * 1024)}
            )
        ]
    )


def _not_xlsx(data: bytes):
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the OLE container of .xls and encrypted files
        message = _(
            "The file is an old Excel file (.xls) or is protected by a password. Save it as an "
            "Excel workbook (.xlsx) without a password and try again."
        )
    else:
        message = _(
            "The file is not an Excel workbook (.xlsx). Download the template, fill it in and "
            "upload it."
        )
    return WorkbookErrors([_problem(message)])


def _open(data: bytes):
    """The workbook in `data`, or WorkbookErrors for anything that is not a sound .xlsx."""
    from openpyxl import load_workbook

    if not data:
        raise WorkbookErrors([_problem(_("The file is empty."))])
    if not data.startswith(b"PK\x03\x04"):
        raise _not_xlsx(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _not_xlsx(data) from error
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_xlsx(data)
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise WorkbookErrors(
            [
                _problem(
                    _(
                        "The workbook is too large: unpacked it is more than %(max)s MB. Import "
                        "the values in several files."
                    )
                    % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
                )
            ]
        )
    readable = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
    if any(member.compress_type not in readable for member in members):
        raise _unreadable()  # a compression Excel never writes and zipfile cannot read
    try:
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                head = archive.read(member)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise _unreadable()
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        RuntimeError,
        EOFError,
    ) as error:
        raise _unreadable() from error
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(
                io.BytesIO(data), read_only=False, data_only=False, keep_links=False
            )
    except Exception as error:  # openpyxl raises many kinds for broken files
        raise _unreadable() from error


def _unreadable():
    return WorkbookErrors(
        [
            _problem(
                _(
                    "The file could not be read as an Excel workbook; it may be damaged. Open it "
                    "in Excel, save it as an Excel workbook (.xlsx) and try again."
                )
            )
        ]
    )


def _data_sheet(workbook):
    names = {name.casefold() for name in _in_every_language(_sheet_name)}
    for sheet in workbook.worksheets:
        if sheet.title.strip().casefold() in names:
            return sheet
    instructions = {name.casefold() for name in _in_every_language(_instructions_name)}
    if not workbook.worksheets or workbook.worksheets[0].title.strip().casefold() in instructions:
        raise WorkbookErrors(
            [
                _problem(
                    _(
                        "The workbook has no sheet “%(name)s”. Download the template and copy "
                        "the values into it."
                    )
                    % {"name": _sheet_name()}
                )
            ]
        )
    return workbook.worksheets[0]


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_cell(cell):
    """Refuse formulas and Excel errors in any cell of the data area."""
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        raise _Bad(_("Formulas are not allowed. Copy the cells and paste them as values."))
    if hasattr(value, "text") and not isinstance(value, str):  # ArrayFormula, DataTableFormula
        raise _Bad(_("Formulas are not allowed. Copy the cells and paste them as values."))
    if cell.data_type == "e":
        raise _Bad(_("The cell holds an Excel error (%(error)s).") % {"error": value})


def _whole_number(value, *, wrong):
    if isinstance(value, bool | datetime.date | datetime.time):
        raise _Bad(wrong)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _Bad(wrong)
    text = _SPACES.sub("", str(value))
    if text.isascii() and text.isdigit():
        return int(text)
    raise _Bad(wrong)


def _read_id(value, *, missing, wrong):
    if _is_blank(value):
        raise _Bad(missing)
    number = _whole_number(value, wrong=wrong)
    if number <= 0 or number > 2**62:
        raise _Bad(wrong)
    return number


def _read_year(value):
    if _is_blank(value):
        raise _Bad(_("The year is missing."))
    year = _whole_number(value, wrong=_("The year must be a whole number, for example 2024."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Bad(
            _("The year must be between %(first)s and %(last)s.")
            % {"first": MIN_YEAR, "last": MAX_YEAR}
        )
    return year


def _read_value(cell):
    value = cell.value
    wrong = _("The value must be a number, for example 62.5.")
    if isinstance(value, bool | datetime.date | datetime.time):
        raise _Bad(wrong)
    if isinstance(value, int | float):
        if isinstance(value, float) and (value != value or value in (float("inf"), -float("inf"))):
            raise _Bad(wrong)
        number = decimal.Decimal(str(value))
        if "%" in (cell.number_format or ""):  # the cell shows 62,5 % for 0.625
            number *= 100
    else:
        text = _SPACES.sub("", str(value)).replace("\u2212", "-")
        if text.endswith("%"):
            text = text[:-1]
        if "," in text and "." in text:
            raise _Bad(
                _("Write the value with one decimal sign and no thousands separator: 1234.5.")
            )
        text = text.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
            raise _Bad(wrong)
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation as error:
            raise _Bad(wrong) from error
    if not number.is_finite() or abs(number) >= 10**VALUE_INTEGER_DIGITS:
        raise _Bad(
            _("The value is too large: at most %(digits)s digits before the decimal sign.")
            % {"digits": VALUE_INTEGER_DIGITS}
        )
    # Excel keeps 15 significant digits (62.49999999999999); six decimals are kept.
    number = number.quantize(decimal.Decimal(1).scaleb(-VALUE_PLACES), decimal.ROUND_HALF_UP)
    whole = number.to_integral_value()
    return whole if number == whole else number.normalize()


def _read_note(value):
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Excel writes characters XML cannot hold as _xHHHH_; read them as Excel shows them.
    text = _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    found = refused_character(text)  # the rules of every text (effekt.core.forms)
    if found:
        raise _Bad(
            _("The note contains a control character (U+%(code)s) that is not allowed.")
            % {"code": f"{ord(found[1]):04X}"}
        )
    if len(text) > NOTE_MAX:
        raise _Bad(
            _("The note is too long: at most %(max)s characters, this one has %(length)s.")
            % {"max": NOTE_MAX, "length": len(text)}
        )
    return text


def _check_header(sheet, problems):
    """True when row 1 is the template's header (in any language)."""
    found = [_text(sheet.cell(row=1, column=i + 1).value) for i in range(len(COLUMNS))]
    if not any(found):
        problems.append(
            _problem(
                _(
                    "The header row is missing. The first row must have the template's column "
                    "names: %(names)s."
                )
                % {"names": ", ".join(_headers())},
                sheet.title,
                1,
            )
        )
        return False
    for expected in _in_every_language(_headers):
        if [name.casefold() for name in found] == [name.casefold() for name in expected]:
            return True
    headers = _headers()
    for i, (name, wanted) in enumerate(zip(found, headers, strict=True)):
        if name.casefold() not in {h[i].casefold() for h in _in_every_language(_headers)}:
            problems.append(
                _problem(
                    _(
                        "The column should be called “%(expected)s”, not “%(found)s”. This is "
                        "not the template for measurements: download it and copy the values "
                        "into it."
                    )
                    % {"expected": wanted, "found": name},
                    sheet.title,
                    1,
                    "ABCDEFG"[i],
                )
            )
            break
    return False


def _check_merged(sheet, problems):
    last_column = len(COLUMNS)
    for merged in sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        if merged.min_col <= last_column:
            problems.append(
                _problem(
                    _("Merged cells (%(range)s) are not allowed. Unmerge them.")
                    % {"range": merged.coord},
                    sheet.title,
                    merged.min_row,
                    "ABCDEFG"[merged.min_col - 1],
                )
            )


def _check_extra_columns(sheet, problems):
    """A value right of the template's columns would not be imported: say so rather than drop it.

    The sheet's stored cells are read directly: iterating up to `max_column` would visit every
    empty cell of a sheet that has one value in column XFD.
    """
    last_column = len(COLUMNS)
    reported = set()
    for cell in sorted(sheet._cells.values(), key=lambda c: (c.row, c.column)):
        if cell.column > last_column and cell.row not in reported and not _is_blank(cell.value):
            reported.add(cell.row)
            problems.append(
                _problem(
                    _(
                        "Column %(column)s is not part of the template (columns A–G), so it "
                        "would not be imported. Remove it, or write what it says in the note."
                    )
                    % {"column": cell.column_letter},
                    sheet.title,
                    cell.row,
                    cell.column_letter,
                )
            )


def _read_rows(sheet, problems):
    """The rows with a value, read and checked cell by cell; and the number skipped."""
    rows, skipped, seen, counted = [], 0, {}, 0
    for cells in sheet.iter_rows(min_row=2, max_col=len(COLUMNS)):
        if all(_is_blank(cell.value) for cell in cells):
            continue
        counted += 1
        if counted > MAX_ROWS:
            problems.append(
                _problem(
                    _("The sheet has more than %(max)s rows. Import the values in several files.")
                    % {"max": MAX_ROWS},
                    sheet.title,
                    cells[0].row,
                )
            )
            break
        number = cells[0].row
        cell = dict(zip(COLUMNS, cells, strict=False))
        before = len(problems)

        def bad(name, message, number=number):
            problems.append(_problem(message, sheet.title, number, LETTER[name]))

        for name in COLUMNS:
            try:
                _check_cell(cell[name])
            except _Bad as error:
                bad(name, error.message)
        if len(problems) > before:
            continue
        try:
            note = _read_note(cell["note"].value)
        except _Bad as error:
            bad("note", error.message)
            note = ""
        if _is_blank(cell["value"].value):
            if note:
                bad("value", _("The value is missing. A note needs a value."))
            else:
                skipped += 1
            continue
        read = {}
        for name, reader in (
            (
                "indicator_id",
                lambda c: (
                    None
                    if _is_blank(c.value)
                    else _read_id(
                        c.value, missing="", wrong=_("The indicator id must be a whole number.")
                    )
                ),
            ),
            (
                "series_id",
                lambda c: _read_id(
                    c.value,
                    missing=_("The series id is missing."),
                    wrong=_("The series id must be a whole number."),
                ),
            ),
            ("year", lambda c: _read_year(c.value)),
            ("value", _read_value),
        ):
            try:
                read[name] = reader(cell[name])
            except _Bad as error:
                bad(name, error.message)
        if len(problems) > before:
            continue
        key = (read["series_id"], read["year"])
        if key in seen:
            bad(
                "series_id",
                _("The same series and year as row %(row)s. Each may appear only once.")
                % {"row": seen[key]},
            )
            continue
        seen[key] = number
        rows.append((_Row(number, read["series_id"], read["year"], read["value"], note), read))
    return rows, skipped


def _check_series(user, sheet, rows, problems):
    """Every row's series exists, belongs to the indicator given, and the user may write it."""
    found = Series.objects.select_related("indicator").in_bulk({row.series_id for row, _r in rows})
    allowed = {}
    for row, read in rows:
        series = found.get(row.series_id)
        if series is None:
            problems.append(
                _problem(
                    _("There is no series with id %(id)s.") % {"id": row.series_id},
                    sheet.title,
                    row.number,
                    LETTER["series_id"],
                )
            )
            continue
        indicator_id = read.get("indicator_id")
        if indicator_id is not None and indicator_id != series.indicator_id:
            problems.append(
                _problem(
                    _(
                        "Series %(series)s belongs to indicator %(right)s (%(name)s), not to "
                        "indicator %(wrong)s."
                    )
                    % {
                        "series": row.series_id,
                        "right": series.indicator_id,
                        "name": series.indicator,
                        "wrong": indicator_id,
                    },
                    sheet.title,
                    row.number,
                    LETTER["indicator_id"],
                )
            )
            continue
        if series.pk not in allowed:
            allowed[series.pk] = access.can(user, Action.CHANGE, series)
        if not allowed[series.pk]:
            problems.append(
                _problem(
                    _("You may not enter values for “%(indicator)s”, series %(series)s (%(name)s).")
                    % {"indicator": series.indicator, "series": series.pk, "name": series},
                    sheet.title,
                    row.number,
                    LETTER["series_id"],
                )
            )
    return found


def import_workbook(*, user, file) -> ImportResult:
    """Import the measurements of an uploaded workbook, all or nothing.

    Raises WorkbookErrors listing every problem (and changes nothing) if the file or any row is
    wrong; otherwise writes every row with a value through `measurement_set`, in one transaction.
    """
    workbook = _open(_read_bytes(file))
    sheet = _data_sheet(workbook)
    problems = []
    if sheet.max_row <= 1 and sheet.max_column <= 1 and _is_blank(sheet.cell(1, 1).value):
        raise WorkbookErrors(
            [_problem(_("The sheet is empty. Fill in the template and try again."), sheet.title)]
        )
    _check_merged(sheet, problems)
    _check_extra_columns(sheet, problems)
    if not _check_header(sheet, problems):
        raise WorkbookErrors(problems)
    rows, skipped = _read_rows(sheet, problems)
    found = _check_series(user, sheet, rows, problems) if rows else {}
    if problems:
        raise WorkbookErrors(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    if not rows:
        raise WorkbookErrors(
            [
                _problem(
                    _("There are no values to import: no row has a value."),
                    sheet.title,
                )
            ]
        )
    return _write(user, sheet, [row for row, _read in rows], found, skipped)


def _write(user, sheet, rows, found, skipped):
    result = ImportResult(skipped=skipped)
    with transaction.atomic():
        existing = {
            (m.series_id, m.year): m
            for m in Measurement.objects.filter(
                series_id__in={row.series_id for row in rows},
                year__in={row.year for row in rows},
            )
        }
        for row in rows:
            current = existing.get((row.series_id, row.year))
            note = row.note or (current.note if current else "")
            if current is not None and current.value == row.value and current.note == note:
                result.unchanged += 1
                continue
            try:
                measurement = measurement_set(
                    user=user,
                    series=found[row.series_id],
                    year=row.year,
                    value=row.value,
                    note=note,
                    source=Indicator.Source.FILE,
                )
            except (ValidationError, PermissionDenied) as error:
                messages = getattr(error, "messages", None) or [str(error)]
                raise WorkbookErrors(
                    [_problem(" ".join(messages), sheet.title, row.number)]
                ) from error
            result.measurements.append(measurement)
            if current is None:
                result.created += 1
            else:
                result.updated += 1
    return result
