"""The Signatures page's rows: one per learner in the viewer's scope and compliance document
type their current programme requires, with that type's latest document (if any).

A row is an enrolment joined to one of its programme's requirements, annotated with the latest
document's id and status by subqueries, so a page of rows is one query however many documents
exist.
"""

import django_filters
from django import forms
from django.db.models import F, OuterRef, QuerySet, Subquery

from programmes.models import Enrolment, Programme
from users.models import Group, User

from .models import ComplianceDocument, DocumentType

Status = ComplianceDocument.Status

# The page's tabs: key → (label, statuses of the latest document; None: no document yet).
VIEWS = {
    "not-created": ("Not created", None),
    "signature-required": ("Signature required", (Status.CREATED,)),
    "waiting": ("Waiting for others", (Status.WAITING,)),
    "signed": ("Signed", ComplianceDocument.SIGNED_STATUSES),
}
DEFAULT_VIEW = "not-created"


def signature_rows(viewer: User, view: str) -> QuerySet:
    latest = ComplianceDocument.objects.filter(
        enrolment=OuterRef("pk"), document_type=OuterRef("required_type")
    ).order_by("-number")
    rows = (
        Enrolment.objects.filter(
            is_current=True,
            learner__in=User.objects.visible_to(viewer).filter(user_type=User.Type.LEARNER),
            programme__compliance_requirements__isnull=False,
        )
        .annotate(
            required_type=F("programme__compliance_requirements__document_type"),
            required_type_name=F("programme__compliance_requirements__document_type__name"),
        )
        .annotate(
            document_id=Subquery(latest.values("pk")[:1]),
            document_status=Subquery(latest.values("status")[:1]),
        )
        .select_related("learner", "learner__case_owner", "programme")
    )
    _, statuses = VIEWS[view]
    if statuses is None:
        rows = rows.filter(document_id__isnull=True)
    else:
        rows = rows.filter(document_status__in=statuses)
    return rows.order_by("learner__last_name", "learner__first_name", "learner_id", "required_type")


class SignatureFilter(django_filters.FilterSet):
    group = django_filters.ChoiceFilter(
        label="Group", method="filter_group", empty_label="Any group"
    )
    programme = django_filters.ModelChoiceFilter(
        label="Programme", queryset=Programme.objects.all(), empty_label="Any programme"
    )
    document_type = django_filters.ModelChoiceFilter(
        label="Document type",
        queryset=DocumentType.objects.all(),
        method="filter_document_type",
        empty_label="Any document type",
    )
    case_owner = django_filters.ChoiceFilter(
        label="Case owner", method="filter_case_owner", empty_label="Any case owner"
    )

    class Meta:
        model = Enrolment
        fields: list[str] = []

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].extra["choices"] = [
            (g.pk, g.name) for g in Group.objects.visible_to(viewer)
        ]
        self.filters["case_owner"].extra["choices"] = [
            (u.pk, u.full_name)
            for u in User.objects.filter(user_type=User.Type.ADMINISTRATOR, caseload__isnull=False)
            .distinct()
            .order_by("last_name", "first_name")
        ]

    def filter_group(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        groups = Group.objects.subtrees_of(Group.objects.filter(pk=value))
        return queryset.filter(learner__in=User.objects.filter(groups__in=groups))

    def filter_document_type(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(required_type=value.pk)

    def filter_case_owner(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(learner__case_owner_id=value)


def row_key(row: Enrolment) -> str:
    return f"{row.pk}-{row.required_type}"


class BulkForm(forms.Form):
    """The bulk action and the ticked rows (checkboxes named ``rows``, "<enrolment>-<type>")."""

    ACTIONS = {"create": "Create", "remind": "Send reminders"}
    MAX_ROWS = 100

    action = forms.ChoiceField(choices=list(ACTIONS.items()))

    def clean(self) -> dict:
        data = super().clean()
        pairs = []
        for value in self.data.getlist("rows"):
            enrolment, _, kind = str(value).partition("-")
            if not (enrolment.isdigit() and kind.isdigit()):
                raise forms.ValidationError("The ticked rows could not be read; reload the page.")
            pairs.append((int(enrolment), int(kind)))
        if not pairs:
            raise forms.ValidationError("Tick at least one learner's document.")
        if len(pairs) > self.MAX_ROWS:
            raise forms.ValidationError(f"Tick at most {self.MAX_ROWS} rows at a time.")
        data["rows"] = list(dict.fromkeys(pairs))
        return data
