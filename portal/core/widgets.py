"""Form widgets shared by the apps: the committee tree picker (issue 15).

A committee field of 170 or 6,000 rows as a plain `<select multiple>` is unusable. `CommitteePicker` renders the
field's committees as a tree, district → street → committee: one checkbox per committee, named like the field, so
the form reads it as it read the select; each street a `<fieldset>` inside a `<details>`, collapsed unless it holds
a chosen committee (or is the only street). Without JavaScript that is the whole picker. static/js/committee-picker.js
adds a search by name or code (normalised as the server normalises: full-width digits, invisible characters), a
checkbox that chooses a whole street or district, a button that chooses every committee offered ("选择全部 17 个居村委会":
the field's queryset, so what the user reaches), and the count of what is chosen. Each committee shows its code after
its name, as the search finds it.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.template import loader
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

__all__ = ["CommitteePicker"]


class CommitteePicker(forms.CheckboxSelectMultiple):
    """The widget of a ModelMultipleChoiceField of committees, rendered by templates/includes/committee_picker.html.

    It shows exactly the field's queryset, which the form sets to what the user may choose
    (`Committee.objects.restrict(user, ...)`, never `.all()`): read in one query with the streets and districts,
    however many streets there are. The chosen committees (the bound data after a refused submission, or the
    initial value) are checked, and their streets open.

    `shown_when=("scope", "committees")`: the picker's row (its parent element: the field's label, errors and help
    in includes/form_fields.html) is shown only while the form's `scope` field has that value; without JavaScript
    it is always shown.
    """

    template_name = "includes/committee_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, shown_when: tuple[str, str] | None = None) -> None:
        super().__init__(attrs)
        self.shown_when = shown_when

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        """The field's label names the search box (a label cannot name a group; clicking it starts a search)."""
        return f"{id_}_search" if id_ and index is None else super().id_for_label(id_, index)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Not ChoiceWidget's options: a dictionary and a subtemplate for each of 6,000 committees is slow.
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = set(context["widget"]["value"])
        districts = _tree(self._committees(), chosen, name)
        total = sum(d["size"] for d in districts)
        count = sum(d["chosen"] for d in districts)
        streets = [s for d in districts for s in d["streets"]]
        if len(streets) == 1:
            streets[0]["open"] = True
        if len(districts) == 1:
            districts[0]["open"] = True
        css = str(context["widget"]["attrs"].get("class", ""))
        context["picker"] = {
            "districts": districts, "nested": len(districts) > 1, "total": total,
            "count_text": _count_text(total).replace("{n}", str(count)), "count_template": _count_text(total),
            "every_text": ngettext("Choose the {total} committee", "Choose all {total} committees", total).replace(
                "{total}", str(total)),
            "invalid": "is-invalid" in css, "describedby": context["widget"]["attrs"].get("aria-describedby"),
            "shown_when": self.shown_when,
        }
        return context

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        # The project's template engine (templates/includes/), not the form renderer's, which sees Django's own only.
        return mark_safe(loader.render_to_string(self.template_name, self.get_context(name, value, attrs)))

    def _committees(self) -> QuerySet:
        """The field's queryset (ModelChoiceIterator.queryset) in tree order, as rows (code, name, street code,
        street name, district code, district name): one query, and no model instances (6,000 committees with their
        streets and districts are 18,000 of them, most of a second)."""
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            raise TypeError("CommitteePicker is the widget of a ModelMultipleChoiceField of committees.")
        return queryset.order_by("code").values_list("code", "name", "street_id", "street__name",
                                                     "street__district_id", "street__district__name")


def _tree(rows: Iterable[tuple[str, str, str, str, str, str]], chosen: set[str], name: str) -> list[dict[str, Any]]:
    """[{code, name, streets: [{code, name, committees, size, chosen, open}], size, chosen, open}] in code order (a
    committee's code starts with its street's, which starts with its district's). A street's `committees` is its
    checkboxes' HTML, built here: the same lines in a template loop cost half a second at 6,000."""
    districts: list[dict[str, Any]] = []
    lines: list[str] = []
    for code, committee, street_code, street, district_code, district in rows:
        if not districts or districts[-1]["code"] != district_code:
            districts.append({"code": district_code, "name": district, "streets": [], "size": 0, "chosen": 0})
        unit = districts[-1]
        if not unit["streets"] or unit["streets"][-1]["code"] != street_code:
            lines = []
            unit["streets"].append({"code": street_code, "name": street, "lines": lines, "size": 0, "chosen": 0})
        row = unit["streets"][-1]
        checked = code in chosen
        lines.append(f'<label><input type="checkbox" name="{escape(name)}" value="{escape(code)}"'
                     f'{" checked" if checked else ""}> {escape(committee)}<small>{escape(code)}</small></label>')
        row["size"] += 1
        row["chosen"] += checked
        unit["size"] += 1
        unit["chosen"] += checked
    for unit in districts:
        unit["open"] = bool(unit["chosen"])
        for row in unit["streets"]:
            row["open"] = bool(row["chosen"])
            row["committees"] = mark_safe("\n".join(row.pop("lines")))  # every part escaped above
    return districts

def _count_text(total: int) -> str:
    """"{n} of 170 committees chosen": the count's sentence, `{n}` left for the number (the script keeps it up to
    date)."""
    return ngettext("{n} of {total} committee chosen", "{n} of {total} committees chosen", total).replace(
        "{total}", str(total))
