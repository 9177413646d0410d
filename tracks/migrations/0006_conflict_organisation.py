# Issue 16: a reviewer's standing conflict may name an organisation (free text, a warning to staff at assignment).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracks", "0005_required_materials"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="conflictdeclaration",
            name="conflict_names_something",
        ),
        migrations.AddField(
            model_name="conflictdeclaration",
            name="organisation",
            field=models.CharField(blank=True, max_length=128, verbose_name="单位"),
        ),
        migrations.AddConstraint(
            model_name="conflictdeclaration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("zone__isnull", False),
                    ("province__isnull", False),
                    ("nomination__isnull", False),
                    models.Q(("organisation", ""), _negated=True),
                    _connector="OR",
                ),
                name="conflict_names_something",
                violation_error_message="回避申报须指明高新区、省份、单位或推荐项目。",
            ),
        ),
    ]
