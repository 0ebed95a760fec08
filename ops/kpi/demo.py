"""Demo data of the KPI wing: managers' figures for a few manual metrics, and month-end snapshots."""
from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from .models import ManualEntry
from .services import add_entry, rollup

DEMO_ENTRIES = [
    ("policy_research.smart_city_studies", 1, date(2025, 6, 30), "상반기 발간: 스마트도시 정책 이슈 보고서"),
    ("policy_research.smart_city_studies", 2, date(2025, 10, 31), "하반기 1건 추가 발간"),
    ("data_consulting.issue_briefs", 9, date(2025, 10, 31), "월간 데이터 이슈 브리프 (2~10월)"),
    ("scewc.companies", 15, date(2025, 11, 6), "SCEWC 2025 서울관 참가 기업 최종 집계"),
    ("global_demo.joint_projects", 2, date(2025, 9, 30), "해외 도시 공동 실증 협약 2건"),
]


def seed(context: dict) -> list[str]:
    if db.session.scalar(select(func.count()).select_from(ManualEntry)) == 0:
        manager = context.get("users", {}).get("manager")
        for metric, value, as_of, note in DEMO_ENTRIES:
            add_entry(year=2025, metric=metric, value=value, as_of=as_of, note=note, user=manager)
    for month in range(1, 13):  # month-end snapshots so the trend charts have a line
        rollup(2025, date(2025, month, calendar.monthrange(2025, month)[1]))
    db.session.commit()
    return ["kpi: manual figures and 2025 month-end snapshots"]
