"""`ftreport prices list|show|export|import-litellm` (issue 18)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ftreport.cli import main
from ftreport.model.pricebook import ROW_FIELDS, load_pricebook, read_pricebook
from ftreport.prices import litellm

ROOT = Path(__file__).resolve().parent.parent

# A LiteLLM-format table: every field we read, batch variants, missing fields, entries
# that are not text models (the documentation entry, an embedding), old names.
LITELLM = {
    "sample_spec": {"max_tokens": "LEGACY parameter", "input_cost_per_token": 0.0,
                    "mode": "one of: chat, embedding, completion, image_generation"},
    "gpt-4.1": {  # in the book at 2 / 0.5 / 8: a changed input price
        "max_input_tokens": 1047576, "max_output_tokens": 32768,
        "input_cost_per_token": 2.2e-06, "cache_read_input_token_cost": 5e-07,
        "output_cost_per_token": 8e-06, "input_cost_per_token_batches": 1.1e-06,
        "output_cost_per_token_batches": 4e-06, "litellm_provider": "openai", "mode": "chat"},
    "gpt-4o-mini": {  # in the book, the same prices: unchanged
        "max_input_tokens": 128000, "max_output_tokens": 16384,
        "input_cost_per_token": 1.5e-07, "cache_read_input_token_cost": 7.5e-08,
        "output_cost_per_token": 6e-07, "input_cost_per_token_batches": 7.5e-08,
        "output_cost_per_token_batches": 3e-07, "litellm_provider": "openai", "mode": "chat"},
    "ft:gpt-4.1-mini": {  # ours has a training price LiteLLM lacks: it stays
        "input_cost_per_token": 9e-07, "output_cost_per_token": 3.2e-06,
        "litellm_provider": "openai", "mode": "chat"},
    "acme/tiny-1": {  # new; no cached price, no limits, no batch
        "input_cost_per_token": 3e-07, "output_cost_per_token": 1.1e-06,
        "litellm_provider": "acme", "mode": "chat"},
    "acme/big-2": {  # new; no mode, limits only
        "input_cost_per_token": 1.25e-06, "output_cost_per_token": 1e-05,
        "max_input_tokens": 200000, "max_output_tokens": 8192},
    "ft:acme/tiny-1": {"input_cost_per_token": 6e-07, "output_cost_per_token": 2.2e-06},
    "text-embedding-3-small": {"input_cost_per_token": 2e-08, "output_cost_per_token": 0.0,
                               "mode": "embedding", "litellm_provider": "openai"},
    "acme/no-price": {"max_input_tokens": 8192, "mode": "chat"},
    "ft:gpt-3.5-turbo-2023": {"input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06},
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _write(tmp_path: Path, data: object, name: str = "prices.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_list_shows_the_rows_in_force_by_provider_and_date(runner):
    done = runner.invoke(main, ["prices", "list", "--provider", "azure", "--at", "2026-06-01"])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[0].startswith("model") and "flags" in lines[0]
    assert all("Azure OpenAI" in line for line in lines[1:])
    assert any("developer" in line for line in lines)
    assert any(line.rstrip().endswith("example") for line in lines)


def test_list_json_at_two_dates_gives_each_date_s_row(runner):
    def ft35(on: str) -> dict:
        done = runner.invoke(main, ["prices", "list", "--search", "ft:gpt-3.5", "--at", on,
                                    "--json"])
        assert done.exit_code == 0, done.output
        (row,) = [r for r in json.loads(done.output) if r["model"] == "ft:gpt-3.5-turbo"]
        return row

    assert ft35("2023-09-01")["price_input_per_1m"] == 12
    assert ft35("2026-12-01")["price_input_per_1m"] == 3


def test_show_lists_every_dated_row_with_source_and_flags(runner):
    done = runner.invoke(main, ["prices", "show", "gpu:a100-80gb", "--at", "2026-10-01"])
    assert done.exit_code == 0, done.output
    assert done.output.count("source: https://") == 2
    assert "2026-01-15 to 2026-09-20" in done.output and "unconfirmed" in done.output
    assert "2026-09-20 to now (in force)" in done.output


def test_show_an_old_name_and_errors(runner):
    done = runner.invoke(main, ["prices", "show", "gpt-3.5-turbo-4k"])
    assert done.exit_code == 0 and "old name of gpt-3.5-turbo" in done.output
    done = runner.invoke(main, ["prices", "show", "gpt-4.1", "--at", "2020-01-01"])
    assert done.exit_code == 2
    assert "gpt-4.1" in done.output and "2020-01-01" in done.output
    assert runner.invoke(main, ["prices", "show", "no-such-model"]).exit_code == 2
    assert runner.invoke(main, ["prices", "list", "--at", "someday"]).exit_code == 2


def test_export_the_book_as_json_and_the_rows_in_force_as_csv(runner, tmp_path):
    done = runner.invoke(main, ["prices", "export", str(tmp_path / "book.json")])
    assert done.exit_code == 0, done.output
    assert read_pricebook(tmp_path / "book.json").rows == load_pricebook().rows
    done = runner.invoke(main, ["prices", "export", "--format", "csv", "--at", "2023-09-01"])
    rows = list(csv.DictReader(io.StringIO(done.output)))
    assert tuple(rows[0]) == ROW_FIELDS
    assert {r["model"] for r in rows} >= {"ft:gpt-3.5-turbo", "gpt-4"}
    assert "gpt-4.1" not in {r["model"] for r in rows}  # not yet released


def _import(runner, source: Path, out: Path, *extra: str):
    return runner.invoke(main, ["prices", "import-litellm", str(source), "-o", str(out),
                                *extra])


def test_import_litellm_converts_per_token_to_exact_per_1m_prices(runner, tmp_path):
    out = tmp_path / "mine.json"
    done = _import(runner, _write(tmp_path, LITELLM), out, "--yes")
    assert done.exit_code == 0, done.output
    rows = {r.model: r for r in read_pricebook(out).rows}
    assert set(rows) == {"gpt-4.1", "ft:gpt-4.1-mini", "acme/tiny-1", "acme/big-2"}
    gpt = rows["gpt-4.1"]
    assert (gpt.price_input_per_1m, gpt.price_cached_input_per_1m, gpt.price_output_per_1m,
            gpt.batch_discount) == (2.2, 0.5, 8.0, 0.5)
    tiny = rows["acme/tiny-1"]
    assert (tiny.price_input_per_1m, tiny.price_cached_input_per_1m,
            tiny.price_output_per_1m) == (0.3, 0.0, 1.1)
    assert (tiny.provider, tiny.kind, tiny.context_window, tiny.batch_discount) == (
        "acme", "base", None, 0.0)
    big = rows["acme/big-2"]
    assert (big.price_input_per_1m, big.price_output_per_1m, big.context_window,
            big.max_output_tokens, big.provider) == (1.25, 10.0, 200000, 8192, "unknown")
    # Training and hosting stay ours; inference comes from LiteLLM.
    tuned = rows["ft:gpt-4.1-mini"]
    assert (tuned.price_training_per_1m, tuned.price_input_per_1m,
            tuned.price_output_per_1m, tuned.price_cached_input_per_1m) == (5.0, 0.9, 3.2, 0.2)
    assert all(not r.confirmed and "unconfirmed" in r.notes.lower() for r in rows.values())
    # The diff was shown before the file was written.
    assert done.output.index("changed (old -> new):") < done.output.index("wrote ")
    assert "gpt-4.1 [standard]: in/1M 2.0 -> 2.2" in done.output
    assert "2 added, 2 changed, 1 unchanged, 5 skipped" in done.output
    assert "1 not a model" in done.output


def test_import_asks_before_writing(runner, tmp_path):
    out = tmp_path / "mine.json"
    done = runner.invoke(main, ["prices", "import-litellm", str(_write(tmp_path, LITELLM)),
                                "-o", str(out)], input="n\n")
    assert done.exit_code == 1 and not out.exists()
    assert "Write 4 rows" in done.output


@pytest.mark.parametrize(("bad", "named"), [
    ({"gpt-x": {"input_cost_per_token": "cheap", "output_cost_per_token": 1e-6}},
     '"gpt-x".input_cost_per_token'),
    ({"gpt-y": [1, 2]}, '"gpt-y"'),
    ({"gpt-z": {"input_cost_per_token": -1e-6, "output_cost_per_token": 1e-6}},
     '"gpt-z".input_cost_per_token'),
    ({"gpt-w": {"input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6,
                "max_output_tokens": 1.5}}, '"gpt-w".max_output_tokens'),
])
def test_a_malformed_entry_is_exit_2_naming_it(runner, tmp_path, bad, named):
    out = tmp_path / "mine.json"
    done = _import(runner, _write(tmp_path, {**LITELLM, **bad}), out, "--yes")
    assert done.exit_code == 2, done.output
    assert named in done.output and not out.exists()


def test_a_file_that_is_not_a_price_table_is_exit_2(runner, tmp_path):
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"gpt-4.1": {', encoding="utf-8")
    assert _import(runner, damaged, tmp_path / "o.json", "--yes").exit_code == 2
    assert _import(runner, _write(tmp_path, [1, 2]), tmp_path / "o.json", "--yes").exit_code == 2
    done = _import(runner, tmp_path / "missing.json", tmp_path / "o.json", "--yes")
    assert done.exit_code == 2 and "missing.json" in done.output


def test_a_huge_file_is_refused_before_it_is_read(runner, tmp_path, monkeypatch):
    huge = tmp_path / "huge.json"
    with huge.open("wb") as f:
        f.truncate(litellm.MAX_LITELLM_BYTES + 1)  # sparse: no disk used
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read in full"))
    done = _import(runner, huge, tmp_path / "o.json", "--yes")
    assert done.exit_code == 2 and "at most" in done.output


def test_without_a_file_and_without_litellm_it_says_what_to_do(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "ftreport", "prices", "import-litellm", "-o",
                           str(tmp_path / "o.json"), "--yes"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, check=False)
    assert done.returncode == 2, done.stderr
    assert "model_prices_and_context_window.json" in done.stderr


def test_the_installed_litellm_copy_is_found_without_importing_litellm(tmp_path):
    package = tmp_path / "site" / "litellm"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        'raise RuntimeError("litellm was imported")\n', encoding="utf-8")
    (package / "model_prices_and_context_window_backup.json").write_text(
        json.dumps(LITELLM), encoding="utf-8")
    out = tmp_path / "mine.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(ROOT)])}
    done = subprocess.run([sys.executable, "-m", "ftreport", "prices", "import-litellm", "-o",
                           str(out), "--yes"], capture_output=True, text=True, env=env,
                          cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert "litellm was imported" not in done.stderr
    assert str(package / "model_prices_and_context_window_backup.json") in done.stdout
    assert len(read_pricebook(out).rows) == 4
