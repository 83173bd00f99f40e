"""A learner's ILR: the User and Admin tabs, Edit ILR forms and ILR QA."""

urlpatterns: list = []
