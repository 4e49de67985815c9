"""Reading user CSV tables into typed columns, vectorised, with every problem located.

Accepts what real users send: UTF-8 with or without BOM, Shift_JIS/CP932, CRLF, full-width
digits and letters, surrounding blanks. Every problem is reported as ``file:line: column: what``;
a file is read whole so that all its problems are found, not only the first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bunpai.core.money import MoneyError, parse_ratio

LINE = "__line"

_FULL_WIDTH = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000"]
_HALF_WIDTH = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" "]
_POW10 = {n: 10**n for n in range(19)}
_FEW_VALUES = 10_000
_INT64_MAX = 2**63 - 1


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file; ``line`` 0 means the file as a whole."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class InputError(Exception):
    """Input that cannot be distributed; ``problems`` lists every one found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the input")


class Problems:
    """Collects problems, from single values or from whole columns at once.

    Column checks are deferred and evaluated together, one pass per frame, so that validating
    ten million rows costs one scan rather than one per rule.
    """

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self._frames: list[pl.DataFrame] = []
        self._pending: dict[int, tuple[pl.DataFrame, list[tuple[str, str, pl.Expr, pl.Expr]]]] = {}

    def add(self, file: str, line: int, column: str, message: str) -> None:
        self.items.append(Problem(file, line, column, message))

    def add_all(self, problems: Iterable[Problem]) -> None:
        """Add problems found elsewhere (by another reader of the same input)."""
        self.items.extend(problems)

    def add_rows(self, file: str, column: str, rows: pl.DataFrame, message: str | pl.Expr) -> None:
        """Add one problem per row of ``rows`` (which has the line column)."""
        if rows.height == 0:
            return
        text = message if isinstance(message, pl.Expr) else pl.lit(message)
        self._frames.append(
            rows.select(
                pl.lit(file).alias("file"),
                pl.col(LINE).cast(pl.Int64).alias("line"),
                pl.lit(column).alias("column"),
                text.cast(pl.String).alias("message"),
            )
        )

    def check(
        self, file: str, column: str, frame: pl.DataFrame, bad: pl.Expr, message: str | pl.Expr
    ) -> None:
        """Report every row of ``frame`` where ``bad`` is true (evaluated at the next flush)."""
        text = message if isinstance(message, pl.Expr) else pl.lit(message)
        entry = self._pending.setdefault(id(frame), (frame, []))
        entry[1].append((file, column, bad.fill_null(False), text))

    def flush(self) -> None:
        for frame, checks in self._pending.values():
            hits = frame.lazy().select([bad.any().alias(f"c{i}") for i, (_, _, bad, _) in enumerate(checks)])
            flags = hits.collect().row(0)
            for hit, (file, column, bad, message) in zip(flags, checks, strict=True):
                if hit:
                    rows = frame.filter(bad).select(pl.col(LINE), message.alias("__message"))
                    self.add_rows(file, column, rows, pl.col("__message"))
        self._pending.clear()

    def all(self) -> list[Problem]:
        self.flush()
        found = list(self.items)
        for frame in self._frames:
            found.extend(Problem(*row) for row in frame.iter_rows())
        return sorted(found)

    def __bool__(self) -> bool:
        self.flush()
        return bool(self.items) or any(f.height for f in self._frames)

    def raise_if_any(self) -> None:
        if self:
            raise InputError(self.all())


