from django.db import migrations

ROLE_GROUPS = ["省级主管部门", "高新区管委会", "评审专家", "业务管理员", "系统管理员", "安全管理员", "审计管理员"]


def create_groups(apps, schema_editor):
    # Permissions are attached after migrate by accounts.roles.sync_group_permissions, once they exist.
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
