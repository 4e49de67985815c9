"""The compact Parquet layout of a large quarter (bunpai.formats.broadcast_parquet): usage lines in
monthly partitions with dictionary-encoded columns, share rows with integer work ids, share_num /
share_den and dates. The run gives the same bytes as from the CSV folder, whichever way the usage
lines are reduced (one pass into dense arrays, or Polars group-bys for work ids too far apart), and
a bad value in a partition is located by its row."""

from __future__ import annotations

import json
import shutil
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from bunpai.core.broadcast.model import OUTCOMES
from bunpai.core.broadcast.reference import distribute
from bunpai.core.money import parse_ratio
from bunpai.core.rules import ROLES
from bunpai.engine.broadcast import distribute_frames, quarter_input_from_frames, result_from_outcome
from bunpai.formats.broadcast_input import read_input
from bunpai.formats.broadcast_output import scan_statement_lines
from bunpai.formats.broadcast_parquet import CODES_KEY, rights_codes, usage_codes, write_rights, write_usage_part
from bunpai.formats.tables import InputError
from bunpai.rules import broadcast_ruleset_for, prc_ruleset_for
from bunpai.services.broadcast import compute_quarter, write_run
from tests.broadcast.factory import typed_usage_lines, write_folder
from tests.broadcast.strategies import quarters

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXAMPLE = Path(__file__).parent.parent / "data" / "broadcast" / "example"
MONTHS = ("2026-04", "2026-05", "2026-06")
OUTPUTS = ("statement_lines.csv", "payees.csv", "held.csv", "work_points.csv", "summary.json", "ruleset_applied.json")


def _numbered(data: dict[str, Any], offset: int, number_parties: bool = False) -> dict[str, Any]:
    """The same quarter with work ids written as numbers ("W12" → str(12 + offset))."""

    def number(work_id: str | None) -> str | None:
        return None if not work_id else str(int(work_id.removeprefix("W")) + offset)

    out = dict(data)
    if number_parties:
        # Parties numbered too ("P3" → "10"): stored as integers in rights.parquet.
        def party(party_id: str | None) -> str | None:
            return None if not party_id else str(int(party_id.removeprefix("P")) + 7)

        out["parties"] = [{**p, "party_id": party(p["party_id"])} for p in data["parties"]]
        data = {**data, "rights": [{**r, "party_id": party(r["party_id"])} for r in data["rights"]]}
    out["rights"] = [{**r, "work_id": number(r["work_id"])} for r in data["rights"]]
    out["usage"] = [{**u, "work_id": number(u["work_id"])} for u in data["usage"]]
    return out


def _share(text: str | None) -> Fraction | None:
    if not text:
        return None
    if text.endswith("%"):
        return Fraction(text[:-1]) / 100
    return parse_ratio(text)


def _compact(folder: Path, parts_per_month: int = 2, codes: bool = False) -> None:
    """Replace usage.csv and rights.csv by the compact Parquet layout (the same lines and rows);
    with ``codes`` the usage lines' outcome and method, and the share rows' role and right, as
    integer codes named in each file."""
    typed = typed_usage_lines(folder)
    (folder / "usage.csv").unlink()
    # The methods named in another order than the period's, and one more than the lines use.
    named = usage_codes(sorted(set(typed["method"].drop_nulls().to_list()) | {"unused"}, reverse=True))
    for i, month in enumerate(MONTHS):
        lines = typed.gather_every(len(MONTHS), offset=i)
        for part in range(parts_per_month):
            write_usage_part(
                lines.gather_every(parts_per_month, offset=part), folder, month, part, named if codes else None
            )
    rights = pl.read_csv(folder / "rights.csv", infer_schema=False)
    shares = [_share(s) for s in rights["share"].to_list()]
    write_rights(
        rights.select(
            pl.col("work_id").cast(pl.Int64),
            pl.col("party_id").cast(pl.Int64)
            if rights["party_id"].drop_nulls().str.contains(r"^[1-9][0-9]*$").all()
            else pl.col("party_id"),
            "role",
            "right",
            pl.Series("share_num", [s.numerator if s is not None else None for s in shares], dtype=pl.Int64),
            pl.Series("share_den", [s.denominator if s is not None else None for s in shares], dtype=pl.Int64),
            *[pl.col(c).str.to_date() for c in ("submitted_on", "valid_from", "valid_to")],
        ),
        folder,
        rights_codes() if codes else None,
    )
    (folder / "rights.csv").unlink()


def _outputs(folder: Path, out: Path) -> dict[str, bytes]:
    run = compute_quarter(folder)
    write_run(run, out)
    return {name: (out / name).read_bytes() for name in OUTPUTS}


