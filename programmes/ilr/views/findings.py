"""The DfE rules' findings on the ILR forms: errors beside their fields, warnings as messages,
and saving only when the change adds no error."""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from django.contrib import messages
from django.http import HttpRequest

from aptem.versioning import EditConflict, update_unless_stale

from .. import services
from ..data import learner_values
from ..forms import element_fields, element_label
from ..rules import Finding, check_learner


def _key(finding: Finding) -> tuple:
    return (finding.rule, finding.field, finding.aim, finding.message)


def place_findings(findings, form, formsets, *, aim: int | None, new_keys: set | None) -> bool:
    """Put each error beside its field (or in the form's error list, naming the field) when
    it belongs to this form or is new with this change; return whether any blocks the save."""
    fields = element_fields(form._meta.model)
    blocking = False
    for finding in findings:
        if not finding.is_error:
            continue
        same_record = finding.aim == aim
        field = fields.get(finding.field) if same_record else None
        if field in form.fields and not form.fields[field].disabled:
            form.add_error(field, finding.message)
            blocking = True
            continue
        formset = next(
            (
                fs
                for fs in formsets
                if same_record
                and (finding.field == fs.element or finding.field in element_fields(fs.model))
            ),
            None,
        )
        if formset is not None:
            formset._non_form_errors.append(f"{element_label(finding.field)}: {finding.message}")
            blocking = True
        elif (aim is not None and finding.aim == aim) or (
            new_keys is not None and _key(finding) in new_keys
        ):
            where = f"aim {finding.aim}, " if finding.aim and finding.aim != aim else ""
            form.add_error(None, f"{where}{element_label(finding.field)}: {finding.message}")
            blocking = True
    return blocking


def warn_findings(request: HttpRequest, findings) -> None:
    for finding in findings:
        where = f"Aim {finding.aim}, " if finding.aim else ""
        prefix = "Check" if not finding.is_error else "Still to fix"
        messages.warning(
            request, f"{prefix}: {where}{element_label(finding.field)}: {finding.message}"
        )


def _in_scope_warnings(findings, new_keys, aim, form, formsets) -> list[Finding]:
    fields = set(element_fields(form._meta.model))
    for fs in formsets:
        fields |= {fs.element, *element_fields(fs.model)}
    return [
        f
        for f in findings
        if not f.is_error
        and (_key(f) in new_keys or (f.aim == aim and (f.field in fields or aim is not None)))
    ]


class RuleSave(NamedTuple):
    """What ``save_with_rules`` gives back: whether it saved, the form and formsets to show
    (rebuilt and refused when the save was stale) and the ``EditConflict`` (or None)."""

    ok: bool
    form: object
    formsets: list
    conflict: EditConflict | None


def save_with_rules(request, *, ilr, form, formsets, values, aim, rebuild) -> RuleSave:
    """Check the rules on ``values`` and save unless that adds an error or the ILR changed
    since the form was opened; ``rebuild(data)`` builds the form and formsets again on the
    ILR as it is now (aptem.versioning.save_unless_stale)."""
    before = check_learner(learner_values(services.ilr_for_year(ilr.learner)))
    after = check_learner(values)
    new_keys = {_key(f) for f in services.new_findings(before, after)}
    if place_findings(after, form, formsets, aim=aim, new_keys=new_keys):
        return RuleSave(False, form, formsets, None)
    rebuilt = []

    def form_only(data):
        refused, rebuilt[:] = rebuild(data)
        return refused

    saved = update_unless_stale(
        request,
        form,
        partial(services.ilr_save, ilr=ilr, form=form, formsets=formsets),
        "ILR",
        rebuild=form_only,
    )
    if not saved.ok:
        return RuleSave(False, saved.form, rebuilt, saved.conflict)
    warn_findings(request, _in_scope_warnings(after, new_keys, aim, form, formsets))
    return RuleSave(True, form, formsets, None)
