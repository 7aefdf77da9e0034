"""basketball-api's settings, read from its environment when the app (or Alembic) imports them.

The app's pod gets them from its Deployment (envFrom the basketball-settings ConfigMap, the secret
key from a Secret), not from the SchemaMigration: a migration Job that does not run in the app's
pod template fails here, with the app's own KeyError.
"""
import os

TENANT = os.environ["BASKETBALL_TENANT"]
SECRET_KEY = os.environ["BASKETBALL_SECRET_KEY"]
