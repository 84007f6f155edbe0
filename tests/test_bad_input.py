"""Bad input: a corpus of broken Excel files, broken API bodies and hostile text.

Every case is sent the way a user or a client would send it (an upload to the import page, a JSON
body to the API, a POST of a page form), in Swedish (Accept-Language: sv). Each must be refused
with a 4xx, never a 500, with a clear message in Swedish, and change nothing: the database is
compared before and after, the change log included. The broken files are built here with openpyxl
(or as raw bytes), so no binaries are committed; the huge ones are made at test time.
"""

import html
import io
import json
import zipfile
from decimal import Decimal
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation

from effekt.core.forms import refused_character
from effekt.core.models import ChangeRecord
from effekt.followup.models import AssignmentReport, GoalAssessment, Report
from effekt.goals.models import Activity, EffectGoal, Plan
from effekt.indicators import excel
from effekt.indicators import services as indicators
from effekt.indicators.models import Measurement

from .test_api import call
from .test_api import data as data  # noqa: F401 (the fixture: the same reports and plans)
from .test_excel_import import rezip
from .test_excel_import import xlsx as english_xlsx

SV = {"HTTP_ACCEPT_LANGUAGE": "sv"}
WATCHED = (Measurement, Report, GoalAssessment, AssignmentReport, Plan, EffectGoal, Activity)


def snapshot():
    """Everything a refused write could have touched: the change log and the watched tables."""
    return {
        "changes": ChangeRecord.objects.count(),
        **{
            model.__name__: [model_to_dict(obj) for obj in model.objects.order_by("pk")]
            for model in WATCHED
        },
    }


def text_of(response) -> str:
    """The page or JSON as the reader sees it: entities decoded."""
    return html.unescape(response.content.decode())


@pytest.fixture
def kit(world, data):
    """test_api's reports, plans and social board's series, and an indicator of the school
    board's: its series is another organisation's object for the social board's editor."""
    school_indicator = indicators.indicator_save(
        user=world.users["administrator"],
        data={"name": "Behörighet", "unit": "%", "owner": world.school},
    )
    return {**data, "goal": world.goals[2], "school_series": school_indicator.series.get()}


# --- Excel ---------------------------------------------------------------------------------

HEADERS = ["Indikator-id", "Indikator", "Serie-id", "Serie", "År", "Värde", "Anteckning"]


xlsx = partial(english_xlsx, header=HEADERS, title="Mätvärden")  # as a Swedish user's file


def line(of, year=2017, value=5, note=None, **override):
    """A row of the template for the series `of`; `override` replaces any cell by its name."""
    values = {
        "indicator": of.indicator_id,
        "name": str(of.indicator),
        "series": of.pk,
        "series_name": str(of),
        "year": year,
        "value": value,
        "note": note,
        **override,
    }
    return list(values.values())


def one_row(**kwargs):
    return lambda kit: xlsx([line(kit["series"], **kwargs)])


def in_cell(cell, value):
    def build(kit):
        def edit(sheet):
            sheet[cell] = value

        return xlsx([line(kit["series"])], edit=edit)

    return build


def with_note_xml(raw: bytes):
    """A note written straight into the sheet's XML, as other programs than openpyxl may."""

    def replace(content):
        return content.replace(b"PLACEHOLDER", raw)

    return lambda kit: rezip(
        xlsx([line(kit["series"], note="PLACEHOLDER")]),
        change={"xl/worksheets/sheet1.xml": replace, "xl/sharedStrings.xml": replace},
    )


def merged(kit):
    return xlsx(
        [line(kit["series"]), line(kit["series"], year=2018)],
        edit=lambda sheet: sheet.merge_cells("E2:E3"),
    )


def zip_bomb(kit):
    return rezip(xlsx([line(kit["series"])]), add={"xl/media/fyllnad.bin": b"\0" * 60_000_000})


def not_a_workbook_zip(kit):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls and of encrypted workbooks
NOT_XLSX = "Filen är inte en Excel-arbetsbok (.xlsx)"
OLD_OR_LOCKED = "Filen är en äldre Excelfil (.xls) eller är skyddad med lösenord"
NOT_A_NUMBER = "Värdet måste vara ett tal, till exempel 62,5."
NOT_A_YEAR = "Året måste vara ett heltal, till exempel 2024."
YEAR_RANGE = "Året måste vara mellan 1990 och 2100."
UNREADABLE = "Filen gick inte att läsa som en Excel-arbetsbok"
FORMULA = "Formler är inte tillåtna"
CONTROL = "Anteckningen innehåller ett styrtecken (U+{})"

