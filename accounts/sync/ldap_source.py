"""The LDAP tree as a source of people, read page by page (Active Directory returns at most 1,000
entries per search otherwise), so that memory stays flat whatever the number of users."""

from collections.abc import Iterator

import ldap
from django.conf import settings
from ldap.controls import SimplePagedResultsControl

from accounts import conf
from accounts.ldap_directory import connect, first, identifier, normalise_dn, text
from accounts.sync.people import CONTACT_FIELDS, Person, Skipped, make_code

PAGE_SIZE = 500


def paged_search(conn, base: str, filterstr: str, attrlist: list[str] | None, page_size: int = PAGE_SIZE):
    control = SimplePagedResultsControl(True, size=page_size, cookie="")
    while True:
        msgid = conn.search_ext(base, ldap.SCOPE_SUBTREE, filterstr, attrlist, serverctrls=[control])
        _type, data, _msgid, controls = conn.result3(msgid)
        for dn, attrs in data:
            if dn is not None:  # search references (referrals) have no DN
                yield dn, attrs
        cookie = next(
            (c.cookie for c in controls if c.controlType == SimplePagedResultsControl.controlType), b""
        )
        if not cookie:
            return
        control.cookie = cookie


def is_disabled(attribute: str, value) -> bool:
    if value is None:
        return False
    value = text(value)
    if attribute.lower() == "useraccountcontrol":  # Active Directory: bit 2 is ACCOUNTDISABLE
        return value.isdigit() and bool(int(value) & 2)
    return value.lower() in {"true", "1", "yes", "disabled"}


class LdapSource:
    name = "ldap"
    manager_key = "dn"  # `manager` holds the manager's DN

    def __init__(self, connection=None, base: str | None = None, filterstr: str | None = None):
        self.attributes = conf.sync_attributes()
        self.base = base or settings.LDAP_SYNC_BASE
        self.filterstr = filterstr or settings.LDAP_SYNC_FILTER
        self._conn = connection
        self._ous: dict[str, tuple[str, str]] | None = None
        self._base_rdns = ldap.dn.str2dn(self.base.lower()) if self.base else []

    @property
    def owned_fields(self) -> set[str]:
        return {f for f in CONTACT_FIELDS if f == "entity" or self.attributes[f]}

    def _connection(self):
        if self._conn is None:
            self._conn = connect()
        return self._conn

    def people(self) -> Iterator[Person | Skipped]:
        borrowed = self._conn is not None
        conn = self._connection()
        wanted = sorted({a for a in self.attributes.values() if a and a != conf.OU})
        try:
            for dn, attrs in paged_search(conn, self.base, self.filterstr, wanted):
                yield self.person(dn, attrs)
        finally:
            if not borrowed:
                conn.unbind_s()
                self._conn = None

    # -- one entry ----------------------------------------------------------------------------------

    def person(self, dn: str, attrs) -> Person | Skipped:
        attr = self.attributes

        def value(field: str) -> str:
            raw = first(attrs, attr[field])
            return text(raw) if raw is not None else ""

        raw_id = first(attrs, attr["external_id"])
        if raw_id is None:
            return Skipped(dn, "no_identifier")
        external_id = identifier(raw_id)
        email = value("email").lower()
        if not email or "@" not in email:
            return Skipped(dn, "no_email", external_id)
        directorate = self._directorate(dn, attrs)
        if directorate is None:
            return Skipped(dn, "no_directorate", external_id)
        code, name = directorate
        last_name = value("last_name") or email.split("@")[0]
        return Person(
            external_id=external_id,
            email=email,
            first_name=value("first_name"),
            last_name=last_name,
            directorate_code=code,
            directorate_name=name,
            entity_name=value("entity") if attr["entity"] else "",
            entity_code=value("entity_code") if attr["entity_code"] else "",
            job_title=value("job_title") if attr["job_title"] else "",
            phone=value("phone") if attr["phone"] else "",
            manager_ref=normalise_dn(value("manager")) if attr["manager"] and value("manager") else "",
            username=value("username") if attr["username"] else "",
            dn=normalise_dn(dn),
            active=not is_disabled(attr["disabled"], first(attrs, attr["disabled"]))
            if attr["disabled"]
            else True,
        )

    def _directorate(self, dn: str, attrs) -> tuple[str, str] | None:
        attr = self.attributes
        if attr["directorate"] != conf.OU:
            raw = first(attrs, attr["directorate"])
            if raw is None or not text(raw):
                return None
            name = text(raw)
            code_raw = first(attrs, attr["directorate_code"]) if attr["directorate_code"] else None
            return (text(code_raw) if code_raw else make_code(name)), name
        # The organisational unit right under the search base.
        rdns = ldap.dn.str2dn(dn)
        lowered = ldap.dn.str2dn(dn.lower())
        depth = len(self._base_rdns)
        if len(rdns) < depth + 2 or (depth and lowered[-depth:] != self._base_rdns):
            return None
        attribute, ou, _flags = rdns[-depth - 1][0]
        if attribute.lower() != "ou":
            return None
        ou_dn = ldap.dn.dn2str(lowered[-depth - 1 :])
        return self._organisational_units().get(ou_dn) or (make_code(ou), ou)

    def _organisational_units(self) -> dict[str, tuple[str, str]]:
        """The directorates' OUs right under the base: their code (the OU's name) and `description`."""
        if self._ous is None:
            conn = self._connection()
            found = conn.search_s(
                self.base, ldap.SCOPE_ONELEVEL, "(objectClass=organizationalUnit)", ["ou", "description"]
            )
            self._ous = {}
            for ou_dn, attrs in found:
                if ou_dn is None:
                    continue
                ou = text(first(attrs, "ou") or ldap.dn.str2dn(ou_dn)[0][0][1])
                description = first(attrs, "description")
                self._ous[ldap.dn.dn2str(ldap.dn.str2dn(ou_dn.lower()))] = (
                    make_code(ou),
                    text(description) if description else ou,
                )
        return self._ous