@pytest.mark.parametrize(
    ("offset", "number_parties", "codes"),
    [(0, False, False), (2**40, False, False), (0, True, False), (0, False, True)],
    ids=["dense one pass", "group-by (work ids far apart)", "integer party ids", "integer-coded columns"],
)
@SETTINGS
@given(data=quarters())
def test_compact_layout_gives_the_bytes_of_the_csv_folder(
    data: dict[str, Any], offset: int, number_parties: bool, codes: bool
) -> None:
    data = _numbered(data, offset, number_parties)
    with tempfile.TemporaryDirectory() as tmp:
        csv_folder = write_folder(Path(tmp) / "csv", **data)
        folder = write_folder(Path(tmp) / "parquet", **data)
        _compact(folder, codes=codes)
        assert not (folder / "usage.csv").exists() and (folder / "rights.parquet").is_file()
        usage_types = pl.read_parquet_schema(folder / "usage" / "month=2026-04" / "part-0.parquet")
        assert (usage_types["method"] == pl.UInt8) is codes
        assert pl.read_parquet_schema(folder / "rights.parquet")["work_id"] == pl.Int64
        if number_parties and any(r["party_id"] for r in data["rights"]):
            assert pl.read_parquet_schema(folder / "rights.parquet")["party_id"] == pl.Int64
        assert _outputs(folder, Path(tmp) / "out-parquet") == _outputs(csv_folder, Path(tmp) / "out-csv")
        # The tables in the compact layout read back as the text of the CSV tables.
        run = compute_quarter(folder, settle_now=False)
        write_run(run, Path(tmp) / "out-tables", tables="parquet")
        text = pl.read_csv(Path(tmp) / "out-csv" / "statement_lines.csv", infer_schema=False)
        assert scan_statement_lines(Path(tmp) / "out-tables").collect().equals(text)
        points = pl.read_parquet(Path(tmp) / "out-tables" / "work_points" / "*.parquet")
        # Points that fit in 64 bits are written in 64 bits (half the bytes of 128-bit columns).
        assert points.schema["points_num"] == points.schema["points_den"] == pl.Int64
        # Work ids stored in 64 bits are written in 32 when every one of them fits.
        lines = pl.read_parquet(Path(tmp) / "out-tables" / "statement_lines" / "*.parquet")
        for table in (points, lines):
            if table.height:
                assert table.schema["work_id"] == (pl.Int32 if offset < 2**31 else pl.Int64)
        expected = pl.read_csv(Path(tmp) / "out-csv" / "work_points.csv", infer_schema=False)
        assert [
            (str(w), g, r, str(Fraction(int(n), int(d))) if "/" in str(Fraction(int(n), int(d))) else f"{n // d}/1")
            for w, g, r, n, d in points.iter_rows()
        ] == [tuple(row) for row in expected.iter_rows()]
        # Batches of a few lines (the dense arrays grow batch by batch) equal the rules row by row.
        frames, rules = read_input(folder, rules_for=broadcast_ruleset_for, defer_usage_checks=True)
        table = prc_ruleset_for(frames.quarter.reference_date)
        fast = distribute_frames(frames, table, rules.label, chunk_rows=2, batch_rows=2)
        slow = result_from_outcome(distribute(quarter_input_from_frames(frames), table, rules.label))
        assert fast.statement_lines.collect().rows() == slow.statement_lines.collect().rows()
        for name in ("payees", "held", "work_points"):
            assert getattr(fast, name).rows() == getattr(slow, name).rows(), name
        assert fast.summary == slow.summary


def _numeric_example(folder: Path, lines_per_month: int = 10) -> pl.DataFrame:
    """The worked example with integer work ids and usage lines spread over three monthly partitions."""
    shutil.copytree(EXAMPLE, folder)
    for name in ("rights.csv", "usage.csv"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("W1", "1").replace("W9", "9"), encoding="utf-8")
    usage = pl.read_csv(folder / "usage.csv", infer_schema=False)
    rows = []
    for i in range(lines_per_month * len(MONTHS)):
        row = usage.row(i % usage.height, named=True)
        rows.append({**row, "line_id": f"L{i + 1}"})
    pl.DataFrame(rows, schema=usage.schema, orient="row").write_csv(folder / "usage.csv")
    _compact(folder, parts_per_month=1)
    return usage


def test_numeric_example_in_the_compact_layout_distributes_like_the_csv_folder(tmp_path: Path) -> None:
    _numeric_example(tmp_path / "quarter")
    run = compute_quarter(tmp_path / "quarter")
    summary = run.result.summary
    assert run.path == "columnar"
    assert summary["balanced"] is True
    # 30 lines: ten copies of the example's three (the other manager's line takes no part).
    assert run.frames.usage.select(pl.len()).collect().item() == 30
    assert summary["lines_total_yen"] + summary["held_total_yen"] + summary["carry_out_total_yen"] == (
        summary["fund_in_total_yen"]
    )


def _break_partition(folder: Path, month: str, row: int, column: str, value: Any) -> None:
    path = folder / "usage" / f"month={month}" / "part-0.parquet"
    frame = pl.read_parquet(path)
    broken = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row)
        .then(pl.lit(value))
        .otherwise(pl.col(column).cast(pl.String))
        .cast(frame.schema[column])
        .alias(column)
    )
    broken.write_parquet(path)


