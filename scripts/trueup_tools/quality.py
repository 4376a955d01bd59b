"""`trueup check`: a Great Expectations checkpoint over the finance marts, run after a build.

It complements the dbt tests (keys, nulls, signs, accepted values and the seeds' reference
rules, inside the build) with what dbt does not check: figures recomputed row by row in exact
decimals across columns (amount_variance = billed - expected, expected amounts from their
discount, post-close deltas, the ledger's entry type from the sign of its amount), bounds
between columns and against the build's as_of (nothing dated after as_of, segments inside
their period), freshness of the newest usage, and a second look at the append-only books
(`fct_variance_at_close`, `fct_post_close_deltas`, `fct_adjustment_ledger`: statuses, ISO
currency codes, hash digests, booked_at order) after they were written, which no dbt test
covers. Beyond one row at a time (figures from `quality_history`, thresholds settable with
`--threshold NAME=VALUE`):

- volume against history (fct_usage_daily): a tenant x meter's daily records against the
  median of its previous days, the whole day's accepted records and its duplicate and
  quarantine rates against the trailing days, and no day without usage;
- reconciliation between marts: fct_usage_daily against the daily rollup it is built from,
  the variance's billed figures against fct_billed_charges and back, and the ledger's
  outstanding_after against the running sum of its entries;
- freshness of the sources: the newest ingested_at of accepted usage and the newest
  export_date of the billing exports against as_of.

Expectations left to dbt (GX ran them too until they were found to re-check a dbt test; each
property holds because the column is copied from a seed whose dbt test guarantees it):

- fct_usage_daily.aggregation in (sum, count, max): seeds/_seeds.yml, meters.aggregation
  `seed_value_in` [sum, count, max] (fct_usage_daily takes aggregation from the meters seed);
- fct_expected_charges.pricing_model in the four models: seeds/_seeds.yml,
  contract_rates.pricing_model `seed_value_in` [per_unit, graduated, volume, package];
- fct_expected_charges.discount_pct in [0, 100]: seeds/_seeds.yml, contracts.discount_pct
  `seed_value_in_range` [0, 100];
- fct_expected_charges.contract_version >= 1: seeds/_seeds.yml, contracts
  `contract_versions_are_consecutive` (versions are 1..n);
- fct_trueup_variance.tolerance >= 0: seeds/_seeds.yml, reconciliation_tolerances.abs_tolerance
  and .pct_tolerance `seed_value_in_range` (min 0; tolerance is the greater of the two bounds);
- fct_trueup_variance.auto_adjust_limit >= 0: seeds/_seeds.yml,
  reconciliation_tolerances.auto_adjust_limit `seed_value_in_range` (min 0).

(The live variance's status has no GX expectation: `accepted_values` on
fct_trueup_variance.status in models/marts/finance/_finance__models.yml owns it.)

How it runs (GX Core 1.x, see TOOLCHAIN.md): the marts are read through a read-only DuckDB
connection into pandas (DECIMAL columns stay Python `Decimal`s), then an ephemeral GX context
validates them — a pandas datasource with one asset and whole-dataframe batch definition per
mart, one expectation suite and validation definition per mart, one checkpoint. The Data Docs
are static pages of ours written from the validation results (`quality_docs`): GX's own site
loads its scripts and styles from CDNs. The expectations live in this module: nothing GX
generates is kept under version control.

Exit codes: 0 every expectation passed; 1 at least one failed (a summary names each); 2 the
check could not run (no warehouse, a build holds it, as_of unknown or invalid, a mart
missing, a docs folder that trueup did not write).
"""

from __future__ import annotations

import argparse
import calendar
import dataclasses
import datetime as dt
import logging
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from trueup_tools import PROJECT_DIR, quality_docs, quality_history, warehouse
from trueup_tools.quality_history import Thresholds
from trueup_tools.runner import warehouse_path
from trueup_tools.sample.billing_records import STATUSES

if TYPE_CHECKING:  # imported lazily at run time: `import great_expectations` takes seconds
    import pandas as pd
    from great_expectations.checkpoint.checkpoint import CheckpointResult
    from great_expectations.expectations import Expectation

CHECKPOINT_NAME = "trueup_finance_marts"
DEFAULT_DOCS_DIR = PROJECT_DIR / "target" / "gx_docs"
DEFAULT_MAX_USAGE_AGE_DAYS = 7
# The project's default max_clock_skew_minutes: a producer clock may run this far ahead of
# ingested_at, so usage can be dated up to this long after as_of.
CLOCK_SKEW = dt.timedelta(minutes=5)
EXAMPLES = 5
ROW_KEY = "row_key"

