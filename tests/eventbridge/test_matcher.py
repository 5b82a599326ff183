"""The test-only EventBridge pattern matcher, on the rules of the patterns page."""

from __future__ import annotations

import pytest

from tests.eventbridge.matcher import PatternError, matches

EVENT = {
    "id": "7adc8c1a-645d-4476-bdef-5d6fb57f2b3c",
    "source": "acs.oss",
    "specversion": "1.0",
    "type": "oss:ObjectCreated:PostObject",
    "subject": "acs:oss:cn-hangzhou:1234567:bucket/game_apk/123.jpg",
    "aliyunregionid": "cn-hangzhou",
    "data": {
        "state": "RUNNING",
        "c-count": 5,
        "d-count": 300,
        "source-ip": "10.0.0.123",
        "eventVersion": "",
        "responseElements": None,
        "enabled": True,
        "instanceIds": ["i-bp1c6kq0k2bsh9y4x3rs", "i-bp1f4qz7m2d8wk0n5tyh"],
    },
}

CASES = [
    # Exact values, AND across keys, OR within an array, case sensitivity.
    ("exact source", {"source": ["acs.oss"]}, True),
    ("case differs", {"source": ["acs.OSS"]}, False),
    ("or within array", {"source": ["acs.ecs", "acs.oss"]}, True),
    ("and across keys", {"source": ["acs.oss"], "type": ["oss:ObjectRemoved:DeleteObject"]}, False),
    ("nested field", {"data": {"state": ["RUNNING"]}}, True),
    ("nesting must mirror", {"state": ["RUNNING"]}, False),
    ("missing nested field", {"data": {"missing": ["x"]}}, False),
    ("number as text", {"data": {"d-count": ["300"]}}, True),
    ("same number", {"data": {"d-count": [300]}}, True),
    ("float text differs", {"data": {"d-count": [300.0]}}, False),
    ("boolean", {"data": {"enabled": [True]}}, True),
    ("boolean is not text", {"data": {"enabled": ["true"]}}, False),
    # prefix, suffix, contains.
    ("prefix", {"source": [{"prefix": "acs."}]}, True),
    ("prefix differs", {"source": [{"prefix": "acs.e"}]}, False),
    ("suffix", {"subject": [{"suffix": ".jpg"}]}, True),
    ("suffix differs", {"subject": [{"suffix": ".png"}]}, False),
    ("prefix and suffix", {"subject": [{"prefix": "acs:oss", "suffix": ".jpg"}]}, True),
    ("prefix fails pair", {"subject": [{"prefix": "acs:ecs", "suffix": ".jpg"}]}, False),
    ("contains", {"type": [{"contains": "Created"}]}, True),
    ("contains differs", {"type": [{"contains": "Removed"}]}, False),
    # anything-but.
    ("anything-but other", {"data": {"state": [{"anything-but": "initializing"}]}}, True),
    ("anything-but same", {"data": {"state": [{"anything-but": "RUNNING"}]}}, False),
    ("anything-but number", {"data": {"d-count": [{"anything-but": 300}]}}, False),
    ("anything-but other number", {"data": {"d-count": [{"anything-but": 301}]}}, True),
    ("anything-but list", {"data": {"state": [{"anything-but": ["RUNNING", "STOPPED"]}]}}, False),
    ("anything-but prefix", {"data": {"state": [{"anything-but": {"prefix": "init"}}]}}, True),
    ("anything-but own prefix", {"data": {"state": [{"anything-but": {"prefix": "RUN"}}]}}, False),
    ("anything-but absent", {"data": {"missing": [{"anything-but": "x"}]}}, False),
    # numeric.
    ("numeric range", {"data": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}}, True),
    ("numeric outside", {"data": {"c-count": [{"numeric": [">", 5]}]}}, False),
    ("numeric equal", {"data": {"d-count": [{"numeric": ["=", 300]}]}}, True),
    ("numeric on text", {"data": {"state": [{"numeric": [">", 0]}]}}, False),
    # cidr.
    ("cidr inside", {"data": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}, True),
    ("cidr outside", {"data": {"source-ip": [{"cidr": "10.0.1.0/24"}]}}, False),
    ("cidr on non-address", {"data": {"state": [{"cidr": "10.0.0.0/8"}]}}, False),
    # exists.
    ("exists true", {"data": {"state": [{"exists": True}]}}, True),
    ("exists false present", {"data": {"state": [{"exists": False}]}}, False),
    ("exists false absent", {"data": {"missing": [{"exists": False}]}}, True),
    ("exists false no parent", {"detail": {"missing": [{"exists": False}]}}, True),
    ("exists true absent", {"data": {"missing": [{"exists": True}]}}, False),
    # Empty string and null.
    ("empty string", {"data": {"eventVersion": [""]}}, True),
    ("empty string not null", {"data": {"responseElements": [""]}}, False),
    ("null", {"data": {"responseElements": [None]}}, True),
    ("null not empty string", {"data": {"eventVersion": [None]}}, False),
    ("null not text null", {"data": {"responseElements": ["null"]}}, False),
    ("null not absent", {"data": {"missing": [None]}}, False),
    # Arrays in the event.
    ("any array element", {"data": {"instanceIds": ["i-bp1f4qz7m2d8wk0n5tyh"]}}, True),
    ("no array element", {"data": {"instanceIds": ["i-bp16hzb3l9qv2xe7m4ap"]}}, False),
    ("empty pattern", {}, True),
]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [pytest.param(pattern, expected, id=name) for name, pattern, expected in CASES],
)
def test_pattern_matches_event(pattern, expected):
    assert matches(pattern, EVENT) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        {"source": "acs.oss"},
        {"source": []},
        {"source": [["acs.oss"]]},
        {"source": [{"regex": "acs.*"}]},
        {"source": [{"prefix": 1}]},
        {"data": {"c-count": [{"numeric": [">", 0, "<="]}]}},
        {"data": {"c-count": [{"numeric": ["~", 0]}]}},
        {"data": {"source-ip": [{"cidr": "10.0.0.300/24"}]}},
        {"data": {"state": [{"exists": "yes"}]}},
        ["acs.oss"],
    ],
)
def test_malformed_pattern_raises(pattern):
    with pytest.raises(PatternError):
        matches(pattern, EVENT)