# (id, file name, build(kit) -> bytes, Swedish text the page must show)
EXCEL_CORPUS = [
    ("empty-file", "tom.xlsx", lambda kit: b"", "Den skickade filen var tom."),
    ("csv", "varden.xlsx", lambda kit: "År;Värde\n2017;62,5\n".encode(), NOT_XLSX),
    ("pdf", "varden.xlsx", lambda kit: b"%PDF-1.7\n" + b"x" * 500, NOT_XLSX),
    ("random-bytes", "varden.xlsx", lambda kit: bytes(range(256)) * 40, NOT_XLSX),
    ("broken-zip", "varden.xlsx", lambda kit: b"PK\x03\x04" + b"\0" * 100, NOT_XLSX),
    ("zip-not-workbook", "varden.xlsx", not_a_workbook_zip, NOT_XLSX),
    ("xls-renamed", "varden.xlsx", lambda kit: OLE + b"\0" * 2000, OLD_OR_LOCKED),
    ("password-protected", "hemlig.xlsx", lambda kit: OLE + b"\1" * 4000, OLD_OR_LOCKED),
    (
        "damaged",
        "varden.xlsx",
        lambda kit: rezip(
            xlsx([line(kit["series"])]),
            change={"xl/worksheets/sheet1.xml": lambda content: content[: len(content) // 2]},
        ),
        UNREADABLE,
    ),
    (
        "zip-bomb",
        "varden.xlsx",
        zip_bomb,
        "Arbetsboken är för stor: uppackad är den större än 50 MB",
    ),
    ("empty-sheet", "varden.xlsx", lambda kit: xlsx(header=None), "Bladet är tomt."),
    (
        "missing-sheet",
        "varden.xlsx",
        lambda kit: xlsx([["Kolumn", "Vad du fyller i"]], header=None, title="Instruktioner"),
        "Arbetsboken har inget blad ”Mätvärden”.",
    ),
    (
        "wrong-template",
        "varden.xlsx",
        lambda kit: xlsx([[1, 2, 3]], header=["Namn", "Adress", "Telefon"]),
        "Det här är inte mallen för mätvärden",
    ),
    (
        "missing-header",
        "varden.xlsx",
        lambda kit: xlsx([line(kit["series"])], header=None),
        "Det här är inte mallen för mätvärden",
    ),
    ("no-values", "varden.xlsx", lambda kit: xlsx(), "Det finns inga värden att importera"),
    (
        "extra-column",
        "varden.xlsx",
        lambda kit: xlsx([line(kit["series"]) + ["extra"]], header=[*HEADERS, "Kommentar"]),
        "Kolumn H ingår inte i mallen",
    ),
    ("extra-cell-far-right", "varden.xlsx", in_cell("XFD2", "gömd"), "Kolumn XFD ingår inte"),
    ("merged-cells", "varden.xlsx", merged, "Sammanfogade celler (E2:E3) är inte tillåtna."),
    ("formula", "varden.xlsx", one_row(value="=1+1"), FORMULA),
    ("formula-in-note", "varden.xlsx", one_row(note='=HYPERLINK("x")'), FORMULA),
    ("excel-error", "varden.xlsx", in_cell("F2", "#DIV/0!"), "Cellen innehåller ett Excelfel"),
    ("text-value", "varden.xlsx", one_row(value="många"), NOT_A_NUMBER),
    ("boolean-value", "varden.xlsx", one_row(value=True), NOT_A_NUMBER),
    ("date-as-text-value", "varden.xlsx", one_row(value="2017-05-01"), NOT_A_NUMBER),
    ("text-year", "varden.xlsx", one_row(year="i fjol"), NOT_A_YEAR),
    ("date-as-text-year", "varden.xlsx", one_row(year="2017-01-01"), NOT_A_YEAR),
    ("fraction-year", "varden.xlsx", one_row(year=2017.5), NOT_A_YEAR),
    ("negative-year", "varden.xlsx", one_row(year=-2017), YEAR_RANGE),
    ("year-too-early", "varden.xlsx", one_row(year=1889), YEAR_RANGE),
    ("year-too-late", "varden.xlsx", one_row(year=2200), YEAR_RANGE),
    ("nan-text", "varden.xlsx", one_row(value="NaN"), NOT_A_NUMBER),
    ("infinity-text", "varden.xlsx", one_row(value="inf"), NOT_A_NUMBER),
    ("infinity-sign", "varden.xlsx", one_row(value="∞"), NOT_A_NUMBER),
    ("huge-number", "varden.xlsx", one_row(value=1e300), "Värdet är för stort"),
    ("thousands-and-decimals", "varden.xlsx", one_row(value="1.234,5"), "ett decimaltecken"),
    ("negative-series", "varden.xlsx", one_row(series=-5), "Serie-id måste vara ett heltal."),
    ("unknown-series", "varden.xlsx", one_row(series=999_999), "Det finns ingen serie med id"),
    ("missing-series", "varden.xlsx", one_row(series=None), "Serie-id saknas."),
    ("wrong-indicator", "varden.xlsx", one_row(indicator=999_999), "hör till indikator"),
    (
        "duplicate-rows",
        "varden.xlsx",
        lambda kit: xlsx([line(kit["series"]), line(kit["series"], year=2017.0, value=6)]),
        "Samma serie och år som rad 2.",
    ),
    (
        "other-organisations-series",
        "varden.xlsx",
        lambda kit: xlsx([line(kit["series"]), line(kit["school_series"])]),
        "Du får inte fylla i värden för ”Behörighet”",
    ),
    ("note-without-value", "varden.xlsx", one_row(value=None, note="Saknas"), "Värdet saknas."),
    ("note-nul", "varden.xlsx", one_row(note="före_x0000_efter"), CONTROL.format("0000")),
    ("note-escape", "varden.xlsx", one_row(note="före_x001B_[31m"), CONTROL.format("001B")),
    ("note-lone-surrogate", "varden.xlsx", one_row(note="a_xD800_b"), CONTROL.format("D800")),
    ("note-rtl-override", "varden.xlsx", one_row(note="fil\u202etxt.exe"), CONTROL.format("202E")),
    ("note-too-long", "varden.xlsx", one_row(note="x" * 301), "högst 300 tecken"),
    (
        "note-megabyte",
        "varden.xlsx",
        with_note_xml(b"x" * 1_000_000),
        "högst 300 tecken, den här har 1000000",
    ),
    ("note-script", "varden.xlsx", one_row(note="<script>alert(1)</script>" * 20), "högst 300"),
]


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [case[1:] for case in EXCEL_CORPUS],
    ids=[case[0] for case in EXCEL_CORPUS],
)
def test_a_broken_excel_file_is_refused_in_swedish_and_changes_nothing(
    world, kit, client_for, name, build, message
):
    data = build(kit)
    client = client_for(world.users["organisation_editor"])
    before = snapshot()
    response = client.post(
        reverse("indicators:excel_import"), {"file": SimpleUploadedFile(name, data)}, **SV
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert snapshot() == before


def test_a_huge_upload_is_refused_before_it_is_parsed(world, kit, client_for, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a file over the limit must not be opened")

    monkeypatch.setattr(excel, "_open", never)
    data = b"PK\x03\x04" + b"\0" * (excel.MAX_FILE_BYTES + 1)
    before = snapshot()
    response = client_for(world.users["executive_office"]).post(
        reverse("indicators:excel_import"), {"file": SimpleUploadedFile("stor.xlsx", data)}, **SV
    )
    assert response.status_code == 400
    assert "Filen är större än 5 MB. Importera värdena i flera filer." in text_of(response)
    assert snapshot() == before


def test_a_good_file_with_negative_values_and_any_script_is_imported(world, kit, client_for):
    """The corpus is refused for what is wrong, not for what is unusual: a negative value (a net
    migration), right-to-left marks, zero-width joiners and emoji in a note are fine."""
    note = "\u200fمرحبا\u200e – åäö – 👩\u200d👩\u200d👧 – ok"
    data = xlsx([line(kit["series"], value=-12.5, note=note)])
    response = client_for(world.users["organisation_editor"]).post(
        reverse("indicators:excel_import"), {"file": SimpleUploadedFile("ok.xlsx", data)}, **SV
    )
    assert response.status_code == 302
    saved = Measurement.objects.get(series=kit["series"], year=2017)
    assert (saved.value, saved.note) == (Decimal("-12.5"), note)


# --- the API -------------------------------------------------------------------------------

MEGABYTE = "x" * 1_000_000
JSON = "application/json"
NOT_JSON = "Anropets innehåll är inte giltig JSON"
NOT_TEXT = "Värdet ska vara text (en JSON-sträng)."
UNSTORABLE = "Texten innehåller ett tecken som inte kan sparas (U+{})."
HIDDEN = "Texten innehåller ett styrtecken eller ett osynligt tecken (U+{}) på position {}"
NOT_INTEGER = "Ett giltigt heltal krävs."
REQUIRED = "Det här fältet är obligatoriskt."
NOT_FOUND = "Hittades inte."
DENIED = "Du har inte behörighet att göra detta."
OBJECT = "Innehållet ska vara ett JSON-objekt med fälten: mission_results, version."


def addresses(kit):
    """The addresses the corpus names: the social board's draft report, its rows, its series…"""
    draft, school = kit["draft"], kit["school_report"]
    report = f"/api/reports/{draft.pk}/"
    return {
        "report": report,
        "row": f"{report}assessments/{draft.assessments.get().pk}/",
        "assignment": f"{report}assignments/{draft.assignment_reports.get().pk}/",
        "series": f"/api/indicators/series/{kit['series'].pk}/measurements/",
        "adopt": f"/api/plans/{kit['next_plan'].pk}/adopt/",
        "return": f"/api/reports/{kit['submitted'].pk}/return/",
        "other_row": f"{report}assessments/{school.assessments.get().pk}/",
        "school_report": f"/api/reports/{school.pk}/",
        "school_series": f"/api/indicators/series/{kit['school_series'].pk}/measurements/",
    }


def body(**fields):
    return json.dumps(fields).encode()


def texts(**fields):
    return body(version=1, **fields)


# (id, method, address or its name in addresses(), raw body, content type, status, Swedish text)
API_CORPUS = [
    # bodies that are not JSON, or not the JSON expected
    ("invalid-json", "PATCH", "report", b"{not json", JSON, 400, NOT_JSON),
    ("empty-body", "PATCH", "report", b"", JSON, 400, REQUIRED),
    ("nan-constant", "PATCH", "report", b'{"version": NaN}', JSON, 400, "inget tal som JSON"),
    ("infinity-constant", "PATCH", "report", b'{"version": -Infinity}', JSON, 400, "JSON"),
    ("huge-exponent", "PATCH", "report", b'{"version": 1e400}', JSON, 400, NOT_INTEGER),
    ("5000-digits", "PATCH", "report", b'{"version": 1' + b"0" * 5000 + b"}", JSON, 400, NOT_JSON),
    ("not-utf8", "PATCH", "report", b"\xff\xfe\x00\x01", JSON, 400, NOT_JSON),
    ("raw-nul-in-json", "PATCH", "report", b'{"mission_results": "a\x00b"}', JSON, 400, NOT_JSON),
    ("deeply-nested", "PATCH", "report", b"[" * 100_000 + b"]" * 100_000, JSON, 400, NOT_JSON),
    (
        "nested-in-a-field",
        "PATCH",
        "report",
        b'{"version": 1, "mission_results": ' + b"[" * 500 + b"]" * 500 + b"}",
        JSON,
        400,
        NOT_TEXT,
    ),
    ("array-not-object", "PATCH", "report", b"[1, 2]", JSON, 400, OBJECT),
    ("string-not-object", "PATCH", "report", b'"text"', JSON, 400, OBJECT),
    ("null-body", "PATCH", "report", b"null", JSON, 400, OBJECT),
    (
        "huge-body",
        "PATCH",
        "report",
        texts(mission_results="y" * 3_000_000),
        JSON,
        413,
        "för stort",
    ),
    ("text-plain", "PATCH", "report", texts(mission_results="x"), "text/plain", 415, "stöds inte"),
    (
        "form-urlencoded",
        "PATCH",
        "report",
        b"mission_results=x&version=1",
        "application/x-www-form-urlencoded",
        415,
        "stöds inte",
    ),
    ("multipart", "PATCH", "report", b"--x\r\n", "multipart/form-data; boundary=x", 415, "stöds"),
    ("xml", "PATCH", "report", b"<report/>", "application/xml", 415, "stöds inte"),
    # unknown and missing fields, wrong types
    (
        "unknown-field",
        "PATCH",
        "report",
        texts(mission_results="x", status="accepted"),
        JSON,
        400,
        "Okänt fält. Tillåtna: mission_results, version.",
    ),
    ("missing-version", "PATCH", "report", body(mission_results="x"), JSON, 400, REQUIRED),
    ("number-as-text", "PATCH", "report", texts(mission_results=123), JSON, 400, NOT_TEXT),
    ("array-as-text", "PATCH", "report", texts(mission_results=["a"]), JSON, 400, NOT_TEXT),
    ("object-as-text", "PATCH", "report", texts(mission_results={"a": 1}), JSON, 400, NOT_TEXT),
    ("null-as-text", "PATCH", "report", texts(mission_results=None), JSON, 400, "null"),
    (
        "bool-as-version",
        "PATCH",
        "report",
        body(mission_results="x", version=True),
        JSON,
        400,
        NOT_INTEGER,
    ),
    (
        "text-as-version",
        "PATCH",
        "report",
        body(mission_results="x", version="ett"),
        JSON,
        400,
        NOT_INTEGER,
    ),
    (
        "fraction-as-version",
        "PATCH",
        "report",
        body(mission_results="x", version=1.5),
        JSON,
        400,
        NOT_INTEGER,
    ),
    ("wrong-choice", "PATCH", "row", texts(assessment="klart"), JSON, 400, "Välj ett av:"),
    ("wrong-progress", "PATCH", "assignment", texts(progress="done"), JSON, 400, "Välj ett av:"),
    (
        "text-as-value",
        "POST",
        "series",
        body(year=2017, value="mycket"),
        JSON,
        400,
        "Ett giltigt nummer krävs.",
    ),
    ("nan-as-value", "POST", "series", body(year=2017, value="NaN"), JSON, 400, "giltigt nummer"),
    (
        "infinity-as-value",
        "POST",
        "series",
        body(year=2017, value="Infinity"),
        JSON,
        400,
        "giltigt nummer",
    ),
    ("array-as-value", "POST", "series", body(year=2017, value=[1]), JSON, 400, "giltigt nummer"),
    ("missing-year", "POST", "series", body(value=1), JSON, 400, REQUIRED),
    # numbers out of range
    (
        "zero-version",
        "PATCH",
        "report",
        body(mission_results="x", version=0),
        JSON,
        400,
        "större än eller lika med 1",
    ),
    (
        "negative-version",
        "PATCH",
        "report",
        body(mission_results="x", version=-1),
        JSON,
        400,
        "större än eller lika med 1",
    ),
    (
        "huge-version",
        "PATCH",
        "report",
        body(mission_results="x", version=10**30),
        JSON,
        400,
        "mindre än eller lika med 2147483647",
    ),
    (
        "year-too-early",
        "POST",
        "series",
        body(year=1989, value=1),
        JSON,
        400,
        "större än eller lika med 1990",
    ),
    (
        "year-too-late",
        "POST",
        "series",
        body(year=10**30, value=1),
        JSON,
        400,
        "mindre än eller lika med 2100",
    ),
    ("negative-year", "POST", "series", body(year=-2017, value=1), JSON, 400, "1990"),
    ("huge-value", "POST", "series", body(year=2017, value=1e300), JSON, 400, "siffror"),
    (
        "too-many-decimals",
        "POST",
        "series",
        body(year=2017, value="1.1234567"),
        JSON,
        400,
        "decimaler",
    ),
    # dates
    (
        "impossible-date",
        "POST",
        "adopt",
        body(adopted_at="2018-02-30"),
        JSON,
        400,
        "Datumet har fel format",
    ),
    (
        "text-date",
        "POST",
        "adopt",
        body(adopted_at="i morgon"),
        JSON,
        400,
        "Datumet har fel format",
    ),
    (
        "number-date",
        "POST",
        "adopt",
        body(adopted_at=20180101),
        JSON,
        400,
        "Datumet har fel format",
    ),
    ("year-zero-date", "POST", "adopt", body(adopted_at="0000-01-01"), JSON, 400, "fel format"),
    # hostile text
    (
        "nul-in-text",
        "PATCH",
        "report",
        texts(mission_results="a\x00b"),
        JSON,
        400,
        UNSTORABLE.format("0000"),
    ),
    (
        "nul-in-note",
        "POST",
        "series",
        body(year=2017, value=1, note="\x00"),
        JSON,
        400,
        UNSTORABLE.format("0000"),
    ),
    ("nul-in-choice", "PATCH", "row", texts(assessment="\x00"), JSON, 400, "Välj ett av:"),
    (
        "nul-in-field-name",
        "PATCH",
        "report",
        body(**{"version": 1, "a\x00": 1}),
        JSON,
        400,
        "Okänt fält.",
    ),
    (
        "lone-surrogate",
        "PATCH",
        "report",
        b'{"version": 1, "mission_results": "\\ud800"}',
        JSON,
        400,
        UNSTORABLE.format("D800"),
    ),
    (
        "lone-low-surrogate",
        "PATCH",
        "row",
        b'{"version": 1, "analysis": "a\\udfffb"}',
        JSON,
        400,
        UNSTORABLE.format("DFFF"),
    ),
    (
        "rtl-override",
        "PATCH",
        "row",
        texts(analysis="fil\u202etxt.exe"),
        JSON,
        400,
        HIDDEN.format("202E", 4),
    ),
    (
        "rtl-isolate",
        "PATCH",
        "assignment",
        texts(comment="\u2067x\u2069"),
        JSON,
        400,
        HIDDEN.format("2067", 1),
    ),
    (
        "escape-sequence",
        "PATCH",
        "row",
        texts(reasons="\x1b[31mröd"),
        JSON,
        400,
        HIDDEN.format("001B", 1),
    ),
    ("bell", "POST", "return", body(comment="ring\x07"), JSON, 400, HIDDEN.format("0007", 5)),
    (
        "zero-width-in-reference",
        "POST",
        "adopt",
        body(reference="KS\u200b§ 12"),
        JSON,
        400,
        HIDDEN.format("200B", 3),
    ),
    (
        "line-break-in-reference",
        "POST",
        "adopt",
        body(reference="KS\n§ 12"),
        JSON,
        400,
        HIDDEN.format("000A", 3),
    ),
    (
        "megabyte-text",
        "PATCH",
        "report",
        texts(mission_results=MEGABYTE),
        JSON,
        400,
        "Texten är för lång: högst 50000 tecken är tillåtna.",
    ),
    (
        "megabyte-analysis",
        "PATCH",
        "row",
        texts(analysis=MEGABYTE),
        JSON,
        400,
        "högst 20000 tecken",
    ),
    ("megabyte-choice", "PATCH", "row", texts(assessment=MEGABYTE), JSON, 400, "Välj ett av:"),
    (
        "megabyte-field-name",
        "PATCH",
        "report",
        body(**{"version": 1, MEGABYTE: 1}),
        JSON,
        400,
        "Okänt fält.",
    ),
    (
        "long-note",
        "POST",
        "series",
        body(year=2017, value=1, note="n" * 301),
        JSON,
        400,
        "högst 300 tecken",
    ),
    ("long-return-comment", "POST", "return", body(comment=MEGABYTE), JSON, 400, "högst 5000"),
    ("long-reference", "POST", "adopt", body(reference="r" * 201), JSON, 400, "högst 200"),
    # ids of other organisations' objects, and ids that are not ids
    ("other-boards-row", "PATCH", "other_row", texts(analysis="x"), JSON, 404, NOT_FOUND),
    (
        "other-boards-report",
        "PATCH",
        "school_report",
        texts(mission_results="x"),
        JSON,
        404,
        NOT_FOUND,
    ),
    ("other-boards-series", "POST", "school_series", body(year=2017, value=1), JSON, 403, DENIED),
    (
        "unknown-report",
        "PATCH",
        "/api/reports/999999999/",
        texts(mission_results="x"),
        JSON,
        404,
        NOT_FOUND,
    ),
    (
        "huge-report-id",
        "PATCH",
        "/api/reports/99999999999999999999999999/",
        texts(mission_results="x"),
        JSON,
        404,
        NOT_FOUND,
    ),
    (
        "negative-report-id",
        "POST",
        "/api/reports/-1/accept/",
        b"{}",
        JSON,
        404,
        NOT_FOUND,
    ),
    (
        "unknown-series",
        "POST",
        "/api/indicators/series/999999999/measurements/",
        body(year=2017, value=1),
        JSON,
        404,
        NOT_FOUND,
    ),
    # query strings
    ("text-year-filter", "GET", "/api/plans/?year=ett", b"", JSON, 400, "heltal"),
    ("nul-year-filter", "GET", "/api/plans/?year=%00", b"", JSON, 400, "heltal"),
    ("huge-year-filter", "GET", f"/api/plans/?year={10**30}", b"", JSON, 400, "2100"),
    ("page-zero", "GET", "/api/plans/?page=0", b"", JSON, 404, "Ogiltig sida"),
    (
        "unknown-organisation",
        "GET",
        "/api/plans/?organisation=999999",
        b"",
        JSON,
        400,
        "Välj ett giltigt alternativ.",
    ),
    (
        "nul-in-choice-filter",
        "GET",
        "/api/reports/?kind=%00",
        b"",
        JSON,
        400,
        "Välj ett giltigt alternativ.",
    ),
]


@pytest.mark.parametrize(
    ("method", "url", "raw", "content_type", "status", "message"),
    [case[1:] for case in API_CORPUS],
    ids=[case[0] for case in API_CORPUS],
)
def test_a_bad_api_request_is_refused_in_swedish_and_changes_nothing(
    world, kit, method, url, raw, content_type, status, message
):
    """The organisation editor of the social board may write its own report and values, so what
    is refused is the input (or another board's object), not the caller."""
    editor = world.users["organisation_editor"]
    if url in ("return", "adopt"):  # returning is the executive office's, adopting the board's
        editor = world.users["administrator"]
    before = snapshot()
    address = url if url.startswith("/") else addresses(kit)[url]
    response = call(editor, method, address, raw=raw, content_type=content_type, lang="sv")
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert message in answer["detail"] + json.dumps(answer.get("errors", {}), ensure_ascii=False)
    assert len(response.content) < 20_000  # never echoes a megabyte back
    assert snapshot() == before


# --- hostile text in the page forms --------------------------------------------------------


def _new_goal(kit, text):
    return (
        reverse("goals:effect_goal_create", args=[kit["next_plan"].pk]),
        {"title": text, "description": "", "strategic_goals": [kit["goal"].pk]},
    )


def _goal_description(kit, text):
    return (
        reverse("goals:effect_goal_create", args=[kit["next_plan"].pk]),
        {"title": "Ett mål", "description": text, "strategic_goals": [kit["goal"].pk]},
    )


def _return_comment(kit, text):
    return reverse("followup:report_return", args=[kit["submitted"].pk]), {"comment": text}


def _plan_direction(kit, text):
    return (
        reverse("goals:plan_edit", args=[kit["next_plan"].pk]),
        {"responsibility": "", "direction": text},
    )


def _measurement_note(kit, text):
    return (
        reverse("indicators:measurement_add", args=[kit["series"].indicator_id]),
        {"series": kit["series"].pk, "year": 2017, "value": "1", "note": text},
    )


MAX_CHARS = "Säkerställ att detta värde har som mest {} tecken (den har {})."
FORM_HIDDEN = "Texten innehåller ett styrtecken eller ett osynligt tecken (U+{}) på position {}"

# (id, form(kit, text) -> (url, data), text, Swedish message)
FORM_CORPUS = [
    ("title-nul", _new_goal, "a\x00b", "Null-tecken är inte tillåtna."),
    ("title-rtl-override", _new_goal, "Mål\u202eläsbart", FORM_HIDDEN.format("202E", 4)),
    ("title-zero-width", _new_goal, "Mål\u200b1", FORM_HIDDEN.format("200B", 4)),
    ("title-bom", _new_goal, "\ufeffMål", FORM_HIDDEN.format("FEFF", 1)),
    ("title-control", _new_goal, "Mål\x07", FORM_HIDDEN.format("0007", 4)),
    ("title-megabyte", _new_goal, MEGABYTE, MAX_CHARS.format(300, 1000000)),
    ("description-nul", _goal_description, "a\x00b", "Null-tecken är inte tillåtna."),
    ("description-megabyte", _goal_description, MEGABYTE, MAX_CHARS.format(10000, 1000000)),
    ("description-rtl", _goal_description, "x\u202dy", FORM_HIDDEN.format("202D", 2)),
    ("direction-megabyte", _plan_direction, MEGABYTE, MAX_CHARS.format(20000, 1000000)),
    ("direction-escape", _plan_direction, "\x1b[2J", FORM_HIDDEN.format("001B", 1)),
    ("return-comment-rtl", _return_comment, "Se\u2066 här", FORM_HIDDEN.format("2066", 3)),
    ("return-comment-megabyte", _return_comment, MEGABYTE, MAX_CHARS.format(5000, 1000000)),
    ("note-nul", _measurement_note, "a\x00b", "Null-tecken är inte tillåtna."),
    ("note-rtl", _measurement_note, "\u202e", FORM_HIDDEN.format("202E", 1)),
]


@pytest.mark.parametrize(
    ("form", "text", "message"),
    [case[1:] for case in FORM_CORPUS],
    ids=[case[0] for case in FORM_CORPUS],
)
def test_hostile_text_in_a_page_form_is_refused_in_swedish_and_changes_nothing(
    world, kit, client_for, form, text, message
):
    url, data = form(kit, text)
    before = snapshot()
    response = client_for(world.users["administrator"]).post(url, data, **SV)
    assert response.status_code == 400
    assert message in text_of(response)
    assert snapshot() == before


def test_a_form_over_the_request_size_limit_is_refused_in_swedish(world, kit, client_for):
    """Over DATA_UPLOAD_MAX_MEMORY_SIZE Django refuses the body itself; the page says so."""
    url, data = _plan_direction(kit, MEGABYTE * 3)
    before = snapshot()
    response = client_for(world.users["administrator"]).post(url, data, **SV)
    assert response.status_code == 400
    assert "Inget har sparats." in text_of(response)
    assert snapshot() == before


def test_script_tags_are_stored_as_text_and_shown_escaped(world, kit, client_for):
    """Markup is not refused (a title may well mention <b>), it is never rendered as markup."""
    client = client_for(world.users["administrator"])
    title = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    url, data = _new_goal(kit, title)
    response = client.post(url, data, **SV)
    assert response.status_code == 302
    goal = EffectGoal.objects.get(title=title)
    page = client.get(goal.get_absolute_url(), **SV).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


# --- the rules themselves ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "found"),
    [
        ("Helt vanlig text, åäö – ½ € 😀", True, None),
        ("\u200fعربي\u200e and \u061c", True, None),  # the plain direction marks
        ("ZWJ 👩\u200d👩 och ZWNJ می\u200cخواهم", True, None),
        ("rad ett\nrad två\r\n\tindrag", False, None),
        ("rad ett\nrad två", True, (8, "\n")),
        ("tab\there", True, (4, "\t")),
        ("a\x00", False, (2, "\x00")),
        ("\x7f", False, (1, "\x7f")),  # DEL
        ("\x85", False, (1, "\x85")),  # a C1 control
        ("ok\u202e", False, (3, "\u202e")),
        ("ok\u2069", False, (3, "\u2069")),
        ("\ud800", False, (1, "\ud800")),
        ("noll\u200bbredd", False, None),  # invisible characters are allowed in long text
        ("noll\u200bbredd", True, (5, "\u200b")),
        ("\ufeffBOM", True, (1, "\ufeff")),
    ],
)
def test_which_characters_a_text_may_have(text, line, found):
    assert refused_character(text, line=line) == found


def test_the_rules_hold_for_the_domain_operations_too(world, kit):
    """The command line and the admin go through the same operations: the model fields refuse."""
    from django.core.exceptions import ValidationError

    from effekt.goals import services as goals

    before = snapshot()
    with translation.override("sv"), pytest.raises(ValidationError) as caught:
        goals.effect_goal_create(
            user=world.users["administrator"],
            plan=kit["next_plan"],
            title="Mål\u202e",
            description="x" * 10_001,
            strategic_goals=[kit["goal"]],
        )
    assert set(caught.value.message_dict) == {"title", "description"}
    assert snapshot() == before


def test_a_value_stored_before_a_rule_existed_does_not_block_other_changes(world, kit):
    """Text saved before the rules (or imported) is checked when someone edits it, not when the
    board adopts its plan or changes another field."""
    from django.core.exceptions import ValidationError

    from effekt.goals import services as goals
    from effekt.goals.models import Plan

    admin = world.users["administrator"]
    plan = kit["next_plan"]
    Plan.objects.filter(pk=plan.pk).update(direction="Gammal\u202etext")  # as stored long ago
    plan.refresh_from_db()
    goals.plan_update(user=admin, plan=plan, data={"responsibility": "Ny text"})
    plan.refresh_from_db()
    assert (plan.responsibility, plan.direction) == ("Ny text", "Gammal\u202etext")
    with pytest.raises(ValidationError) as caught:
        goals.plan_update(user=admin, plan=plan, data={"direction": "Fortfarande\u202efel"})
    assert set(caught.value.message_dict) == {"direction"}
    plan.refresh_from_db()
    assert plan.direction == "Gammal\u202etext"
