from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.core.admin import FreeTextAdminMixin, QueryInitialMixin


@admin.register(User)
class UserAdmin(QueryInitialMixin, FreeTextAdminMixin, BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "district", "street", "committee", "is_active"]
    list_filter = ["role", "is_active", "is_superuser", "district"]
    list_select_related = ["district", "street", "committee"]
    autocomplete_fields = ["district", "street", "committee", "department"]
    _role_and_unit = (_("Role and unit"), {"fields": ("role", "district", "street", "committee", "department")})
    fieldsets = (*BaseUserAdmin.fieldsets, _role_and_unit)
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, _role_and_unit)
