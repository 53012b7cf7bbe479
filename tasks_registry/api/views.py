"""The task admission API: what the pages do, through the same restrict() actions and services.

Each transition is an @action mapped to the model's named action (`named_actions`), so RolePermission
answers 403 without its role permission and the lookup 404 outside the rows it reaches; the service then
authorises and locks the row again, inside its transaction.
"""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from portal.core.api import ScopedReadViewSet
from portal.core.scoping import may_ever
from tasks_registry import filtersets
from tasks_registry.api import serializers
from tasks_registry.models import AdmissionRequest, Dispatch, RefusedDispatch, TaskItem, TaskList, ViolationReport
from tasks_registry.selectors import refused_dispatches
from tasks_registry.services.admission import (
    admission_request_approve,
    admission_request_comment,
    admission_request_create,
    admission_request_reject,
    admission_request_return,
    admission_request_submit,
    admission_request_update,
)
from tasks_registry.services.dispatch import dispatch_complete, dispatch_receive, dispatch_send
from tasks_registry.services.reports import (
    violation_report_accept,
    violation_report_close,
    violation_report_dismiss,
    violation_report_file,
    violation_report_reply,
    violation_report_transfer,
)


def _valid(serializer_class: type, request: Request, **kwargs: Any) -> dict[str, Any]:
    data = serializer_class(data=request.data, context={"request": request}, **kwargs)
    data.is_valid(raise_exception=True)
    return data.validated_data


class TaskListViewSet(ScopedReadViewSet):
    queryset = TaskList.objects.select_related("district")
    serializer_class = serializers.TaskListSerializer
    filterset_class = filtersets.TaskListFilterSet
    lookup_value_regex = r"\d+"


class TaskItemViewSet(ScopedReadViewSet):
    queryset = TaskItem.objects.select_related("task_list")
    serializer_class = serializers.TaskItemSerializer
    filterset_class = filtersets.TaskItemFilterSet
    lookup_value_regex = r"\d+"


class DispatchViewSet(ScopedReadViewSet):
    """Dispatches in scope. POST sends a listed item to committees: 201, or 400 with the refusal's reasons by
    field (`fields`: item, starts_on, due_on, committees). A committee's staff sign for one (`receive`) and
    report it done with the hours it took (`complete`)."""

    queryset = Dispatch.objects.all()
    serializer_class = serializers.DispatchSerializer
    filterset_class = filtersets.DispatchFilterSet
    lookup_value_regex = r"\d+"

    @extend_schema(request=serializers.DispatchInput, responses={201: serializers.DispatchSerializer(many=True)})
    def create(self, request: Request) -> Response:
        data = _valid(serializers.DispatchInput, request)
        sent = dispatch_send(actor=request.user, item_pk=data["item"], committees=data["committees"],
                             starts_on=data["starts_on"], due_on=data["due_on"], note=data["note"])
        return Response(self.get_serializer(sent, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str) -> Response:
        """签收: 404 for a dispatch the user may not sign for (another committee's, or signed for already)."""
        return Response(self.get_serializer(dispatch_receive(actor=request.user, pk=self.get_object().pk)).data)

    @extend_schema(request=serializers.DispatchDoneInput)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """办结 with `hours_spent`: 404 for one not signed for, done already, or another committee's."""
        data = _valid(serializers.DispatchDoneInput, request)
        done = dispatch_complete(actor=request.user, pk=self.get_object().pk, hours_spent=data["hours_spent"])
        return Response(self.get_serializer(done).data)


class RefusedDispatchViewSet(ScopedReadViewSet):
    """Refused attempts, one per attempt, with the committees of it the user may see."""

    queryset = RefusedDispatch.objects.all()
    serializer_class = serializers.RefusedDispatchSerializer
    filterset_class = filtersets.RefusedDispatchFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):  # noqa: ANN201
        return refused_dispatches(actor=self.request.user)


