"""`insert(objs)`: what `QuerySet.bulk_create(objs)` does for intake's rows, with less work per value.

Intake writes thousands of rows per run (requests of 44 columns, messages, events, receipts). On SQLite,
Django's bulk insert compiles every value through several layers (the expression checks, `pre_save`,
`get_db_prep_save`, a placeholder each) and sends at most 999 parameters per statement: that costs more
than reading the mail. Here each column's conversion is chosen once per call: a value of the plain type
the column stores (text, integer, boolean, bytes, an aware datetime, a date) goes as it is or through the
backend's own adapter, and anything else through the field's `get_db_prep_save` as Django would. The
statements are `INSERT … VALUES (…), … RETURNING id`, as large as SQLite allows.

PostgreSQL keeps Django's `bulk_create`, which already sends a batch as arrays (`UNNEST`).
`tests/requests_box/test_bulk.py` checks that both write the same stored values.
"""

import datetime as dt
import sqlite3

from django.db import connections, models, router, transaction
from django.db.models import Field, Model
from django.db.models.expressions import DatabaseDefault

_MAX_ROWS = 500  # per statement; SQLite's limit on parameters lowers it for wide tables
_AS_IS = {  # column types whose values of these Python types the driver takes unchanged
    models.CharField: str,  # any str: choices' members too, which Django also binds as they are
    models.TextField: str,
    models.EmailField: str,
    models.SlugField: str,
    models.URLField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.BinaryField: bytes,
}


def insert(objs: list[Model], *, ignore_conflicts: bool = False) -> list[Model]:
    """Insert new instances of one model; sets their primary keys, like `bulk_create`. With
    `ignore_conflicts`, rows that would break a unique constraint are skipped and no key is set."""
    if not objs:
        return objs
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    pk = meta.pk
    if (
        connection.vendor != "sqlite"
        or not connection.features.can_return_rows_from_bulk_insert
        or not isinstance(pk, models.AutoField)
        or any(obj.pk is not None for obj in objs)
    ):
        return model._default_manager.using(alias).bulk_create(objs, ignore_conflicts=ignore_conflicts)
    fields = [f for f in meta.concrete_fields if f is not pk and not f.generated]
    converters = [_converter(field, connection) for field in fields]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
    head = f"{verb} INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 - quoted model names
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(_MAX_ROWS, _parameter_limit(connection) // len(fields)))
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            values = [convert(obj) for obj in batch for convert in converters]
            if ignore_conflicts:  # which rows were skipped is not told: no keys, as with bulk_create
                cursor.execute(f"{head}{', '.join([row] * len(batch))}", values)
                continue
            cursor.execute(f"{head}{', '.join([row] * len(batch))} RETURNING {quote(pk.column)}", values)
            for obj, (value,) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = value
                obj._state.adding = False
                obj._state.db = alias
    return objs


def _parameter_limit(connection) -> int:
    connection.ensure_connection()
    try:
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, sqlite3.Error):  # older Python: the limit Django assumes
        return connection.features.max_query_params


def _converter(field: Field, connection):
    """obj -> the value to bind for `field`, as `bulk_create` would compute it."""
    attname = field.attname

    def by_django(obj):
        value = field.pre_save(obj, True)
        if isinstance(value, DatabaseDefault):
            value = field.db_default
        return field.get_db_prep_save(value, connection)

    if type(field).pre_save is not Field.pre_save and not isinstance(field, models.DateField):
        return by_django  # file fields save their file; custom fields their own ways
    if isinstance(field, models.ForeignKey):
        plain = _AS_IS.get(type(field.target_field), None)
        if type(field.target_field) in (models.AutoField, models.BigAutoField, models.SmallAutoField):
            plain = int
    else:
        plain = _AS_IS.get(type(field))
    if plain is str:

        def text(obj):
            value = obj.__dict__[attname]
            return value if value is None or isinstance(value, str) else by_django(obj)

        return text
    if plain is not None:

        def as_is(obj):
            value = obj.__dict__[attname]
            return value if value is None or type(value) is plain else by_django(obj)

        return as_is
    if type(field) in (models.DateTimeField, models.DateField) and not (field.auto_now or field.auto_now_add):
        if type(field) is models.DateTimeField:  # aware datetimes only: Django warns on naive ones
            adapt, kind = connection.ops.adapt_datetimefield_value, dt.datetime
        else:
            adapt, kind = connection.ops.adapt_datefield_value, dt.date

        def moment(obj):
            value = obj.__dict__[attname]
            if value is None:
                return None
            if type(value) is kind and (kind is dt.date or value.tzinfo is not None):
                return adapt(value)
            return by_django(obj)

        return moment
    return by_django
