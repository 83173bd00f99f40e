from django.urls import path

from . import views

app_name = "activity"

# Mounted under /users/, so a learner's tasks live at /users/<pk>/tasks/.
urlpatterns = [
    path("<int:pk>/activity/", views.activity_list, name="list"),
    path("<int:pk>/activity/usage/", views.usage_report, name="usage"),
    path("<int:pk>/tasks/", views.task_list, name="tasks"),
    path("<int:pk>/tasks/print/", views.task_print, name="task_print"),
    path("<int:pk>/tasks/add/", views.task_add, name="task_add"),
    path("<int:pk>/tasks/<int:task_pk>/done/", views.task_done, name="task_done"),
    path(
        "<int:pk>/tasks/<int:task_pk>/action-plan/",
        views.task_action_plan,
        name="task_action_plan",
    ),
]
