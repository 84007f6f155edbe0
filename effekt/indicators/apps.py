from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "effekt.indicators"
    verbose_name = _("Indicators")

    def ready(self):
        from effekt.goals import extensions

        from . import selectors

        extensions.register_effect_goal_panel(selectors.targets_by_goal, "indicators/_targets.html")
