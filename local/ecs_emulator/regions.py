"""The region IDs that Alibaba Cloud lists for ECS endpoints, with their local names.

The list is the one published in 2026. ap-southeast-2 (Sydney) is closed but still listed.
"""

from __future__ import annotations

# (RegionId, English name, Chinese name)
REAL_REGIONS: tuple[tuple[str, str, str], ...] = (
    ("cn-qingdao", "China (Qingdao)", "华北1（青岛）"),
    ("cn-beijing", "China (Beijing)", "华北2（北京）"),
    ("cn-zhangjiakou", "China (Zhangjiakou)", "华北3（张家口）"),
    ("cn-huhehaote", "China (Hohhot)", "华北5（呼和浩特）"),
    ("cn-wulanchabu", "China (Ulanqab)", "华北6（乌兰察布）"),
    ("cn-hangzhou", "China (Hangzhou)", "华东1（杭州）"),
    ("cn-shanghai", "China (Shanghai)", "华东2（上海）"),
    ("cn-nanjing", "China (Nanjing - Local Region)", "华东5（南京-本地地域）"),
    ("cn-fuzhou", "China (Fuzhou - Local Region)", "华东6（福州-本地地域）"),
    ("cn-shenzhen", "China (Shenzhen)", "华南1（深圳）"),
    ("cn-heyuan", "China (Heyuan)", "华南2（河源）"),
    ("cn-guangzhou", "China (Guangzhou)", "华南3（广州）"),
    ("cn-chengdu", "China (Chengdu)", "西南1（成都）"),
    ("cn-hongkong", "China (Hong Kong)", "中国香港"),
    ("cn-zhengzhou-jva", "China (Zhengzhou - Joint Venture)", "郑州（联通合营）"),
    ("ap-northeast-1", "Japan (Tokyo)", "日本（东京）"),
    ("ap-northeast-2", "South Korea (Seoul)", "韩国（首尔）"),
    ("ap-southeast-1", "Singapore", "新加坡"),
    ("ap-southeast-2", "Australia (Sydney)", "澳大利亚（悉尼）"),
    ("ap-southeast-3", "Malaysia (Kuala Lumpur)", "马来西亚（吉隆坡）"),
    ("ap-southeast-5", "Indonesia (Jakarta)", "印度尼西亚（雅加达）"),
    ("ap-southeast-6", "Philippines (Manila)", "菲律宾（马尼拉）"),
    ("ap-southeast-7", "Thailand (Bangkok)", "泰国（曼谷）"),
    ("us-west-1", "US (Silicon Valley)", "美国（硅谷）"),
    ("us-east-1", "US (Virginia)", "美国（弗吉尼亚）"),
    ("eu-central-1", "Germany (Frankfurt)", "德国（法兰克福）"),
    ("eu-west-1", "UK (London)", "英国（伦敦）"),
    ("me-east-1", "UAE (Dubai)", "阿联酋（迪拜）"),
)

REAL_REGION_IDS = tuple(region_id for region_id, _, _ in REAL_REGIONS)
_NAMES = {region_id: (english, chinese) for region_id, english, chinese in REAL_REGIONS}


def local_name(region_id: str, language: str) -> str:
    """Return the region's display name in en-US or zh-CN. An extra region shows its ID."""
    english, chinese = _NAMES.get(region_id, (region_id, region_id))
    return english if language.lower().startswith("en") else chinese


def endpoint(region_id: str) -> str:
    """Return the region's public ECS endpoint name (a name only: nothing connects to it)."""
    return f"ecs.{region_id}.aliyuncs.com"
