"""Declarative aggregate definitions: a family of rows, scopes (subsets of those rows) and measures.

A definition is data, not code: the same definitions are turned into one SQL query per table, run by DuckDB on
one machine (`training.features.aggregates`) and by Spark SQL beyond it (`training.features.spark`), and into the
plain-language descriptions shown to a relationship manager. Adding a feature means adding a measure, never
writing a new query. The SQL of the definitions keeps to what both engines read alike: a ratio divides a
DOUBLE (DuckDB would divide two FLOAT columns in single precision, Spark in double), and a share averages
integers (Spark averages a DECIMAL literal such as 1.0 as a DECIMAL rounded to 5 places).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

# how each engine quotes an identifier (Spark reads "x" as a string literal)
QUOTES: dict[str, str] = {"duckdb": '"', "spark": "`"}

# stat -> (SQL aggregate over the measure, name suffix, French, English)
STATS: dict[str, tuple[str, str, str, str]] = {
    "mean": ("AVG({x})", "MEAN", "Moyenne", "Mean"),
    "min": ("MIN({x})", "MIN", "Minimum", "Minimum"),
    "max": ("MAX({x})", "MAX", "Maximum", "Maximum"),
    "sum": ("SUM({x})", "SUM", "Total", "Total"),
    "std": ("STDDEV_SAMP({x})", "STD", "Dispersion (écart-type)", "Spread (standard deviation)"),
    # over a 0/1 indicator
    "count": ("SUM({x})", "COUNT", "Nombre", "Number"),
    "share": ("AVG({x})", "SHARE", "Part", "Share"),
    "nunique": ("COUNT(DISTINCT {x})", "NUNIQUE", "Nombre distinct", "Number of distinct"),
}
# On Spark a mean is the sum over the count of the same rows ({f}: the scope's FILTER, repeated on both): Spark
# gives each aggregate its own buffers, so AVG(x) beside SUM(x) (a `sum` or `count` stat) summed the same values
# twice, whereas identical aggregates are computed once. Spark's AVG divides the same double sum by the same
# count: the values are identical (docs/benchmarks.md, issue 16, sixth pass).
SPARK_STATS: dict[str, str] = {
    "mean": "SUM({x}){f} / COUNT({x})",
    "share": "SUM({x}){f} / COUNT({x})",
}


@dataclass(frozen=True)
class Measure:
    """A per-row value (a column or an SQL expression of the family's source) and the stats taken over it."""

    name: str
    stats: tuple[str, ...]
    fr: str
    en: str
    sql: str | None = None  # defaults to the column called `name`

    @property
    def expression(self) -> str:
        return self.sql or self.name


class Words(NamedTuple):
    """How a column's values are called, in French and in English."""

    fr: str
    en: str


Labels = dict[str, Words]  # a source table's column -> the words for its values


def measures(labels: Labels, *items: tuple) -> tuple[Measure, ...]:
    """A scope's measures, worded from its source table's one label table: each item is (column, stats), or
    (column, stats, Words(French, English)) where the scope says it otherwise."""
    out = []
    for name, stats, *words in items:
        fr, en = words[0] if words else labels[name]
        out.append(Measure(name, tuple(stats), fr, en))
    return tuple(out)


@dataclass(frozen=True)
class Scope:
    """A subset of the family's rows (all rows when `where` is None), with its own measures.

    `rows_fr` / `rows_en` name the rows in the plural ("crédits en cours déclarés au bureau de crédit"):
    they end every description of the scope's features and make its row count's description.
    """

    name: str
    where: str | None
    rows_fr: str
    rows_en: str
    measures: tuple[Measure, ...]
    count: bool = True  # emit <prefix>[_<scope>]_COUNT, 0 for a client without rows


@dataclass(frozen=True)
class Family:
    """Rows of one secondary table (possibly joined or pre-aggregated) summarised per client.

    `source` is an SQL query over the registered tables returning SK_ID_CURR and every column the measures
    use; `{clients}` in it is replaced by the registered relation of the client ids asked for.
    """

    prefix: str
    tables: dict[str, tuple[str, ...]]  # table attribute -> columns read
    source: str
    scopes: tuple[Scope, ...]

    def feature_name(self, scope: Scope, measure: Measure | None, stat: str | None) -> str:
        parts = [self.prefix, scope.name] if scope.name else [self.prefix]
        if measure is None:
            return "_".join([*parts, "COUNT"])
        assert stat is not None
        return "_".join([*parts, measure.name, STATS[stat][1]])

    def columns(self, dialect: str = "duckdb") -> list[tuple[str, str, str, str, bool]]:
        """(feature name, SQL aggregate, French, English, is a row count) for every feature of the family, the
        aggregates in the SQL of `dialect` (`spark_aggregate` says how Spark's differ)."""
        out = []
        for number, scope in enumerate(self.scopes):
            condition = f" FILTER (WHERE {scope_condition(scope, number, dialect)})" if scope.where else ""
            if scope.count:
                out.append(
                    (
                        self.feature_name(scope, None, None),
                        f"COUNT(*){condition}",
                        f"Nombre de {scope.rows_fr}",
                        f"Number of {scope.rows_en}",
                        True,
                    )
                )
            for measure in scope.measures:
                for stat in measure.stats:
                    sql, _suffix, stat_fr, stat_en = STATS[stat]
                    if dialect == "spark":
                        sql = SPARK_STATS.get(stat, sql)
                    out.append(
                        (
                            self.feature_name(scope, measure, stat),
                            sql.replace("{f}", condition).format(x=measure.expression) + condition,
                            f"{stat_fr} : {measure.fr} ({scope.rows_fr})",
                            f"{stat_en}: {measure.en} ({scope.rows_en})",
                            False,
                        )
                    )
        return out

    def query(self, dialect: str = "duckdb") -> str:
        """The family's one aggregation query, per client, in the SQL of `dialect` ("duckdb" or "spark")."""
        q = QUOTES[dialect]
        selects = ",\n  ".join(
            f"CAST({sql} AS FLOAT) AS {q}{name}{q}" for name, sql, *_ in self.columns(dialect)
        )
        source = self.source
        flags = [
            f"({scope.where}) AS {scope_condition(scope, number, dialect)}"
            for number, scope in enumerate(self.scopes)
            if scope.where and dialect == "spark"
        ]
        if flags:
            source = f"SELECT *, {', '.join(flags)} FROM ({source}) AS source_rows"
        return f"SELECT SK_ID_CURR,\n  {selects}\nFROM ({source}) AS rows\nGROUP BY SK_ID_CURR"


def scope_condition(scope: Scope, number: int, dialect: str) -> str:
    """The condition of a scope's aggregates: its `where` (DuckDB), or on Spark a column of the rows computed once
    from it (`Family.query`): Spark evaluates an aggregate's FILTER again for every aggregate of the scope."""
    assert scope.where is not None
    return f"SCOPE_{number}_ROW" if dialect == "spark" else scope.where