def _decode(data: bytes) -> bytes | None:
    """The file as UTF-8 bytes: UTF-8 as is (BOM dropped), else decoded from CP932."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932").encode("utf-8")
    except UnicodeDecodeError:
        return None


def _field_count_problems(name: str, data: bytes, width: int) -> list[Problem]:
    found = []
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    for number, row in enumerate(reader, start=1):
        if number > 1 and len(row) > width:
            found.append(
                Problem(name, reader.line_num, "*", f"{len(row)} fields where the header has {width}")
            )
    return found


def read_table(
    folder: Path,
    name: str,
    required: Sequence[str],
    optional: Sequence[str],
    problems: Problems,
    *,
    must_exist: bool = True,
) -> pl.DataFrame | None:
    """Read one CSV file as normalised text columns plus its line numbers.

    Returns ``None`` (with the problems recorded) when the file is missing or unreadable, or when
    a required column is missing. Empty cells become null; extra columns are dropped.
    """
    path = folder / name
    if not path.is_file():
        if must_exist:
            problems.add(name, 0, "*", "file is missing")
        return None
    data = path.read_bytes()
    try:
        # Polars reads UTF-8 (with or without BOM) and refuses anything else; only then decode CP932.
        frame = pl.read_csv(io.BytesIO(data), infer_schema=False, has_header=True)
    except pl.exceptions.ComputeError as error:
        if "utf-8" not in str(error).lower() and "utf8" not in str(error).lower():
            frame = None
        else:
            decoded = _decode(data)
            if decoded is None:
                problems.add(name, 0, "*", "not readable as UTF-8 or Shift_JIS/CP932 text")
                return None
            data = decoded
            frame = None
    except pl.exceptions.NoDataError:
        problems.add(name, 1, "*", "file is empty: a header row is needed")
        return None
    if frame is None:
        frame = _read_decoded(name, data, problems)
        if frame is None:
            return None
    return _prepare(frame, name, data, required, optional, problems)


def _read_decoded(name: str, data: bytes, problems: Problems) -> pl.DataFrame | None:
    try:
        return pl.read_csv(io.BytesIO(data), infer_schema=False, has_header=True)
    except pl.exceptions.NoDataError:
        problems.add(name, 1, "*", "file is empty: a header row is needed")
        return None
    except pl.exceptions.PolarsError as error:
        header = next(csv.reader(io.StringIO(data.decode("utf-8").split("\n", 1)[0])), [])
        located = _field_count_problems(name, data, len(header))
        if located:
            problems.items.extend(located)
        else:
            problems.add(name, 0, "*", f"not a readable CSV file: {str(error).splitlines()[0]}")
        return None


def _prepare(
    frame: pl.DataFrame, name: str, data: bytes, required: Sequence[str], optional: Sequence[str], problems: Problems
) -> pl.DataFrame | None:
    renamed = {c: _normalise_header(c) for c in frame.columns}
    frame = frame.rename(renamed)
    missing = [c for c in required if c not in frame.columns]
    for column in missing:
        problems.add(name, 1, column, "missing column")
    if missing:
        return None
    keep = [c for c in (*required, *optional) if c in frame.columns]
    frame = frame.select(keep).with_row_index(LINE, offset=2)
    if frame.height == 0 or not keep or not _may_need_normalising(data):
        return frame
    needs = frame.select(
        [pl.col(c).str.contains(r"[^\x00-\x7F]").any().alias(f"wide:{c}") for c in keep]
        + [pl.col(c).str.contains(r"^\s|\s$").any().alias(f"blank:{c}") for c in keep]
        + [(pl.col(c) == "").any().alias(f"empty:{c}") for c in keep]
    ).row(0, named=True)
    changes = []
    for column in keep:
        wide, blank, empty = needs[f"wide:{column}"], needs[f"blank:{column}"], needs[f"empty:{column}"]
        if not (wide or blank or empty):
            continue
        expr = pl.col(column)
        if wide:
            expr = expr.str.replace_many(_FULL_WIDTH, _HALF_WIDTH)
        expr = expr.str.strip_chars()
        changes.append(pl.when(expr == "").then(None).otherwise(expr).alias(column))
    return frame.with_columns(changes) if changes else frame


def _may_need_normalising(data: bytes) -> bool:
    """Whether a cell could hold full-width characters, surrounding blanks or a quoted empty value
    (a fast byte scan)."""
    if np.frombuffer(data, dtype=np.uint8).max(initial=0) >= 0x80:
        return True
    tokens = (b" ,", b", ", b" \n", b" \r", b"\t", b'" ', b' "', b'""')
    return any(token in data for token in tokens) or data.startswith(b" ")


def _normalise_header(column: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", column).strip().lower()


# --- typed columns -------------------------------------------------------------------------


def require(problems: Problems, file: str, frame: pl.DataFrame, columns: Iterable[str]) -> None:
    for column in columns:
        problems.check(file, column, frame, pl.col(column).is_null(), "missing value")


def whole_numbers(problems: Problems, file: str, frame: pl.DataFrame, column: str) -> pl.Expr:
    """Check a column of non-negative whole numbers; return the expression of its Int64 value."""
    text = pl.col(column)
    value = text.cast(pl.Int64, strict=False)
    problems.check(
        file,
        column,
        frame,
        text.is_not_null() & value.is_null(),
        pl.when(text.str.contains(r"^\d+$"))
        .then(pl.format("number too large: {}", text))
        .otherwise(pl.format("not a whole number: '{}'", text)),
    )
    problems.check(file, column, frame, value < 0, pl.format("negative number {}", text))
    return pl.when(value >= 0).then(value).otherwise(None)


def ratios(problems: Problems, file: str, frame: pl.DataFrame, column: str) -> tuple[pl.Expr, pl.Expr]:
    """Check a column of non-negative exact ratios (``n/d`` or decimal); return numerator and denominator."""
    text = pl.col(column)
    whole = text.cast(pl.Int64, strict=False)
    if (
        frame.height == 0
        or not frame.select((text.is_not_null() & (whole.is_null() | (whole < 0))).any()).item()
    ):
        return whole, pl.when(text.is_not_null()).then(pl.lit(1, pl.Int64)).otherwise(None)
    distinct = frame.select(text.drop_nulls().unique()).to_series()
    if distinct.len() <= _FEW_VALUES:
        return _few_ratios(problems, file, frame, column, distinct.to_list())
    # Parse once, eagerly: the parts are used by several checks and by both results.
    parts = frame.select(
        text.str.extract_groups(r"^(\d{1,18})(?:/(\d{1,18})|\.(\d{1,18}))?$").alias("parts"),
        text.alias("text"),
    ).unnest("parts")
    int_part, den_part, frac_part = pl.col("1"), pl.col("2"), pl.col("3")
    digits = int_part + frac_part
    parsed = parts.select(
        pl.when(den_part.is_not_null())
        .then(int_part.cast(pl.Int64, strict=False))
        .when(frac_part.is_not_null())
        .then(digits.cast(pl.Int64, strict=False))
        .otherwise(int_part.cast(pl.Int64, strict=False))
        .alias("numerator"),
        pl.when(den_part.is_not_null())
        .then(den_part.cast(pl.Int64, strict=False))
        .when(frac_part.is_not_null())
        .then(frac_part.str.len_chars().replace_strict(_POW10, default=None, return_dtype=pl.Int64))
        .when(int_part.is_not_null())
        .then(pl.lit(1, pl.Int64))
        .otherwise(None)
        .alias("denominator"),
        (pl.col("text").is_not_null() & ~pl.col("text").str.starts_with("-") & int_part.is_null()).alias(
            "syntax"
        ),
        (den_part.cast(pl.Int64, strict=False) == 0).fill_null(False).alias("zero"),
        (digits.str.len_chars() > 18).fill_null(False).alias("long"),
    )
    problems.check(file, column, frame, text.str.starts_with("-"), pl.format("negative value {}", text))
    problems.check(
        file,
        column,
        frame,
        pl.lit(parsed["syntax"]),
        pl.format("not a fraction n/d or a decimal: '{}'", text),
    )
    problems.check(file, column, frame, pl.lit(parsed["zero"]), pl.format("zero denominator in {}", text))
    problems.check(file, column, frame, pl.lit(parsed["long"]), pl.format("too many digits: {}", text))
    return pl.lit(parsed["numerator"]), pl.lit(parsed["denominator"])


def _few_ratios(
    problems: Problems, file: str, frame: pl.DataFrame, column: str, values: list[str]
) -> tuple[pl.Expr, pl.Expr]:
    """Ratios of a column with few distinct values: each value parsed once by the core's parser."""
    numerators: dict[str, int] = {}
    denominators: dict[str, int] = {}
    errors: dict[str, str] = {}
    for value in values:
        try:
            ratio = parse_ratio(value)
        except MoneyError as error:
            errors[value] = str(error)
            continue
        if max(ratio.numerator, ratio.denominator) > _INT64_MAX:
            errors[value] = f"too many digits: {value}"
            continue
        numerators[value] = ratio.numerator
        denominators[value] = ratio.denominator
    text = pl.col(column)
    if errors:
        problems.check(
            file,
            column,
            frame,
            text.is_in(sorted(errors)),
            text.replace_strict(errors, default=None, return_dtype=pl.String),
        )
    return (
        text.replace_strict(numerators, default=None, return_dtype=pl.Int64),
        text.replace_strict(denominators, default=None, return_dtype=pl.Int64),
    )


