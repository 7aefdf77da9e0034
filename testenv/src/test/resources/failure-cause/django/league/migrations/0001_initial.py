from django.db import migrations

# Creates the enum that 0002 creates again: the failure FailureCauseIT reads.
class Migration(migrations.Migration):
    initial = True
    operations = [
        migrations.RunSQL("CREATE TYPE season_phase AS ENUM ('regular', 'playoffs')"),
    ]
