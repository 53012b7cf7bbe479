from django.utils.translation import gettext as _
from rest_framework import serializers

from committees.models import Committee, Street
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
    """Committees and streets are chosen in the applicant's district and scope: others read as "does not exist"."""

    number = serializers.CharField(read_only=True)

    class Meta:
        model = AdmissionRequest
        fields = ["id", "number", "applicant", "district", "department", "street", "title", "category", "legal_basis",
                  "description", "scope", "committees", "streets", "hours_per_month", "forms", "systems", "needs_seal",
                  "starts_on", "ends_on", "status", "submitted_at", "review_due_on", "decided_at", "filed_item"]
        read_only_fields = ["applicant", "district", "department", "street", "status", "submitted_at", "review_due_on",
                            "decided_at", "filed_item"]

    def get_fields(self) -> dict:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            user = request.user
            fields["committees"].child_relation.queryset = Committee.objects.restrict(user).filter(
                street__district_id=user.district_id)
            fields["streets"].child_relation.queryset = Street.objects.restrict(user).filter(district_id=user.district_id)
        return fields

    def validate(self, attrs: dict) -> dict:
        starts = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError({"ends_on": [_("The end cannot come before the start.")]})
        return attrs


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ViolationReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ViolationReport
        fields = ["id", "committee", "reporter", "sender", "title", "sent_on", "description", "status", "department",
                  "outcome", "created_at"]
        read_only_fields = ["committee", "reporter", "status", "department", "outcome", "created_at"]


class DepartmentReportSerializer(ViolationReportSerializer):
    """What a department may see of a report: the task, not who reported it (neither the person nor the committee)."""

    class Meta(ViolationReportSerializer.Meta):
        fields = [f for f in ViolationReportSerializer.Meta.fields if f not in ("reporter", "committee")]
        read_only_fields = fields


class ReportActionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    department = serializers.IntegerField(required=False)
    outcome = serializers.ChoiceField(choices=ViolationReport.Outcome.choices, required=False)
