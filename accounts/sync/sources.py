"""Which source the scheduled sync reads: the HR export when DIRECTORY_SYNC_CSV is set, else LDAP."""

from django.conf import settings

from accounts import conf


def sync_configured() -> bool:
    return bool(settings.DIRECTORY_SYNC_CSV) or conf.ldap_enabled()


def configured_source(csv_path: str | None = None):
    path = csv_path or settings.DIRECTORY_SYNC_CSV
    if path:
        from accounts.sync.csv_source import CsvSource

        source = CsvSource(path)
        source.validate()
        return source
    if conf.ldap_enabled():
        from accounts.sync.ldap_source import LdapSource

        return LdapSource()
    raise RuntimeError("no directory to read: set LDAP_URL (and LDAP_BIND_DN…) or DIRECTORY_SYNC_CSV")
