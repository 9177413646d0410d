"""``check --deploy`` on PostgreSQL: the site's database role must not be able to erase the audit log.

audit.E001  the runtime role (DATABASE_URL) is a superuser: it bypasses every privilege and trigger
audit.E002  the runtime role owns tables (or other objects) while DATABASE_OWNER_URL names a separate owner role
audit.E003  DATABASE_OWNER_URL is not a separate role that owns the audit log, or the runtime role may act as it
audit.W001  PostgreSQL without DATABASE_OWNER_URL: one role owns the tables and runs the site
audit.W002  the database could not be asked
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ROLE_SQL = """
    SELECT r.rolsuper OR r.rolbypassrls,
           (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'),
           (SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM (
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
                ORDER BY c.relname LIMIT 5) c),
           current_user,
           (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('audit_auditevent'))
    FROM pg_roles r WHERE r.rolname = current_user
"""
MEMBER_SQL = (
    "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = %s) AND pg_has_role(current_user, %s, 'MEMBER')"
)
HINT = gettext_lazy("用 deploy/postgres-roles.sql 建立所有者角色和运行角色，见 README 的“部署”一节。")


def database_role_facts(using: str = DEFAULT_DB_ALIAS) -> dict:
    """What the database says about the connection's role: superuser (or bypassing row security), how many tables
    and other relations it owns (and the first names), its name, whether it may act as the owner role, and which
    role owns the audit log (None before the first migrate)."""
    owner = getattr(settings, "DATABASE_OWNER", None) or {}
    with connections[using].cursor() as cursor:
        cursor.execute(ROLE_SQL)
        superuser, owned, owned_names, name, audit_owner = cursor.fetchone()
        member_of_owner = False
        if owner.get("USER") and owner["USER"] != name:
            cursor.execute(MEMBER_SQL, [owner["USER"], owner["USER"]])
            member_of_owner = cursor.fetchone()[0]
    return {
        "superuser": bool(superuser),
        "owned": owned,
        "owned_names": owned_names or "",
        "role": name,
        "member_of_owner": bool(member_of_owner),
        "audit_owner": audit_owner,
    }


@register(Tags.security, Tags.database, deploy=True)
def check_database_roles(app_configs=None, **kwargs):
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return []
    owner = getattr(settings, "DATABASE_OWNER", None)
    errors = []
    if owner and owner.get("USER") == connection.settings_dict.get("USER"):
        errors.append(
            Error(
                _("DATABASE_OWNER_URL 应是另一个角色（表的所有者），而不是网站运行所用的角色。"),
                hint=HINT,
                id="audit.E003",
            )
        )
    try:
        facts = database_role_facts()
    except DatabaseError as exc:
        return [
            *errors,
            Warning(
                _("无法连接数据库核对其角色：%(error)s") % {"error": str(exc).strip().splitlines()[0]},
                hint=_("在能连接数据库的环境中运行 check --deploy。"),
                id="audit.W002",
            ),
        ]
    if facts["superuser"]:
        errors.append(
            Error(
                _("网站以数据库超级用户 %(role)s 运行：它不受任何权限和触发器约束，可以清除审计日志。")
                % {"role": facts["role"]},
                hint=HINT,
                id="audit.E001",
            )
        )
    if not owner:
        errors.append(
            Warning(
                _(
                    "PostgreSQL 只配置了一个角色（未设置 DATABASE_OWNER_URL）：网站所用的角色也是表的所有者，"
                    "可以 TRUNCATE 或关闭触发器，从而清除审计日志。"
                ),
                hint=HINT,
                id="audit.W001",
            )
        )
        return errors
    if facts["owned"]:
        errors.append(
            Error(
                _("运行角色 %(role)s 拥有 %(count)d 个表或其他对象（%(names)s）：它可以清除审计日志。")
                % {"role": facts["role"], "count": facts["owned"], "names": facts["owned_names"]},
                hint=HINT,
                id="audit.E002",
            )
        )
    if facts["audit_owner"] and facts["audit_owner"] != owner.get("USER"):
        errors.append(
            Error(
                _("审计日志表属于 %(actual)s，而不是 DATABASE_OWNER_URL 的角色 %(owner)s。")
                % {"actual": facts["audit_owner"], "owner": owner.get("USER")},
                hint=HINT,
                id="audit.E003",
            )
        )
    if facts["member_of_owner"]:
        errors.append(
            Error(
                _("运行角色 %(role)s 是所有者角色 %(owner)s 的成员，可以取得所有者的权限。")
                % {"role": facts["role"], "owner": owner["USER"]},
                hint=HINT,
                id="audit.E003",
            )
        )
    return errors
