from django.utils.translation import gettext as _

from accounts import roles
from accounts.services import account_create

from ._base import AccountCommand


class Command(AccountCommand):
    help = _(
        "创建三员账户：系统管理员（用户与角色）、安全管理员（安全策略与登录锁定）或审计管理员（只读审计日志）。"
        "三员账户只能在服务器上用本命令创建，不是超级用户。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--role",
            required=True,
            choices=sorted(roles.ADMINISTRATOR_ROLES),
            help=_("system = 系统管理员，security = 安全管理员，audit = 审计管理员"),
        )
        parser.add_argument("--name", default="", help=_("姓名"))

    def handle(self, *args, **options):
        self.run_create(
            account_create,
            username=options["username"],
            password=self.read_password(options),
            role=roles.ADMINISTRATOR_ROLES[options["role"]],
            display_name=options["name"],
        )
