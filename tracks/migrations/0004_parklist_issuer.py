"""发布单位 stamped on each list at publication (ParkList.issuer).

Lists already stored get the issuing body the site names now (settings.SITE_SPONSOR, read once while migrating):
the body that published them, which the pages read from the settings until this migration. The column is added
with that value as its default and the default then dropped, so no row is updated: published lists stay untouched
under their immutability trigger (0002), and their hashes do not cover the issuer.
"""

from django.conf import settings
from django.db import migrations, models


def site_sponsor():
    return settings.SITE_SPONSOR


class Migration(migrations.Migration):
    dependencies = [("tracks", "0003_round_phases")]

    operations = [
        migrations.AddField(
            model_name="parklist",
            name="issuer",
            field=models.CharField(blank=True, default=site_sponsor, max_length=100, verbose_name="发布单位"),
            preserve_default=False,
        ),
    ]
