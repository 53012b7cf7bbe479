"""Shapes of the task admission API: output serializers, and the input of each write (no `request.data.get`)."""

import copy
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committees.models import Committee, Department
from portal.core.api import (
    FreeTextMixin,
    InputSerializer,
    NormalisedCharField,
    NormalisedCodesMixin,
    NormalisedPrimaryKeyRelatedField,
)
from tasks_registry.models import (
    MAX_HOURS_SPENT,
    AdmissionRequest,
    Dispatch,
    RefusedDispatch,
    TaskItem,
    TaskList,
    ViolationReport,
)
from tasks_registry.plausibility import admission_request_warnings
from tasks_registry.selectors import dispatch_committees, filing_choices

_TARGETS = ("committees", "streets")


def _user(serializer: serializers.Serializer) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


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
    """A dispatch, with the committee's receipt (签收) and report of it done (办结, with the hours it took)."""

    class Meta:
        model = Dispatch
        fields = ["id", "item", "committee", "starts_on", "due_on", "note", "sent_by", "sent_at", "received_at",
                  "received_by", "done_at", "done_by", "hours_spent"]
        read_only_fields = fields


class DispatchDoneInput(InputSerializer):
    """办结: the hours the task really took, in all."""

    hours_spent = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, max_value=MAX_HOURS_SPENT)


class DispatchInput(InputSerializer):
    """A listed item (an id: one the sender may not send reads as 404) to committees the sender reaches
    (selectors.dispatch_committees; a committee outside reads as "does not exist", never as "forbidden").
    The committees are read in one query, with their streets (the guard reads each one's district)."""

    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    committees = serializers.ListField(child=NormalisedCharField(max_length=12), allow_empty=False, max_length=5000)
    starts_on = serializers.DateField()
    due_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def validate_committees(self, codes: list[str]) -> list[Committee]:
        wanted = list(dict.fromkeys(codes))
        found = {committee.pk: committee for committee in
                 dispatch_committees(actor=_user(self)).select_related("street").filter(pk__in=wanted)}
        missing = [code for code in wanted if code not in found]
        if missing:
            message = serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"]
            raise serializers.ValidationError([str(message).format(pk_value=code) for code in missing])
        return [found[code] for code in wanted]


class RefusedDispatchEntrySerializer(serializers.Serializer):
    """A committee of a refused attempt (output only): its code, and its own reason (empty when the attempt's
    reason is the whole answer)."""

    committee = serializers.CharField(source="committee_id")
    reason = serializers.CharField()


class RefusedDispatchSerializer(serializers.ModelSerializer):
    """One refused attempt; `committees`: those of it the reader may see (selectors.refused_dispatches), each
    with its own reason (empty: the attempt's `reason` is the whole answer). `reason`: what concerned the whole
    attempt; blank when only committees were at fault, each with its own."""

    committees = RefusedDispatchEntrySerializer(source="visible_entries", many=True, read_only=True)

    class Meta:
        model = RefusedDispatch
        fields = ["id", "committees", "item", "title", "year", "starts_on", "due_on", "reason", "attempted_by",
                  "attempted_at"]
        read_only_fields = fields


class AdmissionRequestSerializer(NormalisedCodesMixin, serializers.ModelSerializer):
    """A request, and the input of filing or revising one: committees and streets are chosen among those
    the applicant may target (others read as "does not exist"), named by codes read in their canonical form."""

    number = serializers.CharField(read_only=True)
    # Plausibility (issue 15): what the page says after saving (a start years ahead…), never a refusal.
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = AdmissionRequest
        fields = ["id", "number", "applicant", "district", "department", "street", "title", "category", "legal_basis",
                  "description", "scope", "committees", "streets", "hours_per_month", "forms", "systems", "needs_seal",
                  "starts_on", "ends_on", "status", "submitted_at", "review_due_on", "decided_at", "filed_item",
                  "warnings"]
        read_only_fields = ["applicant", "district", "department", "street", "status", "submitted_at", "review_due_on",
                            "decided_at", "filed_item"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, request: AdmissionRequest) -> list[str]:
        return admission_request_warnings(request)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        user = _user(self)
        if user is not None and user.is_authenticated:
            choices = filing_choices(actor=user, today=timezone.localdate())
            fields["committees"].child_relation.queryset = choices["committees"]
            fields["streets"].child_relation.queryset = choices["streets"]
        return fields

    def validate(self, attrs: dict) -> dict:
        """The model's own rules (full_clean, as portal.core.api.ValidatedModelSerializer runs them), on a copy:
        hours not negative, the end not before the start… each on its field. The targets are set by the service."""
        instance = copy.copy(self.instance) if self.instance is not None else AdmissionRequest()
        for name, value in attrs.items():
            if name not in _TARGETS:
                setattr(instance, name, value)
        try:
            instance.full_clean(exclude=[*self.Meta.read_only_fields, *_TARGETS], validate_unique=False)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return attrs


class ReasonInput(InputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CommentInput(InputSerializer):
    text = serializers.CharField(max_length=2000)


class RequestEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    at = serializers.DateTimeField()


class ViolationReportSerializer(FreeTextMixin, serializers.ModelSerializer):
    """A report as its district, street and committee read it (and the input of filing one)."""

    # Blank until the report is closed: declared so that the schema says so (a read-only model field loses allow_blank).
    outcome = serializers.ChoiceField(choices=ViolationReport.Outcome.choices, allow_blank=True, read_only=True)

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


class ReportCommentInput(InputSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class TransferInput(ReportCommentInput):
    department = NormalisedPrimaryKeyRelatedField(queryset=Department.objects.none())

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            fields["department"].queryset = Department.objects.restrict(user, "view", include_grants=False)
        return fields


class CloseInput(ReportCommentInput):
    outcome = serializers.ChoiceField(choices=ViolationReport.Outcome.choices)
