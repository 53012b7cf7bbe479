"""The task admission API: what the pages do, with the same permissions and services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from committees.models import Committee, Department
from portal.core.api import ScopedReadViewSet
from tasks_registry import admission, reports, services
from tasks_registry.api import serializers
from tasks_registry.models import AdmissionRequest, Dispatch, RefusedDispatch, RequestEvent, TaskItem, TaskList, ViolationReport


class TaskListViewSet(ScopedReadViewSet):
    queryset = TaskList.objects.all()
    serializer_class = serializers.TaskListSerializer
    filterset_fields = ["year", "level", "district", "status"]


class TaskItemViewSet(ScopedReadViewSet):
    queryset = TaskItem.objects.select_related("task_list")
    serializer_class = serializers.TaskItemSerializer
    filterset_fields = ["task_list", "category", "code"]


class DispatchViewSet(ScopedReadViewSet):
    """Dispatches in scope. POST sends a listed item to committees: 201, or 400 with the refusal's reason."""

    queryset = Dispatch.objects.all()
    serializer_class = serializers.DispatchSerializer
    filterset_fields = ["committee", "item"]

    @extend_schema(request=serializers.DispatchRequestSerializer, responses={201: serializers.DispatchSerializer(many=True)})
    def create(self, request: Request) -> Response:
        form = serializers.DispatchRequestSerializer(data=request.data)
        # A committee outside the sender's scope reads as "does not exist", never as "forbidden".
        form.fields["committees"].child_relation.queryset = Committee.objects.restrict(
            request.user, "view", perm="tasks_registry.add_dispatch")
        form.is_valid(raise_exception=True)
        data = form.validated_data
        item = get_object_or_404(TaskItem.objects.restrict(request.user), pk=data["item"].pk)
        sent = services.dispatch(actor=request.user, item=item, committees=data["committees"], starts_on=data["starts_on"],
                                 due_on=data["due_on"], note=data["note"])
        return Response(self.get_serializer(sent, many=True).data, status=status.HTTP_201_CREATED)


class RefusedDispatchViewSet(ScopedReadViewSet):
    queryset = RefusedDispatch.objects.all()
    serializer_class = serializers.RefusedDispatchSerializer
    filterset_fields = ["committee", "year"]


class AdmissionRequestViewSet(ScopedReadViewSet, mixins.CreateModelMixin):
    """Admission requests: POST a draft, then submit; reviewers approve, reject or return (with a reason)."""

    queryset = AdmissionRequest.objects.prefetch_related("committees", "streets")
    serializer_class = serializers.AdmissionRequestSerializer
    filterset_fields = ["status", "district", "street"]

    def perform_create(self, serializer: serializers.AdmissionRequestSerializer) -> None:
        user = self.request.user
        if not user.district_id:
            raise PermissionDenied
        saved = serializer.save(applicant=user, district_id=user.district_id, department_id=user.department_id)
        RequestEvent.objects.create(request=saved, actor=user, kind=RequestEvent.Kind.CREATED)

    def _act(self, step, **kwargs) -> Response:  # noqa: ANN001, ANN003
        done = step(actor=self.request.user, request=self.get_object(), **kwargs)
        return Response(self.get_serializer(done).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._act(admission.submit)

    @extend_schema(request=serializers.ReasonSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._act(admission.approve, comment=request.data.get("reason", ""))

    @extend_schema(request=serializers.ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._act(admission.reject, reason=request.data.get("reason", ""))

    @extend_schema(request=serializers.ReasonSerializer, operation_id="admission_request_return")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        return self._act(admission.return_for_revision, reason=request.data.get("reason", ""))


class ViolationReportViewSet(ScopedReadViewSet, mixins.CreateModelMixin):
    """Violation reports. A department sees those transferred to it, without the reporter."""

    queryset = ViolationReport.objects.select_related("committee__street")
    filterset_fields = ["status", "committee"]

    def get_permissions(self):  # noqa: ANN201
        if self.action == "act":  # who may accept, transfer, close or reply is the service's rule (reports.py)
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_serializer_class(self):  # noqa: ANN201
        if getattr(self.request.user, "role", None) == "department":
            return serializers.DepartmentReportSerializer
        return serializers.ViolationReportSerializer

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = reports.file_report(actor=request.user, report=ViolationReport(**serializer.validated_data))
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ReportActionSerializer, operation_id="violation_report_act")
    @action(detail=True, methods=["post"], url_path="(?P<step>accept|dismiss|transfer|close|reply)")
    def act(self, request: Request, pk: str, step: str) -> Response:
        form = serializers.ReportActionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data, report, actor = form.validated_data, self.get_object(), request.user
        if step == "accept":
            report = reports.accept(actor=actor, report=report, comment=data["comment"])
        elif step == "dismiss":
            report = reports.dismiss(actor=actor, report=report, reason=data["comment"])
        elif step == "transfer":
            department = get_object_or_404(Department, pk=data.get("department"), district_id=actor.district_id)
            report = reports.transfer(actor=actor, report=report, department=department, comment=data["comment"])
        elif step == "close":
            report = reports.close(actor=actor, report=report, outcome=data.get("outcome", ""), comment=data["comment"])
        else:
            reports.reply(actor=actor, report=report, text=data["comment"])
        report.refresh_from_db()
        return Response(self.get_serializer(report).data)
