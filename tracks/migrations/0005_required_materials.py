"""A cycle's required materials (Cycle.required_materials) and which of them an attachment is
(NominationAttachment.material): a nomination is recommended only with a file for each."""

from django.db import migrations, models

import tracks.models.cycle


class Migration(migrations.Migration):
    dependencies = [("tracks", "0004_parklist_issuer")]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="required_materials",
            field=models.TextField(
                blank=True,
                help_text="每行一项，如“推荐表盖章扫描件”“园区发展情况说明”。推荐前须为每一项上传附件；留空则不要求附件。",
                validators=[tracks.models.cycle.validate_material_lines],
                verbose_name="必备材料",
            ),
        ),
        migrations.AddField(
            model_name="nominationattachment",
            name="material",
            field=models.CharField(blank=True, max_length=64, verbose_name="材料类别"),
        ),
    ]
