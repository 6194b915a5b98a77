from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class BodyBlock(blocks.StreamBlock):
    """Editorial content. Headings start at level 2 (the page title is the only h1);
    images must carry alternative text or be marked decorative."""

    heading = blocks.CharBlock(
        label=_("Heading"), form_classname="title", template="cms/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = ImageBlock(label=_("Image"), template="cms/blocks/image.html")

    class Meta:
        template = "cms/blocks/body.html"