@pytest.mark.parametrize("row_by_row", [False, True], ids=["one pass", "row by row"])
def test_a_bad_value_in_a_partition_is_located(tmp_path: Path, row_by_row: bool) -> None:
    folder = tmp_path / "quarter"
    _numeric_example(folder)
    # The fifth line of May's partition (row 15 of the usage lines in partition order: unidentified
    # lines) and the second of April's (row 2: managed lines). June's are another manager's works.
    _break_partition(folder, "2026-05", 4, "method", "singing")
    _break_partition(folder, "2026-04", 1, "duration_s", -5)
    with pytest.raises(InputError) as error:
        compute_quarter(folder, row_by_row=row_by_row)
    located = [(p.file, p.line, p.column, p.message) for p in error.value.problems]
    assert ("usage:row", 15, "method", "unknown usage method") in located
    assert ("usage:row", 2, "duration_s", "no valid duration") in located
    assert len(located) == 2


@pytest.mark.parametrize("station_ids", ["text", "integer"])
def test_every_check_of_the_usage_lines_is_located(tmp_path: Path, station_ids: str) -> None:
    """Each deferred check of the Parquet usage lines, counted by the one-pass scan, finds its row;
    faults of lines that take no part in the distribution (another manager's) are no problem."""
    folder = tmp_path / "quarter"
    _numeric_example(folder)
    if station_ids == "integer":  # the stations as small integers: the scan's look-up table
        stations = folder / "stations.csv"
        stations.write_text(stations.read_text(encoding="utf-8").replace("S1", "1"), encoding="utf-8")
        for month in MONTHS:
            path = folder / "usage" / f"month={month}" / "part-0.parquet"
            frame = pl.read_parquet(path)
            frame.with_columns(pl.col("station_id").str.replace("S", "").cast(pl.Int32)).write_parquet(path)
    unknown_station = "S7" if station_ids == "text" else "7"
    # April: managed lines (rows 1-10); May: unidentified (11-20); June: another manager's (21-30).
    _break_partition(folder, "2026-04", 0, "station_id", unknown_station)
    _break_partition(folder, "2026-04", 2, "work_id", None)
    _break_partition(folder, "2026-04", 3, "sampling_num", 3)  # 3/1: above 1
    _break_partition(folder, "2026-05", 0, "outcome", "borrowed")
    _break_partition(folder, "2026-05", 1, "duration_s", None)
    _break_partition(folder, "2026-05", 2, "method", None)
    _break_partition(folder, "2026-06", 0, "line_id", None)
    _break_partition(folder, "2026-06", 1, "duration_s", -1)  # takes no part: not checked
    _break_partition(folder, "2026-06", 2, "method", "singing")  # takes no part: not checked
    with pytest.raises(InputError) as error:
        compute_quarter(folder)
    assert sorted((p.line, p.column, p.message) for p in error.value.problems) == [
        (1, "station_id", "unknown station"),
        (3, "work_id", "a managed line needs its work_id"),
        (4, "sampling_rate", "bad sampling rate"),
        (11, "outcome", "unknown outcome"),
        (12, "duration_s", "no valid duration"),
        (13, "method", "unknown usage method"),
        (21, "line_id", "missing value"),
    ]


def test_usage_problems_are_reported_with_those_of_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "quarter"
    _numeric_example(folder)
    _break_partition(folder, "2026-04", 0, "method", "singing")
    (folder / "stations.csv").write_text("station_id,fund_group,station_points\nS1,nhk,two\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_input(folder, rules_for=broadcast_ruleset_for, defer_usage_checks=True)
    files = {(p.file, p.column) for p in error.value.problems}
    assert ("usage:row", "method") in files
    assert ("stations.csv", "station_points") in files


def _break_share_den(folder: Path, row: int) -> None:
    rights = pl.read_parquet(folder / "rights.parquet")
    rights.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(0).otherwise(pl.col("share_den")).alias("share_den")
    ).write_parquet(folder / "rights.parquet")


def _read_meanwhile(folder: Path) -> tuple[Any, Any]:
    """The folder read as `bunpai broadcast run` reads it: the share rows on a thread of their own."""
    return read_input(
        folder,
        rules_for=broadcast_ruleset_for,
        defer_usage_checks=True,
        engine_rows_only=True,
        share_rows_meanwhile=True,
    )


def test_share_rows_read_meanwhile_are_reported_with_the_usage_lines(tmp_path: Path) -> None:
    """`bunpai broadcast run` reads the share rows on a thread of their own while the engine checks
    the usage lines in its pass: a bad share row and a bad usage line are reported together, as
    when they are read one after the other."""
    folder = tmp_path / "quarter"
    _numeric_example(folder)
    _break_share_den(folder, 1)
    _break_partition(folder, "2026-04", 1, "duration_s", -5)
    expected = [("rights.parquet", 2, "share_den", "zero or negative denominator")]
    expected.append(("usage:row", 2, "duration_s", "no valid duration"))
    reading = {"defer_usage_checks": True, "engine_rows_only": True}
    # Read one after the other: the usage lines are checked at once, as there are other problems.
    with pytest.raises(InputError) as error:
        read_input(folder, rules_for=broadcast_ruleset_for, **reading)
    assert [(p.file, p.line, p.column, p.message) for p in error.value.problems] == expected
    # Read meanwhile: the usage lines are checked in the engine's pass, which reports both.
    frames, _ = read_input(folder, rules_for=broadcast_ruleset_for, share_rows_meanwhile=True, **reading)
    assert frames.pending_usage_checks is not None
    with pytest.raises(InputError) as error:
        distribute_frames(frames, prc_ruleset_for(frames.quarter.reference_date))
    assert [(p.file, p.line, p.column, p.message) for p in error.value.problems] == expected
    with pytest.raises(InputError) as error:
        compute_quarter(folder)
    assert [(p.file, p.line, p.column, p.message) for p in error.value.problems] == expected


