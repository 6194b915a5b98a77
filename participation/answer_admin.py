"""The administration's answers in the admin: the consultations with how many of their items
wait for an answer, each consultation's contributions and statements (unanswered first), and
one form per item. The views check permissions and forms; `answer_save` does the work (and
tells the author)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from .models import Answer, ConsultationPage, Contribution, Statement
from .models.groups import ANSWER_MAX_LENGTH
from .selectors.answers import (
    ANSWER_STATES,
    answer_consultations,
    answer_contribution_get,
    answer_contributions,
    answer_statement_get,
    answer_statements,
    answer_unanswered_total,
)
from .selectors.pages import CONSULTATION_CONTENT
from .services.answers import ADD_ANSWER, CHANGE_ANSWER, answer_save

VIEW_ANSWER = "participation.view_answer"
# For the group editor (wired in `wagtail_hooks`): answers have no model viewset that would
# offer them.
PERMISSIONS = ["add_answer", "change_answer", "view_answer"]


def may_see_answers(user) -> bool:
    return any(user.has_perm(p) for p in (ADD_ANSWER, CHANGE_ANSWER, VIEW_ANSWER))


def may_answer(user, answer: Answer | None) -> bool:
    """Whether `user` may give this item's answer (none yet) or change it."""
    return user.has_perm(ADD_ANSWER if answer is None else CHANGE_ANSWER)


def item_answer(item: Contribution | Statement) -> Answer | None:
    try:
        return item.answer
    except Answer.DoesNotExist:
        return None


def items_url(consultation_id: int, state: str = "") -> str:
    url = reverse("participation_answers:items", args=[consultation_id])
    return url + (f"?{urlencode({'state': state})}" if state else "")


class AnswersViewMixin(WagtailAdminTemplateMixin):
    """For those who may see, give or change answers (403 for other staff)."""

    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_answers(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def index_breadcrumb(self) -> dict:
        return {"url": reverse("participation_answers:index"), "label": _("Answers")}


class ConsultationsView(AnswersViewMixin, TemplateView):
    """The consultations, those with most unanswered items first."""

    template_name = "participation/admin/answer_consultations.html"
    page_title = _("Answers")
    paginate_by = 50

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": _("Answers")}]

    def get_context_data(self, **kwargs):
        page = Paginator(answer_consultations(), self.paginate_by).get_page(
            self.request.GET.get("p")
        )
        return super().get_context_data(page_obj=page, consultations=page.object_list, **kwargs)


STATE_CHOICES = [
    ("", _("All")),
    ("unanswered", _("Unanswered")),
    ("answered", _("Answered")),
]


class ItemsView(AnswersViewMixin, TemplateView):
    """A consultation's statements and top-level published contributions with their answer
    state, unanswered first; `?state=unanswered|answered` narrows them."""

    template_name = "participation/admin/answer_items.html"
    paginate_by = 50

    @cached_property
    def consultation(self) -> ConsultationPage:
        return get_object_or_404(
            ConsultationPage.objects.defer(*CONSULTATION_CONTENT), pk=self.kwargs["pk"]
        )

    @cached_property
    def state(self) -> str:
        state = self.request.GET.get("state", "")
        return state if state in ANSWER_STATES else ""

    def get_page_title(self):
        return _("Answers: %(consultation)s") % {"consultation": self.consultation.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            self.index_breadcrumb(),
            {"url": "", "label": self.consultation.title},
        ]

    def get_context_data(self, **kwargs):
        contributions = Paginator(
            answer_contributions(consultation=self.consultation, state=self.state),
            self.paginate_by,
        ).get_page(self.request.GET.get("p"))
        query = self.request.GET.copy()
        query.pop("p", None)
        return super().get_context_data(
            consultation=self.consultation,
            state=self.state,
            state_choices=STATE_CHOICES,
            statements=answer_statements(consultation=self.consultation, state=self.state),
            contributions=contributions,
            page_query=query.urlencode(),
            next_url=self.request.get_full_path(),
            **kwargs,
        )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What became of it"),
        choices=Answer.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what became of the item.")},
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Shown publicly under the item and sent to its author. The administration answers: "
            "no names of staff."
        ),
        error_messages={"required": _("Give the reasons: the answer explains what became of it.")},
    )


class AnswerView(AnswersViewMixin, FormView):
    """Give or change the answer to one contribution or statement (GET shows the item, POST
    saves). Those who may only view answers see it without the form."""

    template_name = "participation/admin/answer_form.html"
    form_class = AnswerForm
    kind = "contribution"

    @cached_property
    def item(self) -> Contribution | Statement:
        get = answer_statement_get if self.kind == "statement" else answer_contribution_get
        item = get(pk=self.kwargs["pk"])
        if item is None:
            raise Http404
        return item

    @cached_property
    def answer(self) -> Answer | None:
        return item_answer(self.item)

    @cached_property
    def may_save(self) -> bool:
        return may_answer(self.request.user, self.answer)

    def get_page_title(self):
        if self.kind == "statement":
            return _("Answer the statement of %(group)s") % {"group": self.item.group.name}
        return _("Answer %(contribution)s") % {"contribution": self.item}

    def get_breadcrumbs_items(self):
        consultation = self.item.consultation
        return [
            *self.breadcrumbs_items,
            self.index_breadcrumb(),
            {"url": items_url(consultation.pk), "label": consultation.title},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def next_url(self) -> str:
        return items_url(self.item.consultation_id, "unanswered")

    def get_initial(self):
        if self.answer is None:
            return {}
        return {"outcome": self.answer.outcome, "reasons": self.answer.reasons}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            item=self.item,
            kind=self.kind,
            answer=self.answer,
            may_save=self.may_save,
            next_url=self.next_url,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.may_save:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            answer_save(
                item=self.item,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
                user=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The answer to %(item)s is saved.") % {"item": self.item},
        )
        return redirect(self.next_url)

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing changed: the form has errors."))
        return super().form_invalid(form)


class AnswersMenuItem(MenuItem):
    """ "Answers (12)": the number of items waiting for an answer, for those who answer."""

    def is_shown(self, request):
        return may_see_answers(request.user)

    def render_component(self, request):
        count = answer_unanswered_total()
        label = f"{self.label} ({count})" if count else str(self.label)
        return LinkMenuItem(self.name, label, self.url, icon_name=self.icon_name, attrs=self.attrs)


class AnswerViewSet(ViewSet):
    """The administration's answers to contributions and statements."""

    name = "participation_answers"
    url_prefix = "beteiligung/antworten"
    icon = "comment"
    menu_label = _("Answers")
    add_to_admin_menu = True
    menu_order = 705
    menu_item_class = AnswersMenuItem

    def get_urlpatterns(self):
        return [
            path("", ConsultationsView.as_view(), name="index"),
            path("<int:pk>/", ItemsView.as_view(), name="items"),
            path(
                "beitrag/<int:pk>/",
                AnswerView.as_view(kind="contribution"),
                name="contribution",
            ),
            path(
                "stellungnahme/<int:pk>/",
                AnswerView.as_view(kind="statement"),
                name="statement",
            ),
        ]


VIEWSETS: list = [AnswerViewSet()]
URLS: list = []
