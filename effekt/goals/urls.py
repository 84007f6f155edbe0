from django.urls import path

from . import views

app_name = "goals"

urlpatterns = [
    path("malkedja/", views.goal_chain, name="goal_chain"),
    path("tackning/", views.coverage, name="coverage"),
    path("mandatperioder/", views.term_list, name="term_list"),
    path("mandatperioder/ny/", views.term_edit, name="term_create"),
    path("mandatperioder/<int:pk>/", views.term_detail, name="term_detail"),
    path("mandatperioder/<int:pk>/andra/", views.term_edit, name="term_edit"),
    path("mandatperioder/<int:pk>/ta-bort/", views.term_delete, name="term_delete"),
    path(
        "mandatperioder/<int:term_pk>/strategiska-mal/nytt/",
        views.strategic_goal_edit,
        name="strategic_goal_create",
    ),
    path("strategiska-mal/<int:pk>/", views.strategic_goal_detail, name="strategic_goal_detail"),
    path("strategiska-mal/<int:pk>/andra/", views.strategic_goal_edit, name="strategic_goal_edit"),
    path(
        "strategiska-mal/<int:pk>/ta-bort/",
        views.strategic_goal_delete,
        name="strategic_goal_delete",
    ),
    path("vision/ny/", views.vision_edit, name="vision_create"),
    path("vision/<int:pk>/andra/", views.vision_edit, name="vision_edit"),
    path("uppdrag/", views.assignment_list, name="assignment_list"),
    path("uppdrag/nytt/", views.assignment_edit, name="assignment_create"),
    path("uppdrag/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("uppdrag/<int:pk>/andra/", views.assignment_edit, name="assignment_edit"),
    path("uppdrag/<int:pk>/ta-bort/", views.assignment_delete, name="assignment_delete"),
    path("planer/", views.plan_list, name="plan_list"),
    path("planer/ny/", views.plan_create, name="plan_create"),
    path("planer/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("planer/<int:pk>/andra/", views.plan_edit, name="plan_edit"),
    path("planer/<int:pk>/ta-bort/", views.plan_delete, name="plan_delete"),
    path("planer/<int:pk>/anta/", views.plan_adopt, name="plan_adopt"),
    path("planer/<int:pk>/ateroppna/", views.plan_reopen, name="plan_reopen"),
    path("planer/<int:pk>/nasta-ar/", views.plan_copy_forward, name="plan_copy_forward"),
    path("planer/<int:pk>/kommentarer/", views.comment_add, name="comment_add"),
    path("planer/<int:plan_pk>/effektmal/nytt/", views.effect_goal_edit, name="effect_goal_create"),
    path("effektmal/<int:pk>/", views.effect_goal_detail, name="effect_goal_detail"),
    path("effektmal/<int:pk>/andra/", views.effect_goal_edit, name="effect_goal_edit"),
    path("effektmal/<int:pk>/ta-bort/", views.effect_goal_delete, name="effect_goal_delete"),
    path(
        "effektmal/<int:effect_goal_pk>/aktiviteter/ny/",
        views.activity_edit,
        name="activity_create",
    ),
    path("aktiviteter/<int:pk>/andra/", views.activity_edit, name="activity_edit"),
    path("aktiviteter/<int:pk>/ta-bort/", views.activity_delete, name="activity_delete"),
]
