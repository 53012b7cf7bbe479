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
    class Meta:
        model = Target
        fields = ["id", "district", "indicator", "year_from", "year_to", "comparison", "value", "source", "updated_at"]
        read_only_fields = ["updated_at"]


class RunSerializer(serializers.ModelSerializer):
    triggered_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ComputationRun
        fields = ["id", "year", "trigger", "triggered_by", "status", "progress", "created_at", "started_at",
                  "finished_at", "result_count", "error"]
        read_only_fields = fields


class RecomputeSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)  # the range of committees.forms.YearForm
