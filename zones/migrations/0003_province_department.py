"""The full name of a province's competent department (省级主管部门), as its recommendation letter is signed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("zones", "0002_load_reference_data")]

    operations = [
        migrations.AddField(
            model_name="province",
            name="department",
            field=models.CharField(
                blank=True,
                help_text="推荐函落款的单位全称，如“广东省科学技术厅”；留空时推荐函由省级主管部门填写。",
                max_length=64,
                verbose_name="省级主管部门",
            ),
        ),
    ]
