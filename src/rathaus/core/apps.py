from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rathaus.core"
    verbose_name = "Rathaus"
