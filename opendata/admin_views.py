"""The open-data admin: resources of a dataset, and publishing a new version of one. The views
check permissions and forms; `opendata.services` does the work."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.model import ModelViewSet

from maps.sources.files import SourceError

from .models import Resource, ResourceVersion
from .services import UploadTooLarge, resource_version_create
from .sources.fetch import FetchTooLarge, fetch_url

PUBLISH = "opendata.add_resourceversion"


class ResourceViewSet(ModelViewSet):
    """Editors describe a dataset's resources here; each one gets its files as versions."""

    model = Resource
    name = "opendata_resources"
    url_prefix = "daten/ressourcen"
    icon = "doc-full"
    menu_label = gettext_lazy("Data resources")
    add_to_admin_menu = True
    menu_order = 720
    list_display = ["title", "dataset", "kind", "personal_data", "download_count"]
    list_filter = ["kind", "personal_data"]
    search_fields = ["title"]
    panels = [
        FieldPanel("dataset"),
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("kind"),
        FieldPanel("personal_data"),
        FieldPanel("sort_order"),
    ]


class WebAddressField(forms.URLField):
    """An http or https address; anything else is refused with a message that says so."""

    default_error_messages = {
        "invalid": gettext_lazy("Enter a web address that starts with http:// or https://.")
    }
    default_validators = [URLValidator(schemes=["http", "https"])]


class VersionUploadForm(forms.Form):
    """A file to upload, or a web address to fetch it from: exactly one of them."""

    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        help_text=gettext_lazy(
            "Tables: CSV (UTF-8 or Windows-1252; , ; or tab) or XLSX. Geodata: GeoJSON, "
            "GeoPackage (.gpkg) or a zipped Shapefile (.zip)."
        ),
    )
    url = WebAddressField(
        label=gettext_lazy("or a web address (URL)"),
        required=False,
        assume_scheme="https",
        max_length=ResourceVersion._meta.get_field("source_url").max_length,
        help_text=gettext_lazy(
            "The file is fetched from there once, now, and the address is kept with the version."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("What changed (optional)"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Shown in the dataset's change history."),
    )

    def clean(self):
        data = super().clean()
        if not {"file", "url"} & self.errors.keys():
            if not data.get("file") and not data.get("url"):
                self.add_error(
                    "file", _("Choose a file to upload or enter a web address (URL) to fetch it.")
                )
            elif data.get("file") and data.get("url"):
                self.add_error("url", _("Choose a file or enter a web address (URL), not both."))
        return data

    def describe_errors(self) -> None:
        """Point every field with errors at its message, after the help text: Wagtail's
        field template links only the help text (see `error_message_id` in the template)."""
        for name in self.errors:
            if name in self.fields:
                field = self[name]
                ids = [f"{field.auto_id}-errors"]
                if field.help_text:
                    ids.append(f"{field.auto_id}-helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


def _version_create(*, resource: Resource, form: VersionUploadForm, author) -> ResourceVersion:
    """Publish the uploaded file, or the one fetched from the address given."""
    url = form.cleaned_data["url"]
    if url:
        fetched = fetch_url(
            url,
            max_bytes=settings.OPENDATA_MAX_UPLOAD_BYTES,
            timeout=settings.OPENDATA_FETCH_TIMEOUT,
        )
        data, filename, source_url = fetched.data, fetched.filename, fetched.url
    else:
        upload = form.cleaned_data["file"]
        data, filename, source_url = upload.read(), upload.name, ""
    return resource_version_create(
        resource=resource,
        data=data,
        filename=filename,
        author=author,
        note=form.cleaned_data["note"],
        source_url=source_url,
    )


def version_upload(request, resource_id: int):
    """Publish a new version of a resource, uploaded or fetched from a web address: the file is
    read and validated first; the editor sees every problem, or what disclosure control
    suppressed. A file over the configured size gets HTTP 413, every other problem 422; nothing
    is stored unless everything is fine."""
    if not request.user.has_perm(PUBLISH):
        raise PermissionDenied
    resource = get_object_or_404(Resource.objects.select_related("dataset"), pk=resource_id)
    status = 200
    form = VersionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            try:
                version = _version_create(resource=resource, form=form, author=request.user)
            except (SourceError, ValidationError) as error:
                problems = error.messages if isinstance(error, ValidationError) else [str(error)]
                field = "url" if form.cleaned_data["url"] else "file"
                for problem in problems:
                    form.add_error(field, problem)
                status = 413 if isinstance(error, UploadTooLarge | FetchTooLarge) else 422
            else:
                text = _("Version %(number)s of “%(title)s” is published.") % {
                    "number": version.number,
                    "title": resource.title,
                }
                if version.suppressed:
                    text += " " + _(
                        "Disclosure control suppressed %(count)s cells (shown as “.”)."
                    ) % {"count": len(version.suppressed)}
                messages.success(request, text)
                return redirect(reverse("opendata_version_upload", args=[resource.pk]))
    form.describe_errors()
    return TemplateResponse(
        request,
        "opendata/admin/version_upload.html",
        {
            "resource": resource,
            "form": form,
            "versions": resource.versions.all(),
            "header_title": _("New version"),
        },
        status=status,
    )
