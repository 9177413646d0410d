from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from accounts import roles
from accounts.services import account_create
from zones.models import Province

from ._base import AccountCommand


class Command(AccountCommand):
    help = _("创建省级主管部门账户，绑定一个省份。")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--province", required=True, help=_("省级行政区划代码，如 440000"))
        parser.add_argument("--name", default="", help=_("姓名"))

    def handle(self, *args, **options):
        province = Province.objects.filter(code=options["province"]).first()
        if province is None:
            raise CommandError(_("未找到代码为 %(code)s 的省份。") % {"code": options["province"]})
        self.run_create(
            account_create,
            username=options["username"],
            password=self.read_password(options),
            role=roles.OFFICIAL,
            province=province,
            display_name=options["name"],
        )
