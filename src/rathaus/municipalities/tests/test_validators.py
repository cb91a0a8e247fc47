import pytest
from django.core.exceptions import ValidationError

from rathaus.municipalities.validators import validate_ags, validate_colour, validate_slug_free


@pytest.mark.parametrize("ags", ["05974040", "05962024", "16077052"])
def test_real_ags_keys_pass(ags: str) -> None:
    validate_ags(ags)


@pytest.mark.parametrize("ags", ["5974040", "059740400", "0597404a", "", "17000000", "00000000"])
def test_wrong_ags_keys_are_refused_with_a_german_message(ags: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_ags(ags)
    assert "Gemeindeschlüssel" in str(error.value)


def test_colour_must_be_hex() -> None:
    validate_colour("#9b1b30")
    with pytest.raises(ValidationError):
        validate_colour("red")


def test_reserved_slugs_are_refused() -> None:
    with pytest.raises(ValidationError):
        validate_slug_free("api")
    validate_slug_free("soest")