# Key columns of each mart (its grain), in the order rows are read and shown.
MART_KEYS: dict[str, tuple[str, ...]] = {
    "fct_usage_daily": ("usage_date", "tenant_id", "meter"),
    "fct_expected_charges": (
        "period_start",
        "tenant_id",
        "meter",
        "contract_id",
        "contract_version",
    ),
    "fct_billed_charges": ("period_start", "tenant_id", "meter"),
    "fct_trueup_variance": ("period_start", "tenant_id", "meter"),
    "fct_variance_at_close": ("period_start", "tenant_id", "meter"),
    "fct_post_close_deltas": ("period_start", "tenant_id", "meter"),
    "fct_adjustment_ledger": ("entry_id",),
}

# Allowed values, from SPEC.md and the models' YAML.
# variance statuses: STATUSES of trueup_tools.sample.billing_records (the SPEC list, in order)
DELTA_STATUSES = ("added", "removed", "modified")
ENTRY_TYPES = ("rebill", "credit_memo")
APPROVALS = ("auto", "review")
LEDGER_REASONS = ("variance_at_close", "billing_correction", "contract_change", "late_usage")
# Active ISO 4217 currency codes (funds, precious metals and testing codes left out).
_ISO_4217_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS
    TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF
    YER ZAR ZMW ZWG ZWL
"""
ISO_4217 = tuple(_ISO_4217_CODES.split())
# fct_billed_charges.currency lists the billed currencies, comma-separated when several.
CURRENCY_LIST = r"^[A-Z]{3}(?:,[A-Z]{3})*$"
SHA256_HEX = r"^[0-9a-f]{64}$"


class CheckError(Exception):
    """The check cannot run (exit 2); the message says why and what to do."""


# ---------------------------------------------------------------------------------------------
# as_of and the freshness window


@dataclass(frozen=True)
class Window:
    """What freshness and history are checked against: the build's as_of (UTC, naive), how
    stale the newest usage may be (None: not checked) and the other checks' thresholds."""

    as_of: dt.datetime
    max_usage_age_days: int | None = DEFAULT_MAX_USAGE_AGE_DAYS
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def as_of_period(self) -> dt.date:
        """The billing period (calendar month) that contains as_of."""
        return self.as_of.date().replace(day=1)

    @property
    def last_usage_date(self) -> dt.date:
        """The latest usage_date a build at as_of can see (as_of + the tolerated clock skew)."""
        return (self.as_of + CLOCK_SKEW).date()

    @property
    def last_complete_day(self) -> dt.date:
        """The newest usage day the history checks look at: the day before as_of's (the day
        of as_of is still filling)."""
        return self.as_of.date() - dt.timedelta(days=1)

    @property
    def oldest_newest_usage_date(self) -> dt.date | None:
        """The newest usage must be on or after this date (None: not checked)."""
        if self.max_usage_age_days is None:
            return None
        return self.as_of.date() - dt.timedelta(days=self.max_usage_age_days)


