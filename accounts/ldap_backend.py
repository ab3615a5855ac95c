"""LDAP / Active Directory sign-in (django-auth-ldap), configured from the LDAP_* settings.

Listed in AUTHENTICATION_BACKENDS only when LDAP_URL is set (portal/settings.py), after the login
throttle and the local accounts: every attempt goes through `authenticate()`, so the throttle counts
it, and a local administrator signs in even when the directory is down.
"""

import logging

import ldap
from django.conf import settings
from django.db.models import Q
from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, ldap_error
from django_auth_ldap.config import LDAPSearch, NestedGroupOfNamesType

from accounts import conf
from accounts.forms import mark_directory_unreachable
from accounts.ldap_directory import connection_options, first, identifier
from accounts.models import ExternalIdentity, SignInSource
from accounts.signin import complete_sign_in, is_local_only
from directory.models import Contact

logger = logging.getLogger("relais.accounts")


class DirectoryLDAPBackend(LDAPBackend):
    @property
    def default_settings(self):
        attributes = conf.sync_attributes()
        return {
            "SERVER_URI": settings.LDAP_URL,
            "BIND_DN": settings.LDAP_BIND_DN,
            "BIND_PASSWORD": settings.LDAP_BIND_PASSWORD,
            "START_TLS": settings.LDAP_START_TLS,
            "CONNECTION_OPTIONS": connection_options(),
            "USER_SEARCH": LDAPSearch(
                settings.LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_USER_FILTER
            ),
            "USER_ATTR_MAP": {
                field: attributes[field]
                for field in ("first_name", "last_name", "email")
                if attributes[field]
            },
            "ALWAYS_UPDATE_USER": True,
            "GROUP_SEARCH": LDAPSearch(
                settings.LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_GROUP_FILTER
            ),
            # Members listed by DN in `member` (AD's group, groupOfNames), groups inside groups included.
            "GROUP_TYPE": NestedGroupOfNamesType(name_attr="cn"),
            "FIND_GROUP_PERMS": False,
            "MIRROR_GROUPS": None,
        }

    def get_user(self, user_id):
        # A login deactivated since (left the company) loses its open sessions at once.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def get_or_build_user(self, username, ldap_user):
        subject = self.subject_of(ldap_user)
        identity = (
            ExternalIdentity.objects.select_related("user")
            .filter(source=SignInSource.LDAP, subject=subject)
            .first()
        )
        if identity is not None:  # a renamed account keeps its portal login
            user, built = identity.user, False
        else:
            user, built = super().get_or_build_user(username, ldap_user)
        if not built and is_local_only(user):
            # A directory account named like a local administrator never opens that account.
            raise ldap_user.AuthenticationFailed("a local-only account")
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None or not user.is_active:
            return user  # an inactive login is refused by the login form, with its own message
        if not Contact.objects.filter(Q(user=user) | Q(email__iexact=user.email)).exists():
            self._create_contact(user, ldap_user)
        groups = set(ldap_user.group_dns) | set(ldap_user.group_names)
        complete_sign_in(user, source=SignInSource.LDAP, subject=self.subject_of(ldap_user), groups=groups)
        return user

    @staticmethod
    def subject_of(ldap_user) -> str:
        value = first(ldap_user.attrs, conf.sync_attributes()["external_id"])
        return identifier(value) if value is not None else ldap_user.dn

    @staticmethod
    def _create_contact(user, ldap_user) -> None:
        """Before the first sync has run, a first sign-in creates the person's contact from their entry."""
        from accounts.sync.engine import sync_people
        from accounts.sync.ldap_source import LdapSource
        from accounts.sync.people import Person

        try:
            source = LdapSource(connection=ldap_user.connection)
            person = source.person(ldap_user.dn, ldap_user.attrs)
            if isinstance(person, Person):
                sync_people([person], source=source.name, owned=source.owned_fields)
        except ldap.LDAPError:
            logger.warning(
                "sign-in: could not read the entry of %s to create their contact", user.get_username()
            )


@receiver(ldap_error, dispatch_uid="accounts.ldap_error")
def _directory_unreachable(sender, context, user, request=None, exception=None, **kwargs):
    # Any LDAP error while signing in (looking the user up, binding, reading groups): the directory is
    # down or misconfigured; a wrong password is not an LDAPError here.
    if request is not None:
        mark_directory_unreachable(request)
