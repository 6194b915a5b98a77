"""Accessible form rendering: one include for every form (`includes/form.html`)."""

from django import template

register = template.Library()

MULTI_INPUT_WIDGETS = {"RadioSelect", "CheckboxSelectMultiple"}


def field_ids(field) -> dict:
    base = field.auto_id
    return {"hint": f"{base}-hint", "error": f"{base}-error"}


@register.filter
def is_group(field) -> bool:
    """Radio buttons and checkbox lists are rendered as a fieldset with a legend."""
    return type(field.field.widget).__name__ in MULTI_INPUT_WIDGETS


@register.filter
def first_input_id(field) -> str:
    """The id an error-summary link points at: the field, or a group's first option."""
    return f"{field.auto_id}_0" if is_group(field) else field.auto_id


@register.filter
def described_by(field) -> str:
    ids = field_ids(field)
    parts = []
    if field.help_text:
        parts.append(ids["hint"])
    if field.errors:
        parts.append(ids["error"])
    return " ".join(parts)


@register.simple_tag
def render_widget(field):
    """The field's widget with its hint and error referenced by aria-describedby.
    Grouped widgets carry the reference on their fieldset instead."""
    attrs = {}
    if not is_group(field):
        describedby = described_by(field)
        if describedby:
            attrs["aria-describedby"] = describedby
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
