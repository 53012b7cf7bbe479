"""/api/v1/audit-entries/: the audit trail through the API, read-only, as the page reads it (portal/core/audit_views.py):
restrict()'s scope, the same search (portal/core/audit_trail.py), personal data masked as stored."""

from rest_framework import serializers

from portal.core.api import Router, ScopedReadViewSet
from portal.core.audit_trail import AuditEntryFilterSet
from portal.core.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True,
                                         help_text="The login name of who did it; null for the system.")
    before = serializers.JSONField(read_only=True, allow_null=True)
    after = serializers.JSONField(read_only=True, allow_null=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "source", "action", "object_type", "object_id", "object_repr", "before",
                  "after", "reason", "district", "street", "committee"]
        read_only_fields = fields


class AuditEntryViewSet(ScopedReadViewSet):
    """Every change to a record of the reader's units, newest first: who, from where (web, api, import, task,
    system), when, before and after. Read-only: entries are written by the portal itself."""

    queryset = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet


app_name = "core-api"

router = Router()
router.register("audit-entries", AuditEntryViewSet, basename="auditentry")

urlpatterns = router.urls
