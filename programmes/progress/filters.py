import django_filters
from django import forms

from .models import Milestone


class MilestoneFilter(django_filters.FilterSet):
    """The learner's Milestones page filter; every choice is a GET parameter."""

    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=Milestone.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    claim_status = django_filters.MultipleChoiceFilter(
        label="Claim status",
        choices=Milestone.Claim.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Milestone
        fields: list[str] = []