def test_share_rows_read_meanwhile_are_reported_with_the_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "quarter"
    _numeric_example(folder)
    _break_share_den(folder, 1)
    (folder / "stations.csv").write_text("station_id,fund_group,station_points\nS1,nhk,two\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        _read_meanwhile(folder)
    files = {(p.file, p.column) for p in error.value.problems}
    assert ("rights.parquet", "share_den") in files
    assert ("stations.csv", "station_points") in files


def test_share_rows_read_meanwhile_stop_the_run_when_the_usage_lines_are_good(tmp_path: Path) -> None:
    folder = tmp_path / "quarter"
    _numeric_example(folder)
    _break_share_den(folder, 1)
    frames, _ = _read_meanwhile(folder)
    with pytest.raises(InputError) as error:
        frames.take_engine_rows()
    assert [(p.file, p.line, p.column) for p in error.value.problems] == [("rights.parquet", 2, "share_den")]
    with pytest.raises(InputError):
        frames.take_engine_rows()  # and again: the problems are kept


def test_share_rows_read_meanwhile_are_those_read_before(tmp_path: Path) -> None:
    folder = tmp_path / "quarter"
    _numeric_example(folder)
    taken = []
    for meanwhile in (False, True):
        frames, _ = read_input(
            folder,
            rules_for=broadcast_ruleset_for,
            defer_usage_checks=True,
            engine_rows_only=True,
            share_rows_meanwhile=meanwhile,
        )
        frames.wait_for_share_rows_memory()
        rows = frames.take_engine_rows()
        taken.append((rows.rows, rows.key_shift, rows.defaults))
    assert taken[0][1] == taken[1][1]
    assert taken[0][0].equals(taken[1][0]) and taken[0][2].equals(taken[1][2])
    assert taken[1][0].height > 0


def test_bad_share_parts_in_rights_parquet_are_located(tmp_path: Path) -> None:
    folder = tmp_path / "quarter"
    _numeric_example(folder)
    rights = pl.read_parquet(folder / "rights.parquet")
    rights.with_columns(
        pl.when(pl.int_range(pl.len()) == 1).then(0).otherwise(pl.col("share_den")).alias("share_den")
    ).write_parquet(folder / "rights.parquet")
    with pytest.raises(InputError) as error:
        compute_quarter(folder)
    assert [(p.file, p.line, p.column, p.message) for p in error.value.problems] == [
        ("rights.parquet", 2, "share_den", "zero or negative denominator")
    ]


@pytest.mark.parametrize("layout", ["csv", "parquet"])
def test_a_holder_given_twice_is_located(tmp_path: Path, layout: str) -> None:
    """The same party with the same role of the same right of a work, twice on the reference date."""
    folder = tmp_path / "quarter"
    shutil.copytree(EXAMPLE, folder)
    with (folder / "rights.csv").open("a", encoding="utf-8") as rights:
        rights.write("W1,A,composer,performing,0/100,2020-02-01,2020-01-01,\n")  # line 5
        rights.write("W1,A,composer,mechanical,0,2020-01-01,2020-01-01,2020-03-31\n")  # not counted: ended
    if layout == "parquet":
        for name in ("rights.csv", "usage.csv"):
            path = folder / name
            path.write_text(path.read_text(encoding="utf-8").replace("W1", "1").replace("W9", "9"), encoding="utf-8")
        _compact(folder, parts_per_month=1)
    with pytest.raises(InputError) as error:
        compute_quarter(folder)
    work = "W1" if layout == "csv" else "1"
    name = "rights.csv" if layout == "csv" else "rights.parquet"
    first = 2 if layout == "csv" else 1  # CSV lines count the header
    located = [(p.file, p.line, p.column, p.message) for p in error.value.problems]
    message = f"'A' holds the role composer of the performing right of work '{work}' twice on the reference date"
    assert located == [(name, first, "party_id", message), (name, first + 3, "party_id", message)]


@pytest.mark.parametrize("codes", [False, True], ids=["dictionary-encoded", "integer-coded"])
def test_statements_of_a_compact_quarter_are_those_of_its_csv_folder(tmp_path: Path, codes: bool) -> None:
    from bunpai.services.broadcast_payments import build_statements

    csv_folder = tmp_path / "csv"
    shutil.copytree(EXAMPLE, csv_folder)
    for name in ("rights.csv", "usage.csv"):
        path = csv_folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("W1", "1").replace("W9", "9"), encoding="utf-8")
    compact = tmp_path / "compact"
    shutil.copytree(csv_folder, compact)
    _compact(compact, parts_per_month=1, codes=codes)
    assert not (compact / "rights.csv").exists() and (compact / "rights.parquet").is_file()
    assert pl.read_parquet_schema(compact / "rights.parquet")["role"] == (pl.UInt8 if codes else pl.Categorical)
    made = {}
    for name, folder in (("csv", csv_folder), ("compact", compact)):
        write_run(compute_quarter(folder), tmp_path / f"result-{name}")
        build_statements(tmp_path / f"result-{name}", folder, tmp_path / f"statements-{name}", pdf=False)
        out = tmp_path / f"statements-{name}"
        made[name] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.csv"))}
    assert made["compact"] == made["csv"] and "payments.csv" in made["csv"]


