from django import forms
from django.template.defaultfilters import filesizeformat

from .validators import MANDATE_TYPES, CheckedFile, check_upload, max_upload_bytes


class MandateUploadForm(forms.Form):
    file = forms.FileField(
        label="Signed mandate",
        widget=forms.FileInput(attrs={"accept": ",".join(f".{e}" for e in MANDATE_TYPES)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = ", ".join(f".{e}" for e in MANDATE_TYPES)
        self.fields["file"].help_text = (
            f"A {types} file of up to {filesizeformat(max_upload_bytes())}. "
            "Earlier uploads are kept."
        )
        self.checked: CheckedFile | None = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.checked = check_upload(upload, MANDATE_TYPES)
        return upload
