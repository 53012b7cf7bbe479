from rest_framework import serializers

from certificates.models import CertificateType, Registration, SealUse


class CertificateTypeSerializer(serializers.ModelSerializer):
    issuable = serializers.BooleanField(read_only=True)

    class Meta:
        model = CertificateType
        fields = ["id", "name", "aliases", "sub_items", "rule", "issuable", "conditions", "alternative_route", "handled_by",
                  "legal_basis", "source_document", "jurisdiction", "district", "overrides", "to_be_confirmed"]
        read_only_fields = fields


class LookupResultSerializer(serializers.Serializer):
    certificate = CertificateTypeSerializer()
    matched = serializers.CharField()
    score = serializers.IntegerField()


class RegistrationSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "number", "committee", "year", "serial", "certificate_type", "applicant_name", "id_masked",
                  "purpose", "facts", "verification", "issuer", "issued_at", "seal_used", "voided_at", "void_reason"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    certificate_type = serializers.PrimaryKeyRelatedField(queryset=CertificateType.objects.all())
    applicant_name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18, min_length=18, write_only=True)
    purpose = serializers.CharField(max_length=200)
    facts = serializers.CharField()
    verification = serializers.CharField()
    seal_used = serializers.BooleanField(default=True)
    approver = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class SealUseSerializer(serializers.ModelSerializer):
    applicant_phone = serializers.CharField(source="phone_masked", read_only=True)

    class Meta:
        model = SealUse
        fields = ["id", "committee", "used_at", "item", "content", "copies", "approver", "handler", "applicant_name",
                  "applicant_phone", "registration"]
        read_only_fields = fields


class SealUseCreateSerializer(serializers.Serializer):
    item = serializers.CharField()
    content = serializers.CharField(max_length=300)
    copies = serializers.IntegerField(min_value=1, max_value=999)
    approver = serializers.CharField(max_length=50)
    applicant_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    applicant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
