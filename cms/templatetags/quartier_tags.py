"""Site-wide template tags: navigation, easy-language link, footer data."""

from django import template
from wagtail.models import Page, Site

register = template.Library()


def _site_root(request) -> Page | None:
    site = Site.find_for_request(request) if request else None
    return site.root_page.specific if site else None


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


@register.simple_tag(takes_context=True)
def easy_language_link(context) -> dict | None:
    """Where the header's "Leichte Sprache" link leads: this page's easy-language version,
    or, for a page without one, the site's easy-language overview on the home page."""
    page = context.get("page")
    if page is not None and context.get("is_easy_language"):
        return {"url": page.url, "to_easy_language": False}
    if page is not None and getattr(page, "has_easy_language", False):
        return {"url": page.easy_language_url, "to_easy_language": True}
    root = _site_root(context.get("request"))
    if root is not None and getattr(root, "has_easy_language", False):
        return {"url": root.easy_language_url, "to_easy_language": True}
    return None
