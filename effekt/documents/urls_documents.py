"""Downloads of plans, reports and compilations as PDF and Word (.docx)."""

from django.urls import path

from . import views_documents as views

app_name = "documents"

PDF, DOCX = {"fmt": "pdf"}, {"fmt": "docx"}

urlpatterns = [
    path("planer/<int:pk>/plan.pdf", views.plan_document, PDF, name="plan_pdf"),
    path("planer/<int:pk>/plan.docx", views.plan_document, DOCX, name="plan_docx"),
    path(
        "uppfoljning/rapporter/<int:pk>/rapport.pdf", views.report_document, PDF, name="report_pdf"
    ),
    path(
        "uppfoljning/rapporter/<int:pk>/rapport.docx",
        views.report_document,
        DOCX,
        name="report_docx",
    ),
    path(
        "uppfoljning/sammanstallningar/<int:pk>/sammanstallning.pdf",
        views.compilation_document,
        PDF,
        name="compilation_pdf",
    ),
    path(
        "uppfoljning/sammanstallningar/<int:pk>/sammanstallning.docx",
        views.compilation_document,
        DOCX,
        name="compilation_docx",
    ),
    path(
        "offentligt/<int:year>/<slug:kind>/sammanstallning.pdf",
        views.public_compilation_document,
        PDF,
        name="public_compilation_pdf",
    ),
    path(
        "offentligt/<int:year>/<slug:kind>/sammanstallning.docx",
        views.public_compilation_document,
        DOCX,
        name="public_compilation_docx",
    ),
]
