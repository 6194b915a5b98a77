"""Form widgets for geometry."""

from leaflet.forms.widgets import LeafletWidget


class AdminMapWidget(LeafletWidget):
    """django-leaflet's map widget bringing Leaflet's scripts with it, for the Wagtail admin
    (which loads none of its own)."""

    include_media = True
