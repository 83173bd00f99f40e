"""The two helpers added to aptem.validators for the ILR rules."""

import pytest

from aptem.validators import is_ilr_restricted_string, is_postcode_format


@pytest.mark.parametrize("value", ["ZZ99 9ZZ", "SW1A 1AA", "BR1 7SS", "M1 1AE"])
def test_postcode_format_accepts_tidy_postcodes(value):
    assert is_postcode_format(value)


@pytest.mark.parametrize(
    "value", ["zz99 9zz", "ZZ999ZZ", "BR1  7SS", " BR1 7SS", "BR1 7CS", "BR1 7SS\n", ""]
)
def test_postcode_format_does_not_tidy(value):
    assert not is_postcode_format(value)


@pytest.mark.parametrize("value", ["APP 0001", "a@b.c", "£5 ~!@#$%&'()*+,-./:;<=>?[\\]_{}^€", ""])
def test_restricted_string_accepts_the_schema_characters(value):
    assert is_ilr_restricted_string(value)


@pytest.mark.parametrize(
    "value", ['say "hi"', "a|b", "`x`", "Zoë", "tab\there", "line\nbreak", "end\n"]
)
def test_restricted_string_refuses_other_characters(value):
    assert not is_ilr_restricted_string(value)
