"""Tests of the billing-export generator and of its ground truth (no dbt needed).

The landing files are re-read here independently of `trueup_tools.sample` (plain `csv`,
DuckDB for Parquet, the seeds read directly) so that the files, the truth and the injected
faults are checked against each other."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb
import pytest

from trueup_tools import PROJECT_DIR, cli
from trueup_tools.pricing import UsageDay
from trueup_tools.sample import GeneratorConfig, generate
from trueup_tools.sample.billing_records import FAULT_KINDS, STATUSES, BillingLine, ExportFile
from trueup_tools.sample.billing_truth import compute_billing_truth
from trueup_tools.sample.usage_rules import Invalid

SEEDS = PROJECT_DIR / "seeds"
SMALL = GeneratorConfig(events=800, wide_quantity_rate=0.004)
NULLS = {"", "NULL", "NONE", "NA", "N/A"}
FOCUS_CATEGORIES = {"usage", "purchase", "tax", "credit", "adjustment"}
Key = tuple[date, str, str]


# --------------------------------------------------------------------------- helpers


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def faults_of(out: Path) -> dict[str, Any]:
    return json.loads((out / "truth" / "billing_faults.json").read_text("utf-8"))


def variance_of(out: Path) -> dict[Key, dict[str, str]]:
    return {
        (date.fromisoformat(r["period_start"]), r["tenant_id"], r["meter"]): r
        for r in read_csv(out / "truth" / "billing_variance.csv")
    }


def null(text: str | None) -> str | None:
    """SPEC 1.2: empty fields and NULL, None, NA, N/A (any case) are nulls."""
    if text is None or text.strip().upper() in NULLS:
        return None
    return text.strip()


def number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    text = null(value)
    if text is None:
        return None
    try:
        parsed = Decimal(text)
    except InvalidOperation:
        return None
    return parsed if parsed.is_finite() else None


def instant(value: Any) -> datetime | None:
    text = null(value)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@dataclass
class Parsed:
    """One landing line, read independently."""

    source_file: str
    line_number: int
    system: str
    account: str | None
    sku: str | None
    category: str
    is_correction: bool
    start: datetime | None
    quantity: Decimal | None
    amount: Decimal | None
    currency: str

    @property
    def is_usage(self) -> bool:
        if self.system == "focus":
            return self.category == "usage"
        return self.category in ("usage", "correction")


def read_billing(landing: Path) -> list[Parsed]:
    """Every line of every billing export under the landing root."""
    out = []
    for path in sorted((landing / "billing").rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(landing).as_posix()
        system = path.relative_to(landing / "billing").parts[0]
        if path.suffix == ".parquet":
            con = duckdb.connect()
            con.execute("set TimeZone = 'UTC'")
            cursor = con.execute(
                "select * replace (cast(ChargePeriodStart as varchar) as ChargePeriodStart) "
                "from read_parquet(?, hive_partitioning = false)",
                [str(path)],
            )
            columns = [d[0] for d in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            con.close()
        else:
            rows = read_csv(path)
        for number_, row in enumerate(rows, start=1):
            if system == "focus":
                out.append(
                    Parsed(
                        name,
                        number_,
                        system,
                        null(row.get("SubAccountId")) or null(row["BillingAccountId"]),
                        null(row["SkuId"]),
                        (null(row["ChargeCategory"]) or "").lower(),
                        (null(row.get("ChargeClass")) or "").lower() == "correction",
                        instant(row["ChargePeriodStart"]),
                        number(row["ConsumedQuantity"]),
                        number(row["BilledCost"]),
                        (null(row["BillingCurrency"]) or "").upper(),
                    )
                )
            else:
                line_type = (null(row["line_type"]) or "").lower()
                out.append(
                    Parsed(
                        name,
                        number_,
                        system,
                        null(row["customer_id"]),
                        null(row["price_id"]),
                        line_type,
                        line_type == "correction",
                        instant(row["period_start"]),
                        number(row["quantity"]),
                        number(row["amount"]),
                        (null(row["currency"]) or "").upper(),
                    )
                )
    return out


@dataclass
class Seeds:
    accounts: list[dict[str, str]]
    skus: dict[tuple[str, str], tuple[str, Decimal]]

    @classmethod
    def load(cls) -> Seeds:
        skus = {
            (r["source_system"], r["provider_sku_id"]): (r["meter"], Decimal(r["quantity_factor"]))
            for r in read_csv(SEEDS / "meter_map.csv")
        }
        return cls(read_csv(SEEDS / "account_map.csv"), skus)

    def tenant(self, system: str, account: str | None, day: date) -> str | None:
        for r in self.accounts:
            if (r["source_system"], r["provider_account_id"]) != (system, account):
                continue
            if date.fromisoformat(r["valid_from"]) <= day and (
                not r["valid_to"] or day < date.fromisoformat(r["valid_to"])
            ):
                return r["tenant_id"]
        return None

    def known(self, system: str, account: str | None) -> bool:
        return any(
            (r["source_system"], r["provider_account_id"]) == (system, account)
            for r in self.accounts
        )


def classify(line: Parsed, seeds: Seeds) -> str | None:
    """Unmapped reason of a parsed line, or None."""
    if line.start is None:
        return "unreadable_date"
    if line.amount is None:
        return "unreadable_amount"
    if not line.is_usage:
        return None
    if not seeds.known(line.system, line.account):
        return "unknown_account"
    if seeds.tenant(line.system, line.account, line.start.date()) is None:
        return "no_account_mapping_on_date"
    if (line.system, line.sku) not in seeds.skus:
        return "unknown_sku"
    return None


def key_of(line: Parsed, seeds: Seeds) -> Key:
    assert line.start is not None
    day = line.start.date()
    tenant = seeds.tenant(line.system, line.account, day)
    assert tenant is not None
    return (day.replace(day=1), tenant, seeds.skus[(line.system, line.sku or "")][0])


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def default_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("billing-default")
    generate(GeneratorConfig(wide_quantity_rate=0.004), out)
    return out


@pytest.fixture(scope="module")
def parsed(default_out: Path) -> list[Parsed]:
    return read_billing(default_out / "landing")


# --------------------------------------------------------------------------- generator


def test_same_seed_gives_byte_identical_billing(tmp_path: Path) -> None:
    generate(SMALL, tmp_path / "a")
    generate(SMALL, tmp_path / "b")
    first, second = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert first == second
    assert any(name.startswith("landing/billing/focus/") for name in first)
    assert any(name.startswith("landing/billing/invoice_lines/") for name in first)
    generate(replace(SMALL, seed=7), tmp_path / "c")
    other = tree_bytes(tmp_path / "c")
    billing = {k: v for k, v in first.items() if k.startswith("landing/billing/")}
    assert billing != {k: v for k, v in other.items() if k.startswith("landing/billing/")}


def test_no_billing_option_and_cleanup(tmp_path: Path) -> None:
    keep = tmp_path / "landing" / "billing" / "README.txt"
    keep.parent.mkdir(parents=True, exist_ok=True)
    keep.write_text("x\n")
    assert cli.main(["generate", "--out", str(tmp_path), "--events", "300"]) == 0
    stale = next((tmp_path / "landing" / "billing" / "focus").rglob("*.csv"))  # generator's own
    rc = cli.main(["generate", "--out", str(tmp_path), "--events", "300", "--no-billing"])
    assert rc == 0
    assert keep.exists() and not stale.exists()
    assert not (tmp_path / "landing" / "billing" / "focus").exists()
    assert not (tmp_path / "truth" / "billing_variance.csv").exists()
    manifest = json.loads((tmp_path / "truth" / "manifest.json").read_text())
    assert manifest["billing_files"] == []
    assert manifest["as_of"] == manifest["usage_as_of"]
    assert cli.main(["generate", "--out", str(tmp_path), "--billing-export-day", "31"]) == 2


def test_every_fault_is_present_with_its_status(default_out: Path) -> None:
    faults = faults_of(default_out)
    assert faults["skipped"] == [] and faults["unbilled_keys"] == []
    for kind in FAULT_KINDS:
        assert faults["counts"][kind] >= 1, kind
    assert sum(f["fault"] == "late_correction" for f in faults["faults"]) == 2
    variance = variance_of(default_out)
    unmapped = {
        (r["source_file"], int(r["line_number"])): r["reason"]
        for r in read_csv(default_out / "truth" / "billing_unmapped.csv")
    }
    for fault in faults["faults"]:
        if fault["expected_status"]:
            key = (date.fromisoformat(fault["period_start"]), fault["tenant_id"], fault["meter"])
            assert variance[key]["status"] == fault["expected_status"], fault
        if fault["reason"]:
            (line,) = fault["lines"]
            assert unmapped[(line["source_file"], line["line_number"])] == fault["reason"]
    statuses = {row["status"] for row in variance.values()}
    assert statuses == set(STATUSES)
    assert sorted(set(unmapped.values())) == sorted(
        {"unknown_account", "unknown_sku", "no_account_mapping_on_date"}
        | {"unreadable_amount", "unreadable_date"}
    )


def test_fault_specifics(default_out: Path, parsed: list[Parsed]) -> None:
    faults = {f["fault"]: f for f in faults_of(default_out)["faults"]}
    assert faults["no_contract"]["tenant_id"] == "tenant-008"
    assert faults["no_account_mapping_on_date"]["note"].startswith("acct-1004 is not mapped")
    bad_date = next(
        p
        for p in parsed
        if (p.source_file, p.line_number) == _line(faults["no_account_mapping_on_date"])
    )
    assert bad_date.start is not None and bad_date.start.date() >= date(2026, 9, 1)
    assert faults["unpriced_meter"]["tenant_id"] == "tenant-006"
    assert faults["missing_usage"]["meter"] == "commitment_true_up"
    # the correction is issued two months later, for the original month
    corrections = [p for p in parsed if p.is_correction]
    assert {p.system for p in corrections} == {"focus", "invoice_lines"}
    for p in corrections:
        export = date.fromisoformat(re.search(r"export_date=([0-9-]+)", p.source_file)[1])
        assert p.start is not None
        assert (export.year * 12 + export.month) - (p.start.year * 12 + p.start.month) == 2


def _line(fault: dict[str, Any]) -> tuple[str, int]:
    (line,) = fault["lines"]
    return line["source_file"], line["line_number"]


def test_billed_amounts_are_expected_plus_injected_deltas(default_out: Path) -> None:
    faults = faults_of(default_out)
    billed_periods = {date.fromisoformat(p) for p in faults["billed_periods"]}
    deltas: dict[Key, Decimal] = defaultdict(Decimal)
    fixed: dict[Key, Decimal] = {}
    missing = set()
    for fault in faults["faults"]:
        if fault["period_start"] is None:
            continue
        key = (date.fromisoformat(fault["period_start"]), fault["tenant_id"], fault["meter"])
        if fault["delta"] is not None:
            deltas[key] += Decimal(fault["delta"])
        if fault["billed_amount"] is not None:
            fixed[key] = Decimal(fault["billed_amount"])
        if fault["fault"] == "missing_billing":
            missing.add(key)
    assert any(d > 0 for d in deltas.values()) and any(d < 0 for d in deltas.values())
    for key, row in variance_of(default_out).items():
        billed, expected = Decimal(row["billed_amount"]), Decimal(row["expected_amount"])
        if key in fixed:
            assert billed == fixed[key], key
        elif key in missing or key[0] not in billed_periods:
            assert billed == 0 and row["billed_line_count"] == "0", key
        else:
            assert billed == expected + deltas[key], key


def test_files_hold_what_the_truth_says(default_out: Path, parsed: list[Parsed]) -> None:
    seeds = Seeds.load()
    billed: dict[Key, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    unmapped = {}
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    for line in parsed:
        reason = classify(line, seeds)
        amount = line.amount or Decimal(0)
        totals[line.source_file][0] += amount
        if reason:
            unmapped[(line.source_file, line.line_number)] = (reason, line.amount)
            totals[line.source_file][3] += amount
        elif line.is_usage:
            key = key_of(line, seeds)
            factor = seeds.skus[(line.system, line.sku or "")][1]
            billed[key][0] += amount
            billed[key][1] += (line.quantity or Decimal(0)) * factor
            billed[key][2] += 1
            totals[line.source_file][1] += amount
        else:
            totals[line.source_file][2] += amount
    variance = variance_of(default_out)
    assert set(billed) <= set(variance)
    for key, row in variance.items():
        amount, quantity, count = billed.get(key, [Decimal(0), Decimal(0), 0])
        assert Decimal(row["billed_amount"]) == amount, key
        assert Decimal(row["billed_quantity"]) == quantity, key
        assert int(row["billed_line_count"]) == count, key
    truth_unmapped = {
        (r["source_file"], int(r["line_number"])): (r["reason"], number(r["amount"]))
        for r in read_csv(default_out / "truth" / "billing_unmapped.csv")
    }
    assert truth_unmapped == unmapped
    tieout = {r["source_file"]: r for r in read_csv(default_out / "truth" / "billing_tieout.csv")}
    assert set(tieout) == set(totals)
    for name, (total, usage, non_usage, unmapped_sum) in totals.items():
        row = tieout[name]
        assert Decimal(row["total"]) == total, name
        assert Decimal(row["reconciled_usage"]) == usage, name
        assert Decimal(row["non_usage"]) == non_usage, name
        assert Decimal(row["unmapped"]) == unmapped_sum, name


def test_tieout_adds_up_and_has_every_bucket(default_out: Path) -> None:
    rows = read_csv(default_out / "truth" / "billing_tieout.csv")
    landing = default_out / "landing"
    on_disk = {
        p.relative_to(landing).as_posix() for p in (landing / "billing").rglob("*") if p.is_file()
    }
    assert {r["source_file"] for r in rows} == on_disk
    for row in rows:
        parts = (Decimal(row[c]) for c in ("reconciled_usage", "non_usage", "unmapped"))
        assert Decimal(row["total"]) == sum(parts, Decimal(0)), row["source_file"]
        assert Decimal(row["non_usage"]) != 0, row["source_file"]
    assert any(Decimal(r["unmapped"]) != 0 for r in rows)
    assert all(Decimal(r["reconciled_usage"]) != 0 for r in rows)


def test_exports_are_visible_at_the_manifest_as_of(default_out: Path, tmp_path: Path) -> None:
    manifest = json.loads((default_out / "truth" / "manifest.json").read_text())
    as_of = datetime.fromisoformat(manifest["as_of"])
    exports = [date.fromisoformat(f["export_date"]) for f in manifest["billing_files"]]
    assert max(exports) <= as_of.date()
    assert manifest["as_of"] == manifest["usage_as_of"]  # default: no move needed
    # a short data set: the last export (a correction, two months later) moves as_of
    manifest = generate(GeneratorConfig(events=300, days=10, wide_quantity_rate=0.004), tmp_path)
    last = max(date.fromisoformat(f["export_date"]) for f in manifest["billing_files"])
    assert manifest["as_of"] == f"{last.isoformat()}T00:00:00Z"
    assert manifest["usage_as_of"] < manifest["as_of"]
    periods = faults_of(tmp_path)["reported_periods"]
    assert periods[-1] == last.replace(day=1).isoformat()


def test_csv_messiness(default_out: Path) -> None:
    landing = default_out / "landing" / "billing"
    focus = sorted((landing / "focus").rglob("*.csv"))
    assert list((landing / "focus").rglob("*.parquet"))
    texts = {p.name: p.read_text("utf-8") for p in focus}
    text = "\n".join(texts.values())
    headers = {name: next(csv.reader([t.splitlines()[0]])) for name, t in texts.items()}
    full = set().union(*headers.values())
    assert {"x_VendorDiscountCode", "x_ServiceCode"} <= full
    assert any(full - set(h) for h in headers.values()), "an optional column is missing"
    for token in (",NULL,", ",None,", ",NA,", ",N/A,", ",,"):
        assert token in text, token
    assert re.search(r",-?[0-9]+\.[0-9]{12,15},", text), "12+ decimal costs"
    assert re.search(r",(usd|eur),", text)
    assert re.search(r",20[0-9]{2}-[0-9]{2}-[0-9]{2}T00:00:00Z,", text)
    assert re.search(r",20[0-9]{2}-[0-9]{2}-[0-9]{2} 00:00:00,", text)
    assert re.search(r",20[0-9]{2}-[0-9]{2}-[0-9]{2}T02:00:00\+02:00,", text)
    assert '"Nimbus Cloud, Inc."' in text
    assert any(b"\r\n" in p.read_bytes() for p in focus), "CRLF line ends in a file"
    categories = set()
    for path in focus:
        categories |= {(null(r["ChargeCategory"]) or "").lower() for r in read_csv(path)}
    assert {"usage", "tax", "credit", "purchase", "adjustment"} <= categories
    assert categories - FOCUS_CATEGORIES == {"rounding"}
    assert "abc" in {r["BilledCost"] for path in focus for r in read_csv(path)}
    invoices = "\n".join(p.read_text() for p in (landing / "invoice_lines").rglob("*.csv"))
    assert ",correction\n" in invoices and ",tax\n" in invoices and ",credit\n" in invoices


def test_sku_quantity_factor(default_out: Path, parsed: list[Parsed]) -> None:
    variance = variance_of(default_out)
    seeds = Seeds.load()
    api = [p for p in parsed if p.sku == "SKU-API-1K" and classify(p, seeds) is None]
    assert api
    for key in {key_of(p, seeds) for p in api}:
        if key[2] == "api_requests" and variance[key]["status"] == "matched":
            assert Decimal(variance[key]["billed_quantity"]) == Decimal(
                variance[key]["metered_quantity"]
            )


# --------------------------------------------------------------------------- truth by hand

T = datetime(2026, 9, 10, tzinfo=UTC)


def line(**values: Any) -> BillingLine:
    base: dict[str, Any] = {
        "source_system": "focus",
        "account_id": "acct-1001",
        "sku_id": "SKU-CPU-HR",
        "category": "Usage",
        "charge_start": T,
        "charge_end": T + timedelta(days=1),
        "quantity": Decimal(10),
        "amount": Decimal("0.52"),
        "currency": "USD",
        "billing_period_start": date(2026, 9, 1),
    }
    base.update(values)
    return BillingLine(**base)


def truth_of(lines: list[BillingLine], daily: list[UsageDay], as_of: date = date(2026, 10, 5)):
    file = ExportFile("focus", date(2026, 10, 3), "x", lines=lines)
    for number_, item in enumerate(lines, start=1):
        item.source_file, item.line_number = file.relative_path, number_
    return compute_billing_truth([file], daily, as_of)


def rows_by_key(truth: Any) -> dict[Key, Any]:
    return {(r.period_start, r.tenant_id, r.meter): r for r in truth.variance}


def test_truth_status_rules_by_hand() -> None:
    day = date(2026, 9, 10)
    daily = [UsageDay("tenant-001", "compute_hours", day, Decimal(10))]
    sep = date(2026, 9, 1)
    key = (sep, "tenant-001", "compute_hours")
    # 10 h x 0.052 = 0.52 expected; tolerance 0.05
    assert rows_by_key(truth_of([line()], daily))[key].status == "matched"
    assert rows_by_key(truth_of([line(amount=Decimal("0.57"))], daily))[key].status == "matched"
    over = truth_of([line(amount=Decimal("0.570000000000001"))], daily)
    assert rows_by_key(over)[key].status == "auto_adjust"
    assert rows_by_key(truth_of([line(amount=Decimal("250.53"))], daily))[key].status == (
        "needs_review"
    )
    mixed = truth_of([line(), line(amount=Decimal(0), currency="eur")], daily)
    assert rows_by_key(mixed)[key].status == "currency_mismatch"
    missing = rows_by_key(truth_of([], daily))
    assert missing[key].status == "missing_billing"
    assert missing[(sep, "tenant-001", "active_seats")].status == "missing_billing"  # fee 99
    assert missing[(sep, "tenant-001", "storage_gb")].status == "matched"  # 0 = 0
    # a correction issued later counts for the month of its charge period start
    fixed = truth_of(
        [line(amount=Decimal("0.20")), line(amount=Decimal("0.32"), is_correction=True)], daily
    )
    assert rows_by_key(fixed)[key].billed_amount == Decimal("0.52")


def test_truth_mapping_by_hand() -> None:
    daily = [UsageDay("tenant-004", "compute_hours", date(2026, 8, 20), Decimal(1))]
    midnight = datetime(2026, 9, 1, tzinfo=UTC)
    lines = [
        line(account_id="acct-1004", charge_start=midnight),  # migrated on 2026-09-01
        line(account_id="acct-1004-b", charge_start=midnight),
        line(account_id="acct-1004", charge_start=midnight - timedelta(microseconds=1)),
        line(account_id="acct-0000"),
        line(sku_id="SKU-NOPE"),
        line(amount=Invalid("abc")),
        line(category="Tax", sku_id=None, account_id="anything"),
        line(category="Rounding", sku_id=None),
        line(sku_id="SKU-COMMIT", account_id="acct-1002", quantity=None, amount=Decimal(7)),
    ]
    truth = truth_of(lines, daily)
    reasons = {r.line_number: r.reason for r in truth.unmapped}
    assert reasons == {
        1: "no_account_mapping_on_date",
        4: "unknown_account",
        5: "unknown_sku",
        6: "unreadable_amount",
    }
    (tie,) = truth.tieout
    assert tie.total == tie.reconciled_usage + tie.non_usage + tie.unmapped
    assert tie.non_usage == Decimal("1.04")
    rows = rows_by_key(truth)
    assert rows[(date(2026, 9, 1), "tenant-004", "compute_hours")].billed_line_count == 1
    assert rows[(date(2026, 8, 1), "tenant-004", "compute_hours")].billed_line_count == 1
    # a billed-only commitment true-up of a contract without shortfall: missing_usage
    commit = rows[(date(2026, 9, 1), "tenant-002", "commitment_true_up")]
    assert (commit.status, commit.billed_quantity) == ("missing_usage", Decimal(0))
    # an account of a tenant without any contract: no_contract
    billed_only = truth_of(
        [line(source_system="invoice_lines", account_id="cus_0008", sku_id="price_egress_gb")],
        daily,
    )
    assert rows_by_key(billed_only)[(date(2026, 9, 1), "tenant-008", "egress_gb")].status == (
        "no_contract"
    )
