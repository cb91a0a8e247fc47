from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top of the layers: the root URLs, the API's assembly, `serve`, `worker` and `demo`.
    Nothing imports it."""

    name = "rathaus.site"
    label = "site"
    verbose_name = "Rathaus"
