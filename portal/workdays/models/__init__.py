from portal.workdays.models.calendar import YEAR_MAX, YEAR_MIN, CalendarDay, CalendarYear, validate_calendar_day

__all__ = ["YEAR_MAX", "YEAR_MIN", "CalendarDay", "CalendarYear", "validate_calendar_day"]
