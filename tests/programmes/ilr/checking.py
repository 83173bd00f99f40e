"""Assertions shared by the rule tables."""

from programmes.ilr.rules import check_learner

from .builders import FILE_DATE


def assert_rule(data: dict, rule: str, field: str, severity: str, raised: bool) -> None:
    findings = check_learner(data, file_date=FILE_DATE)
    matching = [f for f in findings if f.rule == rule]
    if not raised:
        assert matching == [], matching
        return
    assert matching, f"{rule} not raised; got {[f.rule for f in findings]}"
    assert any(f.field == field and f.severity == severity for f in matching), matching
    label = "(ILR schema)." if rule == "schema" else f"(DfE rule {rule})."
    assert all(f.message.endswith(label) for f in matching), matching


def assert_two_valid_and_two_invalid(cases: list[tuple]) -> None:
    for rule in {case[0] for case in cases}:
        rows = [case[4] for case in cases if case[0] == rule]
        assert rows.count(False) >= 2, f"{rule} needs two valid rows"
        assert rows.count(True) >= 2, f"{rule} needs two invalid rows"
