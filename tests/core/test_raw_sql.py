"""No raw SQL in the platform outside core/database.py: raw SQL cannot be filtered to the
current tenant (core/tenancy.py refuses it at run time when it names a tenant table; this
finds it before it runs). The migrations live outside platform/."""

import ast
from pathlib import Path

import pytest

PLATFORM = Path(__file__).resolve().parents[2] / "platform"
ALLOWED = {PLATFORM / "solidarna" / "core" / "database.py"}
RAW_SQL_BUILDERS = {"text", "literal_column"}
SQLALCHEMY_MODULES = ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.sql.expression")


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def raw_sql_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for each raw-SQL construct in `source`."""
    tree = ast.parse(source)
    builders: set[str] = set()  # local names of sqlalchemy's text / literal_column
    modules = {"db"}  # Flask-SQLAlchemy's `db` passes sqlalchemy's names through
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in SQLALCHEMY_MODULES:
            builders |= {a.asname or a.name for a in node.names if a.name in RAW_SQL_BUILDERS}
        elif isinstance(node, ast.Import):
            modules |= {
                a.asname or a.name.split(".")[0]
                for a in node.names
                if a.name.split(".")[0] == "sqlalchemy"
            }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"exec_driver_sql", "raw_connection"}:
            found.append((node.lineno, node.attr))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in builders:
            found.append((node.lineno, f"{func.id}()"))
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in RAW_SQL_BUILDERS
            and _root_name(func.value) in modules
        ):
            found.append((node.lineno, f"{ast.unparse(func)}()"))
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in {"execute", "scalar", "scalars", "exec_driver_sql"}
            and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Attribute)
            and func.value.func.attr == "connection"
        ):
            found.append((node.lineno, f".connection().{func.attr}()"))
    return sorted(set(found))


@pytest.mark.parametrize(
    "source",
    [
        "from sqlalchemy import text\ndb.session.execute(text('SELECT 1'))",
        "from sqlalchemy import text as sql\nsql('x')",
        "from sqlalchemy.sql.expression import literal_column\nliteral_column('a.b')",
        "import sqlalchemy as sa\nsa.text('x')",
        "import sqlalchemy\nsqlalchemy.sql.expression.literal_column('x')",
        "db.text('x')",
        "conn.exec_driver_sql('x')",
        "db.session.connection().execute(stmt)",
        "db.engine.raw_connection()",
    ],
)
def test_the_scan_finds_raw_sql(source):
    assert raw_sql_uses(source)


@pytest.mark.parametrize(
    "source",
    [
        "def _text(x): ...\n_text('a')",
        "response.text('x')\nelement.text()",
        "from markupsafe import Markup\nMarkup(text)",
        "import sqlalchemy as sa\nsa.select(sa.func.count())\nsa.literal('x')",
        "from wtforms import TextAreaField\ntext = TextAreaField()\ntext.data",
        "text(value)  # a local function, not sqlalchemy's",
    ],
)
def test_the_scan_ignores_ordinary_names(source):
    assert raw_sql_uses(source) == []


def test_no_raw_sql_in_the_platform_outside_core_database():
    offenders = [
        f"{path.relative_to(PLATFORM)}:{line}: {what}"
        for path in sorted(PLATFORM.rglob("*.py"))
        if path not in ALLOWED
        for line, what in raw_sql_uses(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "raw SQL outside core/database.py:\n" + "\n".join(offenders)


def test_core_database_is_where_the_raw_sql_is():
    # The exception above is real: the health probe's SELECT 1 lives there.
    assert raw_sql_uses((PLATFORM / "solidarna" / "core" / "database.py").read_text())
