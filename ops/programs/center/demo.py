"""Demo visits of 2025: groups from abroad and from Seoul, confirmed, with who came by country."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from ...extensions import db
from . import services
from .models import CenterVisit

DEMO = [  # group, origin, day, language, visitors by country
    ("Barcelona City Council", "foreign", date(2025, 4, 17), "es", {"ES": 14, "FR": 2}),
    ("Hanoi People's Committee", "foreign", date(2025, 6, 12), "vi", {"VN": 22}),
    ("Smart Nation Office Singapore", "foreign", date(2025, 9, 24), "en", {"SG": 8, "MY": 3}),
    ("노원구 어르신 디지털 동아리", "domestic", date(2025, 5, 20), "ko", {"KR": 25}),
]


def seed(context: dict) -> list[str]:
    if db.session.scalar(select(func.count()).select_from(CenterVisit)):
        return ["center: demo visits already there"]
    for n, (group, origin, day, language, counts) in enumerate(DEMO):
        visit = services.request_visit(
            group_name=group, origin=origin, day=day, group_size=sum(counts.values()), language=language,
            countries=[c for c in counts if c != "KR"], contact_name=f"Demo contact {n + 1}",
            contact_phone=None, contact_email=f"visit{n + 1}@example.org", consent=True,
            today=day - timedelta(days=21))
        services.decide(visit.id, confirm=True, user=None)
        services.record_visitors(visit, counts, today=day)
    db.session.commit()
    return [f"center: {len(DEMO)} Smart City Center group visits of 2025 with visitors by country"]