class AdmissionRequestViewSet(ScopedReadViewSet):
    """Admission requests: POST a draft, PATCH it, then submit; reviewers approve, reject or return (with a
    reason); the parties comment."""

    queryset = AdmissionRequest.objects.prefetch_related("committees", "streets")
    serializer_class = serializers.AdmissionRequestSerializer
    filterset_class = filtersets.AdmissionRequestFilterSet
    lookup_value_regex = r"\d+"
    named_actions = {"approve": "review", "reject": "review", "return_": "review"}

    def create(self, request: Request) -> Response:
        created = admission_request_create(actor=request.user, data=_valid(self.serializer_class, request))
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        row = self.get_object()
        data = _valid(self.serializer_class, request, instance=row, partial=True)
        return Response(self.get_serializer(admission_request_update(actor=request.user, pk=row.pk, data=data)).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """The response's `status` says where it went: `district_review` when no one in the street but the
        applicant may review it."""
        done = admission_request_submit(actor=request.user, pk=self.get_object().pk)
        return Response(self.get_serializer(done).data)

    @extend_schema(request=serializers.ReasonInput)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        data = _valid(serializers.ReasonInput, request)
        done = admission_request_approve(actor=request.user, pk=self.get_object().pk, comment=data["reason"])
        return Response(self.get_serializer(done).data)

    @extend_schema(request=serializers.ReasonInput)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        data = _valid(serializers.ReasonInput, request)
        done = admission_request_reject(actor=request.user, pk=self.get_object().pk, reason=data["reason"])
        return Response(self.get_serializer(done).data)

    @extend_schema(request=serializers.ReasonInput, operation_id="admission_request_return")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        data = _valid(serializers.ReasonInput, request)
        done = admission_request_return(actor=request.user, pk=self.get_object().pk, reason=data["reason"])
        return Response(self.get_serializer(done).data)

    @extend_schema(request=serializers.CommentInput, responses={201: serializers.RequestEventSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str) -> Response:
        data = _valid(serializers.CommentInput, request)
        event = admission_request_comment(actor=request.user, pk=self.get_object().pk, text=data["text"])
        return Response(serializers.RequestEventSerializer(event).data, status=status.HTTP_201_CREATED)


class ViolationReportViewSet(ScopedReadViewSet):
    """Violation reports. A department sees those transferred to it, without who reported them."""

    queryset = ViolationReport.objects.select_related("committee__street")
    filterset_class = filtersets.ViolationReportFilterSet
    lookup_value_regex = r"\d+"
    named_actions = {"accept": "handle", "dismiss": "handle", "transfer": "handle", "close": "handle"}

    def get_serializer_class(self) -> type:
        # DOMAIN: the department never sees who reported ("identify" reaches the same rows as "view" for
        # every level that has it, so the role's answer is the row's).
        if may_ever(self.request.user, ViolationReport, "identify"):
            return serializers.ViolationReportSerializer
        return serializers.DepartmentReportSerializer

    def create(self, request: Request) -> Response:
        report = violation_report_file(actor=request.user, data=_valid(serializers.ViolationReportSerializer, request))
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    def _done(self, report: ViolationReport) -> Response:
        return Response(self.get_serializer(report).data)

    @extend_schema(request=serializers.ReportCommentInput)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        data = _valid(serializers.ReportCommentInput, request)
        return self._done(violation_report_accept(actor=request.user, pk=self.get_object().pk, comment=data["comment"]))

    @extend_schema(request=serializers.ReportCommentInput)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        data = _valid(serializers.ReportCommentInput, request)
        return self._done(violation_report_dismiss(actor=request.user, pk=self.get_object().pk, reason=data["comment"]))

    @extend_schema(request=serializers.TransferInput)
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str) -> Response:
        data = _valid(serializers.TransferInput, request)
        return self._done(violation_report_transfer(actor=request.user, pk=self.get_object().pk,
                                                    department=data["department"], comment=data["comment"]))

    @extend_schema(request=serializers.CloseInput)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        data = _valid(serializers.CloseInput, request)
        return self._done(violation_report_close(actor=request.user, pk=self.get_object().pk, outcome=data["outcome"],
                                                 comment=data["comment"]))

    @extend_schema(request=serializers.ReportCommentInput)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        data = _valid(serializers.ReportCommentInput, request)
        return self._done(violation_report_reply(actor=request.user, pk=self.get_object().pk, text=data["comment"]))
