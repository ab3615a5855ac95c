"""A throwaway OpenLDAP server (Debian's slapd) shaped like Active Directory, for the tests and
bench/sync_bench.py.

The tree: `dc=aurelia,dc=test`, people under `ou=people` in one organisational unit per directorate
(its `description` is the directorate's name), groups (`groupOfNames`) under `ou=groups`, and a
service account the portal binds with. A small schema adds Active Directory's own attributes
(`sAMAccountName`, `objectGUID`, `department`, `company`, `division`, `userAccountControl`) and
classes (`user`, `computer`) with their Microsoft OIDs, so that the portal's defaults (made for AD)
are the ones under test.
Anonymous users read nothing, as in AD.

No pytest here: the benchmark imports it without the test dependencies.
"""

import base64
import datetime as dt
import socket
import subprocess
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path

BASE_DN = "dc=aurelia,dc=test"
PEOPLE_DN = f"ou=people,{BASE_DN}"
GROUPS_DN = f"ou=groups,{BASE_DN}"
ADMIN_DN = f"cn=admin,{BASE_DN}"
ADMIN_PASSWORD = "admin-secret"  # noqa: S105 - a throwaway test server
SERVICE_DN = f"cn=relais-portail,{BASE_DN}"
SERVICE_PASSWORD = "service-secret"  # noqa: S105

AD_LITE_SCHEMA = """\
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.2 NAME 'objectGUID'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.141 NAME 'department'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.146 NAME 'company'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.261 NAME 'division'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.2.840.113556.1.5.9 NAME 'user' SUP top AUXILIARY
  MAY ( sAMAccountName $ objectGUID $ department $ company $ division $ userAccountControl ) )
objectclass ( 1.2.840.113556.1.3.30 NAME 'computer' SUP top AUXILIARY )
"""

SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include {tmp}/ad-lite.schema
pidfile {tmp}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
{tls}
# Like Active Directory: at most 1,000 entries per plain search, everything page by page.
sizelimit size.soft=1000 size.hard=1000 size.prtotal=unlimited
database mdb
maxsize 1073741824
suffix "{base}"
rootdn "{admin}"
rootpw {admin_password}
directory {tmp}/data
index objectClass eq
index sAMAccountName eq
index member eq
index mail eq
access to attrs=userPassword by anonymous auth by self write by * none
access to * by users read by * none
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def guid_for(login: str) -> bytes:
    """A stable 16-byte objectGUID for a login (AD stores it little-endian; see uuid bytes_le)."""
    return uuid.uuid5(uuid.NAMESPACE_DNS, f"{login}.aurelia.test").bytes_le


def guid_text(login: str) -> str:
    """The GUID as the portal shows it (and stores it in DirectoryRecord.external_id)."""
    return str(uuid.UUID(bytes_le=guid_for(login)))


@dataclass
class Person:
    login: str
    given: str
    surname: str
    directorate: str  # the code of its organisational unit
    department: str = ""
    title: str = ""
    phone: str = ""
    manager: str = ""  # the manager's login
    password: str = ""
    disabled: bool = False
    mail: str = ""

    @property
    def dn(self) -> str:
        return f"cn={self.given} {self.surname},ou={self.directorate},{PEOPLE_DN}"

    @property
    def email(self) -> str:
        if self.mail:
            return self.mail
        local = (
            unicodedata.normalize("NFKD", f"{self.given}.{self.surname}").encode("ascii", "ignore").decode()
        )
        return f"{local}@groupe-aurelia.fr".lower().replace(" ", "-")


@dataclass
class Tree:
    directorates: dict[str, str]  # code -> name (the OU's description)
    people: list[Person]
    groups: dict[str, list[str]] = field(default_factory=dict)  # cn -> member logins or "group:cn"

    def dn_of(self, login: str) -> str:
        return next(p.dn for p in self.people if p.login == login)

    def ldif(self) -> str:
        return "".join(self.iter_ldif())

    def iter_ldif(self):
        yield entry(BASE_DN, objectClass=["dcObject", "organization"], o="Groupe Aurelia", dc="aurelia")
        yield entry(
            SERVICE_DN,
            objectClass=["organizationalRole", "simpleSecurityObject"],
            cn="relais-portail",
            userPassword=SERVICE_PASSWORD,
        )
        yield entry(PEOPLE_DN, objectClass="organizationalUnit", ou="people")
        yield entry(GROUPS_DN, objectClass="organizationalUnit", ou="groups")
        for code, name in self.directorates.items():
            yield entry(f"ou={code},{PEOPLE_DN}", objectClass="organizationalUnit", ou=code, description=name)
        by_login = {p.login: p for p in self.people}
        for person in self.people:
            yield person_entry(person, by_login)
        for cn, members in self.groups.items():
            dns = [f"cn={m[6:]},{GROUPS_DN}" if m.startswith("group:") else by_login[m].dn for m in members]
            yield entry(f"cn={cn},{GROUPS_DN}", objectClass="groupOfNames", cn=cn, member=dns)


