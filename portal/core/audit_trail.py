"""Reading the audit trail (issue 13): the search shared by the page, its export and the API, and an entry's changes
as a person reads them.

The trail is scoped like any row (AuditEntry.scope_paths: the units its row had when it was written), read through
`AuditEntry.objects.restrict(user)`. The search (AuditEntryFilterSet) narrows it by
- `unit`: a district's, street's or committee's code (an entry of that unit or under it);
- `person`: who did it, by login name or name (compared without spaces, as typed: portal.core.text);
- `model`: the kind of record (`tasks_registry.admissionrequest`), and `object`: one record's key (its history);
- `action`: the verb, or part of it (`void`, `admissionrequest.`), and `source` (web, api, import, task, system);
- `at_from`, `at_to`: the days it happened on, in Shanghai time (a start after the end is `at_from`'s error).
A value the search cannot read is its field's error (a page leaves it out and says so, the API answers 400).
"""

from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat, Replace
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.filters import FilterSet, NormalisedCharFilter
from portal.core.models import AuditEntry
from portal.core.text import search_key

C = "audit trail"  # the context of the trail's short words (Action, Record…): 操作, 记录, not another page's
# The fields a search shows, in order (the page's form, the API's parameters).
SEARCH_FIELDS = ("unit", "person", "model", "action", "source", "at_from", "at_to")


def model_label(object_type: str) -> str:
    """`tasks_registry.admissionrequest` -> "Admission request" (its verbose name), or the label itself when the
    model is gone."""
    try:
        return str(capfirst(apps.get_model(object_type)._meta.verbose_name))
    except (LookupError, ValueError):
        return object_type


def model_choices() -> list[tuple[str, str]]:
    """Every model of the portal's own apps, by its verbose name: what an entry can be about."""
    found = [(model._meta.label_lower, model_label(model._meta.label_lower)) for model in apps.get_models()
             if model.__module__.partition(".")[0] in ("portal", "committees", "tasks_registry", "certificates")]
    return sorted(found, key=lambda choice: choice[1])


class AuditSearchForm(forms.Form):
    """The days read in order."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("at_from"), data.get("at_to")
        if start and end and start > end:
            self.add_error("at_from", forms.ValidationError(
                _("The start date cannot be later than the end date."), code="date_order"))
        return data


class AuditEntryFilterSet(FilterSet):
    unit = NormalisedCharFilter(method="filter_unit", label=pgettext_lazy(C, "Unit code"), max_length=12)
    person = NormalisedCharFilter(method="filter_person", label=pgettext_lazy(C, "Person"), search=True, max_length=50)
    model = django_filters.ChoiceFilter(field_name="object_type", choices=(), label=pgettext_lazy(C, "Kind of record"))
    object = NormalisedCharFilter(field_name="object_id", label=pgettext_lazy(C, "Record"), max_length=64)
    action = NormalisedCharFilter(field_name="action", lookup_expr="icontains", label=pgettext_lazy(C, "Action"),
                                  search=True, max_length=64)
    source = django_filters.ChoiceFilter(choices=AuditEntry.Source.choices, label=_("Source"))
    at_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"),
                                        widget=forms.DateInput(attrs={"type": "date"}))
    at_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=pgettext_lazy(C, "Until"),
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEntry
        fields: list[str] = []
        form = AuditSearchForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The models, once the apps are loaded; on the field as well, which a schema generator or a test reading the
        # class's filters may have built (without choices) and django-filter keeps and copies.
        choices = model_choices()
        self.filters["model"].extra["choices"] = choices
        self.filters["model"].field.choices = choices

    def filter_unit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(district=value) | Q(street=value) | Q(committee=value)) if value else queryset

    def filter_person(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        key = search_key(value)
        if not key:
            return queryset
        # 姓名 as people write it: 王芳 (family name first) or Anna Schmidt, compared without spaces.
        queryset = queryset.alias(
            actor_cjk=Replace(Concat("actor__last_name", "actor__first_name"), Value(" "), Value("")),
            actor_latin=Replace(Concat("actor__first_name", "actor__last_name"), Value(" "), Value("")))
        return queryset.filter(Q(actor__username__iexact=value) | Q(actor_cjk__icontains=key)
                               | Q(actor_latin__icontains=key))


def audit_entry_search(*, actor: Any, filters: Any = None) -> AuditEntryFilterSet:
    """The entries the actor may read, newest first, with their actor and units: `.qs` the rows searched, `.form`
    the search as read (its errors on the fields it could not read, which filter nothing)."""
    queryset = (AuditEntry.objects.restrict(actor).select_related("actor", "district", "street", "committee")
                .order_by("-at", "-id"))
    return AuditEntryFilterSet(filters or {}, queryset=queryset)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, (list, dict)):
        return ", ".join(map(str, value)) if isinstance(value, list) else "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """What the entry changed, as (field, before, after) in words: every field whose value differs, or every value
    it names when it has only a before (a deletion) or only an after (a creation, a step with its details).
    Field names are the model's verbose names where the model knows them."""
    before, after = entry.before or {}, entry.after or {}
    try:
        fields = {field.name: str(capfirst(field.verbose_name)) for field in apps.get_model(entry.object_type)._meta.fields}
    except (LookupError, ValueError):
        fields = {}
    names = [name for name in dict.fromkeys([*before, *after])
             if not (name in before and name in after and before[name] == after[name])]
    return [(fields.get(name, name), _shown(before.get(name)) if name in before else "",
             _shown(after.get(name)) if name in after else "") for name in names]


def unit_name(entry: AuditEntry) -> str:
    """The most precise unit of the entry: its committee's, street's or district's name (— for none)."""
    unit = entry.committee or entry.street or entry.district
    return str(unit) if unit is not None else "—"