def parse_as_of(text: str) -> dt.datetime:
    """A date or timestamp (no offset = UTC; `Z` or ±HH:MM accepted) as a naive UTC datetime."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError as error:
        raise CheckError(
            f"Invalid --as-of {text!r}: expected a date (YYYY-MM-DD) or a UTC timestamp "
            "(YYYY-MM-DD HH:MM:SS, optional Z or +HH:MM)."
        ) from error
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def recorded_as_of(con: duckdb.DuckDBPyConnection) -> dt.datetime:
    """The as_of of the newest build that rebuilt the variance (newest row of ops.fct_build_log,
    which every such build records, replays included; in a warehouse not rebuilt since the
    rename of issue 20 ops.build_log, and ops.ledger_heads in one built before the build log
    existed)."""
    rows: list = []
    for query in (
        "select as_of from ops.fct_build_log order by recorded_at desc, as_of desc limit 1",
        "select as_of from ops.build_log order by recorded_at desc, as_of desc limit 1",
        "select as_of from ops.ledger_heads order by recorded_at desc limit 1",
    ):
        try:
            rows = con.execute(query).fetchall()
        except duckdb.CatalogException:
            continue
        if rows:
            break
    if not rows or rows[0][0] is None:
        raise CheckError(
            "Cannot tell the build's as_of: ops.fct_build_log has no row (no build yet). "
            "Pass --as-of with the as_of of the build."
        )
    return rows[0][0]


# ---------------------------------------------------------------------------------------------
# Reading the marts


def _show(value: Any) -> str:
    """A value as finance reads it: exact decimals without trailing zeros, ISO dates."""
    if value is None or (isinstance(value, float) and value != value):
        return "null"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_mart(con: duckdb.DuckDBPyConnection, mart: str) -> pd.DataFrame:
    """finance.<mart> ordered by its key, as a DataFrame whose DECIMAL columns hold Decimals.

    (DuckDB's `.df()` would turn DECIMAL into float64; fetchall keeps exact values.)
    """
    import pandas as pd

    order = ", ".join(MART_KEYS[mart])
    try:
        cursor = con.execute(f"select * from finance.{mart} order by {order}")
    except duckdb.CatalogException as error:
        raise CheckError(
            f"finance.{mart} is missing from the warehouse: run a full build first."
        ) from error
    columns = [description[0] for description in cursor.description]
    frame = pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    frame[ROW_KEY] = [
        " ".join(_show(value) for value in key)
        for key in zip(*(frame[column] for column in MART_KEYS[mart]), strict=True)
    ]
    return frame


def read_marts(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every checked mart, keyed by name."""
    return {mart: read_mart(con, mart) for mart in MART_KEYS}


# ---------------------------------------------------------------------------------------------
# Figures recomputed in Python, in exact decimals, for the expectations to compare against


@contextmanager
def _exact() -> Iterator[None]:
    """Decimal arithmetic wide enough for DECIMAL(38, s) operands: no rounding on the way."""
    with localcontext() as context:
        context.prec = 100
        yield


def _difference(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


def _difference_missing_zero(a: Decimal | None, b: Decimal | None) -> Decimal:
    return (a or Decimal(0)) - (b or Decimal(0))


def discounted(amount: Decimal, discount_pct: Decimal | None) -> Decimal:
    """round(amount * (1 - discount_pct / 100), 2), half away from zero (SPEC: Pricing)."""
    with _exact():
        exact = amount * (Decimal(100) - (discount_pct or Decimal(0))) / Decimal(100)
        return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def percentage(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator * 100 to 4 decimals, half away from zero; None when it is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    with _exact():
        return (numerator * 100 / denominator).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _next_month(day: dt.date) -> dt.date:
    days = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1) + dt.timedelta(days=days)


def _entry_type_of(amount: Decimal | None) -> str:
    if amount is None or amount == 0:
        return "no entry type: amount is 0"
    return "rebill" if amount > 0 else "credit_memo"


def _pairwise(frame: pd.DataFrame, a: str, b: str, how: Callable) -> list:
    with _exact():
        return [how(x, y) for x, y in zip(frame[a], frame[b], strict=True)]


def add_cross_mart_columns(
    frames: dict[str, pd.DataFrame], sources: quality_history.Sources, window: Window
) -> None:
    """Add the columns of the history, reconciliation and freshness expectations."""
    quality_history.add_usage_columns(
        frames["fct_usage_daily"], sources, window.last_complete_day, window.thresholds
    )
    quality_history.add_billed_columns(
        frames["fct_billed_charges"], frames["fct_trueup_variance"], sources
    )
    quality_history.add_ledger_columns(frames["fct_adjustment_ledger"])


def add_recomputed_columns(frames: dict[str, pd.DataFrame]) -> None:
    """Add the `recomputed_*` columns the pair expectations compare with the marts' own."""
    for mart in ("fct_trueup_variance", "fct_variance_at_close"):
        frame = frames[mart]
        frame["recomputed_amount_variance"] = _pairwise(
            frame, "billed_amount", "expected_amount", _difference
        )
        frame["recomputed_quantity_variance"] = _pairwise(
            frame, "billed_quantity", "metered_quantity", _difference
        )
        frame["recomputed_variance_pct"] = _pairwise(
            frame, "amount_variance", "expected_amount", percentage
        )
    charges = frames["fct_expected_charges"]
    charges["recomputed_expected_amount"] = _pairwise(
        charges, "amount_before_discount", "discount_pct", discounted
    )
    charges["period_end"] = [_next_month(day) for day in charges["period_start"]]
    deltas = frames["fct_post_close_deltas"]
    for measure in ("expected_amount", "billed_amount", "metered_quantity"):
        deltas[f"recomputed_{measure}_delta"] = _pairwise(
            deltas, f"current_{measure}", f"closed_{measure}", _difference_missing_zero
        )
    ledger = frames["fct_adjustment_ledger"]
    ledger["entry_type_from_amount"] = [_entry_type_of(amount) for amount in ledger["amount"]]


# ---------------------------------------------------------------------------------------------
# Expectations, per mart. Each carries its description: Data Docs and the failure summary
# show these words.


def _in_set(column: str, values: Iterable[str], words: str) -> Expectation:
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeInSet(
        column=column, value_set=sorted(values), description=words
    )


def _at_least(column: str, minimum: Any, words: str) -> Expectation:
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=minimum, description=words)


def _at_most(column: str, maximum: Any, words: str) -> Expectation:
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeBetween(column=column, max_value=maximum, description=words)


def _equal(column: str, recomputed: str, words: str) -> Expectation:
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnPairValuesToBeEqual(
        column_A=column, column_B=recomputed, description=words
    )


def _not_less(column_a: str, column_b: str, words: str) -> Expectation:
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=column_a, column_B=column_b, or_equal=True, description=words
    )


def _pair_at_least(column: str, bound: str, words: str) -> Expectation:
    """column >= bound on every row where both are set (a row without a bound is not
    checked: too little history)."""
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=column,
        column_B=bound,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        description=words,
    )


def _pair_at_most(column: str, bound: str, words: str) -> Expectation:
    """column <= bound on every row where both are set (see `_pair_at_least`)."""
    return _pair_at_least(bound, column, words)


