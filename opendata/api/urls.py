from rest_framework.routers import SimpleRouter

from .views import DatasetViewSet, ResourceViewSet

router = SimpleRouter()
router.register("datasets", DatasetViewSet, basename="dataset")
router.register("resources", ResourceViewSet, basename="resource")

urlpatterns = router.urls
