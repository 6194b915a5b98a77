from rest_framework.routers import SimpleRouter

from .views import ConsultationViewSet, ContributionViewSet, ProposalViewSet

router = SimpleRouter()
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("contributions", ContributionViewSet, basename="contribution")

urlpatterns = router.urls
