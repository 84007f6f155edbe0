"""PDF and Word documents of a plan, a report and the compilation, downloaded over HTTP and read
back: the PDF with pdftotext, the .docx with python-docx. Swedish text, the decision on adopted
documents, the frozen adopted version, page numbers, counts, amounts and access."""

import datetime
import io
import re
import shutil
import subprocess
import time
from decimal import Decimal

import docx
import pytest
from django.conf import settings
from django.template.defaultfilters import linebreaksbr
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from effekt.followup import services
from effekt.followup.models import Compilation, Period
from effekt.goals import selectors as goal_selectors
from effekt.goals import services as goal_services
from effekt.goals.models import EffectGoal, Plan
from effekt.indicators import services as indicator_services

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="pdftotext (poppler-utils) is needed to read the PDF back",
)


# --- reading the documents back ------------------------------------------------------------


def _normalise(text):
    """No-break spaces count as spaces; words WeasyPrint hyphenated at a line end are joined;
    all runs of white space become one space."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub("\u2010\\s*\n", "", text)
    return re.sub(r"\s+", " ", text)


def pdf_text(content, tmp_path):
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return _normalise(result.stdout.decode("utf-8"))


def docx_text(content):
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    return _normalise("\n".join(parts)), document


def sv(message, **values):
    """A message as the Swedish document says it (whether or not it is translated yet)."""
    with translation.override("sv"):
        text = gettext(message)
    return _normalise(text % values if values else text)


# --- a year of governance through the domain operations -------------------------------------


@pytest.fixture
def office(world):
    return world.users["executive_office"]


@pytest.fixture
def editor(world):
    return world.users["organisation_editor"]


def _adopted_plan(world, editor, office):
    """Socialnämnden's plan 2017, adopted 14 December 2016 (SN § 112), two effect goals, an
    activity; the council's assignment with 5 000 000 kr earmarked."""
    goal_services.assignment_save(
        user=office,
        data={
            "term": world.term,
            "year": 2017,
            "title": "Fritidshem för äldre elever",
            "earmarked_amount": Decimal("5000000"),
            "decision_reference": "KF § 12",
        },
        recipients=[world.social],
    )
    plan = goal_services.plan_create(
        user=editor,
        organisation=world.social,
        year=2017,
        responsibility="Nämnden ansvarar för individ- och familjeomsorgen i Enköping.",
        direction="Fler ska bli självförsörjande – genom samverkan över gränserna.",
    )
    first = goal_services.effect_goal_create(
        user=editor,
        plan=plan,
        title="Fler unga vuxna går från försörjningsstöd till arbete",
        strategic_goals=[world.goals[0], world.goals[2]],
    )
    goal_services.effect_goal_create(
        user=editor,
        plan=plan,
        title="Färre barn placeras utanför hemmet",
        strategic_goals=[world.goals[1]],
    )
    goal_services.activity_create(
        user=editor,
        effect_goal=first,
        data={
            "title": "Språkstöd på Jobbcentrum",
            "responsible_unit": world.unit,
            "start_date": datetime.date(2017, 1, 1),
            "end_date": datetime.date(2017, 12, 31),
        },
    )
    return goal_services.plan_adopt(
        user=editor, plan=plan, adopted_at=datetime.date(2016, 12, 14), reference="SN § 112"
    )


def _accepted_report(world, editor, office):
    annual = Period.objects.get(cycle__year=2017, kind=Period.Kind.ANNUAL)
    report = services.report_open(user=editor, organisation=world.social, period=annual)
    first, second = report.assessments.order_by("effect_goal__number")
    (assignment,) = report.assignment_reports.all()
    services.report_save(
        user=editor,
        report=report,
        mission_results="Hela uppdraget gick bra; väntetiderna blev kortare.",
        version=report.version,
        goals=[
            {
                "id": first.pk,
                "version": first.version,
                "assessment": "fulfilled",
                "analysis": "Fler unga vuxna är självförsörjande än för ett år sedan.",
                "reasons": "",
                "actions": "",
            },
            {
                "id": second.pk,
                "version": second.version,
                "assessment": "not_fulfilled",
                "analysis": "Antalet placeringar ökade något under året.",
                "reasons": "Brist på familjehem i närområdet.",
                "actions": "Rekrytering av fler familjehem under våren.",
            },
        ],
        assignments=[
            {
                "id": assignment.pk,
                "version": assignment.version,
                "progress": "completed",
                "comment": "Fritidshemmet öppnade i augusti.",
            }
        ],
    )
    services.report_submit(user=editor, report=report)
    return services.report_accept(user=office, report=report)


