from django import forms
from django.template.defaultfilters import filesizeformat

from aptem.uploads import MANDATE, SECTION_DOCUMENT, CheckedFile, Purpose
from aptem.versioning import VersionedForm, VersionForm

from .models import Document


class MandateUploadForm(forms.Form):
    file = forms.FileField(
        label="Signed mandate", widget=forms.FileInput(attrs={"accept": MANDATE.accept})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A {MANDATE.listed} file of up to {filesizeformat(MANDATE.max_bytes)}. "
            "Earlier uploads are kept."
        )
        self.checked: CheckedFile | None = None

    def clean_file(self):
        return MANDATE.clean_field(self, "file")


def _file_help(purpose: Purpose) -> str:
    return f"A {purpose.listed} file of up to {filesizeformat(purpose.max_bytes)}."


class DocumentUploadForm(forms.ModelForm):
    """Upload to the Documents section: the file, checked against its real content, and what
    it is."""

    file = forms.FileField(label="File")

    class Meta:
        model = Document
        fields = ["description", "folder", "visible_to_learner"]
        help_texts = {
            "description": "What the document is; its link in the list shows these words.",
            "visible_to_learner": "The learner sees and downloads it on their own page.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].required = True
        self.fields["file"].widget.attrs["accept"] = SECTION_DOCUMENT.accept
        self.fields["file"].help_text = _file_help(SECTION_DOCUMENT)
        self.order_fields(["file", "description", "folder", "visible_to_learner"])
        self.checked: CheckedFile | None = None

    def clean_file(self):
        return SECTION_DOCUMENT.clean_field(self, "file")


class DocumentEditForm(VersionedForm):
    class Meta:
        model = Document
        fields = ["description", "folder", "visible_to_learner"]
        help_texts = DocumentUploadForm.Meta.help_texts

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].required = True


class DocumentReplaceForm(VersionForm):
    """A new file for a document; the purpose is the document's own (a mandate stays one)."""

    file = forms.FileField(label="New file")

    def __init__(self, *args, purpose: Purpose, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose = purpose
        self.fields["file"].widget.attrs["accept"] = purpose.accept
        self.fields["file"].help_text = (
            _file_help(purpose) + " The current file is kept as an earlier version."
        )
        self.checked: CheckedFile | None = None

    def clean_file(self):
        return self.purpose.clean_field(self, "file")
