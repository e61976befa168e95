from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from championships.times import TimeFormatError, format_time, parse_time


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("37.07", "37.07"),
        ("37,07", "37.07"),
        ("1:13.32", "73.32"),
        ("1:13,32", "73.32"),
        ("1.13,32", "73.32"),
        ("13:04.76", "784.76"),
        ("13.04,76", "784.76"),
        (" 37.07\t", "37.07"),
        ("37.1", "37.10"),
        ("1:13.3", "73.30"),
        ("37", "37.00"),
        ("1:13", "73.00"),
        ("0:37.07", "37.07"),
        ("9.50", "9.50"),
        ("30:00.00", "1800.00"),
    ],
)
def test_accepted_notations(text, seconds):
    parsed = parse_time(text)
    assert parsed == Decimal(seconds)
    assert parsed.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "nothing was entered"),
        ("   ", "nothing was entered"),
        ("-37.07", "negative"),
        ("37.07s", "'s' does not belong"),
        ("abc", "does not belong"),
        ("1:75.00", "seconds must be below 60 when minutes are given"),
        ("1:60.00", "seconds must be below 60 when minutes are given"),
        ("1.75,00", "seconds must be below 60 when minutes are given"),
        ("1:5.32", "two digits"),
        ("37.071", "hundredths"),
        ("1:13,325", "hundredths"),
        ("0", "more than zero"),
        ("0.00", "more than zero"),
        ("0:00.00", "more than zero"),
        ("1.13", "below 5 seconds"),
        ("4.99", "below 5 seconds"),
        ("30:00.01", "above 30 minutes"),
        ("1801", "above 30 minutes"),
        ("1:02:03.45", "no hours"),
        ("1:13:32", "no hours"),
        ("1.13.32", "write it as"),
        ("1,13.32", "write it as"),
        ("37.", "write it as"),
        (".07", "write it as"),
        ("1 : 13.32", "' ' does not belong"),
        ("３７.０７", "does not belong"),
    ],
)
def test_refused(text, problem):
    with pytest.raises(TimeFormatError) as raised:
        parse_time(text)
    assert problem in str(raised.value)
    assert str(raised.value).startswith(f"{text.strip()!r} is not a time: ")


def test_message_in_officials_words():
    with pytest.raises(TimeFormatError) as raised:
        parse_time("1:75.00")
    assert str(raised.value) == "'1:75.00' is not a time: seconds must be below 60 when minutes are given"


def test_time_format_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_time("x")


@pytest.mark.parametrize(
    "seconds, english, dutch",
    [
        ("37.07", "37.07", "37,07"),
        ("9.5", "9.50", "9,50"),
        ("0.04", "0.04", "0,04"),
        ("60", "1:00.00", "1:00,00"),
        ("73.32", "1:13.32", "1:13,32"),
        ("784.76", "13:04.76", "13:04,76"),
        ("37.079", "37.07", "37,07"),
    ],
)
def test_format(seconds, english, dutch):
    assert format_time(Decimal(seconds)) == english
    assert format_time(Decimal(seconds), decimal_mark=",") == dutch


times = st.integers(min_value=500, max_value=180000).map(lambda hundredths: Decimal(hundredths).scaleb(-2))


@settings(max_examples=200)
@given(times, st.sampled_from([".", ","]))
def test_format_parse_round_trip(time, decimal_mark):
    assert parse_time(format_time(time, decimal_mark=decimal_mark)) == time


@settings(max_examples=300)
@given(st.text(alphabet="0123456789:.,- \t" + "x٣") | st.text())
def test_junk_is_a_time_in_range_or_refused(text):
    try:
        time = parse_time(text)
    except TimeFormatError:
        return
    assert Decimal(5) <= time <= Decimal(1800)
    assert time.as_tuple().exponent == -2