def dates(problems: Problems, file: str, frame: pl.DataFrame, column: str) -> pl.Expr:
    """Check a column of ISO dates (``YYYY-MM-DD``; ``YYYY/MM/DD`` accepted); return the date."""
    text = pl.col(column)
    parsed = text.str.to_date("%Y-%m-%d", strict=False)
    if frame.height and frame.select((text.is_not_null() & parsed.is_null()).any()).item():
        parsed = text.str.replace_all("/", "-", literal=True).str.to_date("%Y-%m-%d", strict=False)
    problems.check(
        file,
        column,
        frame,
        text.is_not_null() & parsed.is_null(),
        pl.format("not a date YYYY-MM-DD: '{}'", text),
    )
    return parsed


def choices(
    problems: Problems, file: str, frame: pl.DataFrame, column: str, allowed: Iterable[str], what: str
) -> pl.Expr:
    """Check a column of names from a closed list (case-insensitive); return the lower-case name."""
    values = sorted(set(allowed))
    value = pl.col(column)
    if frame.height and frame.select((value.is_not_null() & ~value.is_in(values)).any()).item():
        value = value.cast(pl.String).str.to_lowercase()  # a dictionary-encoded column as its text
    problems.check(
        file,
        column,
        frame,
        value.is_not_null() & ~value.is_in(values),
        pl.format(
            "unknown {} '{}' (expected one of: {})", pl.lit(what), pl.col(column), pl.lit(", ".join(values))
        ),
    )
    return value


