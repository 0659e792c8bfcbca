"""When a photo was taken, as a window of UTC instants: one instant, a local time or date.

A local time without a known UTC offset widens to every legal offset (UTC-12 to UTC+14).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from geosleuth.errors import BadInputError

# Every legal UTC offset lies in [-12 h, +14 h] (Baker Island to Kiribati's Line Islands).
MIN_OFFSET = timedelta(hours=-12)
MAX_OFFSET = timedelta(hours=14)


def _fmt_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@dataclass(frozen=True)
class TimeWindow:
    """UTC instants from ``start`` to ``end`` (equal for one known instant)."""

    start: datetime
    end: datetime
    label: str = ""
    offset_known: bool = True

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise BadInputError("a time window needs UTC-aware instants")
        if self.end < self.start:
            raise BadInputError("a time window must not end before it starts")

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600.0

    @classmethod
    def instant(cls, when: datetime) -> TimeWindow:
        if when.tzinfo is None:
            raise BadInputError(f"{when.isoformat()} has no UTC offset")
        utc = when.astimezone(UTC)
        return cls(utc, utc, label=when.isoformat(timespec="minutes"), offset_known=True)

    @classmethod
    def local(
        cls,
        when: datetime | None = None,
        *,
        day: date | None = None,
        hours: tuple[float, float] | None = None,
        offset: timedelta | None = None,
    ) -> TimeWindow:
        """A local time, a local date, or a date with an hour window; offset may be unknown.

        An aware ``when`` is an instant. Without an offset, the window widens to every
        legal offset (UTC-12 to UTC+14).
        """
        if when is not None:
            if when.tzinfo is not None:
                return cls.instant(when)
            if offset is not None:
                return cls.instant(when.replace(tzinfo=timezone(offset)))
            start, end = when, when
            label = when.isoformat(timespec="minutes")
        elif day is not None:
            h0, h1 = hours if hours is not None else (0.0, 24.0)
            if not (0.0 <= h0 <= h1 <= 24.0):
                raise BadInputError(
                    f"hour window {h0:g}-{h1:g} must lie within 0-24 and not run backwards"
                )
            base = datetime.combine(day, time(0))
            start, end = base + timedelta(hours=h0), base + timedelta(hours=h1)
            label = day.isoformat() + (f" {_fmt_hours(h0)}-{_fmt_hours(h1)}" if hours else "")
        else:
            raise BadInputError("the capture time is unknown: give a time or a date")
        if offset is not None:
            return cls(
                (start - offset).replace(tzinfo=UTC),
                (end - offset).replace(tzinfo=UTC),
                label=f"{label} {_fmt_offset(offset)}",
                offset_known=True,
            )
        return cls(
            (start - MAX_OFFSET).replace(tzinfo=UTC),
            (end - MIN_OFFSET).replace(tzinfo=UTC),
            label=f"{label} (local, any UTC offset)",
            offset_known=False,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "start_utc": self.start.isoformat(),
            "end_utc": self.end.isoformat(),
            "label": self.label,
            "offset_known": self.offset_known,
            "hours": round(self.hours, 3),
        }


def _fmt_hours(h: float) -> str:
    return f"{int(h):02d}:{round((h % 1) * 60):02d}"
