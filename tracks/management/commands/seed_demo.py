from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tracks.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = _("载入演示数据（两个年度批次、约120项推荐、评审与已发布榜单）和各角色演示账户。可重复执行。")

    def handle(self, *args, **options):
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError(_("生产环境不允许载入演示数据和默认账户。"))
        if get_user_model().objects.filter(username="staff").exists():
            self.stdout.write(_("演示数据已存在，跳过。"))
            return
        accounts = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                _("演示数据已载入。演示账户（密码均为 %(password)s）：") % {"password": DEMO_PASSWORD}
            )
        )
        for username, label in accounts:
            self.stdout.write(f"  {username:<20} {label}")
