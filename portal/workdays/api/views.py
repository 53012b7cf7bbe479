from typing import Any

from portal.core.api import ScopedViewSet
from portal.workdays.api.serializers import CalendarDaySerializer
from portal.workdays.filtersets import CalendarDayFilterSet
from portal.workdays.models import CalendarDay
from portal.workdays.services import calendar_day_save


class CalendarDayViewSet(ScopedViewSet):
    """The city's calendar days (holidays and make-up working days that override the published schedule): read by
    every role, written by the city's staff. Writes go through the page's service; a day is taken out on the page
    (nothing is deleted through the API)."""

    queryset = CalendarDay.objects.all()
    serializer_class = CalendarDaySerializer
    filterset_class = CalendarDayFilterSet

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = calendar_day_save(actor=self.request.user, instance=CalendarDay(**serializer.validated_data))

    def perform_update(self, serializer: Any) -> None:
        for name, value in serializer.validated_data.items():
            setattr(serializer.instance, name, value)
        calendar_day_save(actor=self.request.user, instance=serializer.instance)
