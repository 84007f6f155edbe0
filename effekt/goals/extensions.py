"""Extension points of the goal chain, so later parts (follow-up) can add to its pages without the
goals app importing them.

A panel is (loader, template): `loader(effect_goals)` returns {effect_goal_id: data} in a fixed
number of queries, and the template is included under each effect goal with `data` in context.
"""

_effect_goal_panels = []


def register_effect_goal_panel(loader, template):
    if (loader, template) not in _effect_goal_panels:
        _effect_goal_panels.append((loader, template))


def effect_goal_panels(effect_goals):
    """[(template, {effect_goal_id: data})] for every registered panel."""
    goals = list(effect_goals)
    return [(template, loader(goals)) for loader, template in _effect_goal_panels]


_dashboard_panels = []


def register_dashboard_panel(loader, template):
    """`loader(user)` returns the panel's data (or None to leave it out), in a fixed number of
    queries; the template is included on the start page with `data` in context."""
    if (loader, template) not in _dashboard_panels:
        _dashboard_panels.append((loader, template))


def dashboard_panels(user):
    panels = []
    for loader, template in _dashboard_panels:
        data = loader(user)
        if data is not None:
            panels.append((template, data))
    return panels