def test_a_run_that_does_not_balance_while_written_leaves_nothing(tmp_path: Path, monkeypatch: Any) -> None:
    """Conservation is proved from the totals taken while the statement lines are written, before
    the folder is moved into place: a run that does not balance (an engine fault, simulated by
    adding one yen to a fund's lines) is refused with exit code 3 and writes nothing."""
    from bunpai.cli.main import main
    from bunpai.engine import broadcast as engine

    _numeric_example(tmp_path / "quarter")
    original = engine._LineTotals.take

    def one_yen_more(self: Any, other: Any) -> None:
        original(self, other)
        self.fund_gross[int(self.fund_lines.argmax())] += 1

    monkeypatch.setattr(engine._LineTotals, "take", one_yen_more)
    out = tmp_path / "out"
    assert main(["broadcast", "run", str(tmp_path / "quarter"), "--out", str(out), "--quiet"]) == 3
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["quarter"]
    monkeypatch.setattr(engine._LineTotals, "take", original)
    assert main(["broadcast", "run", str(tmp_path / "quarter"), "--out", str(out), "--quiet"]) == 0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["balanced"] is True


def test_integer_party_ids_meet_only_parties_with_that_plain_number(tmp_path: Path) -> None:
    """rights.parquet may give party ids as integers; 17 is the party "17", never "017" or "A"."""
    folder = tmp_path / "quarter"
    _numeric_example(folder)
    parties = pl.read_csv(folder / "parties.csv", infer_schema=False)
    pl.concat(
        [parties, pl.DataFrame({"party_id": ["017", "17"], "name": ["X", "Y"], "category": ["member", "member"]})],
        how="diagonal",
    ).write_csv(folder / "parties.csv")
    rights = pl.read_parquet(folder / "rights.parquet")
    numbers = [17 if i == 0 else 999 if i == 1 else None for i in range(rights.height)]
    rights.with_columns(pl.Series("party_id", numbers, dtype=pl.Int64)).write_parquet(folder / "rights.parquet")
    with pytest.raises(InputError) as error:
        compute_quarter(folder)
    assert [(p.file, p.line, p.column, p.message) for p in error.value.problems] == [
        ("rights.parquet", 2, "party_id", "unknown party '999'")
    ]


def test_released_share_rows_give_the_same_result_as_the_full_frame(tmp_path: Path) -> None:
    """The engine's slim copy of the share rows (the full frame never kept) gives the result of the
    full frame, and each run hands its copy over: a second run makes it again from the rows."""
    _numeric_example(tmp_path / "quarter")
    frames, rules = read_input(tmp_path / "quarter", rules_for=broadcast_ruleset_for)
    table = prc_ruleset_for(frames.quarter.reference_date)
    full = distribute_frames(frames, table, rules.label)
    frames, _ = read_input(tmp_path / "quarter", rules_for=broadcast_ruleset_for, engine_rows_only=True)
    slim = distribute_frames(frames, table, rules.label)
    again = distribute_frames(frames, table, rules.label)  # the copy was handed over: read again
    for result in (slim, again):
        assert result.statement_lines.collect().rows() == full.statement_lines.collect().rows()
        assert result.work_points.collect().rows() == full.work_points.collect().rows()
        assert result.held.rows() == full.held.rows()
        assert result.summary == full.summary
    assert full.statement_lines.collect().height > 0


def test_share_rows_read_for_the_engine_alone_give_the_same_rows_and_result(tmp_path: Path) -> None:
    """Share rows read only into the engine's slim copy (narrower types, no dates) hold the same
    values as the copy made from the full frame, give the same result, and the full frame is
    read again, the same, when something asks for every column."""
    _numeric_example(tmp_path / "quarter")
    full, rules = read_input(tmp_path / "quarter", rules_for=broadcast_ruleset_for)
    slim, _ = read_input(tmp_path / "quarter", rules_for=broadcast_ruleset_for, engine_rows_only=True)
    assert slim.rights.equals(full.rights)  # read again, every column
    table = prc_ruleset_for(full.quarter.reference_date)
    wide = [pl.col(pl.Int8, pl.Int16, pl.Int32, pl.Int64).cast(pl.Int64)]
    full_rows, slim_rows = full.take_engine_rows(), slim.take_engine_rows()
    assert slim_rows.key_shift == full_rows.key_shift is not None
    assert slim_rows.rows.with_columns(wide).rows() == full_rows.rows.with_columns(wide).rows()
    assert slim_rows.defaults.with_columns(wide).rows() == full_rows.defaults.with_columns(wide).rows()
    expected = distribute_frames(full, table, rules.label)
    got = distribute_frames(slim, table, rules.label)
    assert got.statement_lines.collect().rows() == expected.statement_lines.collect().rows()
    assert got.held.rows() == expected.held.rows()
    assert got.summary == expected.summary


