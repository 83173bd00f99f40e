from django import forms
from django.template.defaultfilters import filesizeformat

from aptem.uploads import MANDATE, CheckedFile


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
