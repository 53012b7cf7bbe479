from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from committees.models.annual import YEAR_MAX, YEAR_MIN
from portal.core.api import ValidatedModelSerializer
from portal.indicators.models import ComputationRun, Result, Target


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_zh = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    definition = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = Result
        fields = ["indicator", "scope", "code", "year", "numerator", "denominator", "value", "missing", "computed_at",
                  "run"]
        read_only_fields = fields


class TargetSerializer(ValidatedModelSerializer):  # its district by code, canonical
    """`value` is what is stored: a rate as a fraction from 0 to 1 (0.9 for 90%; 1.5 is a 400 on `value`), a
    count as a number. Pages and forms use percentages; `display` is the value as they show it."""

    display = serializers.CharField(source="value_display", read_only=True, help_text=_(
        'The value as the pages show it: a rate as a percentage ("90%", "90.5%"), a count as a number ("1").'))

    class Meta:
        model = Target
        fields = ["id", "district", "indicator", "year_from", "year_to", "comparison", "value", "display", "source",
                  "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = {"value": {"help_text": _(
            "A rate (unit `rate` in /api/v1/indicators/) as a fraction from 0 to 1, 0.9 for 90%, to four decimal "
            "places; a count as a number. Never a percentage: 90 for a rate is refused (400 on `value`).")}}


class RunSerializer(serializers.ModelSerializer):
    triggered_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ComputationRun
        fields = ["id", "year", "trigger", "triggered_by", "status", "progress", "created_at", "started_at",
                  "finished_at", "result_count", "error"]
        read_only_fields = fields


class RecomputeSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)  # the range of committees.forms.YearForm