def _iso_currency(column: str) -> Expectation:
    return _in_set(column, ISO_4217, f"{column} is an active ISO 4217 currency code")


def usage_daily_expectations(window: Window) -> list[Expectation]:
    import great_expectations.expectations as gxe

    checks = [
        _at_least("event_count", 1, "event_count is at least 1 (a row is a day with events)"),
        _not_less("event_count", "late_event_count", "late_event_count is at most event_count"),
        _not_less(
            "event_count",
            "clock_skew_corrected_count",
            "clock_skew_corrected_count is at most event_count",
        ),
        _at_most(
            "usage_date",
            window.last_usage_date,
            f"usage_date is on or before {window.last_usage_date} "
            f"(as_of {window.as_of:%Y-%m-%d %H:%M:%S} + clock skew): nothing after as_of",
        ),
    ]
    oldest = window.oldest_newest_usage_date
    if oldest is not None:
        checks.append(
            gxe.ExpectColumnMaxToBeBetween(
                column="usage_date",
                min_value=oldest,
                description=(
                    f"the newest usage_date is on or after {oldest} "
                    f"(at most {window.max_usage_age_days} days before as_of): usage is fresh"
                ),
            )
        )
    return checks + _usage_reconciliation() + _usage_history(window) + _ingest_freshness(window)


def _usage_reconciliation() -> list[Expectation]:
    """fct_usage_daily against the daily rollup it is built from."""
    import great_expectations.expectations as gxe

    rollup = "intermediate.int_usage_daily_rolled_up"
    return [
        *(
            _equal(
                column,
                f"rollup_{column}",
                f"{column} = the daily rollup's ({rollup}) for the tenant, meter and day",
            )
            for column in ("quantity", "event_count")
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="rollup_rows_missing_here",
            max_value=0,
            description=f"every row of the daily rollup ({rollup}) is in fct_usage_daily "
            "(the count of rollup rows missing here is 0)",
        ),
    ]


def _usage_history(window: Window) -> list[Expectation]:
    """Volume against history, on the complete days (before as_of's day)."""
    import great_expectations.expectations as gxe

    t = window.thresholds
    history = f"the previous {t.history_days} days (at least {t.min_history_days} of them)"
    day = "(a figure of the whole day, on its first row)"
    return [
        _pair_at_most(
            "event_count",
            "event_count_high",
            f"a tenant x meter's day has at most {t.key_volume_factor} x the median daily "
            f"records of {history}, or {t.key_volume_floor}, whichever is more: volume "
            "against history",
        ),
        _pair_at_most(
            "day_accepted_records",
            "day_records_high",
            f"the day's accepted records are at most {t.day_volume_factor} x the median of "
            f"{history}: volume against history {day}",
        ),
        _pair_at_least(
            "day_accepted_records",
            "day_records_low",
            f"the day's accepted records are at least the median of {history} / "
            f"{t.day_volume_factor}: volume against history {day}",
        ),
        *(
            _pair_at_most(
                f"day_{kind}_pct",
                f"day_{kind}_pct_high",
                f"the day's {kind} rate (% of its {records}) is at most the median rate of "
                f"{history} + {t.rate_rise_points} points (days of at least "
                f"{t.min_day_records} records) {day}",
            )
            for kind, records in (
                ("duplicate", "accepted records and duplicates"),
                ("quarantine", "landed records"),
            )
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="days_since_previous_usage_day",
            min_value=1,
            max_value=t.max_usage_gap_days,
            description=f"at most {t.max_usage_gap_days} day(s) from one usage day to the "
            f"next up to {window.last_complete_day}: no day without usage {day}",
        ),
    ]


def _ingest_freshness(window: Window) -> list[Expectation]:
    import great_expectations.expectations as gxe

    hours = window.thresholds.max_ingest_age_hours
    if hours is None:
        return []
    oldest = window.as_of - dt.timedelta(hours=hours)
    return [
        gxe.ExpectColumnMaxToBeBetween(
            column="last_ingested_at",
            min_value=oldest,
            description=f"the newest accepted usage was ingested on or after "
            f"{_show(oldest)} (at most {hours} hours before as_of): ingestion is fresh",
        )
    ]


def expected_charges_expectations(window: Window) -> list[Expectation]:
    return [
        _iso_currency("currency"),
        _equal(
            "expected_amount",
            "recomputed_expected_amount",
            "expected_amount = round(amount_before_discount * (1 - discount_pct / 100), 2), "
            "half away from zero (recomputed per row in exact decimals)",
        ),
        _not_less("segment_start", "period_start", "segment_start is in its period"),
        _not_less("period_end", "segment_end", "segment_end is at most the period's end"),
        _at_most(
            "period_start",
            window.as_of_period,
            f"period_start is at most {window.as_of_period}, the period of as_of",
        ),
    ]


