from portal.core.api import ValidatedModelSerializer
from portal.workdays.models import CalendarDay


class CalendarDaySerializer(ValidatedModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["id", "day", "is_working_day", "name", "source_document", "updated_at"]
        read_only_fields = ["updated_at"]
