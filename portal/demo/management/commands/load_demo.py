from django.core.management.base import BaseCommand
from django.utils import translation

from portal.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo data (Huangpu's streets and committees, records, workers, one user per role). Idempotent."

    def handle(self, **options) -> None:  # noqa: ANN003
        with translation.override("zh-hans"):
            logins = demo_load()
            self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data ready"))
            self.stdout.write("演示账号 / demo logins:")
            self.stdout.write(f"  {'用户名':<16}{'密码':<20}{'角色':<14}范围")
            for login in logins:
                self.stdout.write(f"  {login.username:<16}{login.password:<20}{login.role_name:<14}{login.scope}")
