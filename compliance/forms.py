from django import forms
from django.template import TemplateSyntaxError, engines
from django.template.defaultfilters import filesizeformat

from aptem.uploads import CheckedFile
from aptem.versioning import VersionedForm
from aptem.widgets import DateInput

from .models import TemplateVersion
from .services import PAPER_COPY


class TemplateVersionForm(VersionedForm):
    class Meta:
        model = TemplateVersion
        fields = ["document_type", "label", "valid_from", "valid_to", "body"]
        widgets = {
            "valid_from": DateInput,
            "valid_to": DateInput,
            "body": forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
        }

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        try:
            engines["django"].from_string(body)
        except TemplateSyntaxError as exc:
            raise forms.ValidationError(f"The template cannot be read: {exc}") from exc
        return body

    def clean(self) -> dict:
        data = super().clean()
        kind, start, end = data.get("document_type"), data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "Valid to cannot be before valid from.")
        elif kind and start:
            clash = (
                TemplateVersion.objects.filter(document_type=kind)
                .overlapping(start, end)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if clash:
                self.add_error(
                    "valid_from",
                    f"These dates overlap {clash.label} of {kind.name} "
                    f"({clash.range_display}): one version applies on each day.",
                )
        return data


class PaperCopyForm(forms.Form):
    file = forms.FileField(
        label="Signed paper copy", widget=forms.FileInput(attrs={"accept": PAPER_COPY.accept})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A scan or PDF ({PAPER_COPY.listed}) of up to {filesizeformat(PAPER_COPY.max_bytes)}. "
            "Earlier versions are kept."
        )
        self.checked: CheckedFile | None = None

    def clean_file(self):
        return PAPER_COPY.clean_field(self, "file")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason for rejection",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what must change; the reason is shown on the learner's profile.",
    )