@pytest.fixture
def year(world, editor, office):
    """2017: the plan adopted, the cycle, the report accepted and the annual compilation with
    the office's analysis (not yet adopted)."""
    plan = _adopted_plan(world, editor, office)
    services.cycle_create(user=office, year=2017)
    report = _accepted_report(world, editor, office)
    annual = Period.objects.get(cycle__year=2017, kind=Period.Kind.ANNUAL)
    compilation = services.compilation_create(user=office, period=annual)
    services.compilation_save(
        user=office,
        compilation=compilation,
        version=compilation.version,
        overall_analysis="Året i stort: måluppfyllelsen ökade i hela kommunen.",
        green_threshold=Decimal("75"),
        yellow_threshold=Decimal("60"),
        analyses=[
            {"id": a.pk, "version": a.version, "text": f"Analys av mål {a.strategic_goal.number}."}
            for a in compilation.goal_analyses.all()
        ],
    )
    return {
        "plan": plan,
        "report": report,
        "compilation": Compilation.objects.get(pk=compilation.pk),
    }


def _adopt(compilation, office):
    return services.compilation_adopt(
        user=office,
        compilation=compilation,
        adopted_on=datetime.date(2018, 4, 16),
        minutes_paragraph="KF § 45",
        case_number="KS2018/123",
    )


