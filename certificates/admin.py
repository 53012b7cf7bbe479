from django.contrib import admin

from certificates.models import CertificateType, LookupTally, Registration, SealUse, SerialCounter
from portal.core.admin import AuditedAdminMixin, QueryInitialMixin


@admin.register(CertificateType)
class CertificateTypeAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "rule", "jurisdiction", "district", "handled_by", "is_active", "to_be_confirmed"]
    list_filter = ["rule", "jurisdiction", "is_active", "to_be_confirmed"]
    search_fields = ["name", "handled_by", "source_document"]
    list_select_related = ["district"]
    raw_id_fields = ["district", "overrides"]


@admin.register(LookupTally)
class LookupTallyAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["day", "committee", "certificate_type", "issuable", "count"]
    list_filter = ["issuable"]
    search_fields = ["committee__code", "committee__name", "certificate_type__name"]
    list_select_related = ["committee", "certificate_type"]
    raw_id_fields = ["committee", "certificate_type"]


@admin.register(SerialCounter)
class SerialCounterAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["committee", "year", "last"]
    list_filter = ["year"]
    search_fields = ["committee__code", "committee__name"]
    list_select_related = ["committee"]
    raw_id_fields = ["committee"]


@admin.register(Registration)
class RegistrationAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    """The register of issued certificates; the identity number is kept only masked and hashed."""

    list_display = ["number", "committee", "certificate_type", "applicant_name", "id_masked", "issuer", "issued_at",
                    "voided_at"]
    list_filter = ["year", "seal_used"]
    search_fields = ["applicant_name", "committee__code", "committee__name", "certificate_type__name"]
    list_select_related = ["committee", "certificate_type", "issuer"]
    raw_id_fields = ["committee", "certificate_type", "issuer", "voided_by"]


@admin.register(SealUse)
class SealUseAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["used_at", "committee", "item", "content", "copies", "handler", "applicant_name"]
    list_filter = ["item"]
    search_fields = ["content", "applicant_name", "committee__code", "committee__name"]
    list_select_related = ["committee", "handler"]
    raw_id_fields = ["committee", "handler", "registration"]
