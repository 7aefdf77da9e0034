from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("league", "0001_initial")]
    operations = [
        migrations.RunSQL("CREATE TYPE season_phase AS ENUM ('regular', 'playoffs', 'finals')"),
    ]
