from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form is rendered the same accessible way: error summary, labels, hints, errors."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def add_validation_error(form, error):
    """Attach a ValidationError from a domain operation to the form's fields (or the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
