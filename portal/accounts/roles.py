"""Roles and what each may do, as code reviewed in pull requests (DOMAIN "Who uses it").

The role gives model permissions (may this person edit annual records at all?); the scope in
`restrict()` decides which rows. Deletion is granted to nobody: nothing users register is deleted (the one
exception is the city's calendar, reference data below).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY = "city", _("city staff")
    DISTRICT = "district", _("district civil-affairs staff")
    DEPARTMENT = "department", _("department staff")
    STREET = "street", _("street officer")
    COMMITTEE = "committee", _("committee staff")


# The organisation unit each role belongs to, which is also the level of its scope (a department's staff
# are at the district's level; restrict() narrows what is their department's own, portal/core/scoping.py).
ROLE_LEVEL = {
    Role.CITY: "city",
    Role.DISTRICT: "district",
    Role.DEPARTMENT: "district",
    Role.STREET: "street",
    Role.COMMITTEE: "committee",
}

_ORG_MODELS = ("district", "street", "committee", "committeeyear", "communityworker", "qualification", "communityfund",
               "spacestandard", "department")


def _perms(app: str, actions: str, models_: tuple[str, ...]) -> set[str]:
    return {f"{app}.{action}_{model}" for action in actions.split() for model in models_}


_VIEW_ORG = _perms("committees", "view", _ORG_MODELS)
_VIEW_INDICATORS = _perms("indicators", "view", ("result", "target", "computationrun"))
_VIEW_TASKS = _perms("tasks_registry", "view", ("tasklist", "taskitem", "dispatch", "refuseddispatch", "admissionrequest",
                                               "violationreport"))
# Named actions (restrict(user, action)) are permissions like any other: each role holds those it performs.
_FILE_REQUESTS = _perms("tasks_registry", "add change comment", ("admissionrequest",))
_REVIEW_REQUESTS = {"tasks_registry.review_admissionrequest"}
_DISPATCH = {"tasks_registry.add_dispatch", "tasks_registry.dispatch_taskitem"}
# A committee signs for what it receives (签收) and reports it done with the hours it took (办结), issue 15.
_ACT_ON_DISPATCHES = {"tasks_registry.receive_dispatch", "tasks_registry.complete_dispatch"}
_VIEW_CERTIFICATES = _perms("certificates", "view", ("certificatetype", "registration", "sealuse"))
_KEEP_LISTS = (_perms("tasks_registry", "add change", ("tasklist", "taskitem"))
               | {"tasks_registry.publish_tasklist", "tasks_registry.exit_taskitem"})
# The working-day calendar (issue 14): the State Council's schedule every deadline counts with, read by everyone;
# the city's staff enter a new year's notice or correct a day. A day taken out is reference data put back to the
# published schedule, not a record someone registered: the one deletion a role holds.
_VIEW_CALENDAR = _perms("workdays", "view", ("calendarday", "calendaryear"))
_KEEP_CALENDAR = _perms("workdays", "add change delete", ("calendarday", "calendaryear"))

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CITY: frozenset(_VIEW_ORG | _VIEW_INDICATORS | _VIEW_TASKS | _KEEP_LISTS | _VIEW_CERTIFICATES
                         | {"core.view_auditentry", "committees.view_orgimport"} | _VIEW_CALENDAR | _KEEP_CALENDAR),
    Role.DISTRICT: frozenset(
        _VIEW_ORG
        | _perms("committees", "add change", _ORG_MODELS[1:])
        | {"committees.change_district", "committees.manage_grants", "core.view_auditentry"}
        | _perms("committees", "add view", ("orgimport",))
        | _VIEW_INDICATORS
        | _perms("indicators", "add change", ("target",))
        | {"indicators.add_computationrun"}
        | _VIEW_TASKS | _KEEP_LISTS | _FILE_REQUESTS | _REVIEW_REQUESTS | _DISPATCH
        | {"tasks_registry.handle_violationreport"}
        | _VIEW_CERTIFICATES | _perms("certificates", "add change", ("certificatetype",))
        | _VIEW_CALENDAR
    ),
    # No more personal data than needed: departments file requests, they need no worker lists.
    Role.DEPARTMENT: frozenset(
        (_VIEW_ORG - _perms("committees", "view", ("communityworker", "qualification")))
        | _VIEW_TASKS | _FILE_REQUESTS | _DISPATCH | {"tasks_registry.reply_violationreport"}
        | _VIEW_CALENDAR
    ),
    Role.STREET: frozenset(
        _VIEW_ORG
        | _perms("committees", "add change", ("committeeyear", "communityworker", "qualification", "communityfund"))
        | _perms("committees", "add view", ("orgimport",))
        | _VIEW_INDICATORS
        | _VIEW_TASKS | _FILE_REQUESTS | _REVIEW_REQUESTS | _DISPATCH
        | _VIEW_CERTIFICATES | _VIEW_CALENDAR
    ),
    Role.COMMITTEE: frozenset(_VIEW_ORG | _VIEW_INDICATORS | _VIEW_TASKS | _VIEW_CERTIFICATES
                              | {"tasks_registry.add_violationreport"} | _ACT_ON_DISPATCHES
                              | {"certificates.add_registration", "certificates.void_registration",
                                 "certificates.add_sealuse"} | _VIEW_CALENDAR),
}
