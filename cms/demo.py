"""The demo site: pages, site settings and demo accounts from `fixtures/demo/site.toml`.

Idempotent: what exists is kept (editors may have changed it), what is missing is created.
"""

import datetime
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupPagePermission, Locale, Page, Site

from cms.models import AccessibilityStatementPage, ContentPage, HomePage, SiteSettings

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "site.toml"
PAGE_TYPES = {"content": ContentPage, "accessibility": AccessibilityStatementPage}
FEEDBACK_PERMISSIONS = ("view_accessibilityfeedback", "change_accessibilityfeedback")
# What Wagtail's own migrations give its two standard groups on the page tree; recreated here
# when the database was emptied (e.g. `flush`) so the demo accounts can work in the admin.
GROUP_PAGE_PERMISSIONS = {
    "Editors": ("add_page", "change_page"),
    "Moderators": ("add_page", "change_page", "publish_page"),
}


@dataclass
class DemoResult:
    created_pages: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)


def _blocks(raw: list) -> list[dict]:
    return [{"type": kind, "value": value} for kind, value in raw]


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _home_page(spec: dict, result: DemoResult) -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:
            locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
        home = HomePage(
            title=spec["title"],
            slug="start",
            intro=spec.get("intro", ""),
            body=_blocks(spec.get("body", [])),
            easy_language_body=_blocks(spec.get("easy_language", [])),
        )
        root.add_child(instance=home)
        _publish(home)
        result.created_pages.append(home.title)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        welcome = site.root_page
        site.root_page = home
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save()
        # Wagtail's placeholder page ("Welcome to your new Wagtail site!") has no content.
        if type(welcome.specific) is Page and not welcome.get_children().exists():
            welcome.delete()
    return home


def _content_page(home: HomePage, spec: dict, result: DemoResult) -> Page:
    existing = home.get_children().filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    page_class = PAGE_TYPES[spec["type"]]
    page = page_class(
        title=spec["title"],
        slug=spec["slug"],
        show_in_menus=spec.get("show_in_menus", False),
        body=_blocks(spec.get("body", [])),
        easy_language_body=_blocks(spec.get("easy_language", [])),
    )
    if page_class is ContentPage:
        page.intro = spec.get("intro", "")
    else:
        page.conformance = spec.get("conformance", page.conformance)
        if "statement_date" in spec:
            page.statement_date = datetime.date.fromisoformat(spec["statement_date"])
    home.add_child(instance=page)
    _publish(page)
    result.created_pages.append(page.title)
    return page


def _site_settings(home: HomePage, spec: dict, pages: dict[str, Page]) -> None:
    site = Site.objects.get(is_default_site=True)
    site_settings = SiteSettings.for_site(site)
    for key, value in spec.items():
        if key.endswith("_page"):
            if getattr(site_settings, f"{key}_id") is None and value in pages:
                setattr(site_settings, key, pages[value])
        elif not getattr(site_settings, key):
            setattr(site_settings, key, value)
    site_settings.save()


# Moderators decide on contributions; editors manage proposals and groups and answer
# contributions and statements; both may export.
PARTICIPATION_PERMISSIONS = {
    "Editors": (
        "view_contribution",
        "add_proposal",
        "change_proposal",
        "delete_proposal",
        "view_proposal",
        "add_group",
        "change_group",
        "view_group",
        "add_membership",
        "change_membership",
        "view_membership",
        "add_answer",
        "change_answer",
        "view_answer",
    ),
    "Moderators": ("view_contribution", "change_contribution", "view_proposal"),
}


def _staff_groups(home: HomePage) -> None:
    """Make sure Wagtail's Editors and Moderators groups exist with admin access, their page
    permissions, and access to the accessibility feedback."""
    feedback = Permission.objects.filter(
        content_type__app_label="cms", codename__in=FEEDBACK_PERMISSIONS
    )
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    root = home.get_parent()
    for name, page_codenames in GROUP_PAGE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=name)
        group.permissions.add(*feedback)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="participation",
                codename__in=PARTICIPATION_PERMISSIONS[name],
            )
        )
        if created:
            group.permissions.add(access_admin)
            for codename in page_codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=codename
                    ),
                )


def _accounts(specs: list[dict], password: str, result: DemoResult) -> None:
    user_model = get_user_model()
    for spec in specs:
        user, _created = user_model.objects.get_or_create(
            username=spec["username"],
            defaults={"email": spec["email"], "display_name": spec["display_name"]},
        )
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=spec["groups"]))
        # Demo addresses cannot receive the confirmation mail: they count as confirmed.
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        result.accounts.append(user.username)


@transaction.atomic
def demo_load(*, path: Path = DEMO_FILE, password: str = "") -> DemoResult:
    """Create the demo site's pages, settings and (with a password) its accounts."""
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    result = DemoResult()
    if Collection.get_first_root_node() is None:  # documents and images need one
        Collection.add_root(name="Root")
    home = _home_page(spec["home"], result)
    pages = {
        page_spec["slug"]: _content_page(home, page_spec, result) for page_spec in spec["pages"]
    }
    _site_settings(home, spec["settings"], pages)
    _staff_groups(home)
    if password:
        _accounts(spec["accounts"], password, result)
    return result