def billed_charges_expectations(window: Window) -> list[Expectation]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToMatchRegex(
            column="currency",
            regex=CURRENCY_LIST,
            description="currency is upper-case 3-letter codes, comma-separated when several",
        ),
        _at_least("line_count", 1, "line_count is at least 1 (a row is billed lines)"),
        _at_least("correction_line_count", 0, "correction_line_count is not negative"),
        _not_less(
            "line_count", "correction_line_count", "correction_line_count is at most line_count"
        ),
        _at_most(
            "period_start",
            window.as_of_period,
            f"period_start is at most {window.as_of_period}, the period of as_of",
        ),
        _equal(
            "billed_amount",
            "variance_billed_amount",
            "billed_amount = fct_trueup_variance's billed_amount for the key (every billed key "
            "of a reported period has its variance row)",
        ),
        *_export_freshness(window),
    ]


def _export_freshness(window: Window) -> list[Expectation]:
    import great_expectations.expectations as gxe

    days = window.thresholds.max_export_age_days
    if days is None:
        return []
    oldest = window.as_of.date() - dt.timedelta(days=days)
    return [
        gxe.ExpectColumnMaxToBeBetween(
            column="last_export_date",
            min_value=oldest,
            description=f"the newest billing export is dated on or after {oldest} (at most "
            f"{days} days before as_of): billing is fresh",
        )
    ]


def _variance_figures() -> list[Expectation]:
    """Row-level arithmetic shared by the live and the frozen variance rows."""
    return [
        _equal(
            "amount_variance",
            "recomputed_amount_variance",
            "amount_variance = billed_amount - expected_amount (recomputed per row in exact "
            "decimals)",
        ),
        _equal(
            "quantity_variance",
            "recomputed_quantity_variance",
            "quantity_variance = billed_quantity - metered_quantity (recomputed per row)",
        ),
        _equal(
            "variance_pct",
            "recomputed_variance_pct",
            "variance_pct = amount_variance / expected_amount * 100 to 4 decimals, "
            "empty when expected_amount is 0 (recomputed per row)",
        ),
        _iso_currency("currency"),
        _at_least("expected_amount", 0, "expected_amount is not negative"),
    ]


def trueup_variance_expectations(window: Window) -> list[Expectation]:
    import great_expectations.expectations as gxe

    return [
        *_variance_figures(),
        _at_least("metered_quantity", 0, "metered_quantity is not negative"),
        _at_most(
            "period_start",
            window.as_of_period,
            f"period_start is at most {window.as_of_period}, the period of as_of",
        ),
        gxe.ExpectColumnMaxToBeBetween(
            column="period_start",
            min_value=window.as_of_period,
            max_value=window.as_of_period,
            description=f"the period of as_of ({window.as_of_period}) is reported",
        ),
        _equal(
            "billed_amount",
            "billed_charges_amount",
            "billed_amount = fct_billed_charges' billed_amount for the key (0 when nothing is "
            "billed)",
        ),
        _equal(
            "billed_quantity",
            "billed_charges_quantity",
            "billed_quantity = fct_billed_charges' billed_quantity for the key (0 when nothing "
            "is billed or the billed lines have no quantity)",
        ),
    ]


def variance_at_close_expectations(window: Window) -> list[Expectation]:
    return [
        *_variance_figures(),
        _at_least("tolerance", 0, "tolerance is not negative"),
        _in_set("status", STATUSES, f"status is one of {', '.join(STATUSES)}"),
        _not_less("closed_at", "watermark_at", "closed_at is not before the period's watermark"),
    ]


def post_close_deltas_expectations(window: Window) -> list[Expectation]:
    return [
        _in_set("delta_status", DELTA_STATUSES, "delta_status is added, removed or modified"),
        *(
            _in_set(column, STATUSES, f"{column} is one of {', '.join(STATUSES)}")
            for column in ("closed_status", "current_status")
        ),
        _iso_currency("currency"),
        *(
            _equal(
                f"{measure}_delta",
                f"recomputed_{measure}_delta",
                f"{measure}_delta = current - closed {measure} (missing = 0; recomputed per row)",
            )
            for measure in ("expected_amount", "billed_amount", "metered_quantity")
        ),
    ]


def adjustment_ledger_expectations(window: Window) -> list[Expectation]:
    import great_expectations.expectations as gxe

    return [
        _in_set("entry_type", ENTRY_TYPES, "entry_type is rebill or credit_memo"),
        _in_set("approval", APPROVALS, "approval is auto or review"),
        _in_set("reason", LEDGER_REASONS, f"reason is one of {', '.join(LEDGER_REASONS)}"),
        _equal(
            "entry_type",
            "entry_type_from_amount",
            "entry_type agrees with the sign of amount (> 0 rebill, < 0 credit_memo, never 0)",
        ),
        _iso_currency("currency"),
        *(
            gxe.ExpectColumnValuesToMatchRegex(
                column=column, regex=SHA256_HEX, description=f"{column} is a SHA-256 hex digest"
            )
            for column in ("entry_hash", "previous_entry_hash")
        ),
        gxe.ExpectColumnValuesToBeIncreasing(
            column="booked_at",
            strictly=False,
            description="booked_at never decreases in entry_id order (replays book nothing)",
        ),
        _equal(
            "outstanding_after",
            "entries_balance",
            "outstanding_after = the sum of the key's entries so far (in entry_id order): the "
            "ledger's balance is its entries",
        ),
    ]


