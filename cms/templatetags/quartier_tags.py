"""Site-wide template tags: navigation, easy-language link, footer data."""

from django import template
from wagtail.models import Page, Site

register = template.Library()


def _site_root(request) -> Page | None:
    """The site's home page, looked up once per request (header and navigation both ask)."""
    if request is None:
        return None
    if not hasattr(request, "_quartier_site_root"):
        site = Site.find_for_request(request)
        request._quartier_site_root = site.root_page.specific if site else None
    return request._quartier_site_root


@register.inclusion_tag("includes/main_navigation.html", takes_context=True)
def main_navigation(context):
    request = context.get("request")
    root = _site_root(request)
    pages = root.get_children().live().public().in_menu() if root else Page.objects.none()
    current = context.get("page")
    current_path = current.path if current else ""

    def state(page: Page) -> str | None:
        if page.path == current_path:
            return "page"
        return "true" if current_path.startswith(page.path) else None

    return {
        "root": root,
        "root_state": "page" if root and root.path == current_path else None,
        "items": [{"page": page, "state": state(page)} for page in pages],
        "in_areas": getattr(getattr(request, "resolver_match", None), "app_name", "") == "maps",
    }


def _version_link(context, *, present: str, url: str, showing: str) -> dict | None:
    """Where a header link to another version of the content leads: back to the page when
    that version is showing, to the page's own version, or else to the home page's."""
    page = context.get("page")
    if page is not None and context.get(showing):
        return {"url": page.url, "back": True}
    if page is not None and getattr(page, present, False):
        return {"url": getattr(page, url), "back": False}
    root = _site_root(context.get("request"))
    if root is not None and getattr(root, present, False):
        return {"url": getattr(root, url), "back": False}
    return None


@register.simple_tag(takes_context=True)
def easy_language_link(context) -> dict | None:
    """The header's "Leichte Sprache" link (the home page always has an overview)."""
    return _version_link(
        context, present="has_easy_language", url="easy_language_url", showing="is_easy_language"
    )


@register.simple_tag(takes_context=True)
def sign_language_link(context) -> dict | None:
    """The header's "Gebärdensprache" link, when this page or the home page has a video."""
    return _version_link(
        context, present="has_sign_language", url="sign_language_url", showing="is_sign_language"
    )
