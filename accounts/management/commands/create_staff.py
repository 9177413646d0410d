from django.utils.translation import gettext as _

from accounts import roles
from accounts.services import account_create

from ._base import AccountCommand


class Command(AccountCommand):
    help = _("创建业务管理员账户（火炬中心/工信部）。")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--name", default="", help=_("姓名"))

    def handle(self, *args, **options):
        self.run_create(
            account_create,
            username=options["username"],
            password=self.read_password(options),
            role=roles.STAFF,
            display_name=options["name"],
        )