def test_sampling_numerators_other_than_one_equal_the_rules(tmp_path: Path) -> None:
    """Sampling rates with several numerators (2/13, 3/4, 1/1) are reduced into one array per
    numerator and brought over their common denominator in 128 bits: the rules' figures."""
    folder = tmp_path / "quarter"
    shutil.copytree(EXAMPLE, folder)
    for name in ("rights.csv", "usage.csv"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("W1", "1").replace("W9", "9"), encoding="utf-8")
    usage = pl.read_csv(folder / "usage.csv", infer_schema=False)
    rates = ["2/13", "1/4", "", "3/4", "2/13", "1/4"]  # managed lines (every third): 2/13 and 3/4
    rows = [
        {**usage.row(i % usage.height, named=True), "line_id": f"L{i + 1}", "sampling_rate": rate}
        for i, rate in enumerate(rates * 2)
    ]
    pl.DataFrame(rows, schema=usage.schema, orient="row").write_csv(folder / "usage.csv")
    _compact(folder, parts_per_month=1)
    frames, rules = read_input(folder, rules_for=broadcast_ruleset_for, defer_usage_checks=True)
    table = prc_ruleset_for(frames.quarter.reference_date)
    fast = distribute_frames(frames, table, rules.label)
    slow = result_from_outcome(distribute(quarter_input_from_frames(frames), table, rules.label))
    assert fast.statement_lines.collect().rows() == slow.statement_lines.collect().rows()
    for name in ("payees", "held", "work_points"):
        assert getattr(fast, name).rows() == getattr(slow, name).rows(), name
    assert fast.summary == slow.summary
    managed = frames.usage.filter(pl.col("outcome") == "managed").select(pl.col("sampling_num").unique().sort())
    assert managed.collect()["sampling_num"].to_list() == [2, 3]


def test_roles_of_a_dictionary_encoded_rights_parquet_are_checked_as_text(tmp_path: Path) -> None:
    """rights.parquet's role and right stay dictionary-encoded when read: a name in capitals is
    accepted as in the CSV file, an unknown one is reported with its row."""
    folder = tmp_path / "quarter"
    _numeric_example(folder)
    rights = pl.read_parquet(folder / "rights.parquet")
    assert isinstance(rights.schema["role"], pl.Categorical)
    roles = ["Composer" if i == 0 else "singer" if i == 1 else r for i, r in enumerate(rights["role"].to_list())]
    rights.with_columns(pl.Series("role", roles, dtype=pl.Categorical)).write_parquet(folder / "rights.parquet")
    with pytest.raises(InputError) as error:
        compute_quarter(folder)
    assert [(p.file, p.line, p.column) for p in error.value.problems] == [("rights.parquet", 2, "role")]
    assert "unknown role 'singer'" in error.value.problems[0].message


def test_integer_coded_roles_and_rights_are_read_by_their_names_and_a_bad_code_is_located(tmp_path: Path) -> None:
    """rights.parquet may give role and right as integer codes named in its metadata: the same
    result as dictionary-encoded; a code outside the names is reported with its row, and names
    that are not a list of distinct texts with the file."""
    folder = tmp_path / "quarter"
    _numeric_example(folder)
    expected = compute_quarter(folder).result.summary
    rights = pl.read_parquet(folder / "rights.parquet")
    roles = ["publisher", *sorted(r for r in ROLES if r != "publisher")]
    codes = {"right": ["performing", "mechanical"], "role": roles}
    write_rights(rights, folder, codes)
    assert pl.read_parquet_schema(folder / "rights.parquet")["right"] == pl.UInt8
    assert json.loads(pl.read_parquet_metadata(folder / "rights.parquet")[CODES_KEY]) == codes
    assert compute_quarter(folder).result.summary == expected
    coded = pl.read_parquet(folder / "rights.parquet")
    bad = coded.with_columns(
        pl.when(pl.int_range(pl.len()) == 2).then(pl.lit(7)).otherwise(pl.col("role")).cast(pl.UInt8).alias("role")
    )
    bad.write_parquet(folder / "rights.parquet", metadata={CODES_KEY: json.dumps(codes)})
    with pytest.raises(InputError) as error:
        compute_quarter(folder)
    assert [(p.file, p.line, p.column) for p in error.value.problems] == [("rights.parquet", 3, "role")]
    assert "unknown role 'code 7'" in error.value.problems[0].message
    coded.write_parquet(folder / "rights.parquet", metadata={CODES_KEY: json.dumps({**codes, "right": ["x", "x"]})})
    with pytest.raises(InputError) as error:
        compute_quarter(folder)
    assert [(p.file, p.line, p.column) for p in error.value.problems] == [("rights.parquet", 0, "right")]
    assert "not a JSON list of distinct names" in error.value.problems[0].message
    coded.write_parquet(folder / "rights.parquet")  # no names: the codes are read as texts, unknown
    with pytest.raises(InputError) as error:
        compute_quarter(folder)
    found = {(p.file, p.column, p.message.split(" (")[0]) for p in error.value.problems}
    assert {("rights.parquet", "role", "unknown role '2'"), ("rights.parquet", "right", "unknown right '0'")} <= found


