from django.urls import path

from . import views
from .ilr import exchange_urls as ilr_exchange_urls
from .ilr import urls as ilr_urls
from .learning import urls as learning_urls
from .progress import urls as progress_urls

app_name = "programmes"

# Mounted at the site root: the catalogue lives under /programmes/, a learner's enrolments
# under /users/<pk>/programmes/ beside the other learner pages.
urlpatterns = [
    path("programmes/", views.programme_list, name="list"),
    path("programmes/create/", views.programme_create, name="create"),
    path("programmes/<int:programme_pk>/edit/", views.programme_edit, name="edit"),
    path("users/<int:pk>/programmes/enrol/", views.enrolment_add, name="enrol"),
    path(
        "users/<int:pk>/programmes/<int:enrolment_pk>/edit/",
        views.enrolment_edit,
        name="enrolment_edit",
    ),
    path(
        "users/<int:pk>/programmes/<int:enrolment_pk>/status/",
        views.enrolment_status,
        name="enrolment_status",
    ),
    path(
        "users/<int:pk>/programmes/<int:enrolment_pk>/stop/",
        views.enrolment_stop,
        name="enrolment_stop",
    ),
]

# The ILR pages share the programmes namespace: programmes:ilr_..., programmes:ilr_export...
urlpatterns += ilr_urls.urlpatterns + ilr_exchange_urls.urlpatterns
# Milestones, course progress and functional skills: programmes:milestone_..., course_...
urlpatterns += progress_urls.urlpatterns

# The learning plan, OTJ ledger and onboarding wizard: programmes:plan_..., otj_..., wizard_...
urlpatterns += learning_urls.urlpatterns
