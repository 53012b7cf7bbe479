"""The explicit grants restrict() reads (portal/core/grants.py): django-guardian direct-FK tables on the three scope
levels only, models of the core app (portal/core/models.py imports them), in a module of their own so that the
chokepoint reads them without importing the models that derive from it.

They point at the organisation by string, so the core imports no feature app. They kept the tables they had in
`committees` (issue 11: a move of the code, not of the data).
"""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

# Grants never go on workers or records (ENGINEERING §1): rows inherit access from their committee.
# `view_<level>` grants read access to the unit and everything under it, `change_<level>` read-write.
# guardian finds each table through the reverse relation on its target model (`content_object`).


class DistrictUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("committees.District", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        db_table = "committees_districtuserobjectpermission"


class DistrictGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("committees.District", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        db_table = "committees_districtgroupobjectpermission"


class StreetUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("committees.Street", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        db_table = "committees_streetuserobjectpermission"


class StreetGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("committees.Street", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        db_table = "committees_streetgroupobjectpermission"


class CommitteeUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("committees.Committee", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        db_table = "committees_committeeuserobjectpermission"


class CommitteeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("committees.Committee", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        db_table = "committees_committeegroupobjectpermission"
