from rest_framework import serializers

from committees.models import Committee
from tasks_registry.models import AdmissionRequest, Dispatch, RefusedDispatch, TaskItem, TaskList, ViolationReport


class TaskListSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskList
        fields = ["id", "level", "district", "year", "status", "published_at", "copied_from"]
        read_only_fields = fields


class TaskItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskItem
        fields = ["id", "task_list", "code", "title", "category", "responsible_unit", "legal_basis", "description",
                  "frequency", "hours_per_month", "forms", "systems", "needs_seal", "admitted_from", "exited_at",
                  "exit_reason"]
        read_only_fields = fields


class DispatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dispatch
        fields = ["id", "item", "committee", "starts_on", "due_on", "note", "sent_by", "sent_at"]
        read_only_fields = fields


class DispatchRequestSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=TaskItem.objects.all())
    committees = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.all(), many=True)
    starts_on = serializers.DateField()
    due_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RefusedDispatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = RefusedDispatch
        fields = ["id", "committee", "item", "title", "year", "reason", "attempted_by", "attempted_at"]
        read_only_fields = fields


class AdmissionRequestSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)

    class Meta:
        model = AdmissionRequest
        fields = ["id", "number", "applicant", "district", "department", "street", "title", "category", "legal_basis",
                  "description", "scope", "committees", "streets", "hours_per_month", "forms", "systems", "needs_seal",
                  "starts_on", "ends_on", "status", "submitted_at", "review_due_on", "decided_at", "filed_item"]
        read_only_fields = ["applicant", "district", "department", "street", "status", "submitted_at", "review_due_on",
                            "decided_at", "filed_item"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ViolationReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ViolationReport
        fields = ["id", "committee", "reporter", "sender", "title", "sent_on", "description", "status", "department",
                  "outcome", "created_at"]
        read_only_fields = ["committee", "reporter", "status", "department", "outcome", "created_at"]


class DepartmentReportSerializer(ViolationReportSerializer):
    """What a department may see of a report: everything but who reported."""

    class Meta(ViolationReportSerializer.Meta):
        fields = [f for f in ViolationReportSerializer.Meta.fields if f != "reporter"]
        read_only_fields = fields


class ReportActionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    department = serializers.IntegerField(required=False)
    outcome = serializers.ChoiceField(choices=ViolationReport.Outcome.choices, required=False)