def flags(problems: Problems, file: str, frame: pl.DataFrame, column: str) -> pl.Expr:
    """Check a yes/empty column (``no`` also accepted); return a boolean."""
    value = pl.col(column).str.to_lowercase()
    problems.check(
        file,
        column,
        frame,
        value.is_not_null() & ~value.is_in(["yes", "no", "y", "n", "true", "false"]),
        pl.format("expected yes or empty, got '{}'", pl.col(column)),
    )
    return value.is_in(["yes", "y", "true"]).fill_null(False)


def duplicates(problems: Problems, file: str, frame: pl.DataFrame, column: str) -> None:
    problems.check(
        file,
        column,
        frame,
        pl.col(column).is_not_null() & pl.col(column).is_duplicated(),
        pl.format("duplicate id '{}'", pl.col(column)),
    )


def unknown_reference(
    problems: Problems, file: str, frame: pl.DataFrame, column: str, known: pl.Series, what: str
) -> None:
    problems.check(
        file,
        column,
        frame,
        pl.col(column).is_not_null() & ~pl.col(column).is_in(known.implode()),
        pl.format("unknown {} '{}'", pl.lit(what), pl.col(column)),
    )


def reduce_ratio(frame: pl.DataFrame, numerator: str, denominator: str, *, narrow: bool = False) -> pl.DataFrame:
    """Reduce ratio columns by their greatest common divisor (exact, in 64-bit integers).

    ``narrow``: the reduced columns in their :func:`narrowest` type. Signed integer columns are
    reduced in their own types by one compiled pass (:func:`share_kernels.reduced_ratios
    <bunpai.formats.share_kernels.reduced_ratios>`); others a range of rows at a time, each range's
    quotients narrowed at once: no full-length 64-bit array is made (the ranges are joined in the
    widest type any of them needed)."""
    if frame.height == 0:
        return frame
    num_column, den_column = frame[numerator], frame[denominator]
    if not all(c.dtype.is_integer() and c.dtype != pl.Int128 for c in (num_column, den_column)):
        return frame  # 128-bit or not integers: left as they are
    if num_column.null_count() or den_column.null_count():
        return frame
    reduced = _reduced_in_one_pass(num_column, den_column) if narrow else None
    if reduced is not None:
        return frame.with_columns(narrowest(reduced[0]), narrowest(reduced[1]))
    step = _REDUCE_ROWS if narrow else frame.height
    parts: tuple[list[pl.Series], list[pl.Series]] = ([], [])
    for start in range(0, frame.height, step):
        num = num_column.slice(start, step).to_numpy().astype(np.int64, copy=False)
        den = den_column.slice(start, step).to_numpy().astype(np.int64, copy=False)
        divisor = np.gcd(num, den)
        divisor[divisor == 0] = 1
        # The quotients in place of the divisor and one more array (no copies of the columns).
        reduced_num = num // divisor
        np.floor_divide(den, divisor, out=divisor)
        for name, values, into in ((numerator, reduced_num, parts[0]), (denominator, divisor, parts[1])):
            series = pl.Series(name, values, dtype=pl.Int64)
            into.append(narrowest(series) if narrow else series)
    return frame.with_columns(_joined(parts[0]), _joined(parts[1]))


