"""Region and instance ID validation: a table of good and bad values."""

from __future__ import annotations

import pytest

from shared.validation import excerpt, instance_id_error, region_error, split_instance_ids

GOOD_REGIONS = ["cn-hangzhou", "ap-southeast-1", "cn-shanghai-finance-1", "us-west-1", "cn-zhengzhou-jva", "me-east-1"]
BAD_REGIONS = [
    "", "cn", "CN-HANGZHOU", "cn_hangzhou", "cn-hangzhou&Action=RebootInstances", "cn-hangzhou=1",
    "cn-hangzhou%26", "cn hangzhou", "cn-hangzhou\n", "cn-hangzhou\x00", "сn-hangzhou",  # Cyrillic "с"
    "cn-hangzhou-a-b-c", "-cn-hangzhou", "cn--hangzhou", 42, None, ["cn-hangzhou"],
]
GOOD_IDS = ["i-bp11f7trr4hbi1xxxxxx", "i-bp1iudwa5b1tqaxxxxxx", "i-12345678", "i-" + "a" * 32, "i-uf6f5trc95ug8t33xxxx"]
BAD_IDS = [
    "", "i-", "i-1234567", "i-" + "a" * 33, "I-bp11f7trr4hbi1xxxxxx", "i-bp11f7trr4hbi1XXXXXX",
    "i-bp11f7trr4hbi1xxxxxx&RegionId=cn-beijing", "i-bp11f7trr4hbi1xxxxx=", "i-bp11f7trr4hbi1xxxx%20",
    "i-bp11f7trr4hbi1 xxxxx", "i-bp11f7trr4hbi1xxxxxx\n", "i-bp11f7trr4hbi1xxxxх",  # Cyrillic "х"
    "i‐bp11f7trr4hbi1xxxxxx",  # Unicode hyphen
    "d-bp11f7trr4hbi1xxxxxx", 123, None, {"id": "i-12345678"},
]


@pytest.mark.parametrize("region", GOOD_REGIONS)
def test_region_valid(region):
    assert region_error(region) is None


@pytest.mark.parametrize("region", BAD_REGIONS)
def test_region_invalid(region):
    assert region_error(region) is not None


@pytest.mark.parametrize("instance_id", GOOD_IDS)
def test_instance_id_valid(instance_id):
    assert instance_id_error(instance_id) is None


@pytest.mark.parametrize("instance_id", BAD_IDS)
def test_instance_id_invalid(instance_id):
    assert instance_id_error(instance_id) is not None


def test_classic_id_rejected_with_explanation():
    reason = instance_id_error("AY130828101740048aee")

    assert reason is not None
    assert "classic network" in reason


def test_error_names_value_safely():
    reason = instance_id_error("i-abc\r\nX-Injected: 1")

    assert reason is not None
    assert "\r" not in reason
    assert "\n" not in reason
    assert "X-Injected" in reason


def test_split_deduplicates_in_order():
    valid, invalid = split_instance_ids(["i-22222222", "i-11111111", "bad", "i-22222222", "i-33333333"])

    assert valid == ["i-22222222", "i-11111111", "i-33333333"]
    assert [item.value for item in invalid] == ["bad"]


def test_excerpt_bounds_long_values():
    text = excerpt("x" * 10_000)

    assert len(text) < 120
    assert "10000 characters" in text
