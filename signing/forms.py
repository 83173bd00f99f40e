from django import forms


class SignForm(forms.Form):
    typed_name = forms.CharField(
        label="Type your full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Type your full name to sign."},
    )
    consent = forms.BooleanField(
        label="I have read this document and agree to sign it electronically",
        error_messages={"required": "Tick the box to confirm you agree to sign electronically."},
    )

    def __init__(self, *args, signer_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if signer_name:
            self.fields["typed_name"].help_text = f"Exactly as shown: {signer_name}"