def test_the_rights_writer_refuses_a_value_its_codes_do_not_name() -> None:
    from bunpai.formats.broadcast_parquet import coded_rights

    rows = pl.DataFrame({"role": ["composer", "singer"], "right": ["performing", None]})
    with pytest.raises(ValueError, match="singer"):
        coded_rights(rows, rights_codes())
    others = {name: pl.lit(1) for name in ("share_num", "share_den")} | {
        name: pl.lit(None, pl.Date) for name in ("submitted_on", "valid_from", "valid_to")
    }
    coded = coded_rights(rows.with_columns(role=pl.lit("publisher"), **others), rights_codes())
    assert coded["role"].to_list() == [sorted(ROLES).index("publisher")] * 2 and coded["right"].to_list() == [1, None]


def test_default_shares_wider_than_the_given_ones_equal_the_rules(tmp_path: Path) -> None:
    """The given shares fit one byte (the slim type of the share rows), but a work whose 130
    composers take the default table gets shares over 130: the engine widens the parts for them
    and gives the rules' figures."""
    folder = tmp_path / "quarter"
    shutil.copytree(EXAMPLE, folder)
    for name in ("rights.csv", "usage.csv"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("W1", "1").replace("W9", "9"), encoding="utf-8")
    composers = [f"C{i}" for i in range(130)]
    with (folder / "parties.csv").open("a", encoding="utf-8") as parties:
        parties.writelines(f"{c},{c},member,\n" for c in composers)
    with (folder / "rights.csv").open("a", encoding="utf-8") as rights:
        rights.writelines(f"2,{c},composer,performing,,2020-01-01,2020-01-01,\n" for c in composers)
    usage = pl.read_csv(folder / "usage.csv", infer_schema=False)
    line = {**usage.row(0, named=True), "line_id": "L_default", "work_id": "2"}
    pl.concat([usage, pl.DataFrame([line], schema=usage.schema, orient="row")]).write_csv(folder / "usage.csv")
    _compact(folder, parts_per_month=1)
    for taken in (True, False):
        frames, rules = read_input(
            folder, rules_for=broadcast_ruleset_for, defer_usage_checks=True, engine_rows_only=True
        )
        if taken:
            assert frames.take_engine_rows().rows.schema["share_den"] == pl.Int8
    table = prc_ruleset_for(frames.quarter.reference_date)
    fast = distribute_frames(frames, table, rules.label)
    frames, rules = read_input(folder, rules_for=broadcast_ruleset_for, defer_usage_checks=True)
    slow = result_from_outcome(distribute(quarter_input_from_frames(frames), table, rules.label))
    fast_lines = fast.statement_lines.collect()
    assert fast_lines.rows() == slow.statement_lines.collect().rows()
    assert fast_lines.filter(pl.col("work_id") == "2")["share"].unique().to_list() == ["1/130"]
    for name in ("payees", "held", "work_points"):
        assert getattr(fast, name).rows() == getattr(slow, name).rows(), name
    assert fast.summary == slow.summary


def _coded_example(folder: Path) -> None:
    """The numeric example with its usage lines' outcome and method as integer codes."""
    _numeric_example(folder)
    for month in MONTHS:
        path = folder / "usage" / f"month={month}" / "part-0.parquet"
        write_usage_part(pl.read_parquet(path), folder, month, 0, usage_codes(["theme", "featured", "background"]))


def _set_code(folder: Path, month: str, row: int, column: str, code: int | None) -> None:
    path = folder / "usage" / f"month={month}" / "part-0.parquet"
    frame = pl.read_parquet(path)
    metadata = pl.read_parquet_metadata(path)
    frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(pl.lit(code)).otherwise(pl.col(column)).cast(pl.UInt8).alias(column)
    ).write_parquet(path, metadata={CODES_KEY: metadata[CODES_KEY]})


def test_integer_codes_are_named_in_each_file_and_a_code_outside_the_names_is_located(tmp_path: Path) -> None:
    folder = tmp_path / "quarter"
    _coded_example(folder)
    path = folder / "usage" / "month=2026-04" / "part-0.parquet"
    assert pl.read_parquet_schema(path)["outcome"] == pl.UInt8
    assert json.loads(pl.read_parquet_metadata(path)[CODES_KEY]) == {
        "method": ["theme", "featured", "background"],
        "outcome": ["managed", "unidentified", "other", "public_domain"],
    }
    expected = compute_quarter(tmp_path / "quarter").result.summary
    csv_folder = tmp_path / "csv"
    _numeric_example(csv_folder)
    assert expected == compute_quarter(csv_folder).result.summary
    # April: managed lines (rows 1-10); May: unidentified (11-20).
    _set_code(folder, "2026-04", 1, "method", 3)  # beyond the three methods named
    _set_code(folder, "2026-05", 4, "outcome", 9)
    with pytest.raises(InputError) as error:
        compute_quarter(folder)
    assert sorted((p.file, p.line, p.column, p.message) for p in error.value.problems) == [
        ("usage:row", 2, "method", "unknown usage method"),
        ("usage:row", 15, "outcome", "unknown outcome"),
    ]


