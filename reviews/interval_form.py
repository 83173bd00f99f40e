"""The review interval on the Manage Programmes form (added through ``programmes.hooks``)."""

from django import forms

from programmes.models import Programme
from users.models import User

from .schedule import DEFAULT_INTERVAL_WEEKS, MAX_INTERVAL_WEEKS, MIN_INTERVAL_WEEKS


class ReviewIntervalPart:
    name = "review_interval_weeks"

    def fields(self, programme: Programme | None) -> dict[str, forms.Field]:
        from .due_models import ReviewSchedule

        initial = DEFAULT_INTERVAL_WEEKS
        if programme is not None and programme.pk:
            initial = (
                ReviewSchedule.objects.filter(programme=programme)
                .values_list("interval_weeks", flat=True)
                .first()
                or DEFAULT_INTERVAL_WEEKS
            )
        field = forms.IntegerField(
            label="Progress review interval (weeks)",
            min_value=MIN_INTERVAL_WEEKS,
            max_value=MAX_INTERVAL_WEEKS,
            # Left empty, the interval is the DfE's 12 weeks (forms posted before the field
            # existed keep working).
            required=False,
            initial=initial,
            help_text=(
                f"How often each learner needs a progress review, {MIN_INTERVAL_WEEKS} to "
                f"{MAX_INTERVAL_WEEKS} weeks (usually {DEFAULT_INTERVAL_WEEKS}). Breaks in "
                "learning pause the clock."
            ),
            error_messages={
                "invalid": f"Enter a whole number of weeks, {MIN_INTERVAL_WEEKS} to "
                f"{MAX_INTERVAL_WEEKS}.",
                "min_value": f"Enter at least {MIN_INTERVAL_WEEKS} week.",
                "max_value": f"Enter at most {MAX_INTERVAL_WEEKS} weeks (a year).",
            },
        )
        return {self.name: field}

    def save(self, programme: Programme, cleaned_data: dict, *, actor: User) -> None:
        from .due_services import interval_set

        interval_set(programme=programme, weeks=cleaned_data.get(self.name), actor=actor)


REVIEW_INTERVAL = ReviewIntervalPart()