_SIGNED_TYPES = (pl.Int8, pl.Int16, pl.Int32, pl.Int64)


def _reduced_in_one_pass(numerator: pl.Series, denominator: pl.Series) -> tuple[pl.Series, pl.Series] | None:
    """Signed integer columns reduced by one compiled pass, each in its own type (a quotient is
    never larger than its part); None for other types or a part of −2⁶³."""
    if numerator.dtype not in _SIGNED_TYPES or denominator.dtype not in _SIGNED_TYPES:
        return None
    from bunpai.formats.share_kernels import reduced_ratios

    num, den = numerator.to_numpy(), denominator.to_numpy()
    out_num, out_den = np.empty_like(num), np.empty_like(den)
    if not reduced_ratios(num, den, out_num, out_den):
        return None
    return (
        pl.Series(numerator.name, out_num, dtype=numerator.dtype),
        pl.Series(denominator.name, out_den, dtype=denominator.dtype),
    )


_REDUCE_ROWS = 1 << 22
"""Rows per range of a narrowed :func:`reduce_ratio`."""
_NARROW_TYPES = ((pl.Int8, 7), (pl.Int32, 31))


def narrowest(series: pl.Series, types: Sequence[tuple[Any, int]] = _NARROW_TYPES) -> pl.Series:
    """An integer column as Int8/Int32 when every value fits (nulls kept), else as it is; ``types``:
    the (type, bits below the sign) to try instead, narrowest first."""
    if series.len() == 0:
        return series
    low, high = series.min(), series.max()
    if low is None or high is None:
        return series
    for dtype, bits in types:
        if -(1 << bits) <= int(low) and int(high) < 1 << bits:  # type: ignore[arg-type]
            return series.cast(dtype)
    return series


def _joined(parts: list[pl.Series]) -> pl.Series:
    """Ranges of one column, each in its narrowest type, as one column of the widest of them."""
    widths = [dtype for dtype, _ in _NARROW_TYPES]
    widest = max((p.dtype for p in parts), key=lambda d: widths.index(d) if d in widths else len(widths))
    return pl.concat([p.cast(widest) for p in parts])


def ratio_texts(numerator: pl.Series, denominator: pl.Series) -> pl.Series:
    """``n/d`` in lowest terms of integer columns, as :func:`bunpai.core.money.format_ratio` writes
    them (NumPy gcd when both are 64-bit, exact Python fractions otherwise)."""
    if numerator.dtype == pl.Int64 and denominator.dtype == pl.Int64:
        num, den = numerator.to_numpy(), denominator.to_numpy()
        divisor = np.gcd(num, den)
        divisor[divisor == 0] = 1
        frame = pl.DataFrame({"n": num // divisor, "d": den // divisor})
        return frame.select(pl.col("n").cast(pl.String) + "/" + pl.col("d").cast(pl.String)).to_series()
    from fractions import Fraction

    from bunpai.core.money import format_ratio

    pairs = zip(numerator.to_list(), denominator.to_list(), strict=True)
    return pl.Series([format_ratio(Fraction(int(n), int(d))) for n, d in pairs], dtype=pl.String)