def test_integer_codes_without_their_names_or_named_otherwise_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "quarter"
    _coded_example(folder)
    june = folder / "usage" / "month=2026-06" / "part-0.parquet"
    coded = pl.read_parquet(june)
    lines = coded.with_columns(  # June's lines written again with their methods in another order
        pl.Series("outcome", [OUTCOMES[c] for c in coded["outcome"].to_list()]),
        pl.Series("method", [["theme", "featured", "background"][c] for c in coded["method"].to_list()]),
    )
    write_usage_part(lines, folder, "2026-06", 0, usage_codes(["featured", "theme", "background"]))
    with pytest.raises(InputError) as error:
        read_input(folder, rules_for=broadcast_ruleset_for)
    assert [(p.file, p.line, p.column, p.message) for p in error.value.problems] == [
        (
            "usage/month=2026-06/part-0.parquet",
            0,
            CODES_KEY,
            "the codes are named otherwise than in usage/month=2026-04/part-0.parquet",
        )
    ]
    pl.read_parquet(june).write_parquet(june)  # the names dropped
    with pytest.raises(InputError) as error:
        read_input(folder, rules_for=broadcast_ruleset_for)
    assert [(p.file, p.column) for p in error.value.problems] == [("usage/month=2026-06/part-0.parquet", "outcome")]
    assert "without their names" in error.value.problems[0].message


def test_the_writer_refuses_a_value_its_codes_do_not_name() -> None:
    from bunpai.formats.broadcast_parquet import coded_usage

    lines = pl.DataFrame({"outcome": ["managed", None], "method": ["theme", "singing"]})
    with pytest.raises(ValueError, match="singing"):
        coded_usage(lines, usage_codes(["theme"]))
    with pytest.raises(ValueError, match="twice"):
        coded_usage(lines, usage_codes(["theme", "singing", "theme"]))
    numbers = {name: pl.lit(1) for name in ("duration_s", "sampling_num", "sampling_den")}
    coded = coded_usage(lines.with_columns(**numbers, recorded=pl.lit(True)), usage_codes(["singing", "theme"]))
    assert coded["outcome"].to_list() == [0, None] and coded["method"].to_list() == [1, 0]


def test_a_folder_of_files_is_read_file_by_file_in_the_order_of_the_whole_folder(tmp_path: Path) -> None:
    """The engine takes a folder's lines a file at a time (bounded read-ahead): in the order Polars
    reads the folder, by the path as text ('a-c' before 'a/', unlike a sort by path parts)."""
    folder = tmp_path / "quarter"
    _coded_example(folder)
    usage = folder / "usage"
    for name, month in (("a", "2026-04"), ("a-c", "2026-05"), ("a0", "2026-06")):
        (usage / f"month={month}").rename(usage / name)
    frames, _ = read_input(folder, rules_for=broadcast_ruleset_for, defer_usage_checks=True)
    assert len(frames.usage_files) == 3
    whole = frames.usage.collect()
    for batch_rows in (1, 4, 7, 100):
        taken = pl.concat(list(frames.usage_batches(batch_rows)))
        assert taken.equals(whole)
        assert max(b.height for b in frames.usage_batches(batch_rows)) <= batch_rows
    assert whole["line_id"].to_list()[:1] == ["L2"]  # a-c/ first: May's lines (L2, L5, …)


def _shared_categories() -> set[str]:
    """The texts of the process's shared categories (those of ``pl.Categorical``)."""
    return set(pl.Series([], dtype=pl.Categorical).dtype.categories.to_series().to_list())  # type: ignore[union-attr]


def test_a_process_whose_shared_categories_are_many_distributes_alike_and_keeps_party_ids_apart(
    tmp_path: Path,
) -> None:
    """A long-lived process (the web application) may have put many texts into the categories that
    every Categorical column shares; the usage lines' categories are then read through a table of
    the codes present. A run adds no party id to those categories."""
    folder = tmp_path / "quarter"
    _coded_example(folder)
    expected = compute_quarter(folder)
    write_run(expected, tmp_path / "before", tables="parquet")
    filler = pl.Series([f"filler {i}" for i in range(70_000)]).cast(pl.Categorical)  # (kept while in use)
    assert len(_shared_categories()) > 1 << 16
    run = compute_quarter(folder)
    assert run.path == "columnar" and run.result.summary == expected.result.summary
    write_run(run, tmp_path / "after", tables="parquet")
    for name in ("statement_lines", "work_points"):
        after, before = (
            pl.read_parquet(tmp_path / when / name / "*.parquet").with_columns(pl.col(pl.Categorical).cast(pl.String))
            for when in ("after", "before")
        )
        assert after.equals(before)
    parties = set(pl.read_csv(folder / "parties.csv", infer_schema=False)["party_id"].to_list())
    assert not parties & _shared_categories()
    assert filler.len() == 70_000
