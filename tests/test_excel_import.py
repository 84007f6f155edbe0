"""Measurements from Excel: the template, a good import, and a corpus of broken files.

Every broken file is refused with its problems located by sheet, row and column (where that makes
sense), and changes nothing: no measurement and no change record. The broken files are built here
with openpyxl (or as raw bytes), so no binaries are committed.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from effekt.core.models import ChangeRecord
from effekt.indicators import excel, services
from effekt.indicators.excel import WorkbookErrors, import_workbook, template_workbook
from effekt.indicators.models import Indicator, Measurement, Series

HEADERS = ["Indicator id", "Indicator", "Series id", "Series", "Year", "Value", "Note"]
SHEET = "Measurements"


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted on their English source text (the site's default is Swedish)."""
    with translation.override("en"):
        yield


@pytest.fixture
def office(world):
    return world.users["executive_office"]


@pytest.fixture
def kit(world, office):
    """The council's indicator (own total + women, comparison group) and the social board's."""
    council = services.indicator_save(
        user=office, data={"name": "Tryggare vardag", "unit": "%", "council_number": 4}
    )
    services.series_add(
        user=office,
        indicator=council,
        role=Series.Role.OWN,
        area_code="0381",
        area_name="Enköping",
        gender=Series.Gender.WOMEN,
    )
    services.series_add(
        user=office,
        indicator=council,
        role=Series.Role.COMPARISON,
        area_code="G37359",
        area_name="Liknande kommuner",
    )
    social = services.indicator_save(
        user=office,
        data={"name": "Självförsörjande hushåll", "unit": "%", "owner": world.social},
    )
    return {
        "council": council,
        "social": social,
        "own": council.series.get(role=Series.Role.OWN, gender=Series.Gender.TOTAL),
        "women": council.series.get(gender=Series.Gender.WOMEN),
        "group": council.series.get(role=Series.Role.COMPARISON),
        "social_own": social.series.get(),
    }


def row(series, year, value, note=None, *, indicator_id=None):
    return [
        series.indicator_id if indicator_id is None else indicator_id,
        str(series.indicator),
        series.pk,
        str(series),
        year,
        value,
        note,
    ]


