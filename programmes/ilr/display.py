"""The ILR's read-only User and Admin tabs as display rows: readable label, element name, value.

Works on an ``IlrLearner`` fetched with every child prefetched (``services.ilr_for_year``), so
building the tabs runs no further queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.urls import reverse

from .forms import PERSONAL, READABLE
from .models import IlrLearner

EMPTY = "\u2013"  # an en dash
MASKED = "Hidden: needs the sensitive data role"
# Special-category data (UK GDPR art. 9): ethnicity and health. Learner FAM types that record a
# disability or a health or care plan are masked with them.
SENSITIVE_ELEMENTS = {"Ethnicity", "LLDDHealthProb", "LLDDCat", "PrimaryLLDD"}
SENSITIVE_FAM_TYPES = {"EHC", "HNS", "SEN", "DLA"}


@dataclass
class Row:
    label: str
    element: str
    value: str


@dataclass
class Table:
    columns: list[Row]  # label and element only
    rows: list[list[str]]
    links: list[dict] = field(default_factory=list)


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)
    empty: str = ""
    aims: list = field(default_factory=list)
    # (link text, url) for the editors' per-record pages, shown to those who may edit.
    edit_links: list[tuple[str, str]] = field(default_factory=list)


def shown(record: models.Model, name: str) -> str:
    value = getattr(record, name)
    if value in (None, ""):
        return EMPTY
    model_field = record._meta.get_field(name)
    if model_field.choices:
        return str(getattr(record, f"get_{name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, models.Model):
        return getattr(value, "full_name", str(value))
    return str(value)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _label(record, name: str, element: str) -> str:
    if element and element in READABLE:
        return READABLE[element]
    return _first_upper(str(record._meta.get_field(name).verbose_name))


def rows(record, names: list[str], *, sensitive: bool = True) -> list[Row]:
    element_of = {f: e for e, f in getattr(record, "ILR_ELEMENTS", ())}
    result = []
    for name in names:
        element = element_of.get(name, "")
        value = shown(record, name)
        if element in SENSITIVE_ELEMENTS and not sensitive and value != EMPTY:
            value = MASKED
        result.append(Row(_label(record, name, element), element, value))
    return result


def table(records: list, model, *, sensitive: bool = True, names=None) -> Table:
    names = names or [f for _, f in model.ILR_ELEMENTS]
    element_of = {f: e for e, f in getattr(model, "ILR_ELEMENTS", ())}
    columns = [
        Row(
            READABLE.get(element_of.get(n, ""), "")
            or _first_upper(str(model._meta.get_field(n).verbose_name)),
            element_of.get(n, ""),
            "",
        )
        for n in names
    ]
    body = []
    for record in records:
        masked = not sensitive and (
            model.__name__ == "LLDDandHealthProblem"
            or getattr(record, "learn_fam_type", "") in SENSITIVE_FAM_TYPES
        )
        body.append([MASKED if masked else shown(record, n) for n in names])
    return Table(columns, body)


def user_tab(ilr: IlrLearner, sensitive: bool) -> list[Section]:
    employment = list(ilr.employment_statuses.all())
    employment_table = table(employment, type(employment[0])) if employment else None
    monitoring_rows = [
        [f"{shown(status, 'emp_stat')}", shown(m, "esm_type"), str(m.esm_code)]
        for status in employment
        for m in status.monitorings.all()
    ]
    lldd = list(ilr.lldd_health_problems.all())
    fams = list(ilr.learner_fams.all())
    prior = list(ilr.prior_attainments.all())
    sections = [
        Section(
            "Personal details",
            rows(
                ilr,
                PERSONAL,
                sensitive=sensitive,
            ),
        ),
        Section(
            "Contact consents and third-party access",
            rows(
                ilr,
                [
                    "consent_contact_courses",
                    "consent_contact_surveys",
                    "third_party_access",
                    "third_party_name",
                ],
            ),
        ),
        _records_section(
            "Disabilities and health problems",
            "Recorded difficulties and disabilities",
            lldd,
            sensitive,
            "No difficulties or disabilities recorded.",
            rows(ilr, ["lldd_health_prob"], sensitive=sensitive),
        ),
        _records_section(
            "Funding and monitoring",
            "Learner funding and monitoring (LearnerFAM)",
            fams,
            sensitive,
            "No learner funding and monitoring recorded.",
        ),
        _records_section(
            "Prior attainment",
            "Prior attainment (PriorAttain)",
            prior,
            sensitive,
            "No prior attainment recorded.",
        ),
        Section(
            "Employment status",
            tables=(
                [("Employment statuses (LearnerEmploymentStatus)", employment_table)]
                if employment_table
                else []
            )
            + (
                [
                    (
                        "Employment status monitoring (EmploymentStatusMonitoring)",
                        Table(
                            [
                                Row("Employment status", "EmpStat", ""),
                                Row("Monitoring type", "ESMType", ""),
                                Row("Monitoring code", "ESMCode", ""),
                            ],
                            monitoring_rows,
                        ),
                    )
                ]
                if monitoring_rows
                else []
            ),
            empty="" if employment else "No employment status recorded.",
            edit_links=[
                (
                    f"Edit the monitoring of employment status {n}",
                    reverse("ilr:employment_monitoring", args=[ilr.learner_id, s.pk]),
                )
                for n, s in enumerate(employment, start=1)
            ],
        ),
        Section("DfE privacy notice", rows(ilr, ["privacy_notice_declared_on"])),
    ]
    return sections


def _table_of(caption: str, records: list, sensitive: bool) -> list[tuple[str, Table]]:
    """``records`` as one table under ``caption``, or no table when there are none."""
    return [(caption, table(records, type(records[0]), sensitive=sensitive))] if records else []


def _records_section(
    title: str, caption: str, records: list, sensitive: bool, empty: str, shown_rows=None
) -> Section:
    """A section of ``records`` in one table (after any ``shown_rows``), or saying ``empty``."""
    return Section(
        title,
        shown_rows or [],
        tables=_table_of(caption, records, sensitive),
        empty="" if records else empty,
    )


def admin_tab(ilr: IlrLearner) -> list[Section]:
    try:
        learner_he = ilr.learner_he
    except models.ObjectDoesNotExist:
        learner_he = None
    aims = list(ilr.deliveries.all())
    monitoring = list(ilr.provider_monitorings.all())
    destinations = list(ilr.destinations.all())
    fams = list(ilr.learner_fams.all())
    he_section = Section("Learner HE", empty="No learner HE record.")
    if learner_he is not None:
        supports = list(learner_he.financial_supports.all())
        he_section = Section(
            "Learner HE",
            rows(learner_he, ["ucasperid", "ttaccom"]),
            tables=_table_of("Financial support", supports, True),
        )
    return [
        Section("Qualification details", rows(ilr, ["math_grade", "eng_grade"])),
        he_section,
        Section("ID verification", rows(ilr, ["id_document", "id_verified_on", "id_verified_by"])),
        Section(
            "Episode hours", rows(ilr, ["plan_learn_hours", "plan_eep_hours", "als_cost", "accom"])
        ),
        _records_section(
            "Learner funding and monitoring",
            "LearnerFAM",
            fams,
            True,
            "No learner funding and monitoring recorded.",
        ),
        _records_section(
            "Provider-specified monitoring",
            "ProviderSpecLearnerMonitoring",
            monitoring,
            True,
            "No provider-specified monitoring recorded.",
        ),
        Section(
            "Aims, financial records and funding",
            aims=[_aim(aim) for aim in aims],
            empty="" if aims else "No learning aims yet. Add the programme aim first.",
        ),
        Section(
            "Destination and progression",
            tables=[
                (
                    "Kept as provider data; not part of the 2025-26 file",
                    table(
                        destinations,
                        type(destinations[0]),
                        names=[
                            "out_type",
                            "out_code",
                            "out_start_date",
                            "out_end_date",
                            "out_coll_date",
                        ],
                    ),
                )
            ]
            if destinations
            else [],
            empty="" if destinations else "No destination or progression recorded.",
        ),
    ]


def _aim(aim) -> dict:
    fams = list(aim.fams.all())
    records = list(aim.app_fin_records.all())
    sof = [fam for fam in fams if fam.learn_del_fam_type == "SOF"]
    return {
        "aim": aim,
        "rows": rows(aim, [f for _, f in aim.ILR_ELEMENTS]),
        "funding": [
            Row("Funding model", "FundModel", shown(aim, "fund_model")),
            Row(
                "Source of funding",
                "LearnDelFAMType SOF",
                ", ".join(fam.learn_del_fam_code for fam in sof) or EMPTY,
            ),
        ],
        "fams": table(fams, type(fams[0]), sensitive=True) if fams else None,
        "finance": Table(
            [
                Row("Record", "AFinType + AFinCode", ""),
                Row("Date", "AFinDate", ""),
                Row("Amount (£)", "AFinAmount", ""),
            ],
            [[r.label, shown(r, "afin_date"), str(r.afin_amount)] for r in records],
        )
        if records
        else None,
    }
