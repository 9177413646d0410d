"""The manifests of compiled list files, append-only: the ORM refuses changes (publishing.models) and, on
PostgreSQL, a trigger refuses UPDATE and DELETE for every role. TRUNCATE (test flushes, ``restore``) stays possible
for the owner, and ``restore`` turns user triggers off while it loads (config/backup.py)."""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = r"""
CREATE OR REPLACE FUNCTION publishing_manifest_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'publishing_artefactmanifest is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS publishing_manifest_append_only ON publishing_artefactmanifest;
CREATE TRIGGER publishing_manifest_append_only
    BEFORE UPDATE OR DELETE ON publishing_artefactmanifest
    FOR EACH ROW EXECUTE FUNCTION publishing_manifest_append_only();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS publishing_manifest_append_only ON publishing_artefactmanifest;
DROP FUNCTION IF EXISTS publishing_manifest_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    initial = True

    dependencies = [("tracks", "0002_list_immutability_triggers")]

    operations = [
        migrations.CreateModel(
            name="ArtefactManifest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="生成时间")),
                ("reason", models.CharField(max_length=32, verbose_name="生成原因")),
                ("state", models.JSONField(verbose_name="渲染依据")),
                ("state_digest", models.CharField(max_length=64, verbose_name="渲染依据摘要")),
                ("issuer", models.CharField(max_length=200, verbose_name="发布单位")),
                ("files", models.JSONField(verbose_name="文件")),
                (
                    "park_list",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="artefact_manifests",
                        to="tracks.parklist",
                        verbose_name="榜单",
                    ),
                ),
            ],
            options={
                "verbose_name": "榜单发布文件清单",
                "verbose_name_plural": "榜单发布文件清单",
                "ordering": ["park_list", "-pk"],
                "default_permissions": ("add", "view"),
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
