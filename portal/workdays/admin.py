from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest

from portal.core.admin import FreeTextAdminMixin
from portal.core.forms import FreeTextFormMixin
from portal.workdays.models import CalendarDay, CalendarYear
from portal.workdays.services import calendar_day_delete, calendar_day_problems, calendar_day_save, calendar_year_delete


class CalendarDayAdminForm(FreeTextFormMixin, forms.ModelForm):
    """The service's rules said on the form (the admin shows no error save_model raises)."""

    class Meta:
        model = CalendarDay
        fields = ["day", "is_working_day", "name", "source_document"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        entry = CalendarDay(day=cleaned.get("day"), is_working_day=bool(cleaned.get("is_working_day")),
                            name=cleaned.get("name") or "")
        for field, messages in calendar_day_problems(entry).items():
            self.add_error(None if field == NON_FIELD_ERRORS else field, messages)
        return cleaned


@admin.register(CalendarDay)
class CalendarDayAdmin(FreeTextAdminMixin, admin.ModelAdmin):
    """Writes go through the services, audited like the page's."""

    form = CalendarDayAdminForm
    list_display = ["day", "is_working_day", "name", "source_document", "updated_at"]
    list_filter = ["is_working_day"]
    search_fields = ["name", "source_document"]

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        calendar_day_save(actor=request.user, instance=obj)

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_day_delete(actor=request.user, pk=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for pk in queryset.values_list("pk", flat=True):
            calendar_day_delete(actor=request.user, pk=pk)


@admin.register(CalendarYear)
class CalendarYearAdmin(FreeTextAdminMixin, admin.ModelAdmin):
    """Marked loaded on the calendar page (the service checks the year's days are there); here only read or
    unmarked."""

    list_display = ["year", "source_document", "loaded_by", "loaded_at"]
    list_select_related = ["loaded_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CalendarYear | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        calendar_year_delete(actor=request.user, pk=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for pk in queryset.values_list("pk", flat=True):
            calendar_year_delete(actor=request.user, pk=pk)