def _get(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == content_type
    return response


# --- the plan ------------------------------------------------------------------------------


@needs_pdftotext
def test_plan_as_pdf_and_word(world, year, editor, client_for, tmp_path):
    plan = year["plan"]
    client = client_for(editor)
    response = _get(client, f"/planer/{plan.pk}/plan.pdf", PDF)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Socialnamnden-plan-2017.pdf"')
    assert "filename*=UTF-8''Socialn%C3%A4mnden-plan-2017.pdf" in disposition
    decision = (
        sv(
            "Adopted by %(organisation)s on %(date)s",
            organisation="Socialnämnden",
            date="14 december 2016",
        )
        + ", SN § 112."
    )
    text = pdf_text(response.content, tmp_path)
    for expected in (
        "Enköpings kommun",
        "Socialnämnden",
        decision,
        "Nämnden ansvarar för individ- och familjeomsorgen i Enköping.",
        "Fler unga vuxna går från försörjningsstöd till arbete",
        "Färre barn placeras utanför hemmet",
        "Språkstöd på Jobbcentrum",
        "Fritidshem för äldre elever",
        "5 000 000 kr",
        "KF § 12",
        "Sida 2 av",
    ):
        assert expected in text, expected
    pages = int(re.search(r"Sida 2 av (\d+)", text).group(1))
    assert f"Sida {pages} av {pages}" in text
    # the goal that supports two strategic goals is described once and referred to, in ”quotes”
    assert text.count("Språkstöd på Jobbcentrum") == 1
    assert "”" + sv("Effect goal") + " 1. Fler unga vuxna" in text

    response = _get(client, f"/planer/{plan.pk}/plan.docx", DOCX)
    assert "filename*=UTF-8''Socialn%C3%A4mnden-plan-2017.docx" in response["Content-Disposition"]
    text, document = docx_text(response.content)
    for expected in (
        decision,
        "Fler unga vuxna går från försörjningsstöd till arbete",
        "Språkstöd på Jobbcentrum",
        "5 000 000 kr",
    ):
        assert expected in text, expected
    assert "Enköpings kommun" in document.sections[0].header.paragraphs[0].text
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "Sida" in footer
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert f"1. {world.goals[0].title}" in headings
    assert document.core_properties.language == "sv-SE"


def test_a_draft_plan_of_another_organisation_is_not_found(world, client_for):
    plan = goal_services.plan_create(
        user=world.users["other_editor"], organisation=world.school, year=2017
    )
    outsider = client_for(world.users["organisation_editor"])
    for suffix in ("pdf", "docx"):
        assert outsider.get(f"/planer/{plan.pk}/plan.{suffix}").status_code == 404
        assert outsider.get(f"/planer/{plan.pk + 99}/plan.{suffix}").status_code == 404
    assert (
        client_for(world.users["other_editor"]).get(f"/planer/{plan.pk}/plan.docx").status_code
        == 200
    )
    anonymous = Client().get(f"/planer/{plan.pk}/plan.pdf")
    assert anonymous.status_code == 302 and "/logga-in/" in anonymous["Location"]
    assert plan.status == Plan.Status.DRAFT


# --- the report ----------------------------------------------------------------------------


@needs_pdftotext
def test_report_as_pdf_and_word(world, year, editor, client_for, tmp_path):
    report = year["report"]
    client = client_for(world.users["reader"])
    response = _get(client, f"/uppfoljning/rapporter/{report.pk}/rapport.pdf", PDF)
    assert (
        "filename*=UTF-8''Socialn%C3%A4mnden-%C3%85rsrapport-2017.pdf"
        in response["Content-Disposition"]
    )
    text = pdf_text(response.content, tmp_path)
    counts = "1 uppfyllda, 0 delvis, 1 ej uppfyllda, 0 ej bedömda"
    for expected in (
        "Socialnämnden",
        "Årsrapport 2017",
        counts,
        "50,0 % (rött)",
        "Uppfyllt",
        "Ej uppfyllt",
        "Fler unga vuxna är självförsörjande än för ett år sedan.",
        "Brist på familjehem i närområdet.",
        "Rekrytering av fler familjehem under våren.",
        "Fritidshemmet öppnade i augusti.",
        "5 000 000 kr",
        "Slutfört",
        "Hela uppdraget gick bra; väntetiderna blev kortare.",
        "Sida 2 av",
    ):
        assert expected in text, expected
    text, document = docx_text(
        _get(client, f"/uppfoljning/rapporter/{report.pk}/rapport.docx", DOCX).content
    )
    for expected in (counts, "Ej uppfyllt", "Brist på familjehem i närområdet.", "5 000 000 kr"):
        assert expected in text, expected
    # the assessment cell carries the colour and the words
    cells = [c for t in document.tables for r in t.rows for c in r.cells if c.text == "Ej uppfyllt"]
    assert any('w:fill="F4A3A3"' in cell._tc.xml for cell in cells)


def test_a_draft_report_of_another_organisation_is_not_found(world, editor, office, client_for):
    _adopted_plan(world, editor, office)
    services.cycle_create(user=office, year=2017)
    annual = Period.objects.get(cycle__year=2017, kind=Period.Kind.ANNUAL)
    report = services.report_open(user=editor, organisation=world.social, period=annual)
    outsider = client_for(world.users["other_editor"])
    for suffix in ("pdf", "docx"):
        assert (
            outsider.get(f"/uppfoljning/rapporter/{report.pk}/rapport.{suffix}").status_code == 404
        )
    assert (
        client_for(editor).get(f"/uppfoljning/rapporter/{report.pk}/rapport.docx").status_code
        == 200
    )


# --- the compilation -------------------------------------------------------------------------


@needs_pdftotext
def test_draft_compilation_is_printed_from_todays_data(world, year, office, client_for, tmp_path):
    compilation = year["compilation"]
    client = client_for(world.users["reader"])
    url = f"/uppfoljning/sammanstallningar/{compilation.pk}/sammanstallning.pdf"
    text = pdf_text(_get(client, url, PDF).content, tmp_path)
    assert sv("Draft – not adopted by the council") in text
    assert "Fastställd av kommunfullmäktige" not in text
    assert "Året i stort: måluppfyllelsen ökade i hela kommunen." in text
    assert "Analys av mål 1." in text
    # nothing is public before the council has adopted it
    public = Client()
    assert public.get("/offentligt/2017/arsredovisning/sammanstallning.pdf").status_code == 404
    assert public.get("/offentligt/2017/arsredovisning/sammanstallning.docx").status_code == 404


@needs_pdftotext
def test_an_effect_goal_of_two_strategic_goals_is_described_once(world, year, client_for, tmp_path):
    """ "Fler unga vuxna…" breaks down strategic goals 1 and 3: the compilation describes it
    under the first and, under the other, keeps its heading and assessment and links to it (as
    the plan and the report do); the Word document says the same."""
    compilation = year["compilation"]
    first, third = world.goals[0], world.goals[2]
    analysis = "Fler unga vuxna är självförsörjande än för ett år sedan."
    title = "Fler unga vuxna går från försörjningsstöd till arbete"
    reference = sv("Described under strategic goal %(number)s", number=first.number) + "."
    client = client_for(world.users["reader"])
    url = f"/uppfoljning/sammanstallningar/{compilation.pk}/sammanstallning"
    response = _get(client, url + ".pdf", PDF)
    text = pdf_text(response.content, tmp_path)
    assert text.count(analysis) == 1
    assert text.count(title) == 2
    assert text.count(reference) == 1
    # in the section of the third strategic goal, after its heading
    assert text.index(reference) > text.rindex(f"{third.number}. {third.title}")
    # the place it is described is a destination of the PDF (the reference's link)
    (tmp_path / "c.pdf").write_bytes(response.content)
    dests = subprocess.run(
        ["pdfinfo", "-dests", str(tmp_path / "c.pdf")], capture_output=True, check=True
    ).stdout.decode()
    goal = EffectGoal.objects.get(plan_id=year["plan"].pk, title=title)
    assert f'"effect-goal-{goal.pk}"' in dests

    word, _document = docx_text(_get(client, url + ".docx", DOCX).content)
    assert word.count(analysis) == 1
    assert word.count(reference) == 1


@needs_pdftotext
def test_adopted_compilation_is_printed_as_adopted(
    world, year, editor, office, client_for, tmp_path
):
    # a council indicator with values up to 2019: the 2017 compilation shows those up to 2017
    indicator = indicator_services.indicator_save(
        user=office,
        data={"name": "Tryggare vardag", "unit": "%", "council_number": 4},
    )
    own = indicator.series.get()
    for n, value in enumerate(["61.0", "62.5", "63.0", "64.5", "66.0", "67.5"]):
        indicator_services.measurement_set(user=office, series=own, year=2012 + n, value=value)
    indicator_services.measurement_set(user=office, series=own, year=2019, value="99.9")
    compilation = _adopt(year["compilation"], office)
    # after the adoption the plan is reopened and a goal renamed: the documents stay as adopted
    plan = year["plan"]
    goal_services.plan_reopen(user=office, plan=plan, reason="Rättelse")
    goal = EffectGoal.objects.get(plan_id=plan.pk, number=2)
    goal_services.effect_goal_update(
        user=editor,
        effect_goal=goal,
        data={"title": "Ett nytt namn efter antagandet"},
        strategic_goals=list(goal.strategic_goals.all()),
    )
    decision = (
        "Fastställd av kommunfullmäktige den 16 april 2018, KF § 45, diarienummer KS2018/123."
    )
    client = client_for(world.users["reader"])
    pdf = _get(client, f"/uppfoljning/sammanstallningar/{compilation.pk}/sammanstallning.pdf", PDF)
    assert (
        "filename*=UTF-8''Sammanst%C3%A4llning-%C3%85rsrapport-2017.pdf"
        in pdf["Content-Disposition"]
    )
    text = pdf_text(pdf.content, tmp_path)
    for expected in (
        decision,
        "Färre barn placeras utanför hemmet",
        "1 uppfyllda, 0 delvis, 0 ej uppfyllda, 0 ej bedömda",
        "0 uppfyllda, 0 delvis, 1 ej uppfyllda, 0 ej bedömda",
        "50,0 % (rött)",
        "Fritidshem för äldre elever",
        "5 000 000 kr",
        "Fritidshemmet öppnade i augusti.",
        "Året i stort: måluppfyllelsen ökade i hela kommunen.",
        "Tryggare vardag",
        "Positiv trend",
        "67,5",
        "Sida 2 av",
    ):
        assert expected in text, expected
    assert "Ett nytt namn efter antagandet" not in text
    assert "99,9" not in text, "values after the compilation's year are left out"

    word = _get(
        client, f"/uppfoljning/sammanstallningar/{compilation.pk}/sammanstallning.docx", DOCX
    )
    text, document = docx_text(word.content)
    for expected in (decision, "Färre barn placeras utanför hemmet", "5 000 000 kr", "67,5"):
        assert expected in text, expected
    assert "Ett nytt namn efter antagandet" not in text
    assert len(document.inline_shapes) == 1, "the indicator's chart"

    # the report in the adopted compilation prints as adopted, and says so
    report_text = pdf_text(
        _get(client, f"/uppfoljning/rapporter/{year['report'].pk}/rapport.pdf", PDF).content,
        tmp_path,
    )
    assert "Färre barn placeras utanför hemmet" in report_text
    assert "Ett nytt namn efter antagandet" not in report_text
    assert "KF § 45" in report_text and "KS2018/123" in report_text

    # public, without sign-in, at the public page's address
    public = Client()
    response = _get(public, "/offentligt/2017/arsredovisning/sammanstallning.pdf", PDF)
    assert decision in pdf_text(response.content, tmp_path)
    assert _get(public, "/offentligt/2017/arsredovisning/sammanstallning.docx", DOCX)
    assert public.get("/offentligt/2017/delarsrapport/sammanstallning.pdf").status_code == 404
    assert public.get("/offentligt/2017/bokslut/sammanstallning.pdf").status_code == 404
    assert (
        public.get(
            f"/uppfoljning/sammanstallningar/{compilation.pk}/sammanstallning.pdf"
        ).status_code
        == 302
    )


def test_download_links_for_the_pages():
    """The include the plan, report and compilation pages use for their download links."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    def links(**context):
        return re.findall(r'href="([^"]+)"', render_to_string("documents/_downloads.html", context))

    assert links(kind="plan", pk=3) == ["/planer/3/plan.pdf", "/planer/3/plan.docx"]
    assert links(kind="report", pk=4) == [
        "/uppfoljning/rapporter/4/rapport.pdf",
        "/uppfoljning/rapporter/4/rapport.docx",
    ]
    assert links(kind="compilation", pk=5) == [
        "/uppfoljning/sammanstallningar/5/sammanstallning.pdf",
        "/uppfoljning/sammanstallningar/5/sammanstallning.docx",
    ]
    compilation = SimpleNamespace(period=SimpleNamespace(cycle=SimpleNamespace(year=2018)))
    assert links(
        kind="compilation", pk=5, public=True, kind_slug="arsredovisning", compilation=compilation
    ) == [
        "/offentligt/2018/arsredovisning/sammanstallning.pdf",
        "/offentligt/2018/arsredovisning/sammanstallning.docx",
    ]


# --- printed from HTML that is also XML ------------------------------------------------------


def _tree(element):
    """An element's tree as WeasyPrint reads it: tags, attributes and texts (white space between
    elements aside; the XML namespace declaration is not an attribute)."""

    def text(value):
        return re.sub(r"\s+", " ", value or "").strip()

    attributes = {k: v for k, v in element.attrib.items() if not k.endswith("}xmlns")}
    return (
        element.tag,
        attributes,
        re.sub(r"/\*(<!\[CDATA\[|\]\]>)?\*/", "", text(element.text)).strip(),  # the style's
        text(element.tail),
        [_tree(child) for child in element],
    )


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_document_is_parsed_as_xml_into_the_tree_html_parsing_gives(
    world, year, office, language, monkeypatch
):
    """The print templates make well-formed XML (parsed by expat, a fortieth of the time of the
    HTML parser), and the tree is the one the HTML parser makes of the same text; a text XML
    will not take is parsed as HTML."""
    import tinyhtml5
    import weasyprint

    from effekt.documents import content, pdf

    def parsed_as_html(text):
        with monkeypatch.context() as patched:
            parsed = []
            patched.setattr(
                weasyprint.tinyhtml5, "parse", lambda *a, **k: parsed.append(1) or html(*a, **k)
            )
            return pdf._parsed(text), bool(parsed)

    html = tinyhtml5.parse

    indicator = indicator_services.indicator_save(
        user=office, data={"name": "Nöjdare Enköping", "unit": "%", "council_number": 10}
    )
    for year_, value in [(2015, "50.5"), (2016, "52"), (2017, "51.5")]:
        indicator_services.measurement_set(
            user=office, series=indicator.series.get(), year=year_, value=value
        )
    plan = goal_selectors.plan_detail(plan_id=year["plan"].pk)
    adopted = _adopt(year["compilation"], office)
    with translation.override(language):
        documents = [
            content.plan_document(plan),
            content.report_document(year["report"]),
            content.compilation_document(adopted),
        ]
        texts = [pdf.html(document) for document in documents]
    assert "<svg" in texts[-1]  # a chart
    lines = linebreaksbr("Två rader\noch <b>fet</b> & 5 < 6")  # as _paragraphs.html writes them
    texts.append(texts[1].replace("</p>", f"{lines}</p>", 1))
    for text in texts:
        parsed, as_html = parsed_as_html(text)
        assert not as_html
        assert _tree(parsed.etree_element) == _tree(html(text, namespace_html_elements=False))
    if language == "sv":  # printed both ways: the same PDF to the byte
        printed = [pdf._print_here(text) for text in texts]
        with monkeypatch.context() as patched:
            patched.setattr(pdf.ElementTree, "fromstring", lambda *a: pdf.ElementTree.XML("<"))
            assert [pdf._print_here(text) for text in texts] == printed
    # the contents' links lead to places in the PDF (not to a file "file://#summary")
    links = pdf._parsed(texts[-1]).render().write_pdf(uncompressed_pdf=True)
    assert b"/Dest (summary)" in links and b"/URI" not in links

    control = texts[0].replace("</h1>", "\x01</h1>", 1)  # no XML may hold it
    parsed, as_html = parsed_as_html(control)
    assert as_html
    assert "\x01" in "".join(parsed.etree_element.itertext())


MANY_SCRIPTS = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"/><style>
p { font-family: "Liberation Sans", "DejaVu Sans", sans-serif; hyphens: auto; }
.serif { font-family: "DejaVu Serif", serif; font-size: 13pt; letter-spacing: 0.05em; }
.cut { width: 30mm; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
</style></head><body>
<h1>Måluppfyllelse – AVA Tj Yo ff fi “citat” 1 234,5 kr</h1>
<p>Välfärdsförvaltningens effektmål: fler unga vuxna går från försörjningsstöd till arbete,
och färre barn placeras utanför hemmet. Kostnadsutvecklingen hölls inom budget.</p>
<p class="serif">Sjuksköterskornas arbetsmiljöundersökning visade förbättringar år 2025.</p>
<p>Combining: e\u0301 a\u0308 o\u0323\u0302; Arabic: مرحبا بالعالم; Hebrew: שלום עולם</p>
<p>No font has it: \ue000 \U0001f600; zero width: a\u200bb\u200dc</p>
<p class="cut">En mycket lång rad som inte får plats i sin ruta</p>
<p lang="en">English <a href="#x" style="text-decoration: underline">underlined</a> and
<span style="font-variant: small-caps; font-feature-settings: 'tnum'">Small 0123</span>,
<span lang="fi">Suomi on kaunis maa</span> <span style="direction: rtl">rtl</span></p>
<p id="x" style="font-style: italic; font-weight: bold; font-stretch: condensed">Kursiv</p>
<p dir="rtl">(1) abc, def! שלום (2)</p>
<p lang="sr" class="serif" style="font-style: italic">бгдпт</p><p lang="ru" class="serif">бгдпт</p>
</body></html>"""


