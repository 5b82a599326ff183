"""excerpt: bounded, printable previews of untrusted values."""

from __future__ import annotations

import pytest

from shared.payloads.text import MAX_EXCERPT, excerpt


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("i-bp1c6kq0k2bsh9y4x3rs", "i-bp1c6kq0k2bsh9y4x3rs"),
        ("a\nb\tc\x00", "a\\x0ab\\x09c\\x00"),
        ("\u2028\u202e", "\\u2028\\u202e"),
        ("\ud800", "\\ud800"),
        (b"ok\xff", "ok\\xff"),
        ({"a": [1, None, True]}, '{"a": [1, null, true]}'),
        (1.5, "1.5"),
    ],
)
def test_excerpt_renders_value(value, expected):
    assert excerpt(value) == expected


def test_excerpt_caps_long_string():
    text = excerpt("x" * 10_000)

    assert len(text) == MAX_EXCERPT
    assert text.endswith("…")


def test_excerpt_caps_escaped_string():
    text = excerpt("\x01" * 10_000)

    assert len(text) == MAX_EXCERPT


def test_excerpt_bounds_deep_nesting():
    value: list = []
    for _ in range(100_000):
        value = [value]

    text = excerpt(value)

    assert text.startswith("[[[[[[[…]")
    assert len(text) <= MAX_EXCERPT


def test_excerpt_bounds_huge_list():
    text = excerpt(list(range(1_000_000)))

    assert len(text) <= MAX_EXCERPT
    assert text.startswith("[0, 1, 2")


def test_excerpt_survives_huge_integer():
    assert excerpt(10**5000) == "<large integer>"
