"""Write the seeds of inputs and expected outputs of the integer, unit and pricing macros.

The expected values are computed here with Python's exact integers, `fractions.Fraction` and
`datetime.date`, never by running a macro, so that a reviewer can regenerate and check them:

    python integration_tests/expected_values.py           # (re)write the seeds
    python integration_tests/expected_values.py --check   # exit 1 when a seed differs

Each seed is text (DuckDB would read long numbers as DOUBLE); the model of each macro casts
the inputs to the types the macro documents (macros/sql/_sql__macros.yml). The cases sit on the
edges: zero, the smallest unit, ties of rounding, and values next to each macro's documented
bound (128-bit integers below 10^38; trueup_small_decimal_units below 10^(38 - 2 * scale)).
The seeds of the older macros (divide_exact, percentage, ...) were worked out by hand and are
not written by this script.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Callable, Iterable
from datetime import date
from fractions import Fraction
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"
BOUND = 10**38  # DECIMAL(38, 0): the 128-bit integers every engine holds
SCALES = (2, 9, 15, 18)  # the scales the project uses (cents, quantities, billing, prices)


def truncated(numerator: int, denominator: int) -> int:
    """Integer division rounding toward zero (SQL's `div`), from the exact fraction."""
    exact = Fraction(numerator, denominator)
    whole = exact.numerator // exact.denominator
    return whole + 1 if exact < 0 and whole != exact else whole


def half_away_from_zero(value: Fraction) -> int:
    """`value` rounded to a whole number, a tie away from zero."""
    magnitude = abs(value)
    whole = magnitude.numerator // magnitude.denominator
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    return whole if value >= 0 else -whole


def decimal_text(value: Fraction, scale: int) -> str:
    """A value with at most `scale` decimals written with exactly `scale` decimals."""
    units = value * 10**scale
    assert units.denominator == 1, (value, scale)
    sign = "-" if units < 0 else ""
    digits = str(abs(units.numerator)).rjust(scale + 1, "0")
    return f"{sign}{digits[:-scale]}.{digits[-scale:]}"


def int_div_rows() -> Iterable[dict[str, object]]:
    cases = [
        (0, 1), (7, 2), (8, 2), (1, 3), (2, 3), (10**18, 7), (BOUND - 1, 1), (BOUND - 1, 2),
        (BOUND - 1, BOUND - 1), (BOUND - 2, BOUND - 1), (-7, 2), (7, -2), (-7, -2), (-1, 3),
    ]  # fmt: skip
    for numerator, denominator in cases:
        yield {
            "numerator": numerator,
            "denominator": denominator,
            "expected": truncated(numerator, denominator),
        }


def divide_units_rows() -> Iterable[dict[str, object]]:
    """numerator / denominator rounded half away from zero; `small_numerator` marks the cases
    the one-division form may take, (2n + d) div 2d: both 2n + d and 2d below 10^38 (the model
    runs the general form on every row and the one-division form on the marked rows)."""
    cases = [
        (0, 1), (1, 2), (3, 2), (5, 2), (1, 3), (2, 3), (5, 3), (49, 100), (50, 100), (51, 100),
        (10**18 * 7 + 5, 10), (BOUND // 2 - 1, 1), (BOUND // 2 - 3, 3), (BOUND - 1, 1),
        (BOUND - 1, 2), (BOUND - 1, 10**19), (BOUND - 1, BOUND - 1), (BOUND // 2, BOUND - 1),
        (BOUND // 2 - 1, BOUND - 1), (0, 9 * 10**37), (1, 9 * 10**37), (0, BOUND // 2 - 1),
    ]  # fmt: skip
    for numerator, denominator in cases:
        yield {
            "numerator": numerator,
            "denominator": denominator,
            "small_numerator": str(
                2 * numerator + denominator < BOUND and 2 * denominator < BOUND
            ).lower(),
            "expected": half_away_from_zero(Fraction(numerator, denominator)),
        }


def units_to_decimal_rows() -> Iterable[dict[str, object]]:
    for scale in SCALES:
        for units in (0, 1, 5, 10**scale, 10**scale * 12 + 10**scale // 2, BOUND - 1):
            yield {
                "units": units,
                "scale": scale,
                "expected": decimal_text(Fraction(units, 10**scale), scale),
            }


def decimal_units_rows() -> Iterable[dict[str, object]]:
    """Any DECIMAL(38, scale) value >= 0: up to the largest, 10^(38 - scale) - 10^-scale."""
    for scale in SCALES:
        unit = Fraction(1, 10**scale)
        largest = Fraction(BOUND - 1, 10**scale)
        for value in (
            Fraction(0),
            unit,
            Fraction(25, 2),
            1 - unit,
            Fraction(10**6) + unit,
            largest,
        ):
            yield {
                "value": decimal_text(value, scale),
                "scale": scale,
                "expected": int(value * 10**scale),
            }


def small_decimal_units_rows() -> Iterable[dict[str, object]]:
    """Values below the documented bound 10^(38 - 2 * scale), up to the largest one."""
    for scale in SCALES:
        unit = Fraction(1, 10**scale)
        largest = Fraction(10 ** (38 - 2 * scale)) - unit
        for value in (Fraction(0), unit, Fraction(25, 2), 1 - unit, largest):
            yield {
                "value": decimal_text(value, scale),
                "scale": scale,
                "expected": int(value * 10**scale),
            }


def days_between_rows() -> Iterable[dict[str, object]]:
    cases = [
        ("2026-03-01", "2026-03-01"), ("2026-03-01", "2026-03-02"), ("2026-02-01", "2026-03-01"),
        ("2024-02-01", "2024-03-01"), ("2000-02-01", "2000-03-01"), ("2100-02-01", "2100-03-01"),
        ("2026-12-31", "2027-01-01"), ("2026-01-01", "2027-01-01"), ("2024-01-01", "2025-01-01"),
        ("2026-03-15", "2026-03-01"), ("0001-01-01", "9999-12-31"),
    ]  # fmt: skip
    for start, end in cases:
        yield {
            "start_date": start,
            "end_date": end,
            "expected": (date.fromisoformat(end) - date.fromisoformat(start)).days,
        }


# (case, pricing_model, quantity, [(up_to, unit_price, flat_fee)], package_size, free_quantity,
#  segment_days, period_days, discount_pct): every pricing model, tier boundaries, q = 0, the
#  half cent that only the exact fraction rounds right, a full discount, amounts near 10^14
GRADUATED = [("1000", "0.01", "5"), ("5000", "0.008", "3"), (None, "0.005", "2")]
VOLUME = [("1000", "0.01", "4"), ("5000", "0.008", "6"), (None, "0.005", "8")]
PRICED_LINES = [
    (1, "per_unit", "1234.5", [(None, "0.002", "10")], None, None, 31, 31, "0"),
    (2, "per_unit", "0", [(None, "1", "2")], None, None, 9, 28, "9"),
    (3, "graduated", "5000", GRADUATED, None, None, 30, 30, "10"),
    (4, "graduated", "0", GRADUATED, None, None, 30, 30, "0"),
    (5, "graduated", "5000.000000001", GRADUATED, None, None, 29, 29, "0"),
    (6, "volume", "0", VOLUME, None, None, 31, 31, "0"),
    (7, "volume", "1000", VOLUME, None, None, 31, 31, "0"),
    (8, "volume", "1000.5", VOLUME, None, None, 10, 31, "2.5"),
    (9, "volume", "123456789.123456789", VOLUME, None, None, 1, 28, "0"),
    (10, "package", "250", [(None, "7.5", "1")], "100", "100", 15, 30, "0"),
    (11, "package", "100", [(None, "7.5", "0")], "100", "100", 30, 30, "0"),
    (12, "package", "100.000000001", [(None, "7.5", "0")], "100", "100", 30, 30, "0"),
    (13, "package", "7", [(None, "0.333333333", "0")], "3", None, 30, 30, "0"),
    (14, "per_unit", "42", [(None, "1.999999999", "30")], None, None, 17, 31, "100"),
    (15, "per_unit", "99999999999", [(None, "999.999999999", "123456.789")], None, None, 17, 31,
     "33.3333"),
]  # fmt: skip


def tier_usage(
    model: str,
    q: Fraction,
    tier: int,
    low: Fraction,
    up_to: Fraction | None,
    price: Fraction,
    package_size: Fraction | None,
    free: Fraction | None,
) -> Fraction:
    contains = (q > low and (up_to is None or q <= up_to)) or (q == 0 and tier == 1)
    if model == "per_unit":
        return q * price
    if model == "graduated":
        return max(Fraction(0), min(q, q if up_to is None else up_to) - low) * price
    if model == "volume":
        return q * price if contains else Fraction(0)
    packages = max(q - (free or 0), Fraction(0)) / package_size
    return -(-packages.numerator // packages.denominator) * price


def tier_fee(
    model: str, q: Fraction, tier: int, low: Fraction, up_to: Fraction | None, fee: Fraction
) -> Fraction:
    contains = (q > low and (up_to is None or q <= up_to)) or (q == 0 and tier == 1)
    if model in ("per_unit", "package"):
        return fee
    if model == "graduated":
        return fee if tier == 1 or q > low else Fraction(0)
    return fee if contains else Fraction(0)


def price_line_tiers_rows() -> Iterable[dict[str, object]]:
    """One row per line x tier; `expected` (the same on every tier of a line) is usage_amount,
    prorated_flat_fee and expected_amount as DECIMAL(38, 18), (38, 18) and (38, 2) text."""
    for case, model, quantity, tiers, size, free, segment, period, pct in PRICED_LINES:
        q = Fraction(quantity)
        usage = fees = Fraction(0)
        low = Fraction(0)
        bounds = []
        for tier, (up_to, price, fee) in enumerate(tiers, start=1):
            top = None if up_to is None else Fraction(up_to)
            bounds.append(low)
            usage += tier_usage(
                model,
                q,
                tier,
                low,
                top,
                Fraction(price),
                None if size is None else Fraction(size),
                None if free is None else Fraction(free),
            )
            fees += tier_fee(model, q, tier, low, top, Fraction(fee))
            low = top if top is not None else low
        prorated = Fraction(half_away_from_zero(fees * segment / period * 10**18), 10**18)
        amount = (usage + fees * segment / period) * (1 - Fraction(pct) / 100)
        cents = Fraction(half_away_from_zero(amount * 100), 100)
        expected = "|".join(
            [decimal_text(usage, 18), decimal_text(prorated, 18), decimal_text(cents, 2)]
        )
        for tier, (up_to, price, fee) in enumerate(tiers, start=1):
            yield {
                "case_id": case,
                "pricing_model": model,
                "quantity": quantity,
                "tier": tier,
                "lower_bound": decimal_text(bounds[tier - 1], 9),
                "up_to": up_to or "",
                "unit_price": price,
                "flat_fee": fee,
                "package_size": size or "",
                "free_quantity": free or "",
                "segment_days": segment,
                "period_days": period,
                "discount_pct": pct,
                "expected": expected,
            }


CAPPED_PRODUCT_LIMIT = "99900000000000"  # int_expected_charges_priced's amount limit
LARGEST_WHOLE = "99999999999999999999999999999"  # 29 digits: the largest whole DECIMAL(38, 9)
CAPPED_PRODUCT_CASES = [
    # (multiplicand, multiplier, cap)
    ("0", LARGEST_WHOLE, CAPPED_PRODUCT_LIMIT),  # a zero factor is 0, however large the other
    (LARGEST_WHOLE, "0", CAPPED_PRODUCT_LIMIT),
    ("2.5", "4", CAPPED_PRODUCT_LIMIT),
    ("0.000000001", "0.000000001", CAPPED_PRODUCT_LIMIT),  # the smallest product: 10^-18
    ("99899999999999.999999999", "1", CAPPED_PRODUCT_LIMIT),  # just below the cap: itself
    ("99900000000000", "1", CAPPED_PRODUCT_LIMIT),  # the cap itself
    ("9990000", "10000000", CAPPED_PRODUCT_LIMIT),  # a product equal to the cap
    ("1234567.123456789", "7654321.987654321", CAPPED_PRODUCT_LIMIT),  # 18 exact decimals
    ("99999999.999999999", "99999999.999999999", CAPPED_PRODUCT_LIMIT),  # digits 17 + 17
    ("999999.999999999", "999999999.999999999", CAPPED_PRODUCT_LIMIT),  # digits 15 + 18
    ("99899999.9", "1000000", CAPPED_PRODUCT_LIMIT),  # digits 17 + 16: exact, below the cap
    ("10000000", "10000000", CAPPED_PRODUCT_LIMIT),  # digits 17 + 17: 10^14, capped
    ("0.000000001", LARGEST_WHOLE, CAPPED_PRODUCT_LIMIT),  # digits 1 + 38: over by the count
    ("0.000000001", "12345678901234", CAPPED_PRODUCT_LIMIT),  # digits 1 + 23: exact
    ("1000000000000000000000001", "0.000000001", CAPPED_PRODUCT_LIMIT),  # digits 34 + 1: capped
    ("123.456", "1", CAPPED_PRODUCT_LIMIT),  # a flat fee against 1
    ("1000000", "0.5", "100"),  # another cap
    ("0.5", "0.5", "1"),
]


def capped_product_rows() -> Iterable[dict[str, object]]:
    """least(multiplicand x multiplier, cap) to 18 decimals: a product of two 9-decimal values
    is exact at 18 decimals, so Fraction gives it without rounding."""
    for multiplicand, multiplier, cap in CAPPED_PRODUCT_CASES:
        product = min(Fraction(multiplicand) * Fraction(multiplier), Fraction(cap))
        yield {
            "multiplicand": multiplicand,
            "multiplier": multiplier,
            "cap": cap,
            "expected": decimal_text(product, 18),
        }


GENERATED: dict[str, Callable[[], Iterable[dict[str, object]]]] = {
    "trueup_int_div": int_div_rows,
    "trueup_divide_units": divide_units_rows,
    "trueup_units_to_decimal": units_to_decimal_rows,
    "trueup_decimal_units": decimal_units_rows,
    "trueup_small_decimal_units": small_decimal_units_rows,
    "trueup_days_between": days_between_rows,
    "trueup_price_line_tiers": price_line_tiers_rows,
    "trueup_capped_product": capped_product_rows,
}


def seed_text(rows: Iterable[dict[str, object]]) -> str:
    rows = list(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def seed_path(macro: str) -> Path:
    return SEEDS / f"data_{macro}.csv"


def differing(seeds: Path = SEEDS) -> list[str]:
    """The generated seeds whose committed text differs from what this script writes."""
    return [
        macro
        for macro, rows in GENERATED.items()
        if not (seeds / seed_path(macro).name).is_file()
        or (seeds / seed_path(macro).name).read_text() != seed_text(rows())
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    if args.check:
        stale = differing()
        for macro in stale:
            print(f"{seed_path(macro)} differs from its generator", file=sys.stderr)
        return 1 if stale else 0
    for macro, rows in GENERATED.items():
        seed_path(macro).write_text(seed_text(rows()))
        print(f"wrote {seed_path(macro)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