def test_documents_are_printed_to_the_byte_as_weasyprint_prints_them(
    world, year, office, monkeypatch
):
    """engine.py sets up Pango's layouts and draws a line's glyphs faster than WeasyPrint; the
    PDF is the same to the byte, for a whole compilation and for what WeasyPrint does itself
    (glyphs no font has, marks placed above or below, right-to-left text, a line cut short with
    an ellipsis, underlined links, other languages, font features)."""
    from weasyprint.draw import text as draw_text
    from weasyprint.text import line_break

    from effekt.documents import content, engine, pdf

    assert draw_text.draw_first_line is engine._fast_draw_first_line  # installed
    assert line_break.Layout.setup is engine._fast_setup
    with translation.override("sv"):
        compilation = pdf.html(content.compilation_document(year["compilation"]))
    for text in (compilation, MANY_SCRIPTS):
        faster = pdf._print_here(text)
        monkeypatch.setattr(draw_text, "draw_first_line", engine._draw_first_line)
        monkeypatch.setattr(line_break.Layout, "setup", engine._setup)
        assert pdf._print_here(text) == faster
        monkeypatch.undo()


@needs_pdftotext
def test_a_document_fetches_nothing_and_prints_on_without_it(tmp_path):
    """No image, style sheet or font is fetched, over the network or from the disk: the image
    is left out for its text, and the print goes on."""
    from effekt.documents import pdf

    text = MANY_SCRIPTS.replace(
        "</h1>",
        '</h1><img src="https://example.org/logo.png" alt="Kommunens logotyp"/>'
        '<img src="file:///etc/hostname" alt="En fil"/>'
        '<link rel="stylesheet" href="https://example.org/print.css"/>',
    )
    printed = pdf._print_here(text)
    assert "Kommunens logotyp" in pdf_text(printed, tmp_path)
    assert "En fil" in pdf_text(printed, tmp_path)