SUITES: dict[str, Callable[[Window], list[Expectation]]] = {
    "fct_usage_daily": usage_daily_expectations,
    "fct_expected_charges": expected_charges_expectations,
    "fct_billed_charges": billed_charges_expectations,
    "fct_trueup_variance": trueup_variance_expectations,
    "fct_variance_at_close": variance_at_close_expectations,
    "fct_post_close_deltas": post_close_deltas_expectations,
    "fct_adjustment_ledger": adjustment_ledger_expectations,
}


# ---------------------------------------------------------------------------------------------
# Running the checkpoint


@contextmanager
def _quiet_gx() -> Iterator[None]:
    """GX logs and warns about things a reader cannot act on (lossy float conversions for its
    own JSON, pandas internals): keep the command's output to the summary."""
    gx_logger = logging.getLogger("great_expectations")
    previous = gx_logger.level
    gx_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        gx_logger.setLevel(previous)


def _context() -> Any:
    """An ephemeral GX context: in-memory stores, no progress bars, no Data Docs site (the
    pages are ours, see `quality_docs`)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False),
        analytics_enabled=False,
        data_docs_sites={},
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def run_checkpoint(frames: dict[str, pd.DataFrame], window: Window) -> CheckpointResult:
    """Validate every mart's frame against its suite in one checkpoint run.

    A checkpoint hands the same batch parameters to all its validation definitions, so
    dataframe assets (whose frame comes in the batch parameters) would all see one frame.
    Each frame is therefore pickled into a private temporary folder and read by a pickle
    asset of the pandas datasource: the values stay exactly what DuckDB returned (Decimal,
    date), and the folder is removed after the run.
    """
    import great_expectations as gx

    context = _context()
    source = context.data_sources.add_pandas("trueup_warehouse")
    with tempfile.TemporaryDirectory(prefix="trueup-check-") as scratch:
        definitions = []
        for mart, frame in frames.items():
            pickled = Path(scratch) / f"{mart}.pickle"
            frame.to_pickle(pickled)
            asset = source.add_pickle_asset(mart, filepath_or_buffer=pickled)
            suite = context.suites.add(gx.ExpectationSuite(name=mart))
            for expectation in SUITES[mart](window):
                suite.add_expectation(expectation)
            definitions.append(
                context.validation_definitions.add(
                    gx.ValidationDefinition(
                        name=mart,
                        data=asset.add_batch_definition_whole_dataframe(mart),
                        suite=suite,
                    )
                )
            )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=CHECKPOINT_NAME,
                validation_definitions=definitions,
                result_format={
                    "result_format": "SUMMARY",
                    "unexpected_index_column_names": [ROW_KEY],
                    "partial_unexpected_count": EXAMPLES,
                },
            )
        )
        return checkpoint.run()


# ---------------------------------------------------------------------------------------------
# What the run found


@dataclass
class SuiteOutcome:
    """One mart's validation: its rows and expectations evaluated and passed."""

    mart: str
    rows: int
    evaluated: int
    passed: int


@dataclass
class Failure:
    """One failed expectation, in the words of the summary."""

    mart: str
    columns: tuple[str, ...]
    words: str
    unexpected_count: int | None = None
    row_count: int | None = None
    observed: str | None = None
    examples: list[str] = field(default_factory=list)
    error: str | None = None

    def lines(self) -> list[str]:
        """The failure as printed: mart and columns, the rule in words, what broke it."""
        out = [
            f"  {self.mart}.{', '.join(self.columns) or '(table)'}",
            f"    expected: {self.words}",
        ]
        if self.error is not None:
            out.append(f"    could not be evaluated: {self.error}")
        elif self.unexpected_count is not None:
            out.append(f"    {self.unexpected_count:,} of {self.row_count:,} rows break it, e.g.")
            out += [f"      {example}" for example in self.examples]
        else:
            out.append(f"    observed: {self.observed}")
        return out


def _columns(kwargs: dict) -> tuple[str, ...]:
    names = [kwargs.get(key) for key in ("column", "column_A", "column_B")]
    return tuple(name for name in names if name) + tuple(kwargs.get("column_list") or ())


def _example(row: dict, columns: Sequence[str]) -> str:
    values = ", ".join(f"{column}={_show(row.get(column))}" for column in columns)
    return f"{row.get(ROW_KEY, '?')}: {values}"


