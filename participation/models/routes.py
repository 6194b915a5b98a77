"""The routes of a consultation page (its contribution form, permalinks, map data, review);
the views are in `participation.views`."""

from django.http import Http404
from wagtail.contrib.routable_page.models import path


class ConsultationRoutes:
    """Mixed into ConsultationPage (a routable page through EasyLanguageMixin)."""

    def serve(self, request, *args, **kwargs):
        """Every route of a consultation in its unpublished review phase is a 404 for anyone
        but its editors and the members of its invited groups: it does not exist for them."""
        from participation.selectors.review import may_see_review

        if not may_see_review(request.user, self):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        from participation.models.consultations import Phase
        from participation.selectors.review import is_hidden_in_review

        if is_hidden_in_review(self):
            return []
        urls = super().get_sitemap_urls(request)
        if urls and self.phase == Phase.RESULT:
            urls.append(
                {**urls[0], "location": urls[0]["location"] + self.reverse_subpage("result")}
            )
        return urls

    def get_context(self, request, *args, **kwargs):
        """Every route shows the statements the person may read (those about the proposal on
        a proposal's page) and whether they take part in the review."""
        from participation.selectors.results import may_see_result
        from participation.selectors.review import may_take_part_in_review, visible_statements
        from participation.services.statements import STATEMENT_PHASES

        context = super().get_context(request, *args, **kwargs)
        statements = visible_statements(consultation=self, user=request.user)
        match = getattr(request, "routable_resolver_match", None)
        if match is not None and match.url_name == "proposal":
            statements = statements.filter(proposal_id=match.kwargs.get("pk"))
        context["statements"] = statements
        context["statements_open"] = self.phase in STATEMENT_PHASES
        context["takes_part_in_review"] = self.review_end is not None and (
            may_take_part_in_review(request.user, self)
        )
        context["result_url"] = (
            self.url + self.reverse_subpage("result") if may_see_result(request.user, self) else ""
        )
        return context

    @path("")
    def detail(self, request):
        from participation import views

        return views.consultation_detail(self, request)

    @path("kartendaten/", name="contribution_features")
    def contribution_features(self, request):
        from participation import views

        return views.contribution_features_json(self, request)

    @path("ort/", name="place_check")
    def place_check(self, request):
        from participation import views

        return views.place_check(self, request)

    @path("beitragen/", name="contribute")
    def contribute(self, request):
        from participation import views

        return views.contribute(self, request)

    @path("beitraege/<int:pk>/", name="contribution")
    def contribution(self, request, pk):
        from participation import views

        return views.contribution_detail(self, request, pk)

    @path("beitraege/<int:pk>/unterstuetzen/", name="support")
    def support(self, request, pk):
        from participation import views

        return views.contribution_support(self, request, pk)

    @path("beitraege/<int:pk>/melden/", name="report")
    def report(self, request, pk):
        from participation import views

        return views.contribution_report(self, request, pk)

    @path("vorschlaege/<int:pk>/", name="proposal")
    def proposal(self, request, pk):
        from participation import views

        return views.proposal_detail(self, request, pk)

    # Groups: statements and the review phase (views in participation.views.statements) -----

    @path("stellungnahme/", name="statement_create")
    def statement_create(self, request):
        from participation.views import statements

        return statements.statement_create(self, request)

    @path("stellungnahmen/<int:pk>/", name="statement")
    def statement(self, request, pk):
        from participation.views import statements

        return statements.statement_detail(self, request, pk)

    @path("pruefung/", name="review")
    def review(self, request):
        from participation.views import statements

        return statements.review(self, request)

    # The result report (views in participation.views.results) ---------------------------

    @path("ergebnis/", name="result")
    def result(self, request):
        from participation.views import results

        return results.result(self, request)

    @path("ergebnis/kartendaten/", name="result_features")
    def result_features(self, request):
        from participation.views import results

        return results.result_features(self, request)

    @path("ergebnis/download/<str:export_format>/", name="result_download")
    def result_download(self, request, export_format):
        from participation.views import results

        return results.result_download(self, request, export_format)
