from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from effekt.core import views as core_views
from effekt.goals import views as goals_views
from effekt.organisations import views as organisation_views

urlpatterns = [
    path("health/live", core_views.health_live, name="health_live"),
    path("health/ready", core_views.health_ready, name="health_ready"),
    path("logga-in/", organisation_views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("sprak/", set_language, name="set_language"),
    path("historik/", organisation_views.change_log, name="change_log"),
    path(
        "historik/<str:model>/<int:pk>/", organisation_views.object_history, name="object_history"
    ),
    path("organisation/", organisation_views.organisation_list, name="organisation_list"),
    path("", goals_views.home, name="home"),
    path("", include("effekt.goals.urls")),
    path("", include("effekt.followup.urls")),
    path("", include("effekt.indicators.urls")),
    path("", include("effekt.documents.urls_documents")),
    path("", include("effekt.documents.urls_public")),
    path("api/", include("effekt.api.urls")),
    path("admin/", admin.site.urls),
]