def xlsx(rows=(), *, header=HEADERS, title=SHEET, edit=None, extra_sheets=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    if header is not None:
        sheet.append(header)
    for values in rows:
        sheet.append(list(values))
    if edit:
        edit(sheet)
    for name in extra_sheets:
        workbook.create_sheet(name).append(["Läs mig"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rezip(data: bytes, *, change=None, add=None) -> bytes:
    """A copy of an .xlsx with some parts rewritten ({name: func(bytes) -> bytes}) or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if change and info.filename in change:
                content = change[info.filename](content)
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def state():
    return Measurement.objects.count(), ChangeRecord.objects.count()


def refused(user, data):
    """Import `data`, expect a refusal that changed nothing, return its problems."""
    before = state()
    with pytest.raises(WorkbookErrors) as caught:
        import_workbook(user=user, file=data)
    assert state() == before
    assert caught.value.problems
    assert isinstance(caught.value, ValidationError)
    assert len(caught.value.messages) == len(caught.value.problems)
    return caught.value.problems


def only(problems):
    assert len(problems) == 1, problems
    return problems[0]


# --- The template -------------------------------------------------------------------------------


def test_template_has_the_headers_and_one_row_per_series(kit, office):
    services.measurement_set(user=office, series=kit["own"], year=2018, value=Decimal("62.5"))
    data = template_workbook([kit["council"], kit["social"]])
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Measurements", "Instructions"]
    sheet = workbook["Measurements"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    body = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [r[2] for r in body] == [
        kit["own"].pk,
        kit["women"].pk,
        kit["group"].pk,
        kit["social_own"].pk,
    ]
    last_year = timezone.localdate().year - 1
    assert body[0] == [kit["council"].pk, "4. Tryggare vardag", kit["own"].pk, str(kit["own"])] + [
        2019,  # the year after its latest value
        None,
        None,
    ]
    assert body[1][3] == "Enköping, women"
    assert body[1][4] == 2019  # no value of its own: the year after the indicator's latest
    assert body[3][4] == last_year  # nothing yet: last year
    instructions = [c.value for c in workbook["Instructions"]["A"] if c.value]
    assert instructions[1:8] == [
        f"{letter}: {h}" for letter, h in zip("ABCDEFG", HEADERS, strict=True)
    ]
    # the names are for the reader only (shaded); the year and the value are checked by Excel
    # on the rows there are and 500 more
    assert {sheet[f"{c}2"].fill.fgColor.rgb[-6:] for c in "BD"} == {"EEEEEE"}
    assert sheet["E2"].fill.fill_type is None
    checks = {str(check.sqref): check.type for check in sheet.data_validations.dataValidation}
    assert checks == {"E2:E505": "whole", "F2:F505": "decimal"}


def test_the_template_writes_names_as_text_never_as_formulas(kit):
    Indicator.objects.filter(pk=kit["social"].pk).update(name='=HYPERLINK("http://x","y")')
    kit["social"].refresh_from_db()
    sheet = load_workbook(io.BytesIO(template_workbook([kit["social"]])))["Measurements"]
    assert sheet["B2"].value == str(kit["social"])
    assert sheet["B2"].value.startswith("=") and sheet["B2"].data_type == "s"


def test_the_template_downloads_for_a_signed_in_editor(kit, office, client_for):
    response = client_for(office).get("/indikatorer/mall.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.worksheets[0].max_row == 1 + 4


def test_the_swedish_template_uses_swedish_words_and_imports_in_any_language(kit, office):
    with translation.override("sv"):
        data = template_workbook([kit["council"]])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["E1"].value == "År"
    sheet_title = sheet.title
    workbook = load_workbook(io.BytesIO(data))
    workbook.worksheets[0]["F2"] = 61
    out = io.BytesIO()
    workbook.save(out)
    result = import_workbook(user=office, file=out.getvalue())  # English is active here
    assert (result.created, result.skipped) == (1, 2)
    with translation.override("sv"):
        assert sheet_title == gettext("Measurements")


# --- A good import ------------------------------------------------------------------------------


def test_a_good_file_is_imported_through_the_audited_operation(kit, office):
    last_record = ChangeRecord.objects.latest("pk").pk

    def percent(sheet):
        sheet["F4"].number_format = "0.0%"

    data = xlsx(
        [
            row(kit["own"], 2020, 62.5, "Enkät hösten 2020"),
            row(kit["women"], 2020, "61,2"),
            row(kit["group"], 2020, 0.583),  # shown as 58,3 %
            row(kit["social_own"], 2020, None),  # not filled in: skipped
            row(kit["own"], 2021, " 1 234,5 "),
        ],
        edit=percent,
    )
    result = import_workbook(user=office, file=SimpleUploadedFile("v.xlsx", data))
    assert (result.created, result.updated, result.unchanged, result.skipped) == (4, 0, 0, 1)
    stored = {(m.series_id, m.year): (m.value, m.note, m.source) for m in Measurement.objects.all()}
    assert stored == {
        (kit["own"].pk, 2020): (Decimal("62.5"), "Enkät hösten 2020", "file"),
        (kit["women"].pk, 2020): (Decimal("61.2"), "", "file"),
        (kit["group"].pk, 2020): (Decimal("58.3"), "", "file"),
        (kit["own"].pk, 2021): (Decimal("1234.5"), "", "file"),
    }
    records = list(ChangeRecord.objects.filter(pk__gt=last_record))
    assert len(records) == 4
    assert {(r.user, r.action, r.content_type.model) for r in records} == {
        (office, ChangeRecord.Action.CREATE, "measurement")
    }


def test_importing_again_changes_only_what_differs(kit, office):
    services.measurement_set(
        user=office, series=kit["group"], year=2020, value=Decimal("58"), note="Från Kolada"
    )
    Measurement.objects.filter(series=kit["group"]).update(source=Indicator.Source.KOLADA)
    data = xlsx([row(kit["own"], 2020, 62.5, "Enkät"), row(kit["group"], 2020, 58)])
    first = import_workbook(user=office, file=data)
    assert (first.created, first.updated, first.unchanged) == (1, 0, 1)
    group = Measurement.objects.get(series=kit["group"])
    assert (group.source, group.note) == ("kolada", "Från Kolada")  # same value: left alone
    records = ChangeRecord.objects.count()
    again = import_workbook(user=office, file=data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert ChangeRecord.objects.count() == records
    changed = import_workbook(
        user=office, file=xlsx([row(kit["own"], 2020, 63), row(kit["group"], 2020, 58)])
    )
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    own = Measurement.objects.get(series=kit["own"])
    assert (own.value, own.note) == (Decimal("63"), "Enkät")  # an empty note keeps the note
    record = ChangeRecord.objects.latest("pk")
    assert (record.user, record.action) == (office, ChangeRecord.Action.UPDATE)


def test_an_organisation_editor_imports_its_own_indicator(kit, world):
    editor = world.users["organisation_editor"]
    result = import_workbook(user=editor, file=xlsx([row(kit["social_own"], 2019, 12)]))
    assert result.created == 1
    assert ChangeRecord.objects.latest("pk").user == editor


def test_a_failure_while_writing_rolls_back_every_row(kit, office, monkeypatch):
    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise ValidationError("Det gick inte.")
        return services.measurement_set(**kwargs)

    monkeypatch.setattr(excel, "measurement_set", failing)
    problems = refused(office, xlsx([row(kit["own"], 2020, 1), row(kit["women"], 2020, 2)]))
    assert only(problems)[:3] == (SHEET, 3, None)
    assert len(calls) == 2


def test_right_to_left_marks_are_allowed_in_the_note(kit, office):
    note = "\u200fملاحظة\u200f och svensk text"
    import_workbook(user=office, file=xlsx([row(kit["own"], 2020, 1, note)]))
    assert Measurement.objects.get().note == note


# --- Broken files -------------------------------------------------------------------------------


def cell_problem(office, data, column, text, *, row_number=2):
    problem = only(refused(office, data))
    assert problem[:3] == (SHEET, row_number, column)
    assert text in problem.message
    return problem


@pytest.mark.parametrize(
    ("year", "value", "column", "text"),
    [
        ("tjugotjugo", 5, "E", "whole number"),
        (2020.5, 5, "E", "whole number"),
        (None, 5, "E", "year is missing"),
        (1989, 5, "E", "between 1990 and 2100"),
        (2101, 5, "E", "between 1990 and 2100"),
        (2020, "abc", "F", "must be a number"),
        (2020, "1.234,5", "F", "one decimal sign"),
        (2020, True, "F", "must be a number"),
        (2020, "NaN", "F", "must be a number"),
        (2020, 1e13, "F", "too large"),
        (2020, "#DIV/0!", "F", "Excel error"),
        (2020, "=1+2", "F", "Formulas are not allowed"),
        ("=2019+1", 5, "E", "Formulas are not allowed"),
    ],
)
def test_wrong_types_are_reported_by_row_and_column(kit, office, year, value, column, text):
    cell_problem(office, xlsx([row(kit["own"], year, value)]), column, text)


def test_a_date_in_the_year_column_is_refused(kit, office):
    def date(sheet):
        sheet["E2"] = timezone.now().replace(tzinfo=None)

    cell_problem(office, xlsx([row(kit["own"], 2020, 5)], edit=date), "E", "whole number")


def test_an_array_formula_is_refused(kit, office):
    from openpyxl.worksheet.formula import ArrayFormula

    def array(sheet):
        sheet["F2"] = ArrayFormula("F2", "=SUM(1,2)")

    cell_problem(office, xlsx([row(kit["own"], 2020, None)], edit=array), "F", "Formulas")


def test_every_problem_is_reported_in_row_order_and_nothing_is_imported(kit, office):
    data = xlsx(
        [
            row(kit["own"], 2020, 1),  # good
            row(kit["women"], "x", "y"),  # two problems in one row
            row(kit["group"], 2020, 3)[:2] + [999_999] + [None, 2020, 3],  # unknown series
            row(kit["own"], 2020, 4),  # the same series and year as row 2
            row(kit["own"], 2022, 5, "x" * 301),
        ]
    )
    problems = refused(office, data)
    assert [p[:3] for p in problems] == [
        (SHEET, 3, "E"),
        (SHEET, 3, "F"),
        (SHEET, 4, "C"),
        (SHEET, 5, "C"),
        (SHEET, 6, "G"),
    ]
    assert "row 2" in problems[3].message
    assert str(problems[0]).startswith("Sheet “Measurements”, row 3, column E: ")


def test_too_many_rows_are_refused(kit, office, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 2)
    data = xlsx([row(kit["own"], year, 1) for year in (2018, 2019, 2020)])
    problem = only(refused(office, data))
    assert problem[:3] == (SHEET, 4, None)
    assert "more than 2 rows" in problem.message


def test_the_measurement_sheet_is_found_by_its_name(kit, office):
    workbook = Workbook()
    workbook.active.title = "Anteckningar"
    workbook.active["A1"] = "Mina egna anteckningar"
    workbook.create_sheet(SHEET).append(HEADERS)
    workbook[SHEET].append(row(kit["own"], 2020, 5))
    out = io.BytesIO()
    workbook.save(out)
    assert import_workbook(user=office, file=out.getvalue()).created == 1


def test_merged_cells_are_refused(kit, office):
    def merge(sheet):
        sheet.merge_cells("F2:G2")

    problem = only(refused(office, xlsx([row(kit["own"], 2020, 5)], edit=merge)))
    assert problem[:3] == (SHEET, 2, "F")
    assert "F2:G2" in problem.message


def test_merged_header_cells_are_refused_too(kit, office):
    def merge(sheet):
        sheet.merge_cells("A1:B1")

    problems = refused(office, xlsx([row(kit["own"], 2020, 5)], edit=merge))
    assert problems[0][:3] == (SHEET, 1, "A")
    assert "Merged cells (A1:B1)" in problems[0].message


def test_an_empty_sheet_is_refused(office):
    problem = only(refused(office, xlsx(header=None)))
    assert problem[:3] == (SHEET, None, None)
    assert "empty" in problem.message


def test_an_empty_measurement_sheet_next_to_others_is_refused(office):
    problem = only(refused(office, xlsx(header=None, extra_sheets=["Instructions"])))
    assert problem[:3] == (SHEET, None, None)


def test_a_template_with_no_values_is_refused(kit, office):
    problem = only(refused(office, template_workbook([kit["council"]])))
    assert problem[:3] == (SHEET, None, None)
    assert "no values" in problem.message


def test_a_missing_header_is_refused(kit, office):
    def drop_header(sheet):
        sheet.delete_rows(1)
        sheet.insert_rows(1)

    problem = only(refused(office, xlsx([row(kit["own"], 2020, 5)], edit=drop_header)))
    assert problem[:3] == (SHEET, 1, None)
    assert "header row is missing" in problem.message


def test_the_wrong_template_is_refused(kit, office):
    kolada = xlsx(
        [["N07403", "0381", "Enköping", 2020, "T", 62.5]],
        header=["kpi", "municipality", "municipality_name", "period", "gender", "value"],
        title="Kolada",
    )
    problem = only(refused(office, kolada))
    assert problem[:3] == ("Kolada", 1, "A")
    assert "not the template" in problem.message


def test_a_swapped_column_is_refused(kit, office):
    header = HEADERS[:4] + ["Value", "Year", "Note"]
    problem = only(refused(office, xlsx([row(kit["own"], 5, 2020)], header=header)))
    assert problem[:3] == (SHEET, 1, "E")


def test_a_huge_file_is_refused_before_it_is_read(office, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the file must not be parsed")

    monkeypatch.setattr(excel, "_open", never)
    blob = b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024)
    for data in (blob, SimpleUploadedFile("stor.xlsx", blob), io.BytesIO(blob)):
        with pytest.raises(WorkbookErrors) as caught:
            import_workbook(user=office, file=data)
        problem = only(caught.value.problems)
        assert problem[:3] == (None, None, None)
        assert "larger than 5 MB" in problem.message


def test_a_small_file_that_unpacks_to_gigabytes_is_refused(kit, office):
    bomb = rezip(xlsx([row(kit["own"], 2020, 5)]), add={"xl/media/filler.bin": b"\0" * 60_000_000})
    assert len(bomb) < 5 * 1024 * 1024
    assert "unpacked it is more than 50 MB" in only(refused(office, bomb)).message


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", "The file is empty"),
        ("Indikator;År;Värde\n4;2020;62,5\n".encode(), "not an Excel workbook (.xlsx)"),
        (bytes(range(256)) * 40, "not an Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old Excel file (.xls)"),
        (b"%PDF-1.7\n", "not an Excel workbook (.xlsx)"),
        (b"PK\x03\x04" + b"\0" * 100, "not an Excel workbook (.xlsx)"),
    ],
    ids=["empty", "csv", "random", "xls", "pdf", "broken-zip"],
)
def test_a_file_that_is_not_a_workbook_is_refused(office, data, text):
    problem = only(refused(office, data))
    assert problem[:3] == (None, None, None)
    assert text in problem.message


def test_a_zip_that_is_not_a_workbook_is_refused(office):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "not an Excel workbook" in only(refused(office, out.getvalue())).message


def test_a_damaged_workbook_is_refused(kit, office):
    data = rezip(
        xlsx([row(kit["own"], 2020, 5)]),
        change={"xl/worksheets/sheet1.xml": lambda content: content[: len(content) // 2]},
    )
    assert "could not be read" in only(refused(office, data)).message


def test_a_workbook_with_a_compression_excel_never_writes_is_refused(kit, office):
    source = zipfile.ZipFile(io.BytesIO(xlsx([row(kit["own"], 2020, 5)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    assert "could not be read" in only(refused(office, out.getvalue())).message


def test_a_workbook_with_scrambled_bytes_is_refused(kit, office):
    data = bytearray(xlsx([row(kit["own"], 2020, 5)]))
    middle = len(data) // 2
    data[middle : middle + 200] = bytes(200)
    problem = only(refused(office, bytes(data)))
    assert problem[:3] == (None, None, None)


def test_a_workbook_with_a_document_type_is_refused(kit, office):
    def entity(content):
        doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        if content.startswith(b"<?xml"):
            end = content.index(b"?>") + 2
            return content[:end] + doctype + content[end:]
        return doctype + content

    data = rezip(xlsx([row(kit["own"], 2020, 5)]), change={"xl/workbook.xml": entity})
    assert "could not be read" in only(refused(office, data)).message


def test_duplicate_rows_are_refused(kit, office):
    data = xlsx([row(kit["own"], 2020, 5), row(kit["own"], 2020.0, "5,0")])
    problem = cell_problem(office, data, "C", "same series and year as row 2", row_number=3)
    assert problem.row == 3


@pytest.mark.parametrize(
    ("series_id", "text"),
    [(999_999, "no series with id 999999"), (None, "series id is missing"), ("x", "whole")],
)
def test_an_unknown_or_missing_series_is_refused(kit, office, series_id, text):
    values = row(kit["own"], 2020, 5)
    values[2] = series_id
    cell_problem(office, xlsx([values]), "C", text)


def test_a_series_of_another_indicator_is_refused(kit, office):
    values = row(kit["own"], 2020, 5, indicator_id=kit["social"].pk)
    cell_problem(office, xlsx([values]), "A", "belongs to indicator")


def test_an_organisation_editor_may_not_write_the_councils_indicator(kit, world):
    editor = world.users["organisation_editor"]
    data = xlsx([row(kit["social_own"], 2020, 5), row(kit["own"], 2020, 5)])
    problem = only(refused(editor, data))
    assert problem[:3] == (SHEET, 3, "C")
    assert "You may not enter values" in problem.message
    for name in ("reader", "unit_editor", "other_editor", "nobody"):
        refused(world.users[name], xlsx([row(kit["social_own"], 2020, 5)]))


@pytest.mark.parametrize(
    ("note", "text"),
    [
        ("före_x0000_efter", "control character (U+0000)"),  # how Excel writes a NUL
        ("före_x0007_efter", "control character (U+0007)"),
        ("x" * 301, "at most 300 characters"),
        ("\u202eefter", "control character (U+202E)"),  # right-to-left override
        ("\u2067isolerad\u2069", "control character (U+2067)"),
    ],
    ids=["nul", "bell", "301", "rtl-override", "rtl-isolate"],
)
def test_a_bad_note_is_refused(kit, office, note, text):
    cell_problem(office, xlsx([row(kit["own"], 2020, 5, note)]), "G", text)


def test_a_megabyte_note_is_refused(kit, office):
    """openpyxl cuts strings at Excel's 32,767 characters when it writes; other programs may not."""
    data = rezip(
        xlsx([row(kit["own"], 2020, 5, "PLACEHOLDER")]),
        change={
            "xl/worksheets/sheet1.xml": lambda content: content.replace(
                b"PLACEHOLDER", b"x" * 1_000_000
            )
        },
    )
    text = "at most 300 characters, this one has 1000000"
    cell_problem(office, data, "G", text)


def test_a_note_needs_a_value(kit, office):
    cell_problem(office, xlsx([row(kit["own"], 2020, None, "Saknas")]), "F", "needs a value")


def test_problems_are_located_in_swedish(kit, office):
    with translation.override("sv"):
        data = template_workbook([kit["council"]])
        sheet_name = gettext("Measurements")
        workbook = load_workbook(io.BytesIO(data))
        workbook.worksheets[0]["E2"] = "i fjol"
        workbook.worksheets[0]["F2"] = 5
        out = io.BytesIO()
        workbook.save(out)
        problem = only(refused(office, out.getvalue()))
        assert problem[:3] == (sheet_name, 2, "E")
        message = "The year must be a whole number, for example 2024."
        if gettext(message) != message:  # once the catalogue has it
            assert "heltal" in problem.message
            assert "rad 2" in str(problem)
        assert gettext("Year") == "År"


# --- Speed --------------------------------------------------------------------------------------


def test_five_thousand_rows_import_and_reimport_unchanged(world, office):
    """A large workbook imports whole, and importing it again changes nothing (each value is an
    audited write, so speed is a benchmark's business, not an assert's)."""
    all_series = []
    for number in range(16):
        indicator = services.indicator_save(user=office, data={"name": f"Indikator {number}"})
        all_series.append(indicator.series.get())
        for gender in (Series.Gender.WOMEN, Series.Gender.MEN):
            all_series.append(
                services.series_add(
                    user=office,
                    indicator=indicator,
                    role=Series.Role.OWN,
                    area_code="0381",
                    area_name="Enköping",
                    gender=gender,
                )
            )
    rows = [
        row(series, year, (year - 1990) * 0.5 + i)
        for i, series in enumerate(all_series)
        for year in range(1990, 2101)
    ][:5000]
    data = xlsx(rows)
    assert import_workbook(user=office, file=data).created == 5000
    assert Measurement.objects.filter(series__in=all_series).count() == 5000
    records = ChangeRecord.objects.count()
    again = import_workbook(user=office, file=data)
    assert (again.unchanged, again.created, again.updated) == (5000, 0, 0)
    assert ChangeRecord.objects.count() == records
