import pytest
from django.core.exceptions import ValidationError

from aptem.validators import (
    fold_for_search,
    normalise_postcode,
    uln_check_digit,
    validate_ni_number,
    validate_phone,
    validate_postcode,
    validate_uln,
)


@pytest.mark.parametrize(
    "value", ["AB123456C", "AB123456", "ab 12 34 56 c", "OA123456C", "CE123456D"]
)
def test_valid_ni_numbers(value):
    validate_ni_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "DA123456C",
        "AO123456C",
        "AB123456E",
        "AB12345",
        "A1234567C",
        "GB123456A",
        "ZZ123456A",
        "NK123456A",
        "QQ123456C",
    ],
)
def test_invalid_ni_numbers(value):
    with pytest.raises(ValidationError):
        validate_ni_number(value)


@pytest.mark.parametrize("value", ["1000000043", "1061484016", "1061485810", "9999999999"])
def test_valid_ulns(value):
    validate_uln(value)


@pytest.mark.parametrize(
    "value", ["1000000063", "100000004", "1000000042", "1061484935", "10000000a3"]
)
def test_invalid_ulns(value):
    with pytest.raises(ValidationError, match="ULN_04"):
        validate_uln(value)


def test_uln_check_digit_matches_the_dfe_examples():
    assert uln_check_digit("1000000043") == "3"
    assert uln_check_digit("1000000063") is None


@pytest.mark.parametrize(
    ("typed", "stored"), [("br17ss", "BR1 7SS"), (" sw1a  1aa ", "SW1A 1AA"), ("M1 1AE", "M1 1AE")]
)
def test_postcodes_are_normalised(typed, stored):
    assert normalise_postcode(typed) == stored
    validate_postcode(typed)


@pytest.mark.parametrize("value", ["LS1", "LS1 4CI", "12345", "ZZ99 9ZZZ"])
def test_invalid_postcodes(value):
    with pytest.raises(ValidationError, match="Postcode_15"):
        validate_postcode(value)


def test_unknown_postcode_passes_the_format_rule():
    validate_postcode("ZZ99 9ZZ")


@pytest.mark.parametrize("value", ["+44 7700 900123", "07700900123"])
def test_valid_phones(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["07700-900123", "(0113) 496 0000", "ext 5", "44+7700"])
def test_invalid_phones(value):
    with pytest.raises(ValidationError):
        validate_phone(value)


def test_search_folding_drops_accents_and_case():
    assert fold_for_search("Zoë Brontë") == "zoe bronte"
    assert fold_for_search("ÓBRIAIN") == "obriain"