def person_entry(person: Person, by_login: dict[str, Person] | None = None) -> str:
    attrs = {
        "objectClass": ["inetOrgPerson", "user"],
        "cn": f"{person.given} {person.surname}",
        "sn": person.surname,
        "givenName": person.given,
        "mail": person.email,
        "sAMAccountName": person.login,
        "objectGUID": guid_for(person.login),
        "userAccountControl": "514" if person.disabled else "512",
    }
    if person.department:
        attrs["department"] = person.department
    if person.title:
        attrs["title"] = person.title
    if person.phone:
        attrs["telephoneNumber"] = person.phone
    if person.manager and by_login and person.manager in by_login:
        attrs["manager"] = by_login[person.manager].dn
    if person.password:
        attrs["userPassword"] = person.password
    return entry(person.dn, **attrs)


def modlist(ldif_entry: str) -> list[tuple[str, list[bytes]]]:
    """An LDIF entry (as `person_entry` writes it) as python-ldap's `add_s` wants its attributes."""
    attrs: dict[str, list[bytes]] = {}
    for line in ldif_entry.strip().splitlines()[1:]:
        name, _sep, value = line.partition(": ")
        if name.endswith(":"):
            name, raw = name[:-1], base64.b64decode(value)
        else:
            raw = value.encode()
        attrs.setdefault(name, []).append(raw)
    return list(attrs.items())


def entry(dn: str, **attrs) -> str:
    lines = [_line("dn", dn)]
    for name, values in attrs.items():
        for value in values if isinstance(values, list) else [values]:
            lines.append(_line(name, value))
    return "\n".join(lines) + "\n\n"


def _line(name: str, value) -> str:
    if isinstance(value, bytes) or not str(value).isascii() or str(value).startswith((" ", ":", "<")):
        raw = value if isinstance(value, bytes) else str(value).encode()
        return f"{name}:: {base64.b64encode(raw).decode()}"
    return f"{name}: {value}"


def tls_files(directory: Path) -> dict[str, Path]:
    """A CA and a server certificate for 127.0.0.1 (StartTLS tests)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def cert(subject, issuer, key, signer, *, ca: bool, san=None):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = cert("Aurelia test CA", "Aurelia test CA", ca_key, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    server = cert(
        "127.0.0.1",
        "Aurelia test CA",
        key,
        ca_key,
        ca=False,
        san=[x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")],
    )
    files = {"ca": directory / "ca.pem", "cert": directory / "server.pem", "key": directory / "server.key"}
    directory.mkdir(parents=True, exist_ok=True)
    files["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files["cert"].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    files["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return files


class Slapd:
    """`Slapd(directory).load(tree).start()`; `.url`; `.stop()`."""

    def __init__(self, directory: Path, *, tls: bool = False):
        self.tmp = directory
        (directory / "data").mkdir(parents=True, exist_ok=True)
        (directory / "ad-lite.schema").write_text(AD_LITE_SCHEMA)
        self.tls = tls_files(directory) if tls else None
        tls_conf = (
            f"TLSCACertificateFile {self.tls['ca']}\nTLSCertificateFile {self.tls['cert']}\n"
            f"TLSCertificateKeyFile {self.tls['key']}"
            if self.tls
            else ""
        )
        self.conf = directory / "slapd.conf"
        self.conf.write_text(
            SLAPD_CONF.format(
                tmp=directory, base=BASE_DN, admin=ADMIN_DN, admin_password=ADMIN_PASSWORD, tls=tls_conf
            )
        )
        self.port = free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def load(self, tree: Tree | str | Path) -> "Slapd":
        """Bulk-load LDIF while the server is stopped (slapadd: much faster than adding over LDAP)."""
        path = tree if isinstance(tree, Path) else self.tmp / "tree.ldif"
        if not isinstance(tree, Path):
            path.write_text(tree.ldif() if isinstance(tree, Tree) else tree, encoding="utf-8")
        command = ["/usr/sbin/slapadd", "-q", "-f", str(self.conf), "-l", str(path)]
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603
        return self

    def start(self) -> "Slapd":
        log = (self.tmp / "slapd.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603
            ["/usr/sbin/slapd", "-f", str(self.conf), "-h", self.url + "/", "-d", "0"], stdout=log, stderr=log
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited: {(self.tmp / 'slapd.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("slapd did not start in 10 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def admin(self):
        """A python-ldap connection bound as the tree's administrator (to change the tree in a test)."""
        import ldap

        conn = ldap.initialize(self.url)
        conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return conn
