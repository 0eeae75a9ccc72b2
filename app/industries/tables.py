from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table


class Industry(Table, tablename="industry"):
    """产业: an industry households are linked through (crayfish-rice, soybean, ...)."""

    code = Varchar(length=40, null=False, unique=True)
    name_zh = Varchar(length=40, null=False)
    name_en = Varchar(length=80, null=False)
    unit = Varchar(length=20, null=False)  # what quantities are counted in: mu, head, ...
    created_at = Timestamptz(null=False)
