from django.core.management.base import CommandError

from rathaus.municipalities.models import Municipality


def municipality_for_command(slug: str) -> Municipality:
    """The municipality a management command names by slug, or a clear CommandError."""
    municipality = Municipality.objects.filter(slug=slug).first()
    if municipality is None:
        raise CommandError(f"Die Kommune {slug!r} gibt es nicht. / There is no municipality {slug!r}.")
    return municipality
