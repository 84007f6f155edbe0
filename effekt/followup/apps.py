from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "effekt.followup"
    verbose_name = _("Follow-up and compilation")

    def ready(self):
        from effekt.goals import extensions

        from . import selectors

        extensions.register_effect_goal_panel(
            selectors.latest_assessments, "followup/_latest_assessment.html"
        )
        extensions.register_dashboard_panel(selectors.reports_for, "followup/_dashboard.html")
