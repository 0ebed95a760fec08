import pytest

from ops.people.phone import InvalidPhone, mask_name, mask_phone, normalise_phone


@pytest.mark.parametrize("raw", ["010-1234-5678", "01012345678", "010 1234 5678", "010.1234.5678",
                                 "+82 10-1234-5678", "+821012345678", "0082-10-1234-5678", " (010) 1234-5678 "])
def test_korean_mobile_numbers_are_normalised(raw):
    assert normalise_phone(raw) == "010-1234-5678"


def test_old_three_digit_prefixes_keep_their_shape():
    assert normalise_phone("0111234567") == "011-123-4567"


@pytest.mark.parametrize("raw", ["", "02-123-4567", "010-123-456", "010-1234-56789", "1234", "010-abcd-5678",
                                 "+1 415 555 0100"])
def test_bad_numbers_are_refused(raw):
    with pytest.raises(InvalidPhone):
        normalise_phone(raw)


def test_foreign_numbers_are_accepted_where_allowed():
    assert normalise_phone("+44 7911 123456", allow_foreign=True) == "+447911123456"
    assert normalise_phone("010-1234-5678", allow_foreign=True) == "010-1234-5678"


def test_refusal_message_is_in_the_users_language(app):
    with app.test_request_context(headers={"Accept-Language": "ko"}):
        with pytest.raises(InvalidPhone) as exc:
            normalise_phone("12")
        assert "휴대전화 번호를 확인해 주세요" in str(exc.value.message)


@pytest.mark.parametrize("name,masked", [("김철용", "김*용"), ("김철", "김*"), ("남궁민수", "남**수"),
                                         ("John Smith", "J*** S****"), ("", "")])
def test_names_are_masked(name, masked):
    assert mask_name(name) == masked


def test_phones_are_masked():
    assert mask_phone("010-1234-5678") == "010-****-5678"
    assert mask_phone("+447911123456") == "+44******3456"


def test_an_010_number_in_a_block_the_library_does_not_list_is_still_accepted():
    assert normalise_phone("010-5971-5678") == "010-5971-5678"


def test_letters_are_not_read_as_a_keypad():
    with pytest.raises(InvalidPhone):
        normalise_phone("010-CALL-MEEE")
