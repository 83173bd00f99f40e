"""The compliance documents a programme requires, chosen on the Manage Programmes form."""

from django import forms

from programmes.models import Programme
from users.models import User

from .models import DocumentType


class RequiredDocumentsPart:
    name = "required_compliance_documents"

    def fields(self, programme: Programme | None) -> dict[str, forms.Field]:
        initial = (
            list(programme.compliance_requirements.values_list("document_type", flat=True))
            if programme is not None and programme.pk
            else []
        )
        field = forms.ModelMultipleChoiceField(
            queryset=DocumentType.objects.all(),
            required=False,
            initial=initial,
            widget=forms.CheckboxSelectMultiple,
            label="Compliance documents required",
            help_text="Each learner on the programme needs these documents for funding.",
        )
        return {self.name: field}

    def save(self, programme: Programme, cleaned_data: dict, *, actor: User) -> None:
        from .services import programme_requirements_set

        programme_requirements_set(
            programme=programme,
            document_types=list(cleaned_data.get(self.name) or []),
            actor=actor,
        )


REQUIRED_DOCUMENTS = RequiredDocumentsPart()