def test_threads_of_one_process_print_as_one_thread_prints(monkeypatch):
    """A threaded server prints in its own process: threads printing at once get the PDFs one
    thread gets (WeasyPrint in several threads at once measured some glyphs wrong)."""
    import threading

    from effekt.documents import pdf

    monkeypatch.setattr(pdf, "_worked_here", True)  # as in a threaded server: no child
    texts = [
        MANY_SCRIPTS.replace("Liberation Sans", font)
        for font in ("Liberation Sans", "DejaVu Sans", "DejaVu Serif", "Liberation Serif")
    ]
    alone = [pdf._print(text) for text in texts]
    printed = {}

    def prints(n):
        for round_ in range(3):
            printed[n, round_] = pdf._print(texts[n % len(texts)])

    threads = [threading.Thread(target=prints, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(printed) == 24
    assert all(pdf_ == alone[n % len(texts)] for (n, _round), pdf_ in printed.items())


# --- a printed PDF is kept under the hash of its HTML ---------------------------------------


def test_a_pdf_asked_for_while_it_is_printed_is_printed_once(world, year, editor):
    """Another worker prints the plan; asked for meanwhile, the PDF is the one it keeps."""
    import hashlib
    import threading

    from django.core.cache import caches

    from effekt.documents import content, kept, pdf

    with translation.override("sv"):
        document = content.plan_document(goal_selectors.plan_detail(plan_id=year["plan"].pk))
        digest = hashlib.sha256(pdf.html(document).encode()).hexdigest()
    store = caches["documents"]
    store.clear()
    printing, asked = threading.Event(), threading.Event()

    def the_other_worker():
        with kept._one_at_a_time(f"pdf-{digest}"):
            printing.set()
            asked.wait(5)
            time.sleep(0.2)  # still printing when the request below comes to the lock
            store.set(f"pdf:{digest}", b"%PDF-printed-by-the-other-worker")

    other = threading.Thread(target=the_other_worker)
    other.start()
    assert printing.wait(5)
    asked.set()
    with translation.override("sv"):
        served = pdf.render(document)
    other.join()
    assert served == b"%PDF-printed-by-the-other-worker"  # waited for it, printed nothing
    assert not list((settings.VAR_DIR / "locks").glob(f"pdf-{digest}.lock"))  # none left over


def test_a_pdf_is_printed_again_only_when_its_html_changes(world, year, editor, client_for):
    import hashlib

    from django.core.cache import caches

    from effekt.documents import content, pdf

    plan = year["plan"]
    client = client_for(editor)
    url = f"/planer/{plan.pk}/plan.pdf"
    store = caches["documents"]
    store.clear()
    first = _get(client, url, PDF).content

    def key():
        document = content.plan_document(goal_selectors.plan_detail(plan_id=plan.pk))
        return "pdf:" + hashlib.sha256(pdf.html(document).encode()).hexdigest()

    with translation.override("sv"):
        kept = key()
    assert store.get(kept) == first  # kept as printed
    store.set(kept, b"%PDF-kept")
    assert _get(client, url, PDF).content == b"%PDF-kept"  # served as kept, not printed again
    goal_services.plan_reopen(user=world.users["administrator"], plan=plan, reason="Rättelse")
    again = _get(client, url, PDF).content
    assert again.startswith(b"%PDF-1") and again != first  # the HTML changed: printed anew
    with translation.override("sv"):
        assert key() != kept and store.get(key()) == again


def test_a_word_file_is_written_again_only_when_what_it_is_made_from_changes(
    world, year, editor, client_for
):
    """Kept like the PDF, under the hash of the document's contents, its language and the code
    and translations that write it out: asked for again, it is not written again; after a change
    to the plan, or in the other language, it is."""
    from django.core.cache import caches

    from effekt.documents import content, word

    plan = year["plan"]
    client = client_for(editor)
    url = f"/planer/{plan.pk}/plan.docx"
    store = caches["documents"]
    store.clear()
    first = _get(client, url, DOCX).content

    def key(language="sv"):
        with translation.override(language):
            document = content.plan_document(goal_selectors.plan_detail(plan_id=plan.pk))
            return "docx:" + word._digest(document)

    kept_key = key()
    assert store.get(kept_key) == first  # kept as written
    store.set(kept_key, b"PK-kept")
    assert _get(client, url, DOCX).content == b"PK-kept"  # served as kept, not written again
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.content.startswith(b"PK") and english.content != b"PK-kept"
    assert key("en") != kept_key and store.get(key("en")) == english.content
    goal_services.plan_reopen(user=world.users["administrator"], plan=plan, reason="Rättelse")
    again = _get(client, url, DOCX).content
    assert again.startswith(b"PK") and again != b"PK-kept"  # the plan changed: written anew
    assert key() != kept_key and store.get(key()) == again
    text, _document = docx_text(again)
    assert sv("Draft") in text  # reopened: a draft again, as the file says


def test_a_word_file_is_kept_apart_for_every_change_to_what_writes_it_out(monkeypatch):
    """The code that writes the file out and the translations are part of its key: a new
    release or a new catalogue writes the documents anew."""
    from effekt.documents import word
    from effekt.documents.content import Document

    document = Document(
        kind="plan",
        title="Plan",
        kicker="",
        cover_title="Plan",
        cover_subtitle="",
        decision="",
        status="",
        is_draft=False,
        filename="plan",
        toc=[],
        body={"goals": [{"title": "Mål", "amount": Decimal("1.50")}]},
    )
    with translation.override("sv"):
        digest = word._digest(document)
        assert word._digest(document) == digest  # the same contents: the same key
        monkeypatch.setattr(word, "_code", lambda: "another release")
        assert word._digest(document) != digest
        monkeypatch.undo()
        monkeypatch.setattr(word, "_catalogue", lambda language: "another catalogue")
        assert word._digest(document) != digest
        monkeypatch.undo()
        document.body["goals"][0]["amount"] = Decimal("1.5")  # prints otherwise
        assert word._digest(document) != digest


ONE_THREAD = """
import gc, os, threading, django
django.setup()
from effekt.documents import pdf
assert threading.active_count() == 1  # as in a gunicorn worker
forks, fork = [], os.fork
os.fork = lambda: forks.append(1) or fork()
here = str(os.getpid()).encode()
assert pdf.in_child(lambda: str(os.getpid()).encode()) != here
try:
    pdf.in_child(lambda: str(1 / 0).encode())
except pdf.ChildFailed as failed:
    assert "ZeroDivisionError" in str(failed), failed
else:
    raise AssertionError("no ChildFailed")
printed = pdf._print("<html lang='sv'><body><h1>Rubrik</h1></body></html>")
assert printed.startswith(b"%PDF-") and printed.rstrip().endswith(b"%%EOF")
assert len(forks) == 3 and gc.isenabled()  # each in a child; the collector as it was
def refused():
    raise OSError("no processes to spare")
os.fork = refused
assert pdf.in_child(lambda: str(os.getpid()).encode()) == here  # done here instead
os.fork = lambda: forks.append(1) or fork()
assert pdf.in_child(lambda: str(os.getpid()).encode()) == here  # and here from then on
assert len(forks) == 3
print("printed in a child")
"""


def test_documents_are_printed_in_a_child_process_where_the_server_has_one_thread(monkeypatch):
    """A process with one thread (a gunicorn worker; a fresh one, since the test run has threads
    of its own) prints in a child, its collector as it was; what fails in the child fails in the
    parent, with its cause; once the work has run in the process itself (a fork refused), it
    always does. A process with more threads does the work itself."""
    import os
    import subprocess
    import sys
    import threading

    from effekt.documents import pdf

    monkeypatch.setattr(pdf, "_worked_here", False)
    ran = subprocess.run(
        [sys.executable, "-c", ONE_THREAD],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "printed in a child"

    done = threading.Event()
    another = threading.Thread(target=done.wait, args=(5,))
    another.start()
    try:
        assert pdf.in_child(lambda: str(os.getpid()).encode()) == str(os.getpid()).encode()
    finally:
        done.set()
        another.join()
