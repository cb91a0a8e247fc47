from allauth.mfa.models import Authenticator

from rathaus.accounts.models import User


def user_has_totp(*, user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())
