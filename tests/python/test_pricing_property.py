"""Property test: the SQL pricing macros (as the pricing model uses them) against an
independent Python implementation of SPEC §3 Pricing, over hundreds of random rate cards,
quantities (including tier edges), prorations and discounts."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import worker_paths
from parsing import on_memory_target
from trueup_tools.pricing import Line, Tier, price, round_half_away

# A fee prorated over 9 of 28 days and discounted lands exactly on a half cent:
# 2 * 9 / 28 * (1 - 0.09) = 0.585, so 0.59. Rounding the prorated fee to 18 decimals first gives
# 0.58499..., 0.58: the line must be rounded once, from the exact fraction.
HALF_CENT_AFTER_PRORATION = Line(
    pricing_model="per_unit",
    tiers=(Tier(None, Decimal(0), Decimal(2)),),
    quantity=Decimal(0),
    segment_days=9,
    period_days=28,
    discount_pct=Decimal(9),
    package_size=None,
    free_quantity=Decimal(0),
)

CASES_PER_EXAMPLE = 120


def decimals(low: int, high: int, places: int = 9) -> st.SearchStrategy[Decimal]:
    """Decimals in [low, high] with up to `places` decimals."""
    return st.builds(
        lambda units, shift: (
            (Decimal(units) / Decimal(10) ** places).quantize(Decimal(1).scaleb(-shift))
            if shift < places
            else Decimal(units) / Decimal(10) ** places
        ),
        st.integers(low * 10**places, high * 10**places),
        st.integers(0, places),
    ).map(lambda d: d.normalize() if d == d.to_integral() else d)


prices = st.one_of(decimals(0, 5, 9), decimals(0, 1000, 2))
fees = st.one_of(st.just(Decimal(0)), decimals(0, 500, 2))


@st.composite
def lines(draw: st.DrawFn) -> Line:
    """A random, well-formed rate card with a quantity often placed on a tier edge."""
    model = draw(st.sampled_from(["per_unit", "graduated", "volume", "package"]))
    period_days = draw(st.sampled_from([28, 29, 30, 31]))
    segment_days = draw(st.integers(1, period_days))
    discount = draw(st.one_of(st.just(Decimal(0)), decimals(0, 100, 4)))
    if model in ("per_unit", "package"):
        tiers = (Tier(None, draw(prices), draw(fees)),)
    else:
        count = draw(st.integers(1, 4))
        bounds = sorted(
            draw(st.sets(decimals(1, 10_000, 3), min_size=count - 1, max_size=count - 1))
        )
        tiers = tuple(Tier(bound, draw(prices), draw(fees)) for bound in [*bounds, None])
    edges = [t.up_to for t in tiers if t.up_to is not None]
    quantity = draw(
        st.one_of(
            st.just(Decimal(0)),
            decimals(0, 20_000, 9),
            st.sampled_from(edges or [Decimal(1)]),
            st.sampled_from(edges or [Decimal(1)]).map(lambda e: e + Decimal("0.000000001")),
        )
    )
    package_size = free = None
    if model == "package":
        package_size = draw(decimals(1, 1000, 3))
        free = draw(st.one_of(st.just(Decimal(0)), decimals(0, 500, 3)))
    return Line(
        pricing_model=model,
        tiers=tiers,
        quantity=quantity,
        segment_days=segment_days,
        period_days=period_days,
        discount_pct=discount,
        package_size=package_size,
        free_quantity=free or Decimal(0),
    )


@pytest.fixture(scope="module")
def pricing_sql() -> str:
    """The pricing macro compiled by dbt over a table `pricing_cases`."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        [
            "compile",
            "--quiet",
            *on_memory_target(),
            *worker_paths(),
            "--inline",
            "{{ trueup_price_line_tiers('pricing_cases', ['case_id']) }}",
        ]
    )
    assert result.success, result.exception
    return result.result.results[0].node.compiled_code


def _rows(cases: list[Line]) -> list[tuple]:
    rows = []
    for case_id, line in enumerate(cases):
        low = Decimal(0)
        for number, tier in enumerate(line.tiers, start=1):
            rows.append(
                (
                    case_id,
                    line.pricing_model,
                    line.quantity,
                    number,
                    low,
                    tier.up_to,
                    tier.unit_price,
                    tier.flat_fee,
                    line.package_size,
                    line.free_quantity,
                    line.segment_days,
                    line.period_days,
                    line.discount_pct,
                )
            )
            low = tier.up_to if tier.up_to is not None else low
    return rows


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(lines(), min_size=CASES_PER_EXAMPLE, max_size=CASES_PER_EXAMPLE))
@example(cases=[HALF_CENT_AFTER_PRORATION])
def test_sql_pricing_matches_python_reference(pricing_sql: str, cases: list[Line]) -> None:
    con = duckdb.connect()
    con.execute(
        """
        create table pricing_cases (
            case_id integer, pricing_model varchar, quantity decimal(38, 9), tier integer,
            lower_bound decimal(38, 9), up_to decimal(38, 9), unit_price decimal(38, 9),
            flat_fee decimal(38, 9), package_size decimal(38, 9), free_quantity decimal(38, 9),
            segment_days integer, period_days integer, discount_pct decimal(9, 4)
        )
        """
    )
    con.executemany(
        "insert into pricing_cases values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _rows(cases)
    )
    results = {
        case_id: (before, expected)
        for case_id, before, expected in con.execute(
            f"select case_id, amount_before_discount, expected_amount from ({pricing_sql})"
        ).fetchall()
    }
    assert len(results) == len(cases)
    for case_id, line in enumerate(cases):
        exact, expected = price(line)
        assert results[case_id] == (round_half_away(exact, 18), expected), line
