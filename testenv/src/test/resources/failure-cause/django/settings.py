import os
from urllib.parse import urlparse

url = urlparse(os.environ["DATABASE_URL"])
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": url.path.lstrip("/"),
        "USER": url.username or "",
        "PASSWORD": url.password or "",
        "HOST": url.hostname,
        "PORT": url.port,
    }
}
INSTALLED_APPS = ["league"]
SECRET_KEY = "not-a-secret: this project only migrates"
USE_TZ = True
