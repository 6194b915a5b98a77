"""The open-data admin: resources of a dataset, and publishing a new version of one. The views
check permissions and forms; `opendata.services` does the work."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Resource
from .services import UploadTooLarge, resource_version_create

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


class VersionUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8 or Windows-1252; , ; or tab) or XLSX."),
        error_messages={"required": gettext_lazy("Choose a file to upload.")},
    )
    note = forms.CharField(
        label=gettext_lazy("What changed (optional)"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Shown in the dataset's change history."),
    )


def version_upload(request, resource_id: int):
    """Publish a new version of a resource: the file is read and validated first; the editor
    sees every problem, or what disclosure control suppressed. A file over the configured size
    gets HTTP 413; nothing is stored unless everything is fine."""
    if not request.user.has_perm(PUBLISH):
        raise PermissionDenied
    resource = get_object_or_404(Resource.objects.select_related("dataset"), pk=resource_id)
    status = 200
    form = VersionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = resource_version_create(
                resource=resource,
                data=upload.read(),
                filename=upload.name,
                author=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
            status = 413 if isinstance(error, UploadTooLarge) else 422
        else:
            text = _("Version %(number)s of “%(title)s” is published.") % {
                "number": version.number,
                "title": resource.title,
            }
            if version.suppressed:
                text += " " + _("Disclosure control suppressed %(count)s cells (shown as “.”).") % {
                    "count": len(version.suppressed)
                }
            messages.success(request, text)
            return redirect(reverse("opendata_version_upload", args=[resource.pk]))
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