def _arguments(kwargs: dict) -> dict[str, Any]:
    """An expectation's arguments as the suite page shows them (no batch id, no columns)."""
    hidden = {"batch_id", "column", "column_A", "column_B", "column_list"}
    return {key: value for key, value in kwargs.items() if key not in hidden}


def _detail(result: Any) -> tuple[str, list[str]]:
    """What a validation observed, in words, and its example rows."""
    info = result.exception_info or {}
    if info.get("raised_exception"):
        message = str(info.get("exception_message") or "unknown error").splitlines()[0]
        return f"could not be evaluated: {message}", []
    details = result.result or {}
    if "unexpected_count" not in details:
        return f"observed: {_show(details.get('observed_value'))}", []
    columns = _columns(result.expectation_config.kwargs)
    examples = [
        _example(row, columns) for row in details.get("partial_unexpected_index_list") or []
    ]
    words = (
        f"{details['unexpected_count']:,} of {details.get('element_count') or 0:,} rows break it"
    )
    return words, examples


def docs_pages(
    result: CheckpointResult, frames: dict[str, pd.DataFrame]
) -> list[quality_docs.SuitePage]:
    """Each mart's expectations and outcomes, as the Data Docs pages show them."""
    pages = []
    for validation in result.run_results.values():
        rows = []
        for outcome in validation.results:
            config = outcome.expectation_config
            detail, examples = _detail(outcome)
            rows.append(
                quality_docs.ResultRow(
                    words=config.description or config.type,
                    columns=_columns(config.kwargs),
                    kind=config.type,
                    arguments=_arguments(config.kwargs),
                    success=bool(outcome.success),
                    detail=detail,
                    examples=examples,
                )
            )
        mart = validation.suite_name
        pages.append(quality_docs.SuitePage(mart=mart, rows=len(frames[mart]), results=rows))
    return pages


def _failure(mart: str, result: Any) -> Failure:
    config = result.expectation_config
    columns = _columns(config.kwargs)
    failure = Failure(mart=mart, columns=columns, words=config.description or config.type)
    info = result.exception_info or {}
    if info.get("raised_exception"):
        failure.error = str(info.get("exception_message") or "unknown error").splitlines()[0]
        return failure
    details = result.result or {}
    if "unexpected_count" in details:
        failure.unexpected_count = details["unexpected_count"]
        failure.row_count = details.get("element_count")
        failure.examples = [
            _example(row, columns) for row in details.get("partial_unexpected_index_list") or []
        ]
    else:
        failure.observed = _show(details.get("observed_value"))
    return failure


def outcomes(
    result: CheckpointResult, frames: dict[str, pd.DataFrame]
) -> tuple[list[SuiteOutcome], list[Failure]]:
    """Per mart counts and every failed expectation, in the checkpoint's order."""
    suites, failures = [], []
    for validation in result.run_results.values():
        mart = validation.suite_name
        statistics = validation.statistics
        suites.append(
            SuiteOutcome(
                mart=mart,
                rows=len(frames[mart]),
                evaluated=statistics["evaluated_expectations"],
                passed=statistics["successful_expectations"],
            )
        )
        failures += [_failure(mart, r) for r in validation.results if not r.success]
    return suites, failures


def report(suites: Sequence[SuiteOutcome], failures: Sequence[Failure]) -> list[str]:
    """One line per mart, then each failure."""
    lines = []
    for suite in suites:
        verdict = "passed" if suite.passed == suite.evaluated else "FAILED"
        lines.append(
            f"  {suite.mart:<24} {suite.rows:>8,} rows  "
            f"{suite.passed:>2}/{suite.evaluated} expectations {verdict}"
        )
    if failures:
        lines += ["", f"{len(failures)} expectation(s) failed:"]
        for failure in failures:
            lines += failure.lines()
    return lines


# ---------------------------------------------------------------------------------------------
# The command


def check(
    database: Path,
    *,
    as_of: str | None = None,
    docs_dir: Path = DEFAULT_DOCS_DIR,
    max_usage_age_days: int | None = DEFAULT_MAX_USAGE_AGE_DAYS,
    thresholds: Thresholds | None = None,
    read_only: bool = True,
) -> int:
    """Run the checkpoint on the warehouse at `database`; print the summary; exit code."""
    started = time.monotonic()
    try:
        frames, sources, window, source = _load(
            database,
            as_of,
            Window(dt.datetime.min, max_usage_age_days, thresholds or Thresholds()),
            read_only,
        )
        quality_docs.prepare(docs_dir)
    except (
        CheckError,
        warehouse.WarehouseBusyError,
        warehouse.WarehouseNotBuiltError,
        quality_docs.DocsDirError,
    ) as problem:
        print(problem, file=sys.stderr)
        return 2
    add_recomputed_columns(frames)
    add_cross_mart_columns(frames, sources, window)
    with _quiet_gx():
        result = run_checkpoint(frames, window)
    suites, failures = outcomes(result, frames)
    index = _write_docs(
        docs_dir, database, window, source, (suites, failures), docs_pages(result, frames)
    )
    elapsed = time.monotonic() - started
    unchecked = "; usage age not checked" if max_usage_age_days is None else ""
    print(
        f"Quality checkpoint {CHECKPOINT_NAME} on {database} "
        f"(as_of {_show(window.as_of)}, {source}{unchecked}; {elapsed:.1f} s)"
    )
    print("\n".join(report(suites, failures)))
    print(f"\nData Docs: {index} (open in a browser; readable offline)")
    return 1 if failures else 0


