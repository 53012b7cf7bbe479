"""Shapes of the certificates API. Committee codes, ID numbers, phone numbers and the lookup's search are read in
their canonical form (portal.core.api.NormalisedCharField); a person's name written one way (PersonNameField: "张 三"
is 张三); purposes and facts as typed. An ID number is
checked on its field by the one rule (idnumbers.id_number_problem), so a 400 lists it with the other fields' problems
in one shape; the registration service applies the rule again for its other callers."""

from typing import Any

from rest_framework import serializers

from certificates.idnumbers import canonical_id_number, id_number_problem
from certificates.models import CertificateType, Registration, SealUse
from committees.models.annual import YEAR_MAX, YEAR_MIN
from portal.core.api import InputSerializer, NormalisedCharField, NormalisedPrimaryKeyRelatedField, PersonNameField


class CertificateTypeSerializer(serializers.ModelSerializer):
    issuable = serializers.BooleanField(read_only=True)

    class Meta:
        model = CertificateType
        fields = ["id", "name", "aliases", "sub_items", "rule", "issuable", "conditions", "alternative_route", "handled_by",
                  "legal_basis", "source_document", "jurisdiction", "district", "overrides", "to_be_confirmed"]
        read_only_fields = fields


class LookupQuerySerializer(InputSerializer):
    q = NormalisedCharField(required=False, allow_blank=True, default="", max_length=200, search=True)


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


class IdNumberField(NormalisedCharField):
    """A resident ID number in its canonical form, checked by the one rule (idnumbers.id_number_problem) with the
    other fields, so a 400 lists every problem in one shape; registration_create applies the rule again."""

    def to_internal_value(self, data: Any) -> str:
        value = canonical_id_number(super().to_internal_value(data))
        if (problem := id_number_problem(value)) is not None:
            raise serializers.ValidationError(problem, code="id_number")
        return value


class RegistrationCreateSerializer(InputSerializer):
    """What registering takes. `committee`: the committee's code, for someone who registers for several; by
    default the one the reader registers for. A type outside the committee's catalogue is refused by the service."""

    committee = NormalisedCharField(max_length=12, required=False)
    certificate_type = NormalisedPrimaryKeyRelatedField(queryset=CertificateType.objects.none())
    applicant_name = PersonNameField(max_length=50)
    id_number = IdNumberField(write_only=True)
    purpose = serializers.CharField(max_length=200)
    facts = serializers.CharField()
    verification = serializers.CharField()
    seal_used = serializers.BooleanField(default=True)
    approver = PersonNameField(max_length=50, required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        # The choices are the types the reader may see (restrict()), never every row; none when there is no
        # request (the OpenAPI schema is generated without one).
        request = self.context.get("request")
        if request is not None:
            self.fields["certificate_type"].queryset = CertificateType.objects.restrict(request.user)


class VoidSerializer(InputSerializer):
    reason = serializers.CharField(max_length=1000)


class StatisticsQuerySerializer(serializers.Serializer):
    """?year=, within the years the statistics page accepts too (committees.forms.YearForm); by default this year."""

    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)


class StatisticsSerializer(serializers.Serializer):
    """The answer of /registrations/statistics/ (certificates.selectors.registration_statistics), for the schema."""

    class TypeSerializer(serializers.Serializer):
        name = serializers.CharField(read_only=True)
        months = serializers.ListField(child=serializers.IntegerField(), min_length=12, max_length=12, read_only=True)
        total = serializers.IntegerField(read_only=True)

    class TurnedAwaySerializer(serializers.Serializer):
        name = serializers.CharField(read_only=True)
        n = serializers.IntegerField(read_only=True)

    class TotalsSerializer(serializers.Serializer):
        issued = serializers.IntegerField(read_only=True)
        voided = serializers.IntegerField(read_only=True)
        turned_away = serializers.IntegerField(read_only=True)

    year = serializers.IntegerField(read_only=True)
    by_type = TypeSerializer(many=True, read_only=True)
    turned_away = TurnedAwaySerializer(many=True, read_only=True)
    totals = TotalsSerializer(read_only=True)


class SealUseSerializer(serializers.ModelSerializer):
    applicant_phone = serializers.CharField(source="phone_masked", read_only=True)

    class Meta:
        model = SealUse
        fields = ["id", "committee", "used_at", "item", "content", "copies", "approver", "handler", "applicant_name",
                  "applicant_phone", "registration"]
        read_only_fields = fields


class SealUseCreateSerializer(InputSerializer):
    """What registering a use of the seal takes; the item is checked against the seal-use list by the service."""

    committee = NormalisedCharField(max_length=12, required=False)
    item = serializers.CharField(max_length=20)
    content = serializers.CharField(max_length=300)
    copies = serializers.IntegerField(min_value=1, max_value=999)
    approver = PersonNameField(max_length=50)
    applicant_name = PersonNameField(max_length=50, required=False, allow_blank=True, default="")
    applicant_phone = NormalisedCharField(max_length=20, required=False, allow_blank=True, default="")
