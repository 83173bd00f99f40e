from django import forms
from django.utils import timezone

from aptem.widgets import DateInput

from .models import TASK_TITLE_MAX_LENGTH, Task


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "due_date"]
        labels = {"title": "Task", "due_date": "Due date (optional)"}
        help_texts = {
            "title": f"Up to {TASK_TITLE_MAX_LENGTH} characters.",
            "due_date": "Today or later.",
        }
        error_messages = {"title": {"required": "Enter the task."}}
        widgets = {"due_date": DateInput()}

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Enter the task.", code="required")
        return title

    def clean_due_date(self):
        due = self.cleaned_data.get("due_date")
        today = timezone.localdate()
        if due and due < today:
            raise forms.ValidationError(
                f"The due date cannot be in the past: choose {today:%d/%m/%Y} or later.",
                code="past",
            )
        return due