def _load(
    database: Path, as_of: str | None, settings: Window, read_only: bool
) -> tuple[dict[str, pd.DataFrame], quality_history.Sources, Window, str]:
    """The marts, what they are compared with and the window (`settings` at the as_of given
    or recorded), read in one short read-only connection."""
    con = warehouse.open_built(database, command="`trueup check`", read_only=read_only)
    try:
        if as_of is not None:
            moment, source = parse_as_of(as_of), "given by --as-of"
        else:
            moment, source = recorded_as_of(con), "of the last build"
        window = dataclasses.replace(settings, as_of=moment)
        sources = quality_history.read_sources(con, moment, CheckError)
        return read_marts(con), sources, window, source
    finally:
        con.close()


def _write_docs(
    docs_dir: Path,
    database: Path,
    window: Window,
    source: str,
    found: tuple[Sequence[SuiteOutcome], Sequence[Failure]],
    pages: Sequence[quality_docs.SuitePage],
) -> Path:
    """Write the suite and result page of every mart, then the index; returns the index."""
    suites, failures = found
    for page in pages:
        quality_docs.write_suite_page(docs_dir, page)
        quality_docs.write_result_page(docs_dir, page)
    age = window.max_usage_age_days
    facts = [
        ("checkpoint", CHECKPOINT_NAME),
        ("result", "passed" if not failures else f"{len(failures)} expectation(s) failed"),
        ("warehouse", str(database)),
        ("as_of", f"{_show(window.as_of)} ({source})"),
        ("usage freshness", f"newest usage at most {age} days before as_of" if age else "off"),
        (
            "thresholds",
            ", ".join(
                f"{name}={'off' if value is None else _show(value)}"
                for name, value in dataclasses.asdict(window.thresholds).items()
            ),
        ),
        ("checked at", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
    ]
    rows = [
        quality_docs.IndexRow(
            mart=suite.mart,
            rows=suite.rows,
            evaluated=suite.evaluated,
            passed=suite.passed,
            failures=[
                f"{', '.join(f.columns)}: {f.words}" for f in failures if f.mart == suite.mart
            ],
        )
        for suite in suites
    ]
    title = "trueup: quality checkpoint of the finance marts"
    return quality_docs.write_index(docs_dir, title=title, facts=facts, rows=rows)


def _age(text: str) -> int | None:
    if text.lower() in ("off", "none"):
        return None
    days = int(text)
    if days < 0:
        raise argparse.ArgumentTypeError("must be 0 or more days, or 'off'")
    return days


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup check`."""
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="DuckDB file to check (default: $TRUEUP_DUCKDB_PATH, else data/warehouse/)",
    )
    parser.add_argument(
        "--as-of",
        help="the as_of of the build (date or UTC timestamp); default: the as_of of the last "
        "build that rebuilt the variance, replays included (ops.fct_build_log)",
    )
    parser.add_argument(
        "--docs-dir",
        type=Path,
        default=DEFAULT_DOCS_DIR,
        help=f"where Data Docs go, replaced every run (default: {DEFAULT_DOCS_DIR})",
    )
    parser.add_argument(
        "--max-usage-age-days",
        type=_age,
        default=DEFAULT_MAX_USAGE_AGE_DAYS,
        metavar="DAYS",
        help="the newest usage_date may be at most this many days before as_of "
        f"(default {DEFAULT_MAX_USAGE_AGE_DAYS}; 'off' to skip, e.g. for historic sample data)",
    )
    parser.add_argument(
        "--threshold",
        type=_threshold,
        action="append",
        metavar="NAME=VALUE",
        help="set a threshold of the history, reconciliation and freshness checks (repeat "
        "for several). NAME (default): meaning: " + _thresholds_help(),
    )


def _threshold(text: str) -> tuple[str, Any]:
    try:
        return quality_history.parse_threshold(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _thresholds_help() -> str:
    defaults = dataclasses.asdict(Thresholds())
    return "; ".join(
        f"{name} ({'off' if defaults[name] is None else defaults[name]}): {words}"
        for name, words in quality_history.THRESHOLD_HELP.items()
    )


def run(args: argparse.Namespace) -> int:
    """Entry point of `trueup check`."""
    return check(
        args.warehouse or warehouse_path(),
        as_of=args.as_of,
        docs_dir=args.docs_dir,
        max_usage_age_days=args.max_usage_age_days,
        thresholds=quality_history.with_settings(args.threshold or ()),
    )
